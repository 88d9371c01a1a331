//! Ranking (PRODUCT §5): the candidates that pass the hard filters, scored by the pure
//! `score` function, best first, each with the parts of its score.

use super::filters::{parcel_candidates, trip_candidates};
use super::score::{score, Pair};
use crate::error::AppError;
use crate::server::parcels::store::{self as parcels, ParcelRow};
use crate::server::places::distance_km;
use crate::server::settings;
use crate::server::trips::store::{self as trips, TripRow};
use crate::types::matching::{ParcelMatch, TripMatch};
use crate::types::{ParcelId, ParcelStatus, TripId, TripStatus, UserId};
use sqlx::PgPool;

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
        ticket_confirmed: trip.ticket_confirmed,
    }
}

/// The best trips for a parcel, each with the parts of its score.
pub async fn trips_for_parcel(
    pool: &PgPool,
    parcel_id: ParcelId,
    limit: usize,
) -> Result<Vec<TripMatch>, AppError> {
    let mut conn = pool.acquire().await?;
    let parcel = parcels::row(&mut *conn, parcel_id).await?;
    if parcel.status != ParcelStatus::Open {
        return Ok(Vec::new());
    }
    let s = settings::current(pool).await?;
    let radius = s.match_radius_km;
    let mut out: Vec<TripMatch> = trip_candidates(&mut conn, &parcel, &s)
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
    trip_id: TripId,
    limit: usize,
) -> Result<Vec<ParcelMatch>, AppError> {
    let mut conn = pool.acquire().await?;
    let trip = trips::row(&mut *conn, trip_id).await?;
    if trip.status != TripStatus::Published {
        return Ok(Vec::new());
    }
    let s = settings::current(pool).await?;
    let radius = s.match_radius_km;
    let mut out: Vec<ParcelMatch> = parcel_candidates(&mut conn, &trip, &s)
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
    user: UserId,
    parcel_id: ParcelId,
) -> Result<Vec<TripMatch>, AppError> {
    if parcels::row(pool, parcel_id).await?.sender_id != user {
        return Err(AppError::Forbidden);
    }
    trips_for_parcel(pool, parcel_id, 20).await
}

/// The trip's traveler asks for the parcels it could carry; anyone else is refused.
pub async fn parcels_for_my_trip(
    pool: &PgPool,
    user: UserId,
    trip_id: TripId,
) -> Result<Vec<ParcelMatch>, AppError> {
    if trips::row(pool, trip_id).await?.traveler_id != user {
        return Err(AppError::Forbidden);
    }
    parcels_for_trip(pool, trip_id, 20).await
}
