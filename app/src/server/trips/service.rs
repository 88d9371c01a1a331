//! Trips (PRODUCT §3): create, edit within the rules, cancel, read, list. Once a booking is
//! accepted the route and dates stay; capacity never drops below what is reserved.

use super::form::{self, with_echo};
use super::store::{self, TripRow};
use crate::error::AppError;
use crate::i18n::tr;
use crate::server::bookings::end;
use crate::server::matching::alerts;
use crate::server::places;
use crate::server::time;
use crate::types::matching::AlertKind;
use crate::types::trips::{TripCard, TripDetail, TripForm};
use crate::types::{format_kg, TicketStatus, TripId, TripStatus, UserId};
use sqlx::PgPool;

#[tracing::instrument(skip(pool, input))]
pub async fn create(pool: &PgPool, traveler: UserId, input: &TripForm) -> Result<TripId, AppError> {
    let v = form::parse(pool, input).await?;
    let distance = places::distance_km_rounded(&v.origin, &v.destination);
    let mut tx = pool.begin().await?;
    let id = sqlx::query_scalar!(
        r#"INSERT INTO trips (traveler_id, origin_id, destination_id, origin_metro_id,
            destination_metro_id, stopover_ids, departs_at, arrives_at, mode, capacity_g,
            remaining_g, price_per_kg_minor, currency, categories, notes, distance_km)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11, $12, $13, $14, $15)
           RETURNING id AS "id: TripId""#,
        traveler as UserId,
        v.origin.id,
        v.destination.id,
        v.origin.metro_id,
        v.destination.metro_id,
        &v.stopover_ids(),
        v.departs_at,
        v.arrives_at,
        v.mode as _,
        v.capacity_g,
        v.price_per_kg.minor,
        v.price_per_kg.currency as _,
        &v.categories as _,
        v.notes,
        distance
    )
    .fetch_one(&mut *tx)
    .await?;
    alerts::schedule(&mut tx, AlertKind::Trips, id.0).await?;
    tx.commit().await?;
    Ok(id)
}

/// Edits a published trip. Once a booking is accepted the route and dates stay as they are;
/// notes, price (for future bookings), categories and capacity (not below what is reserved)
/// can still change.
#[tracing::instrument(skip(pool, input))]
pub async fn update(
    pool: &PgPool,
    user: UserId,
    id: TripId,
    input: &TripForm,
) -> Result<(), AppError> {
    let v = form::parse(pool, input).await?;
    let mut tx = pool.begin().await?;
    let t = store::lock(&mut tx, id).await?;
    if t.traveler_id != user {
        return Err(AppError::Forbidden);
    }
    if t.status != TripStatus::Published {
        return Err(AppError::Conflict(
            tr("Only a published trip can be changed.").into(),
        ));
    }
    let old = store::row(&mut *tx, id).await?;
    let reserved = store::reserved_g(&mut tx, id).await?;
    if reserved > 0 || store::has_accepted(&mut tx, id).await? {
        let same_route = old.origin_id == v.origin.id
            && old.destination_id == v.destination.id
            && old.stopover_ids == v.stopover_ids()
            && old.departs_at == v.departs_at
            && old.arrives_at == v.arrives_at;
        if !same_route {
            return Err(AppError::Conflict(
                "A booking is accepted on this trip: its route and dates can no longer change."
                    .into(),
            ));
        }
    }
    let reserved = i32::try_from(reserved).map_err(AppError::internal)?;
    if v.capacity_g < reserved {
        return Err(with_echo(
            AppError::validation(
                "capacity_kg",
                format!(
                    "{} is already booked; capacity cannot be less.",
                    format_kg(reserved)
                ),
            ),
            input,
        ));
    }
    let distance = places::distance_km_rounded(&v.origin, &v.destination);
    sqlx::query!(
        "UPDATE trips SET origin_id = $2, destination_id = $3, origin_metro_id = $4,
            destination_metro_id = $5, stopover_ids = $6, departs_at = $7, arrives_at = $8,
            mode = $9, capacity_g = $10, remaining_g = $10 - $11::int, price_per_kg_minor = $12,
            currency = $13, categories = $14, notes = $15, distance_km = $16, updated_at = now()
         WHERE id = $1",
        id as TripId,
        v.origin.id,
        v.destination.id,
        v.origin.metro_id,
        v.destination.metro_id,
        &v.stopover_ids(),
        v.departs_at,
        v.arrives_at,
        v.mode as _,
        v.capacity_g,
        reserved,
        v.price_per_kg.minor,
        v.price_per_kg.currency as _,
        &v.categories as _,
        v.notes,
        distance
    )
    .execute(&mut *tx)
    .await?;
    alerts::schedule(&mut tx, AlertKind::Trips, id.0).await?;
    tx.commit().await?;
    Ok(())
}

