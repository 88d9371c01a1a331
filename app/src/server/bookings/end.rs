//! How bookings end (PRODUCT §6): a pending request closes (declined, withdrawn, expired, or
//! closed because the parcel or trip changed) with its money back at once; an accepted booking
//! is cancelled before pickup under the cancellation rules, or refused at pickup; a delivered
//! booking completes, releasing escrow once. All of it under the lock order.

use super::rules::late_cancel_fee;
use super::store::{self, BookingRow};
use crate::error::AppError;
use crate::i18n::{key, tr};
use crate::server::jobs::{self, JobKind};
use crate::server::money::{escrow, ledger};
use crate::server::settings;
use crate::server::trips::store as trips;
use crate::types::{
    BookingId, BookingStatus, EventKind, NotificationKind, ParcelId, Side, TripId, UserId,
};
use ::time::OffsetDateTime;
use sqlx::{PgConnection, PgPool};

/// Ends a locked pending booking with `status`, refunding what the sender paid.
pub async fn finish(
    conn: &mut PgConnection,
    b: &BookingRow,
    status: BookingStatus,
    actor: Option<UserId>,
    note: &str,
) -> Result<(), AppError> {
    let kind = match status {
        BookingStatus::Declined => EventKind::Declined,
        BookingStatus::Withdrawn => EventKind::Withdrawn,
        BookingStatus::Expired => EventKind::Expired,
        BookingStatus::Closed => EventKind::Closed,
        other => {
            return Err(AppError::internal(format!(
                "a pending booking does not end as {other:?}"
            )))
        }
    };
    store::set_status(conn, b, status).await?;
    escrow::refund(
        conn,
        b.id,
        b.sender_id,
        b.currency,
        0,
        key("Refund: the request ended"),
    )
    .await?;
    store::event(conn, b.id, actor, kind, None, note).await?;
    // Declining has its own message; the other ends are told to whoever did not do it.
    let told = match status {
        BookingStatus::Expired => key("A booking request expired without an answer. Any payment for it is back in the sender's wallet."),
        BookingStatus::Withdrawn => key("A booking request was withdrawn. Any payment for it is back in the sender's wallet."),
        BookingStatus::Closed => key("A booking request was closed: the parcel or the trip changed. Any payment for it is back in the sender's wallet."),
        _ => return Ok(()),
    };
    for side in [Side::Sender, Side::Traveler] {
        let user = if side == Side::Sender {
            b.sender_id
        } else {
            b.traveler_id
        };
        if actor == Some(user) {
            continue;
        }
        store::notify(conn, b.id, side, NotificationKind::BookingEnded, || {
            let what = status.label().to_lowercase();
            (
                crate::trf!("A booking request ended: {}", what),
                tr(told).to_string(),
            )
        })
        .await?;
    }
    Ok(())
}

/// Closes the pending requests of a parcel (booked elsewhere, changed or cancelled).
pub async fn close_pending_for_parcel(
    conn: &mut PgConnection,
    parcel: ParcelId,
    actor: Option<UserId>,
    note: &str,
) -> Result<(), AppError> {
    let ids = sqlx::query_scalar!(
        r#"SELECT id AS "id: BookingId" FROM bookings WHERE parcel_id = $1 AND status = 'pending'
           ORDER BY id"#,
        parcel as ParcelId
    )
    .fetch_all(&mut *conn)
    .await?;
    for id in ids {
        let b = store::lock(conn, id).await?;
        if b.status == BookingStatus::Pending {
            finish(conn, &b, BookingStatus::Closed, actor, note).await?;
        }
    }
    Ok(())
}

/// Whether the traveler carries a parcel on this trip now (picked up, not yet completed).
pub async fn carrying(conn: &mut PgConnection, trip: TripId) -> Result<bool, AppError> {
    Ok(sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM bookings WHERE trip_id = $1
             AND status IN ('picked_up', 'delivered')) AS "x!""#,
        trip as TripId
    )
    .fetch_one(&mut *conn)
    .await?)
}

