//! A trip's row with its places and traveler, the reads every area uses, the lock, and the one
//! place a trip's status changes.

use crate::error::AppError;
use crate::i18n::tr;
use crate::server::time;
use crate::types::accounts::{rating_label, UserBrief};
use crate::types::trips::TripCard;
use crate::types::{format_kg, Category, Currency, Mode, Money, TripId, TripStatus, UserId};
use ::time::OffsetDateTime;
use sqlx::{PgConnection, PgExecutor};

/// A trip with its places and traveler.
#[derive(Debug, Clone)]
pub struct TripRow {
    pub id: TripId,
    pub traveler_id: UserId,
    pub origin_id: i32,
    pub destination_id: i32,
    pub origin_metro_id: i32,
    pub destination_metro_id: i32,
    pub stopover_ids: Vec<i32>,
    pub departs_at: OffsetDateTime,
    pub arrives_at: OffsetDateTime,
    pub mode: Mode,
    pub capacity_g: i32,
    pub remaining_g: i32,
    pub price_per_kg_minor: i64,
    pub currency: Currency,
    pub categories: Vec<Category>,
    pub notes: String,
    pub distance_km: i32,
    pub status: TripStatus,
    pub origin_label: String,
    pub origin_tz: String,
    pub origin_lat: f64,
    pub origin_lon: f64,
    pub destination_label: String,
    pub destination_tz: String,
    pub destination_lat: f64,
    pub destination_lon: f64,
    pub traveler_name: String,
    pub traveler_verified: bool,
    pub traveler_rating_x100: Option<i32>,
    pub completed_deliveries: i32,
    pub on_time_deliveries: i32,
    pub reliability_strikes: i32,
    pub traveler_id_verified: bool,
    pub ticket_confirmed: bool,
}

impl TripRow {
    pub fn price_per_kg(&self) -> Money {
        Money::new(self.price_per_kg_minor, self.currency)
    }

    /// What the traveler asks for carrying `weight_g` (rounded up to the minor unit).
    pub fn price_for(&self, weight_g: i32) -> Money {
        let minor = (self.price_per_kg_minor * i64::from(weight_g) + 999) / 1000;
        Money::new(minor, self.currency)
    }

    pub fn card(&self) -> TripCard {
        TripCard {
            id: self.id,
            origin: self.origin_label.clone(),
            destination: self.destination_label.clone(),
            departs: time::show(self.departs_at, &self.origin_tz),
            arrives: time::show(self.arrives_at, &self.destination_tz),
            mode: self.mode,
            remaining: format_kg(self.remaining_g),
            capacity: format_kg(self.capacity_g),
            price_per_kg: self.price_per_kg(),
            categories: self.categories.clone(),
            status: self.status,
            confirmed_traveler: self.ticket_confirmed,
            traveler: UserBrief {
                id: self.traveler_id,
                display_name: self.traveler_name.clone(),
                email_verified: self.traveler_verified,
                id_verified: self.traveler_id_verified,
                rating: rating_label(self.traveler_rating_x100),
                completed_deliveries: self.completed_deliveries,
            },
        }
    }
}

pub fn not_found() -> AppError {
    AppError::NotFound(tr("This trip does not exist.").into())
}

/// The trips with these ids, in the order given (missing ones left out).
pub async fn rows(db: impl PgExecutor<'_>, ids: &[TripId]) -> Result<Vec<TripRow>, AppError> {
    Ok(sqlx::query_as!(
        TripRow,
        r#"SELECT t.id AS "id: TripId", t.traveler_id AS "traveler_id: UserId", t.origin_id,
                  t.destination_id, t.origin_metro_id, t.destination_metro_id, t.stopover_ids,
                  t.departs_at, t.arrives_at, t.mode AS "mode: Mode", t.capacity_g,
                  t.remaining_g, t.price_per_kg_minor, t.currency AS "currency: Currency",
                  t.categories AS "categories: Vec<Category>", t.notes, t.distance_km,
                  t.status AS "status: TripStatus", t.ticket_status = 'confirmed' AS "ticket_confirmed!",
                  o.label AS origin_label, o.tz AS origin_tz, o.lat AS origin_lat,
                  o.lon AS origin_lon, d.label AS destination_label, d.tz AS destination_tz,
                  d.lat AS destination_lat, d.lon AS destination_lon,
                  u.display_name AS traveler_name,
                  u.email_verified_at IS NOT NULL AS "traveler_verified!",
                  u.traveler_rating_x100, u.completed_deliveries, u.on_time_deliveries,
                  u.reliability_strikes, u.id_verified_at IS NOT NULL AS "traveler_id_verified!"
           FROM unnest($1::uuid[]) WITH ORDINALITY AS x(id, n)
           JOIN trips t ON t.id = x.id
           JOIN places o ON o.id = t.origin_id
           JOIN places d ON d.id = t.destination_id
           JOIN users u ON u.id = t.traveler_id
           ORDER BY x.n"#,
        ids as &[TripId]
    )
    .fetch_all(db)
    .await?)
}

