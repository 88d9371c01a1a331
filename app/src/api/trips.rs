//! Trips: post, edit, cancel, read, list; the private ticket is a multipart upload route.
//! Server functions take one argument per form field, so forms post without JavaScript.
#![allow(clippy::too_many_arguments)]

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::types::trips::TripForm;
use crate::types::trips::{TripCard, TripDetail};
use crate::types::TripId;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::server::{ctx, trips::service};

#[server(prefix = "/api", endpoint = "trips/create")]
pub async fn create_trip(
    origin: String,
    destination: String,
    #[server(default)] stopovers: String,
    departs_at: String,
    arrives_at: String,
    mode: String,
    capacity_kg: String,
    price_per_kg: String,
    currency: String,
    #[server(default)] categories: Vec<String>,
    #[server(default)] notes: String,
) -> Result<(), AppError> {
    let me = ctx::require_user().await?;
    let form = TripForm {
        origin,
        destination,
        stopovers,
        departs_at,
        arrives_at,
        mode,
        capacity_kg,
        price_per_kg,
        currency,
        categories,
        notes,
    };
    let id = service::create(&ctx::pool()?, me.user.id, &form).await?;
    leptos_axum::redirect(&format!("/trips/{id}?created=1"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "trips/update")]
pub async fn update_trip(
    id: TripId,
    origin: String,
    destination: String,
    #[server(default)] stopovers: String,
    departs_at: String,
    arrives_at: String,
    mode: String,
    capacity_kg: String,
    price_per_kg: String,
    currency: String,
    #[server(default)] categories: Vec<String>,
    #[server(default)] notes: String,
) -> Result<(), AppError> {
    let me = ctx::require_user().await?;
    let form = TripForm {
        origin,
        destination,
        stopovers,
        departs_at,
        arrives_at,
        mode,
        capacity_kg,
        price_per_kg,
        currency,
        categories,
        notes,
    };
    service::update(&ctx::pool()?, me.user.id, id, &form).await?;
    leptos_axum::redirect(&format!("/trips/{id}?saved=1"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "trips/cancel")]
pub async fn cancel_trip(id: TripId) -> Result<(), AppError> {
    let me = ctx::require_user().await?;
    service::cancel(&ctx::pool()?, me.user.id, id).await?;
    leptos_axum::redirect(&format!("/trips/{id}?cancelled=1"));
    Ok(())
}

/// A trip page: public; the owner also gets the values for the edit form.
#[server(prefix = "/api", endpoint = "trips/get")]
pub async fn get_trip(id: TripId) -> Result<TripDetail, AppError> {
    let viewer = ctx::current_user().await?.map(|a| a.user.id);
    service::detail(&ctx::pool()?, viewer, id).await
}

#[server(prefix = "/api", endpoint = "trips/mine")]
pub async fn my_trips() -> Result<Vec<TripCard>, AppError> {
    let me = ctx::require_user().await?;
    service::list_mine(&ctx::pool()?, me.user.id).await
}
