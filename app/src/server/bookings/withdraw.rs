//! What a moderation decision ends, in the admin's transaction and under the lock order (trip →
//! parcel → booking): a removed trip or parcel, and everything open of a banned member. Pending
//! requests close with the money back; accepted bookings are cancelled under the rules of the
//! side that leaves (a traveler's strike and a full refund; a sender's late-cancellation fee);
//! what was picked up goes on to delivery or a dispute.

use super::end::{cancel_accepted, close_for_trip, close_pending_for_parcel, finish, strike};
use super::rules::late_cancel_fee;
use super::store;
use crate::error::AppError;
use crate::i18n::{key, tr};
use crate::server::parcels::store as parcels;
use crate::server::trips::store as trips;
use crate::types::{
    BookingId, BookingStatus, EventKind, NotificationKind, ParcelId, ParcelStatus, Side, TripId,
    TripStatus, UserId,
};
use ::time::OffsetDateTime;
use sqlx::PgConnection;

/// Takes a published trip off the marketplace as if its traveler cancelled it. Refused while
/// the traveler carries a parcel on it (that booking must end by delivery or a dispute).
pub async fn remove_trip(conn: &mut PgConnection, id: TripId) -> Result<(), AppError> {
    let t = trips::lock(conn, id).await?;
    if t.status != TripStatus::Published {
        return Err(AppError::Conflict(
            tr("This trip is no longer listed.").into(),
        ));
    }
    if super::end::carrying(conn, id).await? {
        return Err(AppError::Conflict(
            crate::i18n::tr(
                "The traveler carries a parcel on this trip now, so it cannot be removed before \
             delivery. Suspend the member to hide it from search.",
            )
            .into(),
        ));
    }
    trips::set_status(conn, id, TripStatus::Published, TripStatus::Cancelled).await?;
    close_for_trip(conn, id, t.traveler_id).await
}

/// Takes a parcel off the marketplace: an accepted booking not yet picked up is cancelled under
/// the sender's rules, open requests close, and the parcel is withdrawn.
pub async fn remove_parcel(
    conn: &mut PgConnection,
    id: ParcelId,
    note: &str,
) -> Result<(), AppError> {
    let accepted = sqlx::query_scalar!(
        r#"SELECT id AS "id: BookingId" FROM bookings WHERE parcel_id = $1 AND status = 'accepted'"#,
        id as ParcelId
    )
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(b) = accepted {
        cancel_for(conn, b, None, note).await?;
    }
    let p = parcels::lock(conn, id).await?;
    if !p.status.is_editable() {
        return Err(AppError::Conflict(
            tr("This parcel is no longer listed (picked up, delivered or withdrawn).").into(),
        ));
    }
    parcels::set_status(conn, id, p.status, ParcelStatus::Cancelled).await?;
    close_pending_for_parcel(conn, id, None, note).await
}

/// A banned member leaves: their published trips are cancelled (except one they carry a parcel
/// on), their other pending requests close, their accepted bookings are cancelled under their
/// side's rules, and their open parcels are withdrawn.
pub async fn remove_member(
    conn: &mut PgConnection,
    member: UserId,
    note: &str,
) -> Result<(), AppError> {
    let trip_ids = sqlx::query_scalar!(
        r#"SELECT id AS "id: TripId" FROM trips WHERE traveler_id = $1 AND status = 'published'
           ORDER BY id"#,
        member as UserId
    )
    .fetch_all(&mut *conn)
    .await?;
    for id in trip_ids {
        let t = trips::lock(conn, id).await?;
        if t.status == TripStatus::Published && !super::end::carrying(conn, id).await? {
            trips::set_status(conn, id, TripStatus::Published, TripStatus::Cancelled).await?;
            close_for_trip(conn, id, member).await?;
        }
    }
    let bookings = sqlx::query_scalar!(
        r#"SELECT id AS "id: BookingId" FROM bookings
           WHERE (sender_id = $1 OR traveler_id = $1) AND status IN ('pending', 'accepted')
           ORDER BY id"#,
        member as UserId
    )
    .fetch_all(&mut *conn)
    .await?;
    for id in bookings {
        cancel_for(conn, id, Some(member), note).await?;
    }
    let parcel_ids = sqlx::query_scalar!(
        r#"SELECT id AS "id: ParcelId" FROM parcels
           WHERE sender_id = $1 AND status IN ('open', 'in_review', 'rejected') ORDER BY id"#,
        member as UserId
    )
    .fetch_all(&mut *conn)
    .await?;
    for id in parcel_ids {
        let p = parcels::lock(conn, id).await?;
        if p.status.is_editable() {
            parcels::set_status(conn, id, p.status, ParcelStatus::Cancelled).await?;
        }
    }
    Ok(())
}

/// Ends one booking because a member leaves (`leaving`; `None`: the parcel's sender, whose
/// listing was removed): a pending request closes with the money back; an accepted booking is
/// cancelled under the leaving side's rules and the other side is told.
async fn cancel_for(
    conn: &mut PgConnection,
    id: BookingId,
    leaving: Option<UserId>,
    note: &str,
) -> Result<(), AppError> {
    let (b, trip) = store::lock_chain(conn, id).await?;
    match b.status {
        BookingStatus::Pending => finish(conn, &b, BookingStatus::Closed, None, note).await,
        BookingStatus::Accepted => {
            let side = match leaving {
                Some(user) => b.side_of(user).ok_or_else(store::not_found)?,
                None => Side::Sender,
            };
            let (keep, memo) = match side {
                Side::Sender => {
                    let keep = late_cancel_fee(&b, trip.departs_at, OffsetDateTime::now_utc());
                    (keep, key("Refund: the booking was cancelled by moderation"))
                }
                Side::Traveler => (0, key("Refund: the traveler can no longer carry it")),
            };
            cancel_accepted(conn, &b, keep, memo).await?;
            if side == Side::Traveler {
                strike(conn, b.traveler_id).await?;
            }
            store::event(conn, b.id, None, EventKind::Cancelled, None, note).await?;
            let body = match side {
                Side::Traveler => key("The traveler can no longer carry your parcel, so the booking was cancelled. Your money is back in your wallet and the parcel is open for booking again."),
                Side::Sender => key("The sender's parcel was taken off Carry, so the booking was cancelled. The weight is free again on your trip."),
            };
            store::notify(
                conn,
                b.id,
                side.other(),
                NotificationKind::BookingCancelled,
                || {
                    (
                        tr("A booking was cancelled").to_string(),
                        tr(body).to_string(),
                    )
                },
            )
            .await
        }
        _ => Ok(()),
    }
}
