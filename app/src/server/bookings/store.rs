//! A booking's row, its reads, the lock chain (trip → parcel → booking, the one order every
//! path takes, so no two deadlock), the one place its status moves (the parcel's with it), and
//! its timeline.

use crate::error::AppError;
use crate::i18n::tr;
use crate::server::money::escrow::Charges;
use crate::server::notifications::{self, Note};
use crate::server::parcels::store as parcels;
use crate::server::trips::store as trips;
use crate::types::{
    BookingId, BookingStatus, Currency, EventKind, Money, NotificationKind, ParcelId, Side, TripId,
    UserId,
};
use ::time::OffsetDateTime;
use sqlx::PgConnection;

/// A booking row, locked or not.
#[derive(Debug, Clone)]
pub struct BookingRow {
    pub id: BookingId,
    pub parcel_id: ParcelId,
    pub trip_id: TripId,
    pub sender_id: UserId,
    pub traveler_id: UserId,
    pub initiator: Side,
    /// Whose answer a pending request waits for.
    pub awaiting: Option<Side>,
    pub status: BookingStatus,
    pub price_minor: i64,
    pub currency: Currency,
    pub weight_g: i32,
    pub counters: i32,
    pub expires_at: OffsetDateTime,
    pub created_at: OffsetDateTime,
    pub fee_minor: i64,
    pub protection_minor: i64,
    pub protected: bool,
    pub tracking_no: Option<String>,
    pub delivered_at: Option<OffsetDateTime>,
}

impl BookingRow {
    pub fn side_of(&self, user: UserId) -> Option<Side> {
        if user == self.sender_id {
            Some(Side::Sender)
        } else if user == self.traveler_id {
            Some(Side::Traveler)
        } else {
            None
        }
    }
    pub fn price(&self) -> Money {
        Money::new(self.price_minor, self.currency)
    }
    /// What the sender pays, as fixed when they last committed to the price.
    pub fn charges(&self) -> Charges {
        Charges {
            price: self.price_minor,
            fee: self.fee_minor,
            protection: self.protection_minor,
        }
    }
    /// The expiry of a pending request has passed.
    pub fn is_due(&self) -> bool {
        self.expires_at <= OffsetDateTime::now_utc()
    }
}

pub fn not_found() -> AppError {
    AppError::NotFound(tr("This booking does not exist, or it is not yours.").into())
}

