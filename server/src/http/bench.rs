//! The benchmark's references, mounted only when `CARRY_BENCH_ROUTES=1`: a minimal axum handler
//! that runs the same search SQL as the trip-search page and renders a plain HTML table, and the
//! floor: 20 trips read by primary key into the same table, the least work any page of 20
//! results can do.

use app::server::matching::search;
use app::server::places;
use app::server::trips::store as trips;
use app::server::AppState;
use app::types::trips::TripCard;
use app::types::TripId;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::collections::HashMap;
use std::fmt::Write as _;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/bench/trips-plain", get(trips_plain))
        .route("/bench/trips-by-id", get(trips_by_id))
}

fn table(trips: impl IntoIterator<Item = TripCard>) -> Response {
    let mut html = String::from(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Trips</title></head><body><table>",
    );
    for t in trips {
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

fn failed(e: impl std::fmt::Display) -> Response {
    (axum::http::StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response()
}

/// The floor: the same 20 trips every time (the first 20 published, chosen once), one query.
async fn trips_by_id(State(state): State<AppState>) -> Response {
    static IDS: tokio::sync::OnceCell<Vec<TripId>> = tokio::sync::OnceCell::const_new();
    let ids = IDS
        .get_or_try_init(|| async {
            sqlx::query_scalar::<_, TripId>(
                "SELECT id FROM trips WHERE status = 'published' ORDER BY id LIMIT 20",
            )
            .fetch_all(&state.pool)
            .await
        })
        .await;
    let rows = match ids {
        Ok(ids) => trips::rows(&state.pool, ids).await,
        Err(e) => return failed(e),
    };
    match rows {
        Ok(rows) => table(rows.iter().map(trips::TripRow::card)),
        Err(e) => failed(e),
    }
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
        Ok(page) => table(page.items),
        Err(e) => failed(e),
    }
}
