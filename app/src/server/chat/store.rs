//! A conversation's row, who is in it, and whether its contact details are still masked.

use crate::error::AppError;
use crate::i18n::tr;
use crate::types::chat::ConversationId;
use crate::types::{ParcelId, TripId, UserId};
use sqlx::PgExecutor;

#[derive(Debug, Clone)]
pub struct ConversationRow {
    pub id: ConversationId,
    pub parcel_id: ParcelId,
    pub trip_id: TripId,
    pub sender_id: UserId,
    pub traveler_id: UserId,
}

impl ConversationRow {
    pub fn is_member(&self, user: UserId) -> bool {
        user == self.sender_id || user == self.traveler_id
    }

    /// The other member of the conversation.
    pub fn other(&self, user: UserId) -> UserId {
        if user == self.sender_id {
            self.traveler_id
        } else {
            self.sender_id
        }
    }
}

pub fn not_found() -> AppError {
    AppError::NotFound(tr("This conversation does not exist, or it is not yours.").into())
}

pub async fn row(db: impl PgExecutor<'_>, id: ConversationId) -> Result<ConversationRow, AppError> {
    sqlx::query_as!(
        ConversationRow,
        r#"SELECT id, parcel_id AS "parcel_id: ParcelId", trip_id AS "trip_id: TripId",
                  sender_id AS "sender_id: UserId", traveler_id AS "traveler_id: UserId"
           FROM conversations WHERE id = $1"#,
        id
    )
    .fetch_optional(db)
    .await?
    .ok_or_else(not_found)
}

/// The conversation for `user`, who must be in it (anyone else: not found).
pub async fn own(
    db: impl PgExecutor<'_>,
    user: UserId,
    id: ConversationId,
) -> Result<ConversationRow, AppError> {
    let c = row(db, id).await?;
    if c.is_member(user) {
        Ok(c)
    } else {
        Err(not_found())
    }
}

/// Contact details stay masked until a booking of this parcel on this trip is accepted.
pub async fn masking(db: impl PgExecutor<'_>, c: &ConversationRow) -> Result<bool, AppError> {
    let booked = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM bookings WHERE parcel_id = $1 AND trip_id = $2
             AND status IN ('accepted', 'picked_up', 'delivered', 'completed')) AS "e!""#,
        c.parcel_id as ParcelId,
        c.trip_id as TripId
    )
    .fetch_one(db)
    .await?;
    Ok(!booked)
}

/// Whether a report or a dispute involves the conversation (what lets an admin read it): a
/// reported message in it, or a dispute on a booking of its parcel and trip.
pub async fn under_review(db: impl PgExecutor<'_>, id: ConversationId) -> Result<bool, AppError> {
    Ok(sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM message_reports r JOIN messages m ON m.id = r.message_id
                          WHERE m.conversation_id = $1)
               OR EXISTS (SELECT 1 FROM conversations c
                          JOIN bookings b ON b.parcel_id = c.parcel_id AND b.trip_id = c.trip_id
                          JOIN disputes d ON d.booking_id = b.id
                          WHERE c.id = $1) AS "e!""#,
        id
    )
    .fetch_one(db)
    .await?)
}
