//! Disputes (PRODUCT §11). The sender opens one after delivery and before completion, or when a
//! picked-up parcel is still undelivered `not_delivered_hours` after its deadline. An open
//! dispute holds completion. The traveler answers within `dispute_response_hours`; both (and
//! Carry's team) add messages and photos. An admin settles it once the traveler has answered or
//! the window has closed: a full refund, a full release, or a split of the price, plus a
//! protection payout where protection was bought. The escrow is settled exactly once, in the
//! transaction that marks the dispute resolved, with the decision in the audit log.

use crate::error::{printable, AppError};
use crate::i18n::tr;
use crate::server::bookings::store::{self, BookingRow};
use crate::server::money::escrow::{self, Settlement};
use crate::server::money::ledger::{self, Acct};
use crate::server::parcels::store as parcels;
use crate::server::{audit, settings, time};
use crate::types::{
    BookingId, BookingStatus, Currency, DisputeOutcome, DisputeReason, EventKind, Money,
    NotificationKind, ParcelStatus, Side, UserId,
};
use ::time::{Duration, OffsetDateTime, Time};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

mod evidence;
mod view;

pub use evidence::{image_file, store_image};
pub use view::{for_booking, page_for, queue, view};

pub const MAX_TEXT: usize = 4000;

pub(super) fn not_found() -> AppError {
    AppError::NotFound(tr("This dispute does not exist, or it is not yours.").into())
}

fn text(field: &str, body: &str, required: bool) -> Result<String, AppError> {
    let body = body.trim();
    if !printable(body, true) {
        return Err(AppError::validation(
            field,
            crate::i18n::tr("This has characters we can't show; type it again."),
        ));
    }
    if required && body.is_empty() {
        return Err(AppError::validation(field, tr("Say what happened.")));
    }
    if body.chars().count() > MAX_TEXT {
        return Err(AppError::validation(
            field,
            crate::i18n::tr("This can be at most 4,000 characters."),
        ));
    }
    Ok(body.to_string())
}

/// From when a picked-up parcel counts as not delivered: its deadline's end plus the setting.
fn undelivered_from(deliver_by: ::time::Date, hours: i64) -> OffsetDateTime {
    deliver_by
        .next_day()
        .unwrap_or(deliver_by)
        .with_time(Time::MIDNIGHT)
        .assume_utc()
        + Duration::hours(hours)
}

/// Whether the sender may open a dispute on this booking now, or why not.
pub(super) fn may_open(
    b: &BookingRow,
    deliver_by: ::time::Date,
    s: &settings::Settings,
) -> Result<(), AppError> {
    match b.status {
        BookingStatus::Delivered => Ok(()),
        BookingStatus::PickedUp => {
            let from = undelivered_from(deliver_by, s.not_delivered_hours);
            if OffsetDateTime::now_utc() >= from {
                Ok(())
            } else {
                Err(AppError::Conflict(crate::trf!("The parcel is on its way. If it is still not delivered by {}, you can open a dispute then.", time::datetime(from))))
            }
        }
        _ => Err(AppError::Conflict(
            tr("A dispute can be opened after delivery and before completion, or when a parcel is not delivered.").into(),
        )),
    }
}

async fn tell(
    conn: &mut PgConnection,
    booking: BookingId,
    to: Side,
    write: impl FnOnce() -> (String, String),
) -> Result<(), AppError> {
    store::notify(conn, booking, to, NotificationKind::Dispute, write).await
}