/// The traveler cancels a published trip: open requests close, accepted bookings are cancelled
/// by the traveler (a reliability strike each) and their parcels are open again.
#[tracing::instrument(skip(pool))]
pub async fn cancel(pool: &PgPool, user: UserId, id: TripId) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let t = store::lock(&mut tx, id).await?;
    if t.traveler_id != user {
        return Err(AppError::Forbidden);
    }
    match t.status {
        TripStatus::Cancelled => return Ok(()),
        TripStatus::Published => {}
        _ => {
            return Err(AppError::Conflict(
                tr("This trip has already departed and can no longer be cancelled.").into(),
            ))
        }
    }
    // A pickup locks the trip row too, so no parcel can be picked up while this runs.
    if end::carrying(&mut tx, id).await? {
        return Err(AppError::Conflict(
            crate::i18n::tr("You already carry a parcel on this trip: deliver it, or open a dispute if you cannot.")
                .into(),
        ));
    }
    store::set_status(&mut tx, id, TripStatus::Published, TripStatus::Cancelled).await?;
    end::close_for_trip(&mut tx, id, user).await?;
    tx.commit().await?;
    Ok(())
}

/// A trip page. Anyone may read a trip; only its traveler sees the edit form values.
pub async fn detail(
    pool: &PgPool,
    viewer: Option<UserId>,
    id: TripId,
) -> Result<TripDetail, AppError> {
    let mut conn = pool.acquire().await?;
    let r = store::row(&mut *conn, id).await?;
    let is_owner = viewer == Some(r.traveler_id);
    let route_locked = store::has_accepted(&mut conn, id).await?;
    let stopovers = sqlx::query_scalar!(
        "SELECT label FROM places p JOIN unnest($1::int[]) WITH ORDINALITY s(id, n) ON s.id = p.id
         ORDER BY s.n",
        &r.stopover_ids
    )
    .fetch_all(&mut *conn)
    .await?;
    let ticket_status = if is_owner {
        Some(
            sqlx::query_scalar!(
                r#"SELECT ticket_status AS "s: TicketStatus" FROM trips WHERE id = $1"#,
                id as TripId
            )
            .fetch_one(&mut *conn)
            .await?,
        )
    } else {
        None
    };
    Ok(TripDetail {
        card: r.card(),
        notes: r.notes.clone(),
        form: if is_owner {
            edit_form(&r, stopovers.join("; "))
        } else {
            TripForm::default()
        },
        stopovers,
        distance_km: r.distance_km,
        is_owner,
        route_locked,
        ticket_status,
    })
}

/// The values the edit form starts with (local times, in each place's zone).
fn edit_form(r: &TripRow, stopovers: String) -> TripForm {
    TripForm {
        origin: r.origin_label.clone(),
        destination: r.destination_label.clone(),
        stopovers,
        departs_at: time::input_value(r.departs_at, &r.origin_tz),
        arrives_at: time::input_value(r.arrives_at, &r.destination_tz),
        mode: r.mode.code().to_string(),
        capacity_kg: format_kg(r.capacity_g).trim_end_matches(" kg").to_string(),
        price_per_kg: r.price_per_kg().input_value(),
        currency: r.currency.code().to_string(),
        categories: r.categories.iter().map(|c| c.code().to_string()).collect(),
        notes: r.notes.clone(),
    }
}

pub async fn list_mine(pool: &PgPool, user: UserId) -> Result<Vec<TripCard>, AppError> {
    Ok(mine(pool, user).await?.iter().map(TripRow::card).collect())
}

/// The traveler's trips (the latest 200), latest departure first.
pub async fn mine(pool: &PgPool, user: UserId) -> Result<Vec<TripRow>, AppError> {
    let ids = sqlx::query_scalar!(
        r#"SELECT id AS "id: TripId" FROM trips WHERE traveler_id = $1
           ORDER BY departs_at DESC LIMIT 200"#,
        user as UserId
    )
    .fetch_all(pool)
    .await?;
    store::rows(pool, &ids).await
}
