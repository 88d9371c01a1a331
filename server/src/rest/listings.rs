//! Trips and parcels as the API writes them; reading one, and a member's own (create, change,
//! cancel).

use super::extract::{Json, Path, Query};
use super::problem::{ApiResult, Problem};
use super::support::{Amount, Caller, Page, PageQuery};
use app::server::parcels::{service as parcels, store::ParcelRow};
use app::server::trips::{service as trips, store::TripRow};
use app::server::{time as carry_time, AppState};
use app::types::accounts::rating_label;
use app::types::parcels::ParcelForm;
use app::types::trips::TripForm;
use app::types::{Money, ParcelId, TripId};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Extension;
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use utoipa::ToSchema;
use uuid::Uuid;

fn rfc3339(t: time::OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

/// A member as a listing shows them.
#[derive(Debug, Serialize, ToSchema)]
pub struct Member {
    pub id: Uuid,
    pub display_name: String,
    /// Average rating in this role, "4.5"; absent before any review.
    pub rating: Option<String>,
    pub completed_deliveries: i32,
    pub email_verified: bool,
    pub id_verified: bool,
}

/// A trip with space for parcels.
#[derive(Debug, Serialize, ToSchema)]
pub struct Trip {
    pub id: Uuid,
    /// published, departed, completed, cancelled or expired.
    pub status: String,
    pub origin: String,
    pub destination: String,
    /// The departure instant (RFC 3339, UTC).
    pub departs_at: String,
    /// The departure in the origin's local time, as people read it.
    pub departs_local: String,
    pub arrives_at: String,
    pub arrives_local: String,
    /// plane, train, bus, car or ship.
    pub mode: String,
    /// Space in grams: all of it, and what is left.
    pub capacity_g: i32,
    pub remaining_g: i32,
    pub price_per_kg: Amount,
    /// Categories accepted (empty: all).
    pub categories: Vec<String>,
    pub notes: String,
    pub distance_km: i32,
    /// An admin checked the traveler's ticket.
    pub confirmed_traveler: bool,
    pub traveler: Member,
}

impl From<&TripRow> for Trip {
    fn from(t: &TripRow) -> Trip {
        Trip {
            id: t.id.0,
            status: t.status.code().to_string(),
            origin: t.origin_label.clone(),
            destination: t.destination_label.clone(),
            departs_at: rfc3339(t.departs_at),
            departs_local: carry_time::show(t.departs_at, &t.origin_tz),
            arrives_at: rfc3339(t.arrives_at),
            arrives_local: carry_time::show(t.arrives_at, &t.destination_tz),
            mode: t.mode.code().to_string(),
            capacity_g: t.capacity_g,
            remaining_g: t.remaining_g,
            price_per_kg: t.price_per_kg().into(),
            categories: t.categories.iter().map(|c| c.code().to_string()).collect(),
            notes: t.notes.clone(),
            distance_km: t.distance_km,
            confirmed_traveler: t.ticket_confirmed,
            traveler: Member {
                id: t.traveler_id.0,
                display_name: t.traveler_name.clone(),
                rating: rating_label(t.traveler_rating_x100),
                completed_deliveries: t.completed_deliveries,
                email_verified: t.traveler_verified,
                id_verified: t.traveler_id_verified,
            },
        }
    }
}

/// A parcel looking for a traveler.
#[derive(Debug, Serialize, ToSchema)]
pub struct Parcel {
    pub id: Uuid,
    /// in_review, open, booked, picked_up, delivered, completed, cancelled, rejected or expired.
    pub status: String,
    pub title: String,
    pub description: String,
    pub category: String,
    pub weight_g: i32,
    /// Length, width, height in centimetres.
    pub dimensions_cm: [i32; 3],
    pub declared_value: Amount,
    pub fragile: bool,
    pub pickup: String,
    pub delivery: String,
    /// First and last days (YYYY-MM-DD).
    pub ready_from: String,
    pub deliver_by: String,
    pub reward: Amount,
    pub distance_km: i32,
    pub sender: Member,
}

impl From<&ParcelRow> for Parcel {
    fn from(p: &ParcelRow) -> Parcel {
        Parcel {
            id: p.id.0,
            status: p.status.code().to_string(),
            title: p.title.clone(),
            description: p.description.clone(),
            category: p.category.code().to_string(),
            weight_g: p.weight_g,
            dimensions_cm: [p.length_cm, p.width_cm, p.height_cm],
            declared_value: Money::new(p.declared_value_minor, p.currency).into(),
            fragile: p.fragile,
            pickup: p.pickup_label.clone(),
            delivery: p.delivery_label.clone(),
            ready_from: p.ready_from.to_string(),
            deliver_by: p.deliver_by.to_string(),
            reward: p.reward().into(),
            distance_km: p.distance_km,
            sender: Member {
                id: p.sender_id.0,
                display_name: p.sender_name.clone(),
                rating: rating_label(p.sender_rating_x100),
                completed_deliveries: p.sender_completed,
                email_verified: p.sender_verified,
                id_verified: p.sender_id_verified,
            },
        }
    }
}

/// One trip. Anyone may read a trip.
#[utoipa::path(get, path = "/api/v1/trips/{id}", tag = "trips",
    params(("id" = Uuid, Path, description = "The trip")),
    responses((status = 200, description = "The trip", body = Trip),
              (status = "default", description = "A problem", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["read"])))]