/// The traveler cancelled the trip (the trip row is locked by the caller): pending requests
/// close; accepted bookings are cancelled with a reliability strike each, and their parcels
/// are open again.
pub async fn close_for_trip(
    conn: &mut PgConnection,
    trip: TripId,
    traveler: UserId,
) -> Result<(), AppError> {
    let rows = sqlx::query!(
        r#"SELECT id AS "id: BookingId", parcel_id AS "parcel_id: ParcelId" FROM bookings
           WHERE trip_id = $1 AND status IN ('pending', 'accepted') ORDER BY parcel_id"#,
        trip as TripId
    )
    .fetch_all(&mut *conn)
    .await?;
    let note = "The traveler cancelled the trip.";
    for r in rows {
        crate::server::parcels::store::lock(conn, r.parcel_id).await?;
        let b = store::lock(conn, r.id).await?;
        match b.status {
            BookingStatus::Pending => {
                finish(conn, &b, BookingStatus::Closed, Some(traveler), note).await?;
            }
            BookingStatus::Accepted => {
                cancel_accepted(conn, &b, 0, key("Refund: the traveler cancelled the trip"))
                    .await?;
                store::event(conn, b.id, Some(traveler), EventKind::Cancelled, None, note).await?;
                strike(conn, traveler).await?;
                store::notify(
                    conn,
                    b.id,
                    Side::Sender,
                    NotificationKind::BookingCancelled,
                    || (tr("Your booking was cancelled").to_string(), tr("The traveler cancelled the trip. Your parcel is open for booking again.").to_string()),
                )
                .await?;
            }
            _ => {}
        }
    }
    Ok(())
}

