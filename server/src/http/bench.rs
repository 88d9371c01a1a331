//! The benchmark's reference: a minimal axum handler that runs the same search SQL as the
//! trip-search page and renders a plain HTML table. Mounted only when `CARRY_BENCH_ROUTES=1`.

use app::server::matching::search;
use app::server::places;
use app::server::AppState;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::collections::HashMap;
use std::fmt::Write as _;

pub fn routes() -> Router<AppState> {
    Router::new().route("/bench/trips-plain", get(trips_plain))
}

async fn trips_plain(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let place = |k: &str| q.get(k).cloned().unwrap_or_default();
    let (from, to) = (place("from"), place("to"));
    let result = async {
        let origin = places::resolve(&state.pool, &from).await?.map(|p| p.id);
        let destination = places::resolve(&state.pool, &to).await?.map(|p| p.id);
        search::trips(
            &state.pool,
            &search::Filters {
                origin,
                destination,
                page: 1,
                ..Default::default()
            },
        )
        .await
    }
    .await;
    match result {
        Ok(page) => {
            let mut html = String::from(
                "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Trips</title></head><body><table>",
            );
            for t in page.items {
                let _ = write!(
                    html,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    app::escape_html(&t.origin),
                    app::escape_html(&t.destination),
                    app::escape_html(&t.departs),
                    app::escape_html(&t.remaining),
                    t.price_per_kg
                );
            }
            html.push_str("</table></body></html>");
            Html(html).into_response()
        }
        Err(e) => (axum::http::StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}
