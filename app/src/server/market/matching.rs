//! Matching (PRODUCT §5): the hard filters run in SQL (served by the route indexes), then each
//! candidate is scored by the pure `score` function and the best come first.

use super::parcels::{ParcelRow, PARCEL_COLUMNS};
use super::places::{distance_km, metros_near};
use super::score::{score, Pair};
use super::settings;
use super::trips::{TripRow, TRIP_COLUMNS};
use crate::error::AppError;
use crate::market::{ParcelMatch, TripMatch};
use sqlx::{PgConnection, PgPool};
use time::Duration;
use uuid::Uuid;

/// How many candidates the SQL hands to the scorer.
const CANDIDATES: i64 = 300;

pub fn pair(trip: &TripRow, parcel: &ParcelRow, radius_km: i32) -> Pair {
    Pair {
        origin_km: distance_km(
            (parcel.pickup_lat, parcel.pickup_lon),
            (trip.origin_lat, trip.origin_lon),
        ),
        destination_km: distance_km(
            (parcel.delivery_lat, parcel.delivery_lon),
            (trip.destination_lat, trip.destination_lon),
        ),
        origin_same_metro: parcel.pickup_metro_id == trip.origin_metro_id,
        destination_same_metro: parcel.delivery_metro_id == trip.destination_metro_id,
        radius_km: f64::from(radius_km),
        slack_days: (parcel.deliver_by - trip.arrives_at.date()).whole_days(),
        weight_g: parcel.weight_g,
        remaining_g: trip.remaining_g,
        ask: trip.price_for(parcel.weight_g),
        reward: parcel.reward(),
        traveler_rating_x100: trip.traveler_rating_x100,
        completed: trip.completed_deliveries,
        on_time: trip.on_time_deliveries,
        strikes: trip.reliability_strikes,
        email_verified: trip.traveler_verified,
        id_verified: trip.traveler_id_verified,
    }
}

/// Trips passing the hard filters for this parcel, unscored, soonest first.
pub async fn trip_candidates(
    conn: &mut PgConnection,
    parcel: &ParcelRow,
) -> Result<Vec<TripRow>, AppError> {
    let s = settings::load(&mut *conn).await?;
    let near_pickup = metros_near(conn, parcel.pickup_metro_id, s.match_radius_km).await?;
    let near_delivery = metros_near(conn, parcel.delivery_metro_id, s.match_radius_km).await?;
    let sql = format!(
        "{TRIP_COLUMNS}
         WHERE status = 'published'
           AND origin_metro_id = ANY($1) AND destination_metro_id = ANY($2)
           AND departs_at > now() + make_interval(hours => $3)
           AND departs_at >= $4 AND arrives_at < $5
           AND remaining_g >= $6 AND $7 = ANY(categories) AND traveler_id <> $8
         -- `+ interval '0'`: use the route index, not a walk along the departure index.
         ORDER BY departs_at + interval '0 seconds', id
         LIMIT $9"
    );
    Ok(sqlx::query_as::<_, TripRow>(&sql)
        .bind(&near_pickup)
        .bind(&near_delivery)
        .bind(s.booking_cutoff_hours as i32)
        .bind(parcel.ready_from.midnight().assume_utc())
        .bind(parcel.deliver_by.midnight().assume_utc() + Duration::days(1))
        .bind(parcel.weight_g)
        .bind(&parcel.category)
        .bind(parcel.sender_id)
        .bind(CANDIDATES)
        .fetch_all(&mut *conn)
        .await?)
}

/// Open parcels this trip could carry, unscored.
pub async fn parcel_candidates(
    conn: &mut PgConnection,
    trip: &TripRow,
) -> Result<Vec<ParcelRow>, AppError> {
    let s = settings::load(&mut *conn).await?;
    let near_origin = metros_near(conn, trip.origin_metro_id, s.match_radius_km).await?;
    let near_destination = metros_near(conn, trip.destination_metro_id, s.match_radius_km).await?;
    let sql = format!(
        "{PARCEL_COLUMNS}
         WHERE status = 'open'
           AND pickup_metro_id = ANY($1) AND delivery_metro_id = ANY($2)
           AND ready_from <= $3 AND deliver_by >= $4
           AND weight_g <= $5 AND category = ANY($6) AND sender_id <> $7
         ORDER BY ready_from + 0, id
         LIMIT $8"
    );
    Ok(sqlx::query_as::<_, ParcelRow>(&sql)
        .bind(&near_origin)
        .bind(&near_destination)
        .bind(trip.departs_at.date())
        .bind(trip.arrives_at.date())
        .bind(trip.remaining_g)
        .bind(&trip.categories)
        .bind(trip.traveler_id)
        .bind(CANDIDATES)
        .fetch_all(&mut *conn)
        .await?)
}

/// The best trips for a parcel, each with the parts of its score.
pub async fn trips_for_parcel(
    pool: &PgPool,
    parcel_id: Uuid,
    limit: usize,
) -> Result<Vec<TripMatch>, AppError> {
    let mut conn = pool.acquire().await?;
    let parcel = super::parcels::row(&mut *conn, parcel_id).await?;
    if parcel.status != "open" {
        return Ok(Vec::new());
    }
    let radius = settings::load(&mut *conn).await?.match_radius_km;
    let mut out: Vec<TripMatch> = trip_candidates(&mut conn, &parcel)
        .await?
        .iter()
        .map(|t| {
            let (total, parts) = score(&pair(t, &parcel, radius));
            TripMatch {
                trip: t.card(),
                score: total,
                parts,
                price: t.price_for(parcel.weight_g),
            }
        })
        .collect();
    out.sort_by_key(|m| std::cmp::Reverse(m.score));
    out.truncate(limit);
    Ok(out)
}

/// The best parcels for a trip.
pub async fn parcels_for_trip(
    pool: &PgPool,
    trip_id: Uuid,
    limit: usize,
) -> Result<Vec<ParcelMatch>, AppError> {
    let mut conn = pool.acquire().await?;
    let trip = super::trips::row(&mut *conn, trip_id).await?;
    if trip.status != "published" {
        return Ok(Vec::new());
    }
    let radius = settings::load(&mut *conn).await?.match_radius_km;
    let mut out: Vec<ParcelMatch> = parcel_candidates(&mut conn, &trip)
        .await?
        .iter()
        .map(|p| {
            let (total, parts) = score(&pair(&trip, p, radius));
            ParcelMatch {
                parcel: p.card(),
                score: total,
                parts,
            }
        })
        .collect();
    out.sort_by_key(|m| std::cmp::Reverse(m.score));
    out.truncate(limit);
    Ok(out)
}

/// The parcel's sender asks for its best trips; anyone else is refused.
pub async fn trips_for_my_parcel(
    pool: &PgPool,
    user: Uuid,
    parcel_id: Uuid,
) -> Result<Vec<TripMatch>, AppError> {
    if super::parcels::row(pool, parcel_id).await?.sender_id != user {
        return Err(AppError::Forbidden);
    }
    trips_for_parcel(pool, parcel_id, 20).await
}

/// The trip's traveler asks for the parcels it could carry; anyone else is refused.
pub async fn parcels_for_my_trip(
    pool: &PgPool,
    user: Uuid,
    trip_id: Uuid,
) -> Result<Vec<ParcelMatch>, AppError> {
    if super::trips::row(pool, trip_id).await?.traveler_id != user {
        return Err(AppError::Forbidden);
    }
    parcels_for_trip(pool, trip_id, 20).await
}
