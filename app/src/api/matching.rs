//! Search and matching: the two searches (public), the matches of one's own listing, and route
//! alerts (saved searches).

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::i18n::tr;
use crate::types::matching::{AlertItem, AlertKind, Page, ParcelMatch, SearchQuery, TripMatch};
use crate::types::parcels::ParcelCard;
use crate::types::trips::TripCard;
use crate::types::{ParcelId, TripId};
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Postcard};

#[cfg(feature = "ssr")]
use crate::server::{
    ctx,
    matching::{alerts, rank, search},
};

/// Trips a sender can book, by route, dates and filters.
#[server(prefix = "/api", endpoint = "trips/search", input = GetUrl, output = Postcard)]
pub async fn search_trips(q: SearchQuery) -> Result<Page<TripCard>, AppError> {
    let pool = ctx::pool()?;
    let viewer = ctx::current_user().await?.map(|a| a.user.id);
    let f = search::Filters::parse(&pool, &q, "", viewer).await?;
    search::trips(&pool, &f).await
}

/// Open parcels a traveler could carry.
#[server(prefix = "/api", endpoint = "parcels/search", input = GetUrl, output = Postcard)]
pub async fn search_parcels(
    q: SearchQuery,
    max_weight_kg: String,
) -> Result<Page<ParcelCard>, AppError> {
    let pool = ctx::pool()?;
    let viewer = ctx::current_user().await?.map(|a| a.user.id);
    let f = search::Filters::parse(&pool, &q, &max_weight_kg, viewer).await?;
    search::parcels(&pool, &f).await
}

/// The best trips for a parcel, with the reasons. Its sender only.
#[server(prefix = "/api", endpoint = "parcels/matches", output = Postcard)]
pub async fn parcel_matches(id: ParcelId) -> Result<Vec<TripMatch>, AppError> {
    let me = ctx::require_user().await?;
    rank::trips_for_my_parcel(&ctx::pool()?, me.user.id, id).await
}

/// Parcels this trip could carry, best first. Its traveler only.
#[server(prefix = "/api", endpoint = "trips/matches", output = Postcard)]
pub async fn trip_matches(id: TripId) -> Result<Vec<ParcelMatch>, AppError> {
    let me = ctx::require_user().await?;
    rank::parcels_for_my_trip(&ctx::pool()?, me.user.id, id).await
}

/// Saves the search as a route alert ("Alert me").
#[server(prefix = "/api", endpoint = "alerts/save", output = Postcard)]
pub async fn save_alert(
    kind: AlertKind,
    q: SearchQuery,
    #[server(default)] max_weight_kg: String,
) -> Result<(), AppError> {
    let me = ctx::require_user().await?;
    alerts::save(&ctx::pool()?, me.user.id, kind, &q, &max_weight_kg).await?;
    leptos_axum::redirect("/alerts?saved=1");
    Ok(())
}

#[server(prefix = "/api", endpoint = "alerts/mine", input = GetUrl, output = Postcard)]
pub async fn my_alerts() -> Result<Vec<AlertItem>, AppError> {
    let me = ctx::require_user().await?;
    alerts::mine(&ctx::pool()?, me.user.id, &ctx::viewer_zone(Some(&me))).await
}

/// Pauses, resumes or deletes an alert (`what`: "pause", "resume" or "delete").
#[server(prefix = "/api", endpoint = "alerts/change", output = Postcard)]
pub async fn change_alert(id: uuid::Uuid, what: String) -> Result<(), AppError> {
    let me = ctx::require_user().await?;
    let pool = ctx::pool()?;
    match what.as_str() {
        "pause" => alerts::set_paused(&pool, me.user.id, id, true).await?,
        "resume" => alerts::set_paused(&pool, me.user.id, id, false).await?,
        "delete" => alerts::delete(&pool, me.user.id, id).await?,
        _ => {
            return Err(AppError::BadRequest(
                tr("Choose pause, resume or delete.").into(),
            ))
        }
    }
    leptos_axum::redirect("/alerts");
    Ok(())
}
