//! Webhooks from outside services: Stripe's signed events credit card payments, once.

use app::server::wallet::stripe;
use app::server::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;

pub fn routes() -> Router<AppState> {
    Router::new().route("/webhooks/stripe", post(stripe_webhook))
}

/// Stripe's webhook: verify the signature, then credit the payment once.
async fn stripe_webhook(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let Some(cfg) = &state.config.stripe else {
        return (StatusCode::NOT_FOUND, "Stripe is not configured.").into_response();
    };
    let sig = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    if let Err(why) = stripe::verify(&cfg.webhook_secret, sig, &body, now) {
        tracing::warn!(why, "stripe webhook refused");
        return (StatusCode::BAD_REQUEST, "Bad signature.").into_response();
    }
    match stripe::handle_event(&state.pool, &body).await {
        Ok(outcome) => (StatusCode::OK, format!("{outcome:?}")).into_response(),
        Err(e) => (
            StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            e.to_string(),
        )
            .into_response(),
    }
}
