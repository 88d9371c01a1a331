//! Parcels: post, edit, cancel, read, list, and the suggested reward; photos are a multipart
//! upload route. Server functions take one argument per form field, so forms post without
//! JavaScript.
#![allow(clippy::too_many_arguments)]

use crate::error::AppError;
use crate::types::parcels::{ParcelCard, ParcelDetail, RewardSuggestion};
use crate::types::ParcelId;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

#[cfg(feature = "ssr")]
use crate::server::{
    ctx,
    parcels::{reward, service},
};

#[server(prefix = "/api", endpoint = "parcels/save")]
pub async fn save_parcel(
    #[server(default)] id: Option<ParcelId>,
    title: String,
    #[server(default)] description: String,
    category: String,
    weight_kg: String,
    length_cm: String,
    width_cm: String,
    height_cm: String,
    declared_value: String,
    currency: String,
    #[server(default)] fragile: Option<String>,
    pickup_place: String,
    pickup_address: String,
    delivery_place: String,
    delivery_address: String,
    ready_from: String,
    deliver_by: String,
    reward: String,
    #[server(default)] recipient: String,
    #[server(default)] recipient_name: String,
    #[server(default)] recipient_phone: String,
    #[server(default)] recipient_email: String,
    #[server(default)] declared_legal: Option<String>,
) -> Result<(), AppError> {
    let me = ctx::require_user().await?;
    let form = crate::types::parcels::ParcelForm {
        title,
        description,
        category,
        weight_kg,
        length_cm,
        width_cm,
        height_cm,
        declared_value,
        currency,
        fragile: fragile.is_some(),
        pickup_place,
        pickup_address,
        delivery_place,
        delivery_address,
        ready_from,
        deliver_by,
        reward,
        recipient,
        recipient_name,
        recipient_phone,
        recipient_email,
    };
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

#[server(prefix = "/api", endpoint = "parcels/cancel")]
pub async fn cancel_parcel(id: ParcelId) -> Result<(), AppError> {
    let me = ctx::require_user().await?;
    service::cancel(&ctx::pool()?, me.user.id, id).await?;
    leptos_axum::redirect(&format!("/parcels/{id}?cancelled=1"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "parcels/get")]
pub async fn get_parcel(id: ParcelId) -> Result<ParcelDetail, AppError> {
    let me = ctx::current_user().await?;
    let admin = me.as_ref().is_some_and(|a| a.user.is_admin());
    service::detail(&ctx::pool()?, me.map(|a| a.user.id), admin, id).await
}

#[server(prefix = "/api", endpoint = "parcels/mine")]
pub async fn my_parcels() -> Result<Vec<ParcelCard>, AppError> {
    let me = ctx::require_user().await?;
    service::list_mine(&ctx::pool()?, me.user.id).await
}

/// The reward suggested while the sender types, with how it was computed.
#[server(prefix = "/api", endpoint = "parcels/suggest-reward", input = GetUrl)]
pub async fn suggest_reward(
    from: String,
    to: String,
    weight_kg: String,
    currency: String,
) -> Result<Option<RewardSuggestion>, AppError> {
    reward::suggest(&ctx::pool()?, &from, &to, &weight_kg, &currency).await
}