pub async fn get_trip(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<Trip>> {
    let id = TripId(id);
    // The page's rules decide who may see it.
    trips::detail(&state.pool, Some(caller.id()), id).await?;
    let row = app::server::trips::store::row(&state.pool, id).await?;
    Ok(axum::Json(Trip::from(&row)))
}

/// A parcel as the caller may see it: public while listed; its private details (addresses,
/// recipient) only for its sender and the traveler of an accepted booking.
#[derive(Debug, Serialize, ToSchema)]
pub struct ParcelView {
    #[serde(flatten)]
    pub parcel: Parcel,
    /// The caller posted it.
    pub is_mine: bool,
    /// Addresses and recipient, for those allowed.
    pub private: Option<ParcelPrivate>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ParcelPrivate {
    pub pickup_address: String,
    pub delivery_address: String,
    pub recipient: String,
    pub recipient_contact: String,
}

/// One parcel.
#[utoipa::path(get, path = "/api/v1/parcels/{id}", tag = "parcels",
    params(("id" = Uuid, Path, description = "The parcel")),
    responses((status = 200, description = "The parcel", body = ParcelView),
              (status = "default", description = "A problem", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["read"])))]
pub async fn get_parcel(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<ParcelView>> {
    let id = ParcelId(id);
    let d = parcels::detail(&state.pool, Some(caller.id()), caller.user.is_admin(), id).await?;
    let row = app::server::parcels::store::row(&state.pool, id).await?;
    Ok(axum::Json(ParcelView {
        parcel: Parcel::from(&row),
        is_mine: d.is_owner,
        private: d.private.map(|p| ParcelPrivate {
            pickup_address: p.pickup_address,
            delivery_address: p.delivery_address,
            recipient: p.recipient,
            recipient_contact: p.recipient_contact,
        }),
    }))
}

/// A trip to post or change. Times are local to each place.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TripInput {
    /// A place's label, a name or an IATA code.
    pub origin: String,
    pub destination: String,
    /// Places on the way (optional).
    #[serde(default)]
    pub stopovers: Vec<String>,
    /// Local time at the origin, "YYYY-MM-DDTHH:MM".
    pub departs_at: String,
    /// Local time at the destination.
    pub arrives_at: String,
    /// plane, train, bus, car or ship.
    pub mode: String,
    /// Space for parcels in kg, 0.5 to 50 ("10").
    pub capacity_kg: String,
    /// Price per kg ("5.00").
    pub price_per_kg: String,
    /// ISO 4217 (default EUR).
    #[serde(default)]
    pub currency: String,
    /// Categories accepted (empty: all).
    #[serde(default)]
    pub categories: Vec<String>,
    #[serde(default)]
    pub notes: String,
}

