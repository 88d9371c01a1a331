//! Parcels: post, edit, cancel, read, list, and the suggested reward; photos are a multipart
//! upload route. The form's fields arrive flattened into `ParcelForm`, so the form posts without
//! JavaScript too.

use crate::error::AppError;
use crate::types::parcels::{ParcelCard, ParcelDetail, ParcelForm, RewardSuggestion};
use crate::types::ParcelId;
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Postcard};

#[cfg(feature = "ssr")]
use crate::server::{
    ctx,
    parcels::{reward, service},
};

#[server(prefix = "/api", endpoint = "parcels/save", output = Postcard)]
pub async fn save_parcel(
    #[server(default)] id: Option<ParcelId>,
    #[server(flatten)] form: ParcelForm,
    #[server(default)] declared_legal: Option<String>,
) -> Result<(), AppError> {
    let me = ctx::require_user().await?;
    let pool = ctx::pool()?;
    let legal = declared_legal.is_some();
    match id {
        None => {
            let id = service::create(&pool, me.user.id, &form, legal).await?;
            leptos_axum::redirect(&format!("/parcels/{id}?created=1"));
        }
        Some(id) => {
            service::update(&pool, me.user.id, id, &form, legal).await?;
            leptos_axum::redirect(&format!("/parcels/{id}?saved=1"));
        }
    }
    Ok(())
}

#[server(prefix = "/api", endpoint = "parcels/cancel", output = Postcard)]
pub async fn cancel_parcel(id: ParcelId) -> Result<(), AppError> {
    let me = ctx::require_user().await?;
    service::cancel(&ctx::pool()?, me.user.id, id).await?;
    leptos_axum::redirect(&format!("/parcels/{id}?cancelled=1"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "parcels/get", output = Postcard)]
pub async fn get_parcel(id: ParcelId) -> Result<ParcelDetail, AppError> {
    let me = ctx::current_user().await?;
    let admin = me.as_ref().is_some_and(|a| a.user.is_admin());
    service::detail(&ctx::pool()?, me.map(|a| a.user.id), admin, id).await
}

#[server(prefix = "/api", endpoint = "parcels/mine", output = Postcard)]
pub async fn my_parcels() -> Result<Vec<ParcelCard>, AppError> {
    let me = ctx::require_user().await?;
    service::list_mine(&ctx::pool()?, me.user.id).await
}

/// The reward suggested while the sender types, with how it was computed.
#[server(prefix = "/api", endpoint = "parcels/suggest-reward", input = GetUrl, output = Postcard)]
pub async fn suggest_reward(
    from: String,
    to: String,
    weight_kg: String,
    currency: String,
) -> Result<Option<RewardSuggestion>, AppError> {
    reward::suggest(&ctx::pool()?, &from, &to, &weight_kg, &currency).await
}
