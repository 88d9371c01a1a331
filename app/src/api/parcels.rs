//! Server functions take one argument per form field, so forms post without JavaScript.
#![allow(clippy::too_many_arguments)]

use super::trips::SearchQuery;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::market::ParcelForm;
use crate::market::{Page, ParcelCard, ParcelDetail, ReviewItem, RewardSuggestion, TripMatch};
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use uuid::Uuid;

#[cfg(feature = "ssr")]
use crate::server::{
    ctx,
    market::{matching, parcels},
};

#[server(prefix = "/api", endpoint = "parcels/save")]
pub async fn save_parcel(
    #[server(default)] id: Option<Uuid>,
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
    ctx::finish(
        async {
            let me = ctx::require_user().await?;
            let input = ParcelForm {
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
                    let id = parcels::create(&pool, me.user.id, &input, legal).await?;
                    leptos_axum::redirect(&format!("/parcels/{id}?created=1"));
                }
                Some(id) => {
                    parcels::update(&pool, me.user.id, id, &input, legal).await?;
                    leptos_axum::redirect(&format!("/parcels/{id}?saved=1"));
                }
            }
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "parcels/cancel")]
pub async fn cancel_parcel(id: Uuid) -> Result<(), AppError> {
    ctx::finish(
        async {
            let me = ctx::require_user().await?;
            parcels::cancel(&ctx::pool()?, me.user.id, id).await?;
            leptos_axum::redirect(&format!("/parcels/{id}?cancelled=1"));
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "parcels/get")]
pub async fn get_parcel(id: Uuid) -> Result<ParcelDetail, AppError> {
    ctx::finish(
        async {
            let me = ctx::current_user().await?;
            let admin = me.as_ref().is_some_and(|a| a.user.is_admin());
            parcels::detail(&ctx::pool()?, me.map(|a| a.user.id), admin, id).await
        }
        .await,
    )
}

/// The best trips for a parcel, with the reasons. Its sender only.
#[server(prefix = "/api", endpoint = "parcels/matches")]
pub async fn parcel_matches(id: Uuid) -> Result<Vec<TripMatch>, AppError> {
    ctx::finish(
        async {
            let me = ctx::require_user().await?;
            matching::trips_for_my_parcel(&ctx::pool()?, me.user.id, id).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "parcels/mine")]
pub async fn my_parcels() -> Result<Vec<ParcelCard>, AppError> {
    ctx::finish(
        async {
            let me = ctx::require_user().await?;
            parcels::list_mine(&ctx::pool()?, me.user.id).await
        }
        .await,
    )
}

/// The reward suggested while the sender types, with how it was computed.
#[server(prefix = "/api", endpoint = "parcels/suggest-reward", input = GetUrl)]
pub async fn suggest_reward(
    from: String,
    to: String,
    weight_kg: String,
    currency: String,
) -> Result<Option<RewardSuggestion>, AppError> {
    ctx::finish(
        async { parcels::suggest_reward(&ctx::pool()?, &from, &to, &weight_kg, &currency).await }
            .await,
    )
}

/// Open parcels a traveler could carry.
#[server(prefix = "/api", endpoint = "parcels/search", input = GetUrl)]
pub async fn search_parcels(
    q: SearchQuery,
    max_weight_kg: String,
) -> Result<Page<ParcelCard>, AppError> {
    ctx::finish(
        async {
            let pool = ctx::pool()?;
            let viewer = ctx::current_user().await?.map(|a| a.user.id);
            let f = super::trips::search_input::parse(&pool, &q).await?;
            let max_weight_g = match max_weight_kg.trim() {
                "" => None,
                w => Some(
                    crate::market::parse_kg(w)
                        .map_err(|m| AppError::validation("max_weight", m))?,
                ),
            };
            parcels::search(
                &pool,
                &parcels::ParcelSearch {
                    origin: f.origin,
                    destination: f.destination,
                    from: f.from,
                    to: f.to,
                    category: f.category,
                    max_weight_g,
                    min_reward: f.money,
                    min_rating_x100: f.min_rating_x100,
                    verified_only: q.verified,
                    sort: f.sort,
                    page: q.page.max(1),
                    exclude_user: viewer,
                },
            )
            .await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "admin/parcels/review-queue")]
pub async fn review_queue() -> Result<Vec<ReviewItem>, AppError> {
    ctx::finish(
        async {
            ctx::require_admin().await?;
            parcels::review_queue(&ctx::pool()?).await
        }
        .await,
    )
}

/// An admin approves or rejects a parcel in review (`decision` is "approve" or "reject").
#[server(prefix = "/api", endpoint = "admin/parcels/review")]
pub async fn review_parcel(
    id: Uuid,
    decision: String,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    ctx::finish(
        async {
            let admin = ctx::require_admin().await?;
            let approve = super::decision(&decision, "approve")?;
            parcels::review(&ctx::pool()?, admin.user.id, id, approve, &reason).await?;
            leptos_axum::redirect("/admin/parcels/review?done=1");
            Ok(())
        }
        .await,
    )
}
