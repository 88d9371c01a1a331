//! Route alerts (PRODUCT §5): a member saves a search with a route; when a new listing is
//! published that the search would return, they are notified (and emailed if they chose), once
//! per listing per alert. Matching runs in the job queue, never in the request that publishes.
//!
//! An alert keeps its filters as columns, so one indexed query (`alerts_route_idx`: kind, origin
//! metro, destination metro) finds every alert a listing matches. Its conditions mirror the
//! search's (`search.rs`) one for one; a test checks that the two agree.

use super::search::Filters;
use crate::error::AppError;
use crate::i18n::{key, tr};
use crate::server::jobs::{self, JobKind};
use crate::server::notifications::{self, Note};
use crate::server::places;
use crate::server::settings;
use crate::server::time;
use crate::types::matching::{AlertItem, AlertKind, SearchQuery};
use crate::types::{Category, Currency, NotificationKind, ParcelId, TripId, UserId};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// Alerts one member may keep.
pub const MAX_PER_USER: i64 = 50;

/// Saves the search `q` (of trips or of parcels) as an alert. It needs a route: "from" and "to".
#[tracing::instrument(skip(pool))]
pub async fn save(
    pool: &PgPool,
    user: UserId,
    kind: AlertKind,
    q: &SearchQuery,
    max_weight_kg: &str,
) -> Result<Uuid, AppError> {
    let f = Filters::parse(pool, q, max_weight_kg, None).await?;
    let (Some(origin), Some(destination)) = (f.origin, f.destination) else {
        return Err(AppError::validation(
            "to",
            crate::i18n::tr("Choose where from and where to: an alert follows a route."),
        ));
    };
    let (Some(o), Some(d)) = (
        places::get(pool, origin).await?,
        places::get(pool, destination).await?,
    ) else {
        return Err(AppError::validation(
            "to",
            crate::i18n::tr(places::UNKNOWN_PLACE),
        ));
    };
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "SELECT pg_advisory_xact_lock(hashtext('alerts:' || $1::text))",
        user as UserId
    )
    .execute(&mut *tx)
    .await?;
    let have = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM alerts WHERE user_id = $1"#,
        user as UserId
    )
    .fetch_one(&mut *tx)
    .await?;
    if have >= MAX_PER_USER {
        return Err(AppError::Conflict(crate::trf!(
            "You have {} alerts, the most there can be. Delete one first.",
            MAX_PER_USER
        )));
    }
    let label = label(kind, &o.label, &d.label, &f);
    let address = kind.search_path().to_string() + &q.to_query(max_weight_kg);
    let id = sqlx::query_scalar!(
        "INSERT INTO alerts (user_id, kind, origin_metro_id, destination_metro_id, date_from,
            date_to, category, currency, money_minor, min_rating_x100, verified_only,
            max_weight_g, query, label)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
        user as UserId,
        kind.code(),
        o.metro_id,
        d.metro_id,
        f.from,
        f.to,
        f.category as Option<Category>,
        f.money.map(|m| m.currency) as Option<Currency>,
        f.money.map(|m| m.minor),
        f.min_rating_x100,
        f.verified_only,
        f.max_weight_g,
        address,
        label
    )
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

fn label(kind: AlertKind, from: &str, to: &str, f: &Filters) -> String {
    let mut parts = vec![format!("{} {from} → {to}", kind.label())];
    match (f.from, f.to) {
        (Some(a), Some(b)) => {
            parts.push(format!("{} to {}", time::show_date(a), time::show_date(b)))
        }
        (Some(a), None) => parts.push(format!("from {}", time::show_date(a))),
        (None, Some(b)) => parts.push(format!("until {}", time::show_date(b))),
        (None, None) => {}
    }
    if let Some(c) = f.category {
        parts.push(c.label().to_string());
    }
    if let Some(m) = f.money {
        parts.push(match kind {
            AlertKind::Trips => crate::trf!("at most {} per kg", m),
            AlertKind::Parcels => crate::trf!("paying at least {}", m),
        });
    }
    if let Some(w) = f.max_weight_g {
        parts.push(format!("up to {}", crate::types::format_kg(w)));
    }
    if f.verified_only {
        parts.push(tr("ID-verified members").into());
    }
    parts.join(" · ")
}

