//! Places: autocomplete for place inputs (anyone may ask; places are public).

use crate::error::AppError;
use crate::types::places::PlaceSuggestion;
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Postcard};

#[cfg(feature = "ssr")]
use crate::server::{ctx, places};

#[server(prefix = "/api", endpoint = "places/search", input = GetUrl, output = Postcard)]
pub async fn search_places(q: String) -> Result<Vec<PlaceSuggestion>, AppError> {
    places::search(&ctx::pool()?, &q, 8).await
}