/// The sender opens a dispute; `what` is their account of it (the first message).
#[tracing::instrument(skip(pool, what))]
pub async fn open(
    pool: &PgPool,
    sender: UserId,
    booking: BookingId,
    reason: DisputeReason,
    what: &str,
) -> Result<Uuid, AppError> {
    let what = text("what", what, true)?;
    let s = settings::current(pool).await?;
    let mut tx = pool.begin().await?;
    let (b, _) = store::lock_chain(&mut tx, booking).await?;
    if b.sender_id != sender {
        return Err(AppError::NotFound(
            tr("This booking does not exist, or it is not yours.").into(),
        ));
    }
    let parcel = parcels::row(&mut *tx, b.parcel_id).await?;
    may_open(&b, parcel.deliver_by, &s)?;
    let respond_by = OffsetDateTime::now_utc() + Duration::hours(s.dispute_response_hours);
    let id = sqlx::query_scalar!(
        "INSERT INTO disputes (booking_id, opened_by, reason, respond_by) VALUES ($1, $2, $3, $4)
         ON CONFLICT (booking_id) DO NOTHING RETURNING id",
        booking as BookingId,
        sender as UserId,
        reason as DisputeReason,
        respond_by
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| {
        AppError::Conflict(tr("This booking already has a dispute: add to it instead.").into())
    })?;
    sqlx::query!(
        "INSERT INTO dispute_messages (dispute_id, author_id, body) VALUES ($1, $2, $3)",
        id,
        sender as UserId,
        what
    )
    .execute(&mut *tx)
    .await?;
    store::event(
        &mut tx,
        booking,
        Some(sender),
        EventKind::Disputed,
        None,
        reason.label(),
    )
    .await?;
    tell(
        &mut tx,
        booking,
        Side::Traveler,
        || {
            (
                tr("The sender opened a dispute").to_string(),
                crate::trf!("Reason: {}. Answer on the booking's page by {}; the payment stays held until Carry's team decides.", reason.label(), time::datetime(respond_by)),
            )
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub(super) struct Row {
    pub(super) id: Uuid,
    pub(super) booking_id: BookingId,
    pub(super) status: String,
    pub(super) reason: DisputeReason,
    pub(super) respond_by: OffsetDateTime,
    pub(super) responded_at: Option<OffsetDateTime>,
    pub(super) created_at: OffsetDateTime,
    pub(super) outcome: Option<DisputeOutcome>,
    pub(super) sender_percent: Option<i32>,
    pub(super) payout_minor: i64,
    pub(super) decision_note: String,
    pub(super) sender_id: UserId,
    pub(super) traveler_id: UserId,
}

/// The dispute with its booking's two sides, locked (outside a transaction the lock ends at
/// once).
pub(super) async fn row(conn: &mut PgConnection, id: Uuid) -> Result<Row, AppError> {
    sqlx::query_as!(
        Row,
        r#"SELECT d.id, d.booking_id AS "booking_id: BookingId", d.status,
                  d.reason AS "reason: DisputeReason", d.respond_by, d.responded_at,
                  d.created_at, d.outcome AS "outcome: DisputeOutcome", d.sender_percent,
                  d.payout_minor, d.decision_note, b.sender_id AS "sender_id: UserId",
                  b.traveler_id AS "traveler_id: UserId"
           FROM disputes d JOIN bookings b ON b.id = d.booking_id WHERE d.id = $1
           FOR UPDATE OF d"#,
        id
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(not_found)
}

impl Row {
    pub(super) fn side_of(&self, user: UserId) -> Option<Side> {
        if user == self.sender_id {
            Some(Side::Sender)
        } else if user == self.traveler_id {
            Some(Side::Traveler)
        } else {
            None
        }
    }
    pub(super) fn open(&self) -> bool {
        self.status == "open"
    }
    pub(super) fn can_decide(&self) -> bool {
        self.open() && (self.responded_at.is_some() || OffsetDateTime::now_utc() > self.respond_by)
    }
}

/// Adds a message (and a photo already stored by `store_image`) to an open dispute: its two
/// sides, or an admin. The traveler's first message is their answer.
#[tracing::instrument(skip(pool, body))]
pub async fn post(
    pool: &PgPool,
    user: UserId,
    admin: bool,
    id: Uuid,
    body: &str,
    image: Option<String>,
) -> Result<(), AppError> {
    let body = text("body", body, image.is_none())?;
    let mut tx = pool.begin().await?;
    let d = row(&mut tx, id).await?;
    let side = d.side_of(user);
    if side.is_none() && !admin {
        return Err(not_found());
    }
    if !d.open() {
        return Err(AppError::Conflict(
            tr("This dispute is settled: it takes no more messages.").into(),
        ));
    }
    sqlx::query!(
        "INSERT INTO dispute_messages (dispute_id, author_id, body, image_file) VALUES ($1, $2, $3, $4)",
        id,
        user as UserId,
        body,
        image
    )
    .execute(&mut *tx)
    .await?;
    if side == Some(Side::Traveler) && d.responded_at.is_none() {
        sqlx::query!("UPDATE disputes SET responded_at = now() WHERE id = $1", id)
            .execute(&mut *tx)
            .await?;
    }
    for to in [Side::Sender, Side::Traveler] {
        if side != Some(to) {
            tell(&mut tx, d.booking_id, to, || {
                (
                    tr("New in your dispute").to_string(),
                    tr("There is a new message in the dispute about your booking.").to_string(),
                )
            })
            .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// The admin's decision.
#[derive(Debug, Clone)]
pub struct Decision {
    pub outcome: DisputeOutcome,
    /// For a split: the share of the price refunded to the sender, 0 to 100.
    pub sender_percent: String,
    /// The protection payout, as typed (empty for none).
    pub payout: String,
    pub note: String,
}

/// The largest protection payout: the declared value, up to the cap; nothing without
/// protection.
pub(super) fn max_payout(b: &BookingRow, declared: i64, s: &settings::Settings) -> i64 {
    if !b.protected {
        return 0;
    }
    declared.min(s.rates.euros(s.protection_max_units, b.currency).minor)
}

/// An admin settles an open dispute. A second decision is refused: the money moves once.
#[tracing::instrument(skip(pool, d))]
pub async fn resolve(pool: &PgPool, admin: UserId, id: Uuid, d: &Decision) -> Result<(), AppError> {
    let note = text("note", &d.note, false)?;
    let percent = match d.outcome {
        DisputeOutcome::Refund => 100,
        DisputeOutcome::Release => 0,
        DisputeOutcome::Split => match d.sender_percent.trim().parse::<i64>() {
            Ok(p) if (0..=100).contains(&p) => p,
            _ => {
                return Err(AppError::validation(
                    "sender_percent",
                    crate::i18n::tr("Give the sender's share as a whole percentage from 0 to 100."),
                ))
            }
        },
    };
    let s = settings::current(pool).await?;
    let peek = {
        let mut conn = pool.acquire().await?;
        row(&mut conn, id).await?
    };
    let mut conn = pool.acquire().await?;
    let b0 = store::get(&mut conn, peek.booking_id).await?;
    drop(conn);
    let payout = if d.payout.trim().is_empty() {
        0
    } else {
        Money::parse(&d.payout, b0.currency)
            .map_err(|m| AppError::validation("payout", m))?
            .minor
    };
    ledger::ensure_accounts_committed(
        pool,
        &[
            Acct::User(b0.sender_id),
            Acct::User(b0.traveler_id),
            Acct::Fees,
            Acct::Protection,
        ],
        b0.currency,
    )
    .await?;
    let mut tx = pool.begin().await?;
    let (b, _) = store::lock_chain(&mut tx, peek.booking_id).await?;
    let dispute = row(&mut tx, id).await?;
    if !dispute.open() {
        return Err(AppError::Conflict(
            tr("This dispute is already settled; the money moved once.").into(),
        ));
    }
    if !dispute.can_decide() {
        return Err(AppError::Conflict(crate::trf!(
            "The traveler has until {} to answer; decide after that, or once they have.",
            time::datetime(dispute.respond_by)
        )));
    }
    let parcel = parcels::row(&mut *tx, b.parcel_id).await?;
    let max = max_payout(&b, parcel.declared_value_minor, &s);
    if payout > max {
        return Err(AppError::validation(
            "payout",
            if max == 0 {
                tr("This booking has no protection: no payout.").to_string()
            } else {
                crate::trf!(
                    "At most {} (the declared value, up to the cap).",
                    Money::new(max, b.currency)
                )
            },
        ));
    }
    let c = b.charges();
    let share = (c.price * percent + 50) / 100;
    escrow::settle_dispute(
        &mut tx,
        b.id,
        b.sender_id,
        b.traveler_id,
        b.currency,
        c,
        Settlement {
            sender_share: share,
            full_refund: d.outcome == DisputeOutcome::Refund,
            payout,
        },
    )
    .await?;
    let parcel_from = if b.status == BookingStatus::Delivered {
        ParcelStatus::Delivered
    } else {
        ParcelStatus::PickedUp
    };
    store::set_status(&mut tx, &b, BookingStatus::Resolved).await?;
    parcels::set_status(&mut tx, b.parcel_id, parcel_from, ParcelStatus::Completed).await?;
    sqlx::query!(
        "UPDATE disputes SET status = 'resolved', outcome = $2, sender_percent = $3,
            payout_minor = $4, decided_by = $5, decided_at = now(), decision_note = $6
         WHERE id = $1",
        id,
        d.outcome as DisputeOutcome,
        i32::try_from(percent).unwrap_or(0),
        payout,
        admin as UserId,
        note
    )
    .execute(&mut *tx)
    .await?;
    let summary = outcome_words(d.outcome, percent, c.price, payout, b.currency);
    store::event(
        &mut tx,
        b.id,
        Some(admin),
        EventKind::Resolved,
        None,
        &summary,
    )
    .await?;
    let after = serde_json::json!({
        "outcome": d.outcome.code(), "sender_percent": percent, "payout_minor": payout,
        "currency": b.currency.code(), "note": note,
    })
    .to_string();
    audit::record(
        &mut tx,
        Some(admin),
        "dispute.resolve",
        &id.to_string(),
        Some(r#"{"status":"open"}"#),
        Some(&after),
    )
    .await?;
    for to in [Side::Sender, Side::Traveler] {
        tell(&mut tx, b.id, to, || {
            (
                tr("Your dispute is settled").to_string(),
                outcome_words(d.outcome, percent, c.price, payout, b.currency),
            )
        })
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

pub(super) fn outcome_words(
    o: DisputeOutcome,
    percent: i64,
    price: i64,
    payout: i64,
    c: Currency,
) -> String {
    let share = (price * percent + 50) / 100;
    let mut w = match o {
        DisputeOutcome::Refund => tr("Full refund to the sender.").to_string(),
        DisputeOutcome::Release => tr("The traveler is paid in full.").to_string(),
        DisputeOutcome::Split => crate::trf!(
            "Split: {} back to the sender ({}%), {} to the traveler.",
            Money::new(share, c),
            percent,
            Money::new(price - share, c)
        ),
    };
    if payout > 0 {
        w.push_str(&crate::trf!(
            " Protection pays the sender {}.",
            Money::new(payout, c)
        ));
    }
    w
}