/// The member's alerts, newest first.
pub async fn mine(pool: &PgPool, user: UserId, tz: &str) -> Result<Vec<AlertItem>, AppError> {
    let rows = sqlx::query!(
        r#"SELECT a.id, a.label, a.query, a.paused, a.created_at,
                  (SELECT count(*) FROM alert_hits h WHERE h.alert_id = a.id) AS "hits!"
           FROM alerts a WHERE a.user_id = $1 ORDER BY a.created_at DESC"#,
        user as UserId
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| AlertItem {
            id: r.id,
            label: r.label,
            search: r.query,
            paused: r.paused,
            created: time::datetime_in(r.created_at, tz),
            hits: r.hits,
        })
        .collect())
}

fn not_found() -> AppError {
    AppError::NotFound(tr("This alert does not exist, or it is not yours.").into())
}

/// Pauses or resumes one of the member's alerts.
pub async fn set_paused(
    pool: &PgPool,
    user: UserId,
    id: Uuid,
    paused: bool,
) -> Result<(), AppError> {
    let n = sqlx::query!(
        "UPDATE alerts SET paused = $3 WHERE id = $1 AND user_id = $2",
        id,
        user as UserId,
        paused
    )
    .execute(pool)
    .await?
    .rows_affected();
    if n == 1 {
        Ok(())
    } else {
        Err(not_found())
    }
}

pub async fn delete(pool: &PgPool, user: UserId, id: Uuid) -> Result<(), AppError> {
    let n = sqlx::query!(
        "DELETE FROM alerts WHERE id = $1 AND user_id = $2",
        id,
        user as UserId
    )
    .execute(pool)
    .await?
    .rows_affected();
    if n == 1 {
        Ok(())
    } else {
        Err(not_found())
    }
}

/// Schedules the matching of a listing just published or changed (in that transaction). Running
/// it again is harmless: each alert hears of a listing once.
pub async fn schedule(
    conn: &mut PgConnection,
    kind: AlertKind,
    listing: Uuid,
) -> Result<(), AppError> {
    jobs::enqueue(
        conn,
        JobKind::MatchAlerts,
        serde_json::json!({ "kind": kind.code(), "listing": listing.to_string() }),
        ::time::OffsetDateTime::now_utc(),
        None,
    )
    .await
}

/// The alerts a published trip matches: the same conditions as the trip search, with the trip's
/// values on one side and each alert's filters on the other.
pub async fn for_trip(
    conn: &mut PgConnection,
    trip: TripId,
) -> Result<Vec<(Uuid, UserId)>, AppError> {
    let s = settings::load(&mut *conn).await?;
    let t = sqlx::query!(
        r#"SELECT t.origin_metro_id, t.destination_metro_id, t.departs_at, t.price_per_kg_minor,
                  t.currency AS "currency: Currency", t.categories AS "categories: Vec<Category>",
                  t.traveler_id AS "traveler_id: UserId", u.traveler_rating_x100,
                  u.id_verified_at IS NOT NULL AS "verified!",
                  (t.status = 'published' AND in_good_standing(t.traveler_id)
                   AND t.departs_at > now() + make_interval(hours => $2)) AS "bookable!"
           FROM trips t JOIN users u ON u.id = t.traveler_id WHERE t.id = $1"#,
        trip as TripId,
        i32::try_from(s.booking_cutoff_hours).unwrap_or(i32::MAX)
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(t) = t.filter(|t| t.bookable) else {
        return Ok(vec![]);
    };
    let near_o = places::metros_near(conn, t.origin_metro_id, s.match_radius_km).await?;
    let near_d = places::metros_near(conn, t.destination_metro_id, s.match_radius_km).await?;
    let rows = sqlx::query!(
        r#"SELECT a.id, a.user_id AS "user_id: UserId" FROM alerts a
           WHERE a.kind = 'trips' AND NOT a.paused
             AND a.origin_metro_id = ANY($1) AND a.destination_metro_id = ANY($2)
             AND (a.date_from IS NULL OR $3 >= a.date_from::timestamp AT TIME ZONE 'UTC')
             AND (a.date_to IS NULL OR $3 < (a.date_to + 1)::timestamp AT TIME ZONE 'UTC')
             AND (a.category IS NULL OR a.category = ANY($4))
             AND (a.money_minor IS NULL OR (a.currency = $5 AND $6 <= a.money_minor))
             AND (a.min_rating_x100 IS NULL OR $7 >= a.min_rating_x100)
             AND (NOT a.verified_only OR $8)
             AND a.user_id <> $9"#,
        &near_o,
        &near_d,
        t.departs_at,
        &t.categories as &[Category],
        t.currency as Currency,
        t.price_per_kg_minor,
        t.traveler_rating_x100,
        t.verified,
        t.traveler_id as UserId
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.user_id)).collect())
}

