//! After acceptance (PRODUCT §6): the pickup and delivery codes, pickup (inspection, or refusal
//! with a full refund), delivery, completion (the sender confirms, or a job does it after the
//! waiting time) which releases escrow once, cancellation before pickup, and tracking.
//!
//! Locks: parcel → booking → ledger accounts (the trip first when its capacity changes), the
//! same order as the rest of the bookings service.

use super::bookings::{self, BookingRow};
use super::{jobs, settings};
use crate::error::AppError;
use crate::market::{BookingStatus, Side};
use crate::money::TrackingView;
use crate::server::money::escrow;
use crate::server::time_fmt;
use rand::Rng;
use sqlx::{PgConnection, PgPool};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

pub const WRONG_CODES_BEFORE_LOCK: i32 = 3;
pub const LOCK_MINUTES: i64 = 15;

/// A 6-digit code from the operating system's CSPRNG.
pub fn new_code() -> String {
    format!("{:06}", rand::rngs::OsRng.gen_range(0..1_000_000u32))
}

/// A tracking number: "CR-" and 10 characters without look-alikes (about 50 bits).
pub fn new_tracking_no() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rngs::OsRng;
    let s: String = (0..10)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect();
    format!("CR-{s}")
}

/// An SVG QR code of `text`.
pub fn qr_svg(text: &str) -> Option<String> {
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    Some(
        code.render::<qrcode::render::svg::Color>()
            .min_dimensions(160, 160)
            .quiet_zone(true)
            .build(),
    )
}

/// Called inside the acceptance transaction: the tracking number and both codes. Emails the
/// delivery code to the recipient when the recipient is not the sender.
pub async fn on_accept(
    conn: &mut PgConnection,
    b: &BookingRow,
    departs_at: OffsetDateTime,
    arrives_at: OffsetDateTime,
    public_url: &str,
) -> Result<(), AppError> {
    let tracking = new_tracking_no();
    sqlx::query!(
        "UPDATE bookings SET tracking_no = $2 WHERE id = $1 AND tracking_no IS NULL",
        b.id,
        tracking
    )
    .execute(&mut *conn)
    .await?;
    let delivery = new_code();
    sqlx::query!(
        "INSERT INTO handoff_codes (booking_id, kind, code, valid_until)
         VALUES ($1, 'pickup', $2, $3), ($1, 'delivery', $4, $5)
         ON CONFLICT DO NOTHING",
        b.id,
        new_code(),
        departs_at + Duration::hours(24),
        delivery,
        arrives_at + Duration::days(7)
    )
    .execute(&mut *conn)
    .await?;
    let recipient = sqlx::query!(
        "SELECT recipient_is_sender, recipient_email, recipient_name, title FROM parcels
         WHERE id = $1",
        b.parcel_id
    )
    .fetch_one(&mut *conn)
    .await?;
    if !recipient.recipient_is_sender && !recipient.recipient_email.is_empty() {
        let body = format!(
            "Hello {},\n\nA parcel (\"{}\") is on its way to you with a Carry traveler.\n\n\
             Your delivery code is {delivery}. Give it to the traveler only when you have the \
             parcel in your hands.\n\nFollow it: {public_url}/track/{tracking}\n",
            recipient.recipient_name, recipient.title
        );
        crate::server::email::enqueue(
            &mut *conn,
            &recipient.recipient_email,
            "Your delivery code for a Carry parcel",
            &body,
            "delivery_code",
        )
        .await?;
    }
    Ok(())
}

fn conflict(msg: &str) -> AppError {
    AppError::Conflict(msg.into())
}

/// Locks trip, parcel, then booking (the lock order: a trip being cancelled and a pickup
/// queue), and checks the actor is on `side` of it.
async fn lock(
    conn: &mut PgConnection,
    actor: Uuid,
    id: Uuid,
    side: Side,
) -> Result<BookingRow, AppError> {
    let peek = bookings::booking(conn, id, false).await?;
    if peek.side_of(actor).is_none() {
        return Err(bookings::not_found());
    }
    if peek.side_of(actor) != Some(side) {
        return Err(AppError::Forbidden);
    }
    sqlx::query!(
        "SELECT id FROM trips WHERE id = $1 FOR UPDATE",
        peek.trip_id
    )
    .fetch_one(&mut *conn)
    .await?;
    bookings::lock_parcel(conn, peek.parcel_id).await?;
    bookings::booking(conn, id, true).await
}

/// The result of checking a typed code.
enum Check {
    Right,
    /// Wrong: the attempt is recorded; commit, then answer with this error.
    Wrong(AppError),
}