impl From<TripInput> for TripForm {
    fn from(t: TripInput) -> TripForm {
        TripForm {
            origin: t.origin,
            destination: t.destination,
            stopovers: t.stopovers.join("\n"),
            departs_at: t.departs_at,
            arrives_at: t.arrives_at,
            mode: t.mode,
            capacity_kg: t.capacity_kg,
            price_per_kg: t.price_per_kg,
            currency: if t.currency.is_empty() {
                "EUR".into()
            } else {
                t.currency
            },
            categories: t.categories,
            notes: t.notes,
        }
    }
}

/// The caller's trips, latest departure first.
#[utoipa::path(get, path = "/api/v1/me/trips", tag = "trips", params(PageQuery),
    responses((status = 200, description = "A page of the caller's trips", body = Page<Trip>),
              (status = "default", description = "A problem", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["read"])))]
pub async fn my_trips(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<PageQuery>,
) -> ApiResult<axum::Json<Page<Trip>>> {
    let rows = trips::mine(&state.pool, caller.id()).await?;
    Ok(axum::Json(Page::slice(
        rows.iter().map(Trip::from).collect(),
        &q,
    )?))
}

/// Posts a trip.
#[utoipa::path(post, path = "/api/v1/me/trips", tag = "trips", request_body = TripInput,
    responses((status = 201, description = "The trip, published", body = Trip),
              (status = "default", description = "A problem", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["write"])))]
pub async fn create_trip(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Json(input): Json<TripInput>,
) -> ApiResult<(StatusCode, axum::Json<Trip>)> {
    let id = trips::create(&state.pool, caller.id(), &input.into()).await?;
    let row = app::server::trips::store::row(&state.pool, id).await?;
    Ok((StatusCode::CREATED, axum::Json(Trip::from(&row))))
}

/// Changes one of the caller's trips (route and dates only until a booking is accepted).
#[utoipa::path(put, path = "/api/v1/trips/{id}", tag = "trips", request_body = TripInput,
    params(("id" = Uuid, Path, description = "The trip")),
    responses((status = 200, description = "The trip, changed", body = Trip),
              (status = "default", description = "A problem", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["write"])))]
pub async fn update_trip(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<Uuid>,
    Json(input): Json<TripInput>,
) -> ApiResult<axum::Json<Trip>> {
    let id = TripId(id);
    trips::update(&state.pool, caller.id(), id, &input.into()).await?;
    let row = app::server::trips::store::row(&state.pool, id).await?;
    Ok(axum::Json(Trip::from(&row)))
}

/// Cancels one of the caller's trips (its bookings are cancelled by the traveler's rules).
#[utoipa::path(post, path = "/api/v1/trips/{id}/cancel", tag = "trips",
    params(("id" = Uuid, Path, description = "The trip")),
    responses((status = 200, description = "The trip, cancelled", body = Trip),
              (status = "default", description = "A problem", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["write"])))]
pub async fn cancel_trip(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<Trip>> {
    let id = TripId(id);
    trips::cancel(&state.pool, caller.id(), id).await?;
    let row = app::server::trips::store::row(&state.pool, id).await?;
    Ok(axum::Json(Trip::from(&row)))
}

/// A parcel to post or change.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ParcelInput {
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// documents, clothing, electronics, cosmetics, medicine, sealed_food, books, gifts or other.
    pub category: String,
    /// 0.1 to 30 kg ("2.5").
    pub weight_kg: String,
    pub length_cm: String,
    pub width_cm: String,
    pub height_cm: String,
    /// What it is worth ("40.00").
    pub declared_value: String,
    /// ISO 4217 (default EUR).
    #[serde(default)]
    pub currency: String,
    #[serde(default)]
    pub fragile: bool,
    /// The sender can show a receipt or serial number (electronics, medicine, cosmetics, food).
    #[serde(default)]
    pub has_receipt: bool,
    /// Pickup place (label, name or IATA code) and private address.
    pub pickup_place: String,
    pub pickup_address: String,
    pub delivery_place: String,
    pub delivery_address: String,
    /// YYYY-MM-DD.
    pub ready_from: String,
    /// YYYY-MM-DD, at most 90 days ahead.
    pub deliver_by: String,
    /// The reward offered ("20.00").
    pub reward: String,
    /// Someone else receives it (then a name and a phone or email).
    #[serde(default)]
    pub recipient_name: String,
    #[serde(default)]
    pub recipient_phone: String,
    #[serde(default)]
    pub recipient_email: String,
    /// The sender declares the contents legal and not on the prohibited list (required).
    #[serde(default)]
    pub contents_legal: bool,
}