/// The alerts a published parcel matches (the parcel search's conditions).
pub async fn for_parcel(
    conn: &mut PgConnection,
    parcel: ParcelId,
) -> Result<Vec<(Uuid, UserId)>, AppError> {
    let s = settings::load(&mut *conn).await?;
    let p = sqlx::query!(
        r#"SELECT p.pickup_metro_id, p.delivery_metro_id, p.ready_from, p.deliver_by,
                  p.reward_minor, p.currency AS "currency: Currency",
                  p.category AS "category: Category", p.weight_g,
                  p.sender_id AS "sender_id: UserId", u.sender_rating_x100,
                  u.id_verified_at IS NOT NULL AS "verified!",
                  (p.status = 'open' AND in_good_standing(p.sender_id) AND p.deliver_by >= current_date
                   AND EXISTS (SELECT 1 FROM parcel_photos ph WHERE ph.parcel_id = p.id)) AS "listed!"
           FROM parcels p JOIN users u ON u.id = p.sender_id WHERE p.id = $1"#,
        parcel as ParcelId
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(p) = p.filter(|p| p.listed) else {
        return Ok(vec![]);
    };
    let near_o = places::metros_near(conn, p.pickup_metro_id, s.match_radius_km).await?;
    let near_d = places::metros_near(conn, p.delivery_metro_id, s.match_radius_km).await?;
    let rows = sqlx::query!(
        r#"SELECT a.id, a.user_id AS "user_id: UserId" FROM alerts a
           WHERE a.kind = 'parcels' AND NOT a.paused
             AND a.origin_metro_id = ANY($1) AND a.destination_metro_id = ANY($2)
             AND (a.date_to IS NULL OR $3 <= a.date_to)
             AND (a.date_from IS NULL OR $4 >= a.date_from)
             AND (a.category IS NULL OR a.category = $5)
             AND (a.money_minor IS NULL OR (a.currency = $6 AND $7 >= a.money_minor))
             AND (a.min_rating_x100 IS NULL OR $8 >= a.min_rating_x100)
             AND (NOT a.verified_only OR $9)
             AND (a.max_weight_g IS NULL OR $10 <= a.max_weight_g)
             AND a.user_id <> $11"#,
        &near_o,
        &near_d,
        p.ready_from,
        p.deliver_by,
        p.category as Category,
        p.currency as Currency,
        p.reward_minor,
        p.sender_rating_x100,
        p.verified,
        p.weight_g,
        p.sender_id as UserId
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.user_id)).collect())
}

/// The job: notifies the owners of the alerts a listing matches, once per listing per alert.
pub async fn run(conn: &mut PgConnection, kind: AlertKind, listing: Uuid) -> Result<u64, AppError> {
    let (found, title, link) = match kind {
        AlertKind::Trips => {
            let id = TripId::from(listing);
            let label = sqlx::query_scalar!(
                r#"SELECT o.label || ' → ' || d.label AS "l!" FROM trips t
                   JOIN places o ON o.id = t.origin_id JOIN places d ON d.id = t.destination_id
                   WHERE t.id = $1"#,
                id as TripId
            )
            .fetch_optional(&mut *conn)
            .await?
            .unwrap_or_default();
            (
                for_trip(conn, id).await?,
                (key("A new trip for your alert: {}"), label),
                format!("/trips/{listing}"),
            )
        }
        AlertKind::Parcels => {
            let id = ParcelId::from(listing);
            let title =
                sqlx::query_scalar!("SELECT title FROM parcels WHERE id = $1", id as ParcelId)
                    .fetch_optional(&mut *conn)
                    .await?
                    .unwrap_or_default();
            (
                for_parcel(conn, id).await?,
                (key("A new parcel for your alert: {}"), title),
                format!("/parcels/{listing}"),
            )
        }
    };
    let mut told = 0;
    for (alert, owner) in found {
        let new = sqlx::query!(
            "INSERT INTO alert_hits (alert_id, listing_id) VALUES ($1, $2)
             ON CONFLICT DO NOTHING",
            alert,
            listing
        )
        .execute(&mut *conn)
        .await?
        .rows_affected();
        if new == 0 {
            continue;
        }
        let label = sqlx::query_scalar!("SELECT label FROM alerts WHERE id = $1", alert)
            .fetch_one(&mut *conn)
            .await?;
        notifications::notify(conn, owner, || Note {
            kind: NotificationKind::RouteAlert,
            title: crate::i18n::fill(tr(title.0), &[&title.1]),
            body: crate::trf!("It matches your alert \"{}\".", label),
            link: link.clone(),
            dedupe: None,
        })
        .await?;
        told += 1;
    }
    Ok(told)
}