/// Checks a code with its row locked. Three wrong codes lock entry for 15 minutes. The code is
/// marked used here, so it is consumed only if the caller's state change commits.
async fn check_code(
    conn: &mut PgConnection,
    booking: Uuid,
    kind: &str,
    typed: &str,
) -> Result<Check, AppError> {
    let row = sqlx::query!(
        "SELECT code, valid_until, failed_attempts, locked_until, used_at FROM handoff_codes
         WHERE booking_id = $1 AND kind = $2 FOR UPDATE",
        booking,
        kind
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| AppError::internal(format!("booking {booking} has no {kind} code")))?;
    let now = OffsetDateTime::now_utc();
    if row.used_at.is_some() {
        return Err(conflict("This code was already used."));
    }
    if let Some(until) = row.locked_until.filter(|u| *u > now) {
        return Err(AppError::TooManyRequests(format!(
            "Too many wrong codes. Code entry is locked until {}.",
            time_fmt::datetime(until)
        )));
    }
    if now > row.valid_until {
        return Err(conflict(
            "This code is no longer valid. Open a dispute from the booking if you need help.",
        ));
    }
    let typed: String = typed.chars().filter(|c| c.is_ascii_digit()).collect();
    let right = typed.len() == 6
        && typed
            .bytes()
            .zip(row.code.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    if right {
        sqlx::query!(
            "UPDATE handoff_codes SET used_at = now(), failed_attempts = 0
             WHERE booking_id = $1 AND kind = $2",
            booking,
            kind
        )
        .execute(&mut *conn)
        .await?;
        return Ok(Check::Right);
    }
    let failed = row.failed_attempts + 1;
    if failed >= WRONG_CODES_BEFORE_LOCK {
        let until = now + Duration::minutes(LOCK_MINUTES);
        sqlx::query!(
            "UPDATE handoff_codes SET failed_attempts = 0, locked_until = $3
             WHERE booking_id = $1 AND kind = $2",
            booking,
            kind,
            until
        )
        .execute(&mut *conn)
        .await?;
        Ok(Check::Wrong(AppError::TooManyRequests(format!(
            "That code is wrong. After {WRONG_CODES_BEFORE_LOCK} wrong codes, code entry is locked for {LOCK_MINUTES} minutes (until {}).",
            time_fmt::datetime(until)
        ))))
    } else {
        sqlx::query!(
            "UPDATE handoff_codes SET failed_attempts = $3 WHERE booking_id = $1 AND kind = $2",
            booking,
            kind,
            failed
        )
        .execute(&mut *conn)
        .await?;
        let left = WRONG_CODES_BEFORE_LOCK - failed;
        Ok(Check::Wrong(AppError::validation(
            "code",
            format!(
                "That code is wrong. {left} more {} before entry locks for {LOCK_MINUTES} minutes.",
                if left == 1 { "try" } else { "tries" }
            ),
        )))
    }
}

/// The inspection the traveler confirms at pickup.
#[derive(Debug, Clone, Copy, Default)]
pub struct Inspection {
    pub contents_match: bool,
    pub nothing_prohibited: bool,
    pub electronics_power_on: bool,
}

/// The traveler inspected the parcel and enters the sender's pickup code.
pub async fn pick_up(
    pool: &PgPool,
    traveler: Uuid,
    id: Uuid,
    code: &str,
    inspection: Inspection,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let b = lock(&mut tx, traveler, id, Side::Traveler).await?;
    if b.status() == BookingStatus::PickedUp {
        return Ok(());
    }
    if b.status() != BookingStatus::Accepted {
        return Err(conflict("This booking is not waiting for pickup."));
    }
    if !inspection.contents_match || !inspection.nothing_prohibited {
        return Err(AppError::validation(
            "inspection",
            "Confirm the inspection before taking the parcel, or refuse it.",
        ));
    }
    match check_code(&mut tx, id, "pickup", code).await? {
        Check::Wrong(e) => {
            tx.commit().await?;
            return Err(e);
        }
        Check::Right => {}
    }
    let checklist = serde_json::json!({
        "contents_match": inspection.contents_match,
        "nothing_prohibited": inspection.nothing_prohibited,
        "electronics_power_on": inspection.electronics_power_on,
    });
    sqlx::query!(
        "UPDATE bookings SET status = 'picked_up', picked_up_at = now(), inspection = $2,
            updated_at = now() WHERE id = $1",
        id,
        checklist
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "UPDATE parcels SET status = 'picked_up', updated_at = now() WHERE id = $1",
        b.parcel_id
    )
    .execute(&mut *tx)
    .await?;
    bookings::event(&mut tx, id, Some(traveler), "picked_up", None, "").await?;
    bookings::notify(
        &mut tx,
        id,
        Side::Sender,
        "Your parcel was picked up",
        "The traveler checked your parcel and took it. Follow it from your booking.",
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The traveler enters the recipient's delivery code (with an optional photo, stored by the
/// upload route, named here).
pub async fn deliver(
    pool: &PgPool,
    traveler: Uuid,
    id: Uuid,
    code: &str,
    photo: Option<&str>,
) -> Result<(), AppError> {
    let s = settings::load(pool).await?;
    let mut tx = pool.begin().await?;
    let b = lock(&mut tx, traveler, id, Side::Traveler).await?;
    if b.status() == BookingStatus::Delivered {
        return Ok(());
    }
    if b.status() != BookingStatus::PickedUp {
        return Err(conflict(
            "This booking is not on its way: pick the parcel up first.",
        ));
    }
    match check_code(&mut tx, id, "delivery", code).await? {
        Check::Wrong(e) => {
            tx.commit().await?;
            return Err(e);
        }
        Check::Right => {}
    }
    sqlx::query!(
        "UPDATE bookings SET status = 'delivered', delivered_at = now(), delivery_photo = $2,
            updated_at = now() WHERE id = $1",
        id,
        photo
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "UPDATE parcels SET status = 'delivered', updated_at = now() WHERE id = $1",
        b.parcel_id
    )
    .execute(&mut *tx)
    .await?;
    bookings::event(&mut tx, id, Some(traveler), "delivered", None, "").await?;
    jobs::enqueue(
        &mut tx,
        jobs::COMPLETE_BOOKING,
        serde_json::json!({ "booking": id }),
        OffsetDateTime::now_utc() + Duration::hours(s.completion_hours),
        Some(&format!("complete:{id}")),
    )
    .await?;
    bookings::notify(
        &mut tx,
        id,
        Side::Sender,
        "Your parcel was delivered",
        &format!(
            "The traveler delivered your parcel. Confirm receipt from your booking; otherwise \
             it completes by itself in {} hours.",
            s.completion_hours
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub fn delivery_dir(upload_dir: &std::path::Path) -> std::path::PathBuf {
    upload_dir.join("private").join("deliveries")
}

/// Delivery with an optional photo of the handed-over parcel: the photo is checked and
/// re-encoded first (metadata dropped), kept only if the delivery goes through.
pub async fn deliver_with_photo(
    pool: &PgPool,
    upload_dir: &std::path::Path,
    traveler: Uuid,
    id: Uuid,
    code: &str,
    photo: Option<Vec<u8>>,
) -> Result<(), AppError> {
    let Some(bytes) = photo else {
        return deliver(pool, traveler, id, code, None).await;
    };
    let jpeg = tokio::task::spawn_blocking(move || super::photos::process(&bytes))
        .await
        .map_err(AppError::internal)?
        .map_err(|e| AppError::validation("photo", format!("Photo: {e}")))?
        .full;
    let name = format!("{id}-{}.jpg", Uuid::new_v4());
    let dir = delivery_dir(upload_dir);
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(AppError::internal)?;
    let path = dir.join(&name);
    tokio::fs::write(&path, jpeg)
        .await
        .map_err(AppError::internal)?;
    let done = deliver(pool, traveler, id, code, Some(&name)).await;
    if done.is_err() {
        let _ = tokio::fs::remove_file(&path).await;
    }
    done
}

/// The delivery photo's file, for the booking's two sides and admins.
pub async fn delivery_photo_file(
    pool: &PgPool,
    upload_dir: &std::path::Path,
    viewer: Uuid,
    admin: bool,
    id: Uuid,
) -> Result<std::path::PathBuf, AppError> {
    let b = bookings::booking(&mut *pool.acquire().await?, id, false).await?;
    if b.side_of(viewer).is_none() && !admin {
        return Err(bookings::not_found());
    }
    let name: Option<String> =
        sqlx::query_scalar!("SELECT delivery_photo FROM bookings WHERE id = $1", id)
            .fetch_one(pool)
            .await?;
    name.map(|n| delivery_dir(upload_dir).join(n))
        .ok_or_else(|| AppError::NotFound("No photo was attached to this delivery.".into()))
}

/// Completes a delivered booking and releases its escrow. Safe to race: the booking row lock
/// serialises callers, the second finds it completed, and the ledger settles a booking once.
async fn complete(
    conn: &mut PgConnection,
    b: &BookingRow,
    actor: Option<Uuid>,
) -> Result<bool, AppError> {
    if b.status() == BookingStatus::Completed {
        return Ok(false);
    }
    if b.status() != BookingStatus::Delivered {
        return Err(conflict("Only a delivered booking can be completed."));
    }
    escrow::release(conn, b.id, b.traveler_id, b.price().currency, b.charges()).await?;
    sqlx::query!(
        "UPDATE bookings SET status = 'completed', completed_at = now(), updated_at = now()
         WHERE id = $1",
        b.id
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "UPDATE parcels SET status = 'completed', updated_at = now() WHERE id = $1",
        b.parcel_id
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "UPDATE users SET completed_deliveries = completed_deliveries + 1 WHERE id = $1",
        b.traveler_id
    )
    .execute(&mut *conn)
    .await?;
    let note = if actor.is_some() {
        ""
    } else {
        "Completed automatically after the waiting time."
    };
    bookings::event(conn, b.id, actor, "completed", None, note).await?;
    bookings::notify(
        conn,
        b.id,
        Side::Traveler,
        "You were paid for a delivery",
        &format!(
            "The delivery is complete: {} is in your Carry wallet.",
            b.price()
        ),
    )
    .await?;
    Ok(true)
}

/// The sender confirms receipt.
pub async fn confirm(pool: &PgPool, sender: Uuid, id: Uuid) -> Result<(), AppError> {
    let peek = bookings::booking(&mut *pool.acquire().await?, id, false).await?;
    crate::server::money::ledger::ensure_accounts_committed(
        pool,
        &crate::server::money::ledger::release_accounts(peek.traveler_id),
        peek.price().currency,
    )
    .await?;
    let mut tx = pool.begin().await?;
    let b = lock(&mut tx, sender, id, Side::Sender).await?;
    complete(&mut tx, &b, Some(sender)).await?;
    tx.commit().await?;
    Ok(())
}

/// The completion job: completes the booking if it is still delivered (run at delivery + the
/// waiting time; a dispute, when disputes exist, will hold it).
pub async fn complete_if_due(conn: &mut PgConnection, id: Uuid) -> Result<bool, AppError> {
    let peek = bookings::booking(conn, id, false).await?;
    bookings::lock_parcel(conn, peek.parcel_id).await?;
    let b = bookings::booking(conn, id, true).await?;
    if b.status() != BookingStatus::Delivered {
        return Ok(false);
    }
    crate::server::money::ledger::ensure_accounts(
        conn,
        &crate::server::money::ledger::release_accounts(b.traveler_id),
        b.price().currency,
    )
    .await?;
    complete(conn, &b, None).await
}

/// What the tracking page shows: the route, the state and the timeline, nothing private.
pub async fn tracking(pool: &PgPool, number: &str) -> Result<TrackingView, AppError> {
    let missing =
        || AppError::NotFound("No parcel has this tracking number. Check it and try again.".into());
    let number = number.trim().to_ascii_uppercase();
    if number.len() > 20 {
        return Err(missing());
    }
    let b = sqlx::query!(
        "SELECT b.id, b.status, o.label AS origin, d.label AS destination
         FROM bookings b JOIN trips t ON t.id = b.trip_id
         JOIN places o ON o.id = t.origin_metro_id JOIN places d ON d.id = t.destination_metro_id
         WHERE b.tracking_no = $1",
        number
    )
    .fetch_optional(pool)
    .await?
    .ok_or_else(missing)?;
    let events = sqlx::query!(
        "SELECT kind, created_at FROM booking_events WHERE booking_id = $1
           AND kind IN ('accepted', 'picked_up', 'delivered', 'completed', 'cancelled', 'refused')
         ORDER BY id",
        b.id
    )
    .fetch_all(pool)
    .await?;
    Ok(TrackingView {
        number,
        route: format!("{} → {}", b.origin, b.destination),
        status: BookingStatus::parse(&b.status).unwrap_or(BookingStatus::Accepted),
        events: events
            .into_iter()
            .map(|e| {
                let what = match e.kind.as_str() {
                    "accepted" => "Booked with a traveler",
                    "picked_up" => "Picked up and inspected by the traveler",
                    "delivered" => "Delivered to the recipient",
                    "completed" => "Completed",
                    "refused" => "Refused at pickup",
                    _ => "Cancelled",
                };
                (time_fmt::datetime(e.created_at), what.to_string())
            })
            .collect(),
    })
}
