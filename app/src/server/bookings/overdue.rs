//! Deliveries that do not happen. A picked-up booking still undelivered 72 hours after the
//! parcel's deadline is flagged once by the sweep: both sides are told, the booking page says
//! what happens next, and admins find it on their list (until disputes exist, they sort it out
//! with both sides). The money stays in escrow, visible, not lost.

use super::store;
use crate::error::AppError;
use crate::i18n::tr;
use crate::server::time;
use crate::types::{BookingId, EventKind, NotificationKind, Side, UserId};
use ::time::{Duration, OffsetDateTime};
use sqlx::{PgConnection, PgPool};

/// How long after the parcel's deadline an undelivered parcel counts as overdue.
pub const GRACE: Duration = Duration::hours(72);

/// When a parcel with this deadline becomes overdue: the end of that day (UTC) plus the grace.
pub fn due_at(deliver_by: ::time::Date) -> OffsetDateTime {
    deliver_by
        .next_day()
        .unwrap_or(deliver_by)
        .midnight()
        .assume_utc()
        + GRACE
}

/// Flags every picked-up booking that became overdue (the sweep's part): once each, under the
/// booking's lock, with an email to both sides and a line in the timeline.
pub async fn flag_due(conn: &mut PgConnection) -> Result<u64, AppError> {
    let ids = sqlx::query_scalar!(
        r#"SELECT b.id AS "id: BookingId" FROM bookings b JOIN parcels p ON p.id = b.parcel_id
           WHERE b.status = 'picked_up' AND b.overdue_at IS NULL
             AND (p.deliver_by + 1)::timestamp AT TIME ZONE 'UTC' + make_interval(secs => $1) < now()
           ORDER BY p.deliver_by LIMIT 500"#,
        GRACE.as_seconds_f64()
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut n = 0;
    for id in ids {
        let (b, _) = store::lock_chain(conn, id).await?;
        let flagged = sqlx::query!(
            "UPDATE bookings SET overdue_at = now()
             WHERE id = $1 AND status = 'picked_up' AND overdue_at IS NULL",
            id as BookingId
        )
        .execute(&mut *conn)
        .await?
        .rows_affected();
        if flagged == 0 {
            continue;
        }
        n += 1;
        store::event(conn, id, None, EventKind::Overdue, None, "").await?;
        let body = || {
            crate::trf!(
                "The parcel of booking {} should have been delivered by now. The payment stays \
             safely in escrow. Our team has been alerted and will contact you both to sort it \
             out. If the parcel reaches its recipient meanwhile, the traveler can still confirm \
             the delivery with the code.",
                b.tracking_no.as_deref().unwrap_or("")
            )
        };
        for side in [Side::Sender, Side::Traveler] {
            store::notify(conn, id, side, NotificationKind::Overdue, || {
                (tr("A delivery is overdue").to_string(), body())
            })
            .await?;
        }
    }
    Ok(n)
}

/// An overdue delivery on the admins' list.
#[derive(Debug, Clone)]
pub struct Overdue {
    pub booking: BookingId,
    pub tracking_no: Option<String>,
    pub title: String,
    pub route: String,
    pub sender: (UserId, String, String),
    pub traveler: (UserId, String, String),
    pub deliver_by: String,
    pub flagged_at: String,
    pub held: crate::types::Money,
}

/// The overdue deliveries still picked up, oldest first.
pub async fn list(pool: &PgPool) -> Result<Vec<Overdue>, AppError> {
    let rows = sqlx::query!(
        r#"SELECT b.id AS "id: BookingId", b.tracking_no, p.title, b.overdue_at AS "overdue_at!",
                  p.deliver_by, b.price_minor + b.fee_minor + b.protection_minor AS "held!",
                  b.currency AS "currency: crate::types::Currency",
                  fp.label AS from_city, tp.label AS to_city,
                  s.id AS "sender_id: UserId", s.display_name AS sender_name, s.email AS sender_email,
                  t.id AS "traveler_id: UserId", t.display_name AS traveler_name, t.email AS traveler_email
           FROM bookings b
           JOIN parcels p ON p.id = b.parcel_id
           JOIN places fp ON fp.id = p.pickup_place_id
           JOIN places tp ON tp.id = p.delivery_place_id
           JOIN users s ON s.id = b.sender_id
           JOIN users t ON t.id = b.traveler_id
           WHERE b.status = 'picked_up' AND b.overdue_at IS NOT NULL
           ORDER BY b.overdue_at, b.id LIMIT 200"#
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Overdue {
            booking: r.id,
            tracking_no: r.tracking_no,
            title: r.title,
            route: format!("{} → {}", r.from_city, r.to_city),
            sender: (r.sender_id, r.sender_name, r.sender_email),
            traveler: (r.traveler_id, r.traveler_name, r.traveler_email),
            deliver_by: time::show_date(r.deliver_by),
            flagged_at: time::datetime(r.overdue_at),
            held: crate::types::Money::new(r.held, r.currency),
        })
        .collect())
}

/// What the booking page says about an overdue delivery, to both sides.
pub fn notice(overdue_at: Option<OffsetDateTime>) -> Option<String> {
    overdue_at.map(|at| {
        crate::trf!(
            "This delivery is overdue (flagged {}). The payment stays in escrow. Carry's team \
             was alerted and will contact you both; if the parcel reaches its recipient \
             meanwhile, the traveler confirms the delivery with the code as usual.",
            time::datetime(at)
        )
    })
}
