//! Trips: post, edit, cancel, read, list; the private ticket is a multipart upload route. The
//! form's fields arrive flattened into `TripForm`, so the form posts without JavaScript too.

use crate::error::AppError;
use crate::types::trips::{TripCard, TripDetail, TripForm};
use crate::types::TripId;
use leptos::prelude::*;
use leptos::server_fn::codec::Postcard;

#[cfg(feature = "ssr")]
use crate::server::{ctx, trips::service};

#[server(prefix = "/api", endpoint = "trips/create", output = Postcard)]
pub async fn create_trip(#[server(flatten)] form: TripForm) -> Result<(), AppError> {
    let me = ctx::require_user().await?;
    let id = service::create(&ctx::pool()?, me.user.id, &form).await?;
    leptos_axum::redirect(&format!("/trips/{id}?created=1"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "trips/update", output = Postcard)]
pub async fn update_trip(id: TripId, #[server(flatten)] form: TripForm) -> Result<(), AppError> {
    let me = ctx::require_user().await?;
    service::update(&ctx::pool()?, me.user.id, id, &form).await?;
    leptos_axum::redirect(&format!("/trips/{id}?saved=1"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "trips/cancel", output = Postcard)]
pub async fn cancel_trip(id: TripId) -> Result<(), AppError> {
    let me = ctx::require_user().await?;
    service::cancel(&ctx::pool()?, me.user.id, id).await?;
    leptos_axum::redirect(&format!("/trips/{id}?cancelled=1"));
    Ok(())
}

/// A trip page: public; the owner also gets the values for the edit form.
#[server(prefix = "/api", endpoint = "trips/get", output = Postcard)]
pub async fn get_trip(id: TripId) -> Result<TripDetail, AppError> {
    let viewer = ctx::current_user().await?.map(|a| a.user.id);
    service::detail(&ctx::pool()?, viewer, id).await
}

#[server(prefix = "/api", endpoint = "trips/mine", output = Postcard)]
pub async fn my_trips() -> Result<Vec<TripCard>, AppError> {
    let me = ctx::require_user().await?;
    service::list_mine(&ctx::pool()?, me.user.id).await
}