pub async fn get(conn: &mut PgConnection, id: BookingId) -> Result<BookingRow, AppError> {
    sqlx::query_as!(
        BookingRow,
        r#"SELECT id AS "id: BookingId", parcel_id AS "parcel_id: ParcelId",
                  trip_id AS "trip_id: TripId", sender_id AS "sender_id: UserId",
                  traveler_id AS "traveler_id: UserId", initiator AS "initiator: Side",
                  awaiting AS "awaiting: Side", status AS "status: BookingStatus", price_minor,
                  currency AS "currency: Currency", weight_g, counters, expires_at, created_at,
                  fee_minor, protection_minor, protected, tracking_no, delivered_at
           FROM bookings WHERE id = $1"#,
        id as BookingId
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(not_found)
}

/// The booking row, locked. Callers that lock the trip or parcel too use `lock_chain`.
pub async fn lock(conn: &mut PgConnection, id: BookingId) -> Result<BookingRow, AppError> {
    sqlx::query_as!(
        BookingRow,
        r#"SELECT id AS "id: BookingId", parcel_id AS "parcel_id: ParcelId",
                  trip_id AS "trip_id: TripId", sender_id AS "sender_id: UserId",
                  traveler_id AS "traveler_id: UserId", initiator AS "initiator: Side",
                  awaiting AS "awaiting: Side", status AS "status: BookingStatus", price_minor,
                  currency AS "currency: Currency", weight_g, counters, expires_at, created_at,
                  fee_minor, protection_minor, protected, tracking_no, delivered_at
           FROM bookings WHERE id = $1 FOR UPDATE"#,
        id as BookingId
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(not_found)
}

/// Locks the booking's trip, then its parcel, then the booking itself, and gives back the fresh
/// booking row and what the locked trip says.
pub async fn lock_chain(
    conn: &mut PgConnection,
    id: BookingId,
) -> Result<(BookingRow, trips::Locked), AppError> {
    let peek = get(conn, id).await?;
    let trip = trips::lock(conn, peek.trip_id).await?;
    parcels::lock(conn, peek.parcel_id).await?;
    Ok((lock(conn, id).await?, trip))
}

/// `lock_chain` for `actor`, who must be on `side` of the booking. Strangers learn nothing (not
/// found); the other side is refused.
pub async fn lock_chain_as(
    conn: &mut PgConnection,
    actor: UserId,
    id: BookingId,
    side: Side,
) -> Result<(BookingRow, trips::Locked), AppError> {
    let peek = get(conn, id).await?;
    match peek.side_of(actor) {
        None => Err(not_found()),
        Some(s) if s != side => Err(AppError::Forbidden),
        Some(_) => lock_chain(conn, id).await,
    }
}

/// Moves a locked booking to `to`, as its life cycle allows, stamping the time of the move;
/// the parcel moves with it where its life follows the booking's.
pub async fn set_status(
    conn: &mut PgConnection,
    b: &BookingRow,
    to: BookingStatus,
) -> Result<(), AppError> {
    let from = b.status;
    if !from.can_become(to) {
        return Err(AppError::internal(format!(
            "booking {}: {from:?} cannot become {to:?}",
            b.id
        )));
    }
    let done = sqlx::query!(
        "UPDATE bookings SET status = $3, awaiting = NULL,
            accepted_at = CASE WHEN $3 = 'accepted' THEN now() ELSE accepted_at END,
            picked_up_at = CASE WHEN $3 = 'picked_up' THEN now() ELSE picked_up_at END,
            delivered_at = CASE WHEN $3 = 'delivered' THEN now() ELSE delivered_at END,
            completed_at = CASE WHEN $3 = 'completed' THEN now() ELSE completed_at END,
            updated_at = now()
         WHERE id = $1 AND status = $2",
        b.id as BookingId,
        from as BookingStatus,
        to as BookingStatus
    )
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() != 1 {
        return Err(AppError::internal(format!(
            "booking {} was not {from:?}",
            b.id
        )));
    }
    if let Some((p_from, p_to)) = to.parcel_follows() {
        parcels::set_status(conn, b.parcel_id, p_from, p_to).await?;
    }
    Ok(())
}

/// One line of the booking's timeline.
pub async fn event(
    conn: &mut PgConnection,
    booking: BookingId,
    actor: Option<UserId>,
    kind: EventKind,
    price: Option<i64>,
    note: &str,
) -> Result<(), AppError> {
    sqlx::query!(
        "INSERT INTO booking_events (booking_id, actor_id, kind, price_minor, note)
         VALUES ($1, $2, $3, $4, $5)",
        booking as BookingId,
        actor as Option<UserId>,
        kind as EventKind,
        price,
        note
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Tells one side of the booking (in the same transaction as the change it reports): a
/// notification leading to the booking, and an email unless they switched `kind` off. `write`
/// gives the subject and the body, in the member's language (it runs in it).
pub async fn notify(
    conn: &mut PgConnection,
    booking: BookingId,
    to: Side,
    kind: NotificationKind,
    write: impl FnOnce() -> (String, String),
) -> Result<(), AppError> {
    let user = sqlx::query_scalar!(
        r#"SELECT CASE WHEN $2 = 'sender' THEN sender_id ELSE traveler_id END AS "u!: UserId"
           FROM bookings WHERE id = $1"#,
        booking as BookingId,
        to as Side
    )
    .fetch_one(&mut *conn)
    .await?;
    notifications::notify(conn, user, || {
        let (title, body) = write();
        Note {
            kind,
            title,
            body,
            link: format!("/bookings/{booking}"),
            dedupe: None,
        }
    })
    .await
}

/// Whether the booking has a dispute: an open one holds completion (no "Confirm receipt", no
/// automatic completion); a settled one ended the booking.
pub async fn disputed(conn: &mut PgConnection, id: BookingId) -> Result<bool, AppError> {
    Ok(sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM disputes WHERE booking_id = $1) AS "d!""#,
        id as BookingId
    )
    .fetch_one(&mut *conn)
    .await?)
}
