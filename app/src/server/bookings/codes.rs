//! The handoff codes of an accepted booking (PRODUCT §6): a tracking number and two 6-digit
//! codes from the OS CSPRNG, each with a QR code. Checking a code locks its row; three wrong
//! codes lock entry for 15 minutes; a right code is used up in the same transaction as the
//! state change it allows.

use super::store::BookingRow;
use crate::error::AppError;
use crate::i18n::tr;
use crate::server::{email, time};
use crate::types::{BookingId, CodeKind};
use ::time::{Duration, OffsetDateTime};
use rand::Rng;
use sqlx::PgConnection;

pub const WRONG_CODES_BEFORE_LOCK: i32 = 3;
pub const LOCK_MINUTES: i64 = 15;
/// The pickup code works until the trip departs + this; the delivery code until arrival + 7 days.
pub const PICKUP_GRACE: Duration = Duration::hours(24);
pub const DELIVERY_GRACE: Duration = Duration::days(7);

/// A 6-digit code from the operating system's CSPRNG.
pub fn new_code() -> String {
    format!("{:06}", rand::rngs::OsRng.gen_range(0..1_000_000u32))
}

/// A tracking number: "CR-" and 10 characters without look-alikes (about 50 bits).
pub fn new_tracking_no() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rngs::OsRng;
    let s: String = (0..10)
        .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
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
        b.id as BookingId,
        tracking
    )
    .execute(&mut *conn)
    .await?;
    let delivery = new_code();
    sqlx::query!(
        "INSERT INTO handoff_codes (booking_id, kind, code, valid_until)
         VALUES ($1, 'pickup', $2, $3), ($1, 'delivery', $4, $5)
         ON CONFLICT DO NOTHING",
        b.id as BookingId,
        new_code(),
        departs_at + PICKUP_GRACE,
        delivery,
        arrives_at + DELIVERY_GRACE
    )
    .execute(&mut *conn)
    .await?;
    let recipient = sqlx::query!(
        "SELECT recipient_is_sender, recipient_email, recipient_name, title FROM parcels
         WHERE id = $1",
        b.parcel_id as _
    )
    .fetch_one(&mut *conn)
    .await?;
    if !recipient.recipient_is_sender && !recipient.recipient_email.is_empty() {
        let body = crate::trf!(
            "Hello {},\n\nA parcel (\"{}\") is on its way to you with a Carry traveler.\n\n\
             Your delivery code is {}. Give it to the traveler only when you have the \
             parcel in your hands.\n\nFollow it: {}/track?number={}\n",
            recipient.recipient_name,
            recipient.title,
            delivery,
            public_url,
            tracking
        );
        email::enqueue(
            &mut *conn,
            &recipient.recipient_email,
            tr("Your delivery code for a Carry parcel"),
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

/// The result of checking a typed code.
pub enum Check {
    Right,
    /// Wrong: the attempt is recorded; commit, then answer with this error.
    Wrong(AppError),
}

/// Checks a code with its row locked. Three wrong codes lock entry for 15 minutes. The code is
/// marked used here, so it is consumed only if the caller's state change commits.
pub async fn check(
    conn: &mut PgConnection,
    booking: BookingId,
    kind: CodeKind,
    typed: &str,
) -> Result<Check, AppError> {
    let row = sqlx::query!(
        "SELECT code, valid_until, failed_attempts, locked_until, used_at FROM handoff_codes
         WHERE booking_id = $1 AND kind = $2 FOR UPDATE",
        booking as BookingId,
        kind as CodeKind
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| AppError::internal(format!("booking {booking} has no {kind:?} code")))?;
    let now = OffsetDateTime::now_utc();
    if row.used_at.is_some() {
        return Err(conflict("This code was already used."));
    }
    if let Some(until) = row.locked_until.filter(|u| *u > now) {
        return Err(AppError::TooManyRequests(crate::trf!(
            "Too many wrong codes. Code entry is locked until {}.",
            time::datetime(until)
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
            booking as BookingId,
            kind as CodeKind
        )
        .execute(&mut *conn)
        .await?;
        return Ok(Check::Right);
    }
    wrong(conn, booking, kind, row.failed_attempts + 1, now).await
}

/// Records a wrong code; the third locks entry.
async fn wrong(
    conn: &mut PgConnection,
    booking: BookingId,
    kind: CodeKind,
    failed: i32,
    now: OffsetDateTime,
) -> Result<Check, AppError> {
    if failed >= WRONG_CODES_BEFORE_LOCK {
        let until = now + Duration::minutes(LOCK_MINUTES);
        sqlx::query!(
            "UPDATE handoff_codes SET failed_attempts = 0, locked_until = $3
             WHERE booking_id = $1 AND kind = $2",
            booking as BookingId,
            kind as CodeKind,
            until
        )
        .execute(&mut *conn)
        .await?;
        return Ok(Check::Wrong(AppError::TooManyRequests(crate::trf!("That code is wrong. After {} wrong codes, code entry is locked for {} minutes (until {}).", WRONG_CODES_BEFORE_LOCK, LOCK_MINUTES, time::datetime(until)))));
    }
    sqlx::query!(
        "UPDATE handoff_codes SET failed_attempts = $3 WHERE booking_id = $1 AND kind = $2",
        booking as BookingId,
        kind as CodeKind,
        failed
    )
    .execute(&mut *conn)
    .await?;
    let left = WRONG_CODES_BEFORE_LOCK - failed;
    Ok(Check::Wrong(AppError::validation(
        "code",
        crate::trf!(
            "That code is wrong. {} more {} before entry locks for {} minutes.",
            left,
            if left == 1 { tr("try") } else { tr("tries") },
            LOCK_MINUTES
        ),
    )))
}
