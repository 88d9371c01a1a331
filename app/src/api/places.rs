use crate::error::AppError;
use crate::market::PlaceSuggestion;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

#[cfg(feature = "ssr")]
use crate::server::{ctx, market::places};

/// Autocomplete for place inputs (anyone may ask; places are public).
#[server(prefix = "/api", endpoint = "places/search", input = GetUrl)]
pub async fn search_places(q: String) -> Result<Vec<PlaceSuggestion>, AppError> {
    ctx::finish(async { places::search(&ctx::pool()?, &q, 8).await }.await)
}