pub async fn row(db: impl PgExecutor<'_>, id: TripId) -> Result<TripRow, AppError> {
    rows(db, &[id]).await?.pop().ok_or_else(not_found)
}

/// What a locked trip row says about who may change it and when it leaves.
#[derive(Debug, Clone)]
pub struct Locked {
    pub traveler_id: UserId,
    pub status: TripStatus,
    pub departs_at: OffsetDateTime,
}

/// Locks the trip row (first in the lock order: trip → parcel → booking).
pub async fn lock(conn: &mut PgConnection, id: TripId) -> Result<Locked, AppError> {
    sqlx::query_as!(
        Locked,
        r#"SELECT traveler_id AS "traveler_id: UserId", status AS "status: TripStatus", departs_at
           FROM trips WHERE id = $1 FOR UPDATE"#,
        id as TripId
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(not_found)
}

/// Moves a locked trip from `from` to `to`, as its life cycle allows.
pub async fn set_status(
    conn: &mut PgConnection,
    id: TripId,
    from: TripStatus,
    to: TripStatus,
) -> Result<(), AppError> {
    if !from.can_become(to) {
        return Err(AppError::internal(format!(
            "trip {id}: {from:?} cannot become {to:?}"
        )));
    }
    let done = sqlx::query!(
        "UPDATE trips SET status = $3, updated_at = now() WHERE id = $1 AND status = $2",
        id as TripId,
        from as TripStatus,
        to as TripStatus
    )
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() != 1 {
        return Err(AppError::internal(format!("trip {id} was not {from:?}")));
    }
    Ok(())
}

/// Published trips whose departure passed: departed, or expired when nobody booked them.
pub async fn depart_due(conn: &mut PgConnection) -> Result<u64, AppError> {
    Ok(sqlx::query!(
        "UPDATE trips SET status = CASE WHEN remaining_g = capacity_g THEN 'expired' ELSE 'departed' END,
            updated_at = now()
         WHERE status = 'published' AND departs_at <= now()"
    )
    .execute(&mut *conn)
    .await?
    .rows_affected())
}

/// Departed trips that arrived and carry nothing any more (every booking delivered and
/// completed, or ended): completed.
pub async fn complete_due(conn: &mut PgConnection) -> Result<u64, AppError> {
    Ok(sqlx::query!(
        "UPDATE trips t SET status = 'completed', updated_at = now()
         WHERE t.status = 'departed' AND t.arrives_at <= now()
           AND NOT EXISTS (SELECT 1 FROM bookings b WHERE b.trip_id = t.id
                           AND b.status IN ('pending', 'accepted', 'picked_up', 'delivered'))"
    )
    .execute(&mut *conn)
    .await?
    .rows_affected())
}

/// Takes `weight_g` of the locked trip's room, if there is that much left.
pub async fn reserve(conn: &mut PgConnection, id: TripId, weight_g: i32) -> Result<bool, AppError> {
    let done = sqlx::query!(
        "UPDATE trips SET remaining_g = remaining_g - $2, updated_at = now()
         WHERE id = $1 AND remaining_g >= $2",
        id as TripId,
        weight_g
    )
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Gives `weight_g` back to the locked trip (a booking ended before pickup).
pub async fn release(conn: &mut PgConnection, id: TripId, weight_g: i32) -> Result<(), AppError> {
    sqlx::query!(
        "UPDATE trips SET remaining_g = remaining_g + $2, updated_at = now() WHERE id = $1",
        id as TripId,
        weight_g
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Weight reserved by accepted (and later) bookings.
pub async fn reserved_g(conn: &mut PgConnection, trip: TripId) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar!(
        r#"SELECT coalesce(sum(weight_g), 0)::bigint AS "g!" FROM bookings
           WHERE trip_id = $1 AND status IN ('accepted', 'picked_up', 'delivered', 'completed')"#,
        trip as TripId
    )
    .fetch_one(&mut *conn)
    .await?)
}

/// Whether a booking on the trip was ever accepted (then its route and dates stay).
pub async fn has_accepted(conn: &mut PgConnection, trip: TripId) -> Result<bool, AppError> {
    Ok(sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM bookings WHERE trip_id = $1
             AND status IN ('accepted', 'picked_up', 'delivered', 'completed')) AS "e!""#,
        trip as TripId
    )
    .fetch_one(&mut *conn)
    .await?)
}