impl ParcelInput {
    fn form(self) -> (ParcelForm, bool) {
        let other = !self.recipient_name.trim().is_empty();
        (
            ParcelForm {
                title: self.title,
                description: self.description,
                category: self.category,
                weight_kg: self.weight_kg,
                length_cm: self.length_cm,
                width_cm: self.width_cm,
                height_cm: self.height_cm,
                declared_value: self.declared_value,
                currency: if self.currency.is_empty() {
                    "EUR".into()
                } else {
                    self.currency
                },
                fragile: self.fragile,
                has_receipt: self.has_receipt,
                pickup_place: self.pickup_place,
                pickup_address: self.pickup_address,
                delivery_place: self.delivery_place,
                delivery_address: self.delivery_address,
                ready_from: self.ready_from,
                deliver_by: self.deliver_by,
                reward: self.reward,
                recipient: if other { "other".into() } else { "me".into() },
                recipient_name: self.recipient_name,
                recipient_phone: self.recipient_phone,
                recipient_email: self.recipient_email,
            },
            self.contents_legal,
        )
    }
}

/// The caller's parcels, newest first.
#[utoipa::path(get, path = "/api/v1/me/parcels", tag = "parcels", params(PageQuery),
    responses((status = 200, description = "A page of the caller's parcels", body = Page<Parcel>),
              (status = "default", description = "A problem", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["read"])))]
pub async fn my_parcels(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<PageQuery>,
) -> ApiResult<axum::Json<Page<Parcel>>> {
    let rows = parcels::mine(&state.pool, caller.id()).await?;
    Ok(axum::Json(Page::slice(
        rows.iter().map(Parcel::from).collect(),
        &q,
    )?))
}

/// Posts a parcel. It is listed once it has a photo (added on its web page) and passed the
/// risk check (`status` says `in_review` while an admin looks at it).
#[utoipa::path(post, path = "/api/v1/me/parcels", tag = "parcels", request_body = ParcelInput,
    responses((status = 201, description = "The parcel", body = Parcel),
              (status = "default", description = "A problem", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["write"])))]
pub async fn create_parcel(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Json(input): Json<ParcelInput>,
) -> ApiResult<(StatusCode, axum::Json<Parcel>)> {
    let (form, legal) = input.form();
    let id = parcels::create(&state.pool, caller.id(), &form, legal).await?;
    let row = app::server::parcels::store::row(&state.pool, id).await?;
    Ok((StatusCode::CREATED, axum::Json(Parcel::from(&row))))
}

/// Changes one of the caller's parcels (while it is not booked).
#[utoipa::path(put, path = "/api/v1/parcels/{id}", tag = "parcels", request_body = ParcelInput,
    params(("id" = Uuid, Path, description = "The parcel")),
    responses((status = 200, description = "The parcel, changed", body = Parcel),
              (status = "default", description = "A problem", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["write"])))]
pub async fn update_parcel(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<Uuid>,
    Json(input): Json<ParcelInput>,
) -> ApiResult<axum::Json<Parcel>> {
    let id = ParcelId(id);
    let (form, legal) = input.form();
    parcels::update(&state.pool, caller.id(), id, &form, legal).await?;
    let row = app::server::parcels::store::row(&state.pool, id).await?;
    Ok(axum::Json(Parcel::from(&row)))
}

/// Cancels one of the caller's parcels (while it is not booked).
#[utoipa::path(post, path = "/api/v1/parcels/{id}/cancel", tag = "parcels",
    params(("id" = Uuid, Path, description = "The parcel")),
    responses((status = 200, description = "The parcel, cancelled", body = Parcel),
              (status = "default", description = "A problem", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["write"])))]
pub async fn cancel_parcel(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<Parcel>> {
    let id = ParcelId(id);
    parcels::cancel(&state.pool, caller.id(), id).await?;
    let row = app::server::parcels::store::row(&state.pool, id).await?;
    Ok(axum::Json(Parcel::from(&row)))
}