/// A traveler's reliability strike (a cancellation on their side).
pub(super) async fn strike(conn: &mut PgConnection, traveler: UserId) -> Result<(), AppError> {
    sqlx::query!(
        "UPDATE users SET reliability_strikes = reliability_strikes + 1 WHERE id = $1",
        traveler as UserId
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Ends an accepted booking before pickup (PRODUCT §6). The sender gets everything back when
/// they cancel more than 24 hours before departure, and everything but the service fee within
/// 24 hours; when the traveler cancels, the sender gets everything back and the traveler gets a
/// reliability strike. The weight returns to the trip and the parcel opens again.
#[tracing::instrument(skip(pool))]
pub async fn cancel(
    pool: &PgPool,
    actor: UserId,
    id: BookingId,
    reason: &str,
) -> Result<(), AppError> {
    end_before_pickup(pool, actor, id, reason, false).await
}

/// The traveler refuses the parcel at pickup (it does not match, or is not allowed): the
/// booking is cancelled with a full refund and no strike.
#[tracing::instrument(skip(pool))]
pub async fn refuse(
    pool: &PgPool,
    traveler: UserId,
    id: BookingId,
    reason: &str,
) -> Result<(), AppError> {
    if reason.trim().is_empty() {
        return Err(AppError::validation(
            "reason",
            crate::i18n::tr("Say what is wrong with the parcel: the sender sees it."),
        ));
    }
    end_before_pickup(pool, traveler, id, reason, true).await
}

async fn end_before_pickup(
    pool: &PgPool,
    actor: UserId,
    id: BookingId,
    reason: &str,
    refusal: bool,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let peek = store::get(&mut tx, id).await?;
    let side = peek.side_of(actor).ok_or_else(store::not_found)?;
    if refusal && side != Side::Traveler {
        return Err(AppError::Forbidden);
    }
    let (b, trip) = store::lock_chain(&mut tx, id).await?;
    match b.status {
        BookingStatus::Cancelled => return Ok(()),
        BookingStatus::Accepted => {}
        BookingStatus::PickedUp | BookingStatus::Delivered => {
            return Err(AppError::Conflict(
                tr("The parcel was picked up: it can no longer be cancelled. If something went wrong, open a dispute.").into(),
            ))
        }
        _ => {
            return Err(AppError::Conflict(
                tr("Only an accepted booking can be cancelled; a pending request can be withdrawn or declined.").into(),
            ))
        }
    }
    let keep = if side == Side::Sender {
        late_cancel_fee(&b, trip.departs_at, OffsetDateTime::now_utc())
    } else {
        0
    };
    let memo = match (refusal, side) {
        (true, _) => key("Refund: the traveler refused the parcel at pickup"),
        (false, Side::Sender) if keep > 0 => {
            key("Refund minus the service fee: cancelled within 24 hours of departure")
        }
        (false, Side::Sender) => key("Refund: you cancelled the booking"),
        (false, Side::Traveler) => key("Refund: the traveler cancelled the booking"),
    };
    cancel_accepted(&mut tx, &b, keep, memo).await?;
    if side == Side::Traveler && !refusal {
        strike(&mut tx, b.traveler_id).await?;
    }
    let kind = if refusal {
        EventKind::Refused
    } else {
        EventKind::Cancelled
    };
    store::event(&mut tx, id, Some(actor), kind, None, reason.trim()).await?;
    let (subject, body) = if refusal {
        (key("The traveler refused your parcel"), key("The traveler refused the parcel at pickup; your money is back in your wallet and the parcel is open for booking again."))
    } else {
        (
            key("A booking was cancelled"),
            key("A booking of yours on Carry was cancelled before pickup."),
        )
    };
    store::notify(
        &mut tx,
        id,
        side.other(),
        NotificationKind::BookingCancelled,
        || {
            let reason = match reason.trim() {
                "" => tr("none given"),
                given => given,
            };
            (
                tr(subject).to_string(),
                crate::trf!("{} Reason: {}", tr(body), reason),
            )
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Cancels an accepted booking (its trip, parcel and booking rows locked by the caller): the
/// weight goes back to the trip, the parcel opens again, and the escrow is refunded to the
/// sender, minus `keep` for the platform.
pub(super) async fn cancel_accepted(
    conn: &mut PgConnection,
    b: &BookingRow,
    keep: i64,
    memo: &str,
) -> Result<(), AppError> {
    store::set_status(conn, b, BookingStatus::Cancelled).await?;
    trips::release(conn, b.trip_id, b.weight_g).await?;
    escrow::refund(conn, b.id, b.sender_id, b.currency, keep, memo).await?;
    Ok(())
}

/// An accepted booking whose pickup code expired (the trip left more than 24 hours ago) and
/// that nobody picked up: cancelled by the sweep, the sender refunded in full, the parcel open
/// again. The money never stays stuck in escrow.
pub async fn expire_unpicked(conn: &mut PgConnection, id: BookingId) -> Result<bool, AppError> {
    let (b, _) = store::lock_chain(conn, id).await?;
    let due = sqlx::query_scalar!(
        r#"SELECT valid_until < now() AS "due!" FROM handoff_codes
           WHERE booking_id = $1 AND kind = 'pickup'"#,
        id as BookingId
    )
    .fetch_optional(&mut *conn)
    .await?
    .unwrap_or(false);
    if b.status != BookingStatus::Accepted || !due {
        return Ok(false);
    }
    cancel_accepted(
        conn,
        &b,
        0,
        key("Refund: the parcel was not picked up before the trip left"),
    )
    .await?;
    let note = key("The parcel was not picked up before the trip left.");
    store::event(conn, id, None, EventKind::Cancelled, None, note).await?;
    for side in [Side::Sender, Side::Traveler] {
        store::notify(conn, id, side, NotificationKind::BookingCancelled, || {
            (
                tr("A booking ended without pickup").to_string(),
                crate::trf!("{} The sender's payment is back in their wallet.", tr(note)),
            )
        })
        .await?;
    }
    Ok(true)
}

/// Every accepted booking whose pickup window closed (the sweep's part).
pub async fn expire_unpicked_due(conn: &mut PgConnection) -> Result<u64, AppError> {
    let ids = sqlx::query_scalar!(
        r#"SELECT b.id AS "id: BookingId" FROM bookings b
           JOIN handoff_codes c ON c.booking_id = b.id AND c.kind = 'pickup'
           WHERE b.status = 'accepted' AND c.valid_until < now()
           ORDER BY c.valid_until LIMIT 500"#
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut n = 0;
    for id in ids {
        if expire_unpicked(conn, id).await? {
            n += 1;
        }
    }
    Ok(n)
}

/// Completes a delivered booking and releases its escrow. Safe to race: the booking row lock
/// serialises callers, the second finds it completed, and the ledger settles a booking once.
async fn complete(
    conn: &mut PgConnection,
    b: &BookingRow,
    actor: Option<UserId>,
) -> Result<bool, AppError> {
    if b.status == BookingStatus::Completed {
        return Ok(false);
    }
    if b.status != BookingStatus::Delivered {
        return Err(AppError::Conflict(
            tr("Only a delivered booking can be completed.").into(),
        ));
    }
    escrow::release(conn, b.id, b.traveler_id, b.currency, b.charges()).await?;
    store::set_status(conn, b, BookingStatus::Completed).await?;
    // The traveler's record: one more delivery, on time when made by the parcel's deadline.
    sqlx::query!(
        "UPDATE users SET completed_deliveries = completed_deliveries + 1,
            on_time_deliveries = on_time_deliveries + CASE WHEN EXISTS (
                SELECT 1 FROM parcels p WHERE p.id = $2 AND $3::timestamptz::date <= p.deliver_by)
                THEN 1 ELSE 0 END
         WHERE id = $1",
        b.traveler_id as UserId,
        b.parcel_id as crate::types::ParcelId,
        b.delivered_at
    )
    .execute(&mut *conn)
    .await?;
    // Reviews written by then are published when the review window closes.
    let window = settings::load(&mut *conn).await?.review_window_days;
    jobs::enqueue(
        conn,
        JobKind::PublishReviews,
        serde_json::json!({ "booking": b.id.to_string() }),
        OffsetDateTime::now_utc() + ::time::Duration::days(window),
        Some(&format!("reviews:{}", b.id)),
    )
    .await?;
    let note = if actor.is_some() {
        ""
    } else {
        "Completed automatically after the waiting time."
    };
    store::event(conn, b.id, actor, EventKind::Completed, None, note).await?;
    store::notify(
        conn,
        b.id,
        Side::Traveler,
        NotificationKind::Completed,
        || {
            (
                tr("You were paid for a delivery").to_string(),
                crate::trf!(
                    "The delivery is complete: {} is in your Carry wallet.",
                    b.price()
                ),
            )
        },
    )
    .await?;
    Ok(true)
}

/// The sender confirms receipt.
#[tracing::instrument(skip(pool))]
pub async fn confirm(pool: &PgPool, sender: UserId, id: BookingId) -> Result<(), AppError> {
    let peek = store::get(&mut *pool.acquire().await?, id).await?;
    ledger::ensure_accounts_committed(
        pool,
        &ledger::release_accounts(peek.traveler_id),
        peek.currency,
    )
    .await?;
    let mut tx = pool.begin().await?;
    let (b, _) = store::lock_chain_as(&mut tx, sender, id, Side::Sender).await?;
    if store::disputed(&mut tx, id).await? {
        return Err(AppError::Conflict(
            tr("A dispute is open: Carry's team settles the payment.").into(),
        ));
    }
    complete(&mut tx, &b, Some(sender)).await?;
    tx.commit().await?;
    Ok(())
}

/// Delivered bookings past their waiting time with no completion job waiting (the sweep's
/// part): a lost job is scheduled again, one done without completing is revived, and one that
/// failed for good is retried a day after it failed (admins see it, and can retry, before).
/// Money never stays in escrow because a job went missing.
pub async fn reschedule_completions(
    conn: &mut PgConnection,
    completion_hours: i64,
) -> Result<u64, AppError> {
    let revived = sqlx::query!(
        r#"INSERT INTO jobs (kind, payload, run_at, dedupe_key)
           SELECT 'booking.complete', jsonb_build_object('booking', b.id::text), now(),
                  'complete:' || b.id::text
           FROM bookings b
           WHERE b.status = 'delivered'
             AND b.delivered_at < now() - make_interval(hours => $1::int)
             AND NOT EXISTS (SELECT 1 FROM disputes d WHERE d.booking_id = b.id)
             AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.dedupe_key = 'complete:' || b.id::text
                               AND j.done_at IS NULL
                               AND (j.failed_at IS NULL OR j.failed_at > now() - interval '1 day'))
           ON CONFLICT (dedupe_key) DO UPDATE
             SET done_at = NULL, failed_at = NULL, attempts = 0, run_at = now()"#,
        i32::try_from(completion_hours).unwrap_or(i32::MAX)
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(revived)
}

/// The completion job: completes the booking if it is still delivered (run at delivery + the
/// waiting time) and no dispute holds it.
pub async fn complete_if_due(conn: &mut PgConnection, id: BookingId) -> Result<bool, AppError> {
    let (b, _) = store::lock_chain(conn, id).await?;
    if b.status != BookingStatus::Delivered || store::disputed(conn, id).await? {
        return Ok(false);
    }
    ledger::ensure_accounts(conn, &ledger::release_accounts(b.traveler_id), b.currency).await?;
    complete(conn, &b, None).await
}
