//! What the sides of a dispute, and admins, read: the thread, the outcome, the console.

use super::{max_payout, may_open, not_found, outcome_words, row, Row};
use crate::error::AppError;
use crate::i18n::tr;
use crate::server::bookings::store;
use crate::server::money::ledger::{self, Acct};
use crate::server::parcels::store as parcels;
use crate::server::{settings, time};
use crate::types::disputes::{DisputeItem, DisputeMessage, DisputeState, DisputeView};
use crate::types::{BookingId, Currency, DisputeOutcome, DisputeReason, Money, Side, UserId};
use sqlx::PgPool;
use uuid::Uuid;

async fn view_of(
    pool: &PgPool,
    d: Row,
    viewer: UserId,
    admin: bool,
    tz: &str,
) -> Result<DisputeView, AppError> {
    let s = settings::current(pool).await?;
    let mut conn = pool.acquire().await?;
    let b = store::get(&mut conn, d.booking_id).await?;
    let parcel = parcels::row(&mut *conn, b.parcel_id).await?;
    let held = ledger::balance(&mut conn, Acct::Escrow(b.id), b.currency).await?;
    drop(conn);
    let msgs = sqlx::query!(
        r#"SELECT m.author_id AS "author_id: UserId", u.display_name, m.body, m.image_file,
                  m.created_at
           FROM dispute_messages m JOIN users u ON u.id = m.author_id
           WHERE m.dispute_id = $1 ORDER BY m.id"#,
        d.id
    )
    .fetch_all(pool)
    .await?;
    let names = (
        msgs.first()
            .map(|m| m.display_name.clone())
            .unwrap_or_default(),
        sqlx::query_scalar!(
            "SELECT display_name FROM users WHERE id = $1",
            d.traveler_id as UserId
        )
        .fetch_one(pool)
        .await?,
    );
    let messages = msgs
        .into_iter()
        .map(|m| DisputeMessage {
            role: match d.side_of(m.author_id) {
                Some(Side::Sender) => tr("Sender").into(),
                Some(Side::Traveler) => tr("Traveler").into(),
                None => crate::BRAND.into(),
            },
            author: m.display_name,
            body: m.body,
            image: m.image_file.map(|f| format!("/disputes/images/{f}")),
            at: time::datetime_in(m.created_at, tz),
        })
        .collect();
    let outcome = d.outcome.map(|o| {
        let mut w = outcome_words(
            o,
            i64::from(d.sender_percent.unwrap_or(0)),
            b.price_minor,
            d.payout_minor,
            b.currency,
        );
        if !d.decision_note.is_empty() {
            w.push(' ');
            w.push_str(&d.decision_note);
        }
        w
    });
    Ok(DisputeView {
        id: d.id,
        booking: d.booking_id,
        parcel_title: parcel.title.clone(),
        sender: names.0,
        traveler: names.1,
        reason: d.reason,
        open: d.open(),
        opened_at: time::datetime_in(d.created_at, tz),
        respond_by: time::datetime_in(d.respond_by, tz),
        responded: d.responded_at.is_some(),
        messages,
        outcome,
        can_write: d.open() && (admin || d.side_of(viewer).is_some()),
        can_decide: admin && d.can_decide(),
        price: b.price(),
        held: Money::new(held, b.currency),
        max_payout: Money::new(max_payout(&b, parcel.declared_value_minor, &s), b.currency),
        conversation: if admin {
            sqlx::query_scalar!(
                "SELECT id FROM conversations WHERE parcel_id = $1 AND trip_id = $2",
                b.parcel_id as crate::types::ParcelId,
                b.trip_id as crate::types::TripId
            )
            .fetch_optional(pool)
            .await?
        } else {
            None
        },
    })
}

/// Where a dispute is read: its booking's page for one of its sides, the console for an admin.
pub async fn page_for(
    pool: &PgPool,
    user: UserId,
    admin: bool,
    id: Uuid,
) -> Result<String, AppError> {
    let d = row(&mut *pool.acquire().await?, id).await?;
    match d.side_of(user) {
        Some(_) => Ok(format!("/bookings/{}", d.booking_id)),
        None if admin => Ok(format!("/admin/disputes/{id}")),
        None => Err(not_found()),
    }
}

/// A dispute for one of its sides or an admin.
pub async fn view(
    pool: &PgPool,
    viewer: UserId,
    admin: bool,
    id: Uuid,
    tz: &str,
) -> Result<DisputeView, AppError> {
    let d = row(&mut *pool.acquire().await?, id).await?;
    if d.side_of(viewer).is_none() && !admin {
        return Err(not_found());
    }
    view_of(pool, d, viewer, admin, tz).await
}

/// A booking's dispute as one of its sides sees it, and whether the sender may open one.
pub async fn for_booking(
    pool: &PgPool,
    viewer: UserId,
    booking: BookingId,
    tz: &str,
) -> Result<DisputeState, AppError> {
    let mut conn = pool.acquire().await?;
    let b = store::get(&mut conn, booking).await?;
    let Some(side) = b.side_of(viewer) else {
        return Err(AppError::NotFound(
            tr("This booking does not exist, or it is not yours.").into(),
        ));
    };
    let id = sqlx::query_scalar!(
        "SELECT id FROM disputes WHERE booking_id = $1",
        booking as BookingId
    )
    .fetch_optional(&mut *conn)
    .await?;
    match id {
        Some(id) => {
            let d = row(&mut conn, id).await?;
            drop(conn);
            Ok(DisputeState {
                can_open: false,
                dispute: Some(view_of(pool, d, viewer, false, tz).await?),
            })
        }
        None => {
            let s = settings::load(&mut *conn).await?;
            let parcel = parcels::row(&mut *conn, b.parcel_id).await?;
            Ok(DisputeState {
                can_open: side == Side::Sender && may_open(&b, parcel.deliver_by, &s).is_ok(),
                dispute: None,
            })
        }
    }
}

/// The disputes console: open ones first (oldest first), then the latest settled.
pub async fn queue(pool: &PgPool, tz: &str) -> Result<Vec<DisputeItem>, AppError> {
    let rows = sqlx::query!(
        r#"SELECT d.id, d.booking_id AS "booking_id: BookingId", p.title,
                  d.reason AS "reason: DisputeReason", d.status, d.created_at, d.respond_by,
                  d.responded_at IS NOT NULL AS "responded!",
                  d.outcome AS "outcome: DisputeOutcome", b.currency AS "currency: Currency",
                  coalesce((SELECT a.balance_minor FROM ledger_accounts a
                            WHERE a.kind = 'escrow' AND a.booking_id = b.id), 0) AS "held!"
           FROM disputes d JOIN bookings b ON b.id = d.booking_id
           JOIN parcels p ON p.id = b.parcel_id
           ORDER BY d.status = 'open' DESC,
                    CASE WHEN d.status = 'open' THEN d.created_at END,
                    d.decided_at DESC
           LIMIT 200"#
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| DisputeItem {
            id: r.id,
            booking: r.booking_id,
            parcel_title: r.title,
            reason: r.reason,
            open: r.status == "open",
            opened_at: time::datetime_in(r.created_at, tz),
            respond_by: time::datetime_in(r.respond_by, tz),
            responded: r.responded,
            outcome: r.outcome,
            held: Money::new(r.held, r.currency),
        })
        .collect())
}
