//! `GET /api/events`: a server-sent event stream of the logged-in member's live events (new
//! messages, read receipts, notifications), fed by this process's listener on the database
//! channel (`app::server::live`), so a change made on any instance reaches pages open on any
//! other. Events carry no content, only what to fetch again.

use crate::uploads::authed;
use app::server::live::Envelope;
use app::server::AppState;
use app::types::notifications::LiveEvent;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::convert::Infallible;
use tokio::sync::broadcast::error::RecvError;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/events", get(stream))
}

fn event(e: &LiveEvent) -> Event {
    Event::default().data(serde_json::to_string(e).unwrap_or_else(|_| "{}".into()))
}

async fn stream(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(me) = authed(&state, &headers).await else {
        return (StatusCode::UNAUTHORIZED, "Log in to receive live updates.").into_response();
    };
    events_for(&state, me.id)
}

/// The stream of `user`'s live events (the site's pages, and API clients at `/api/v1/events`).
pub fn events_for(state: &AppState, user: app::types::UserId) -> Response {
    let rx = state.live.subscribe();
    // The first event says the stream is open (a page that reconnects fetches what it missed).
    let hello = futures::stream::once(async {
        Ok::<_, Infallible>(Event::default().event("ready").data("{}"))
    });
    let events = futures::stream::unfold(rx, move |mut rx| async move {
        loop {
            match rx.recv().await {
                Ok(Envelope { user: to, event: e }) if to.is_none() || to == Some(user) => {
                    return Some((Ok::<_, Infallible>(event(&e)), rx));
                }
                Ok(_) => continue,
                // Too slow to keep up: some events were dropped, so fetch everything again.
                Err(RecvError::Lagged(_)) => {
                    return Some((Ok(event(&LiveEvent::Resync)), rx));
                }
                Err(RecvError::Closed) => return None,
            }
        }
    });
    use futures::StreamExt as _;
    Sse::new(hello.chain(events))
        .keep_alive(KeepAlive::default())
        .into_response()
}
