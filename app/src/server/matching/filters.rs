//! The hard filters of matching (PRODUCT §5), in SQL and in Rust side by side: the same route
//! (metro areas within the radius), dates, room, category, approved and open, not one's own.
//! The SQL finds candidates on the route indexes; `misfit` says why one pair does not fit (a
//! booking checks it again, with fresh rows).

use crate::error::AppError;
use crate::i18n::tr;
use crate::server::parcels::store::{self as parcels, ParcelRow};
use crate::server::places;
use crate::server::settings::Settings;
use crate::server::trips::store::{self as trips, TripRow};
use crate::types::{Category, ParcelId, ParcelStatus, TripId, TripStatus, UserId};
use ::time::{Duration, OffsetDateTime};
use sqlx::PgConnection;

/// How many candidates the SQL hands to the scorer.
pub const CANDIDATES: i64 = 300;

/// Why this trip cannot carry this parcel, if it cannot.
pub fn misfit(
    trip: &TripRow,
    parcel: &ParcelRow,
    near_pickup: &[i32],
    near_delivery: &[i32],
    cutoff_hours: i64,
    now: OffsetDateTime,
) -> Option<&'static str> {
    if trip.status != TripStatus::Published {
        return Some(tr("This trip is no longer taking parcels."));
    }
    if trip.departs_at <= now + Duration::hours(cutoff_hours) {
        return Some(tr("This trip departs too soon to take new bookings."));
    }
    if parcel.status != ParcelStatus::Open {
        return Some(tr("This parcel is not open for booking."));
    }
    if parcel.first_photo.is_none() {
        return Some(
            "This parcel has no photo yet: its sender adds at least one before it can be booked.",
        );
    }
    if trip.traveler_id == parcel.sender_id {
        return Some(tr("You cannot book your own trip."));
    }
    if !near_pickup.contains(&trip.origin_metro_id)
        || !near_delivery.contains(&trip.destination_metro_id)
    {
        return Some(tr("This trip does not go between the parcel's cities."));
    }
    if trip.departs_at.date() < parcel.ready_from {
        return Some(tr("This trip leaves before the parcel is ready."));
    }
    if trip.arrives_at.date() > parcel.deliver_by {
        return Some(tr("This trip arrives after the parcel's deadline."));
    }
    if trip.remaining_g < parcel.weight_g {
        return Some(tr(
            "This trip does not have enough room left for the parcel.",
        ));
    }
    if !trip.categories.contains(&parcel.category) {
        return Some(tr("This trip does not accept this kind of parcel."));
    }
    None
}

/// Checks the pair against the hard filters: a `Conflict` naming the first that fails.
pub async fn check_fit(
    conn: &mut PgConnection,
    trip: &TripRow,
    parcel: &ParcelRow,
    s: &Settings,
) -> Result<(), AppError> {
    let near_pickup = places::metros_near(conn, parcel.pickup_metro_id, s.match_radius_km).await?;
    let near_delivery =
        places::metros_near(conn, parcel.delivery_metro_id, s.match_radius_km).await?;
    match misfit(
        trip,
        parcel,
        &near_pickup,
        &near_delivery,
        s.booking_cutoff_hours,
        OffsetDateTime::now_utc(),
    ) {
        Some(why) => Err(AppError::Conflict(why.into())),
        None => Ok(()),
    }
}

/// Trips passing the hard filters for this parcel, unscored, soonest first.
pub async fn trip_candidates(
    conn: &mut PgConnection,
    parcel: &ParcelRow,
    s: &Settings,
) -> Result<Vec<TripRow>, AppError> {
    let near_pickup = places::metros_near(conn, parcel.pickup_metro_id, s.match_radius_km).await?;
    let near_delivery =
        places::metros_near(conn, parcel.delivery_metro_id, s.match_radius_km).await?;
    let cutoff = i32::try_from(s.booking_cutoff_hours).unwrap_or(i32::MAX);
    let ids = sqlx::query_scalar!(
        r#"SELECT id AS "id: TripId" FROM trips
           WHERE status = 'published' AND in_good_standing(traveler_id)
             AND origin_metro_id = ANY($1) AND destination_metro_id = ANY($2)
             AND departs_at > now() + make_interval(hours => $3)
             AND departs_at >= $4 AND arrives_at < $5
             AND remaining_g >= $6 AND $7 = ANY(categories) AND traveler_id <> $8
           -- `+ interval '0'`: use the route index, not a walk along the departure index.
           ORDER BY departs_at + interval '0 seconds', id
           LIMIT $9"#,
        &near_pickup,
        &near_delivery,
        cutoff,
        parcel.ready_from.midnight().assume_utc(),
        parcel.deliver_by.midnight().assume_utc() + Duration::days(1),
        parcel.weight_g,
        parcel.category as Category,
        parcel.sender_id as UserId,
        CANDIDATES
    )
    .fetch_all(&mut *conn)
    .await?;
    trips::rows(&mut *conn, &ids).await
}

/// Open parcels this trip could carry, unscored.
pub async fn parcel_candidates(
    conn: &mut PgConnection,
    trip: &TripRow,
    s: &Settings,
) -> Result<Vec<ParcelRow>, AppError> {
    let near_origin = places::metros_near(conn, trip.origin_metro_id, s.match_radius_km).await?;
    let near_destination =
        places::metros_near(conn, trip.destination_metro_id, s.match_radius_km).await?;
    let ids = sqlx::query_scalar!(
        r#"SELECT id AS "id: ParcelId" FROM parcels
           WHERE status = 'open' AND in_good_standing(sender_id)
             AND EXISTS (SELECT 1 FROM parcel_photos ph WHERE ph.parcel_id = parcels.id)
             AND pickup_metro_id = ANY($1) AND delivery_metro_id = ANY($2)
             AND ready_from <= $3 AND deliver_by >= $4
             AND weight_g <= $5 AND category = ANY($6) AND sender_id <> $7
           ORDER BY ready_from + 0, id
           LIMIT $8"#,
        &near_origin,
        &near_destination,
        trip.departs_at.date(),
        trip.arrives_at.date(),
        trip.remaining_g,
        &trip.categories as &[Category],
        trip.traveler_id as UserId,
        CANDIDATES
    )
    .fetch_all(&mut *conn)
    .await?;
    parcels::rows(&mut *conn, &ids).await
}
