//! What a signed-in member's home page shows: their next trip and parcel, and the bookings that
//! wait for their answer.

use super::view;
use crate::error::AppError;
use crate::server::parcels::store::{self as parcels, ParcelRow};
use crate::server::trips::store::{self as trips, TripRow};
use crate::types::bookings::Home;
use crate::types::{ParcelId, TripId, UserId};
use sqlx::PgPool;

/// At most this many waiting bookings are listed (the bookings page has the rest).
const WAITING: usize = 5;

pub async fn home(pool: &PgPool, user: UserId) -> Result<Home, AppError> {
    let next_trip = sqlx::query_scalar!(
        r#"SELECT id AS "id: TripId" FROM trips
           WHERE traveler_id = $1 AND status = 'published' AND departs_at > now()
           ORDER BY departs_at LIMIT 1"#,
        user as UserId
    )
    .fetch_optional(pool)
    .await?;
    let next_parcel = sqlx::query_scalar!(
        r#"SELECT id AS "id: ParcelId" FROM parcels
           WHERE sender_id = $1 AND status IN ('in_review', 'open', 'booked', 'picked_up')
           ORDER BY deliver_by, created_at LIMIT 1"#,
        user as UserId
    )
    .fetch_optional(pool)
    .await?;
    let trip = match next_trip {
        Some(id) => trips::rows(pool, &[id]).await?.first().map(TripRow::card),
        None => None,
    };
    let parcel = match next_parcel {
        Some(id) => parcels::rows(pool, &[id])
            .await?
            .first()
            .map(ParcelRow::card),
        None => None,
    };
    let mut waiting: Vec<_> = view::list_mine(pool, user)
        .await?
        .into_iter()
        .filter(|b| b.my_turn)
        .collect();
    let more_waiting = waiting.len().saturating_sub(WAITING);
    waiting.truncate(WAITING);
    Ok(Home {
        next_trip: trip,
        next_parcel: parcel,
        waiting,
        more_waiting,
    })
}
