//! The public REST API (`/api/v1`) for mobile and third-party clients: JSON over the same domain
//! services as the site (never a second implementation of a rule), authenticated by personal
//! API tokens (`Authorization: Bearer carry_…`) with scopes (reading needs `read`; anything
//! else `write`), errors as RFC 9457 problem details with the request id, `Idempotency-Key` on
//! money-moving requests, cursor pagination, and a rate limit per token counted in Postgres (so
//! it holds across instances) with `RateLimit-*` and `Retry-After` headers. The OpenAPI 3.1
//! document is generated from the handlers (`/api/v1/openapi.json`); `/api/docs` renders it.
//!
//! Every operation is registered through `OpenApiRouter::routes` from its `#[utoipa::path]`, so
//! none can exist without being in the document; the HTTP tests call every documented
//! operation, and anything else under `/api/v1` is a 404 problem.

pub mod account;
pub mod bookings;
pub mod docs;
pub mod extract;
pub mod listings;
pub mod matches;
pub mod problem;
pub mod search;
pub mod support;

use app::server::accounts::api_tokens;
use app::server::{ratelimit, AppState};
use app::types::accounts::TokenScope;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::{Extension, Router};
use problem::{ApiResult, Problem, REQUEST_ID};
use support::Caller;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub const PREFIX: &str = "/api/v1";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Carry API",
        version = "1.0.0",
        description = "Crowdshipping: travelers carry parcels for senders on trips they already make. \
            Authenticate with a personal API token (Account → Security on the site): \
            `Authorization: Bearer carry_…`. Reading needs the `read` scope; anything else `write`. \
            Errors are RFC 9457 problem details. Money is in minor units (cents) with an ISO 4217 \
            currency. Lists are paged by cursor: pass `next_cursor` back as `cursor`."
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "places", description = "Cities and airports"),
        (name = "trips", description = "Trips with space for parcels"),
        (name = "parcels", description = "Parcels looking for a traveler"),
        (name = "bookings", description = "A parcel on a trip: proposing, answering, handoff, completion"),
        (name = "wallet", description = "Balances and movements"),
        (name = "notifications", description = "What the member was told"),
        (name = "chat", description = "Conversations about a parcel and a trip"),
        (name = "account", description = "The member the token acts for"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A personal API token (scopes: read, write), made on the site's security page.",
                    ))
                    .build(),
            ),
        );
    }
}

/// The routes and the document describing them.
pub fn api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(search::search_places))
        .routes(routes!(search::search_trips))
        .routes(routes!(search::search_parcels))
        .routes(routes!(listings::get_trip, listings::update_trip))
        .routes(routes!(listings::cancel_trip))
        .routes(routes!(matches::trip_matches))
        .routes(routes!(listings::my_trips, listings::create_trip))
        .routes(routes!(listings::get_parcel, listings::update_parcel))
        .routes(routes!(listings::cancel_parcel))
        .routes(routes!(matches::parcel_matches))
        .routes(routes!(listings::my_parcels, listings::create_parcel))
        .routes(routes!(bookings::my_bookings, bookings::propose))
        .routes(routes!(bookings::get_booking))
        .routes(routes!(bookings::answer))
        .routes(routes!(bookings::pick_up))
        .routes(routes!(bookings::deliver))
        .routes(routes!(bookings::settle))
        .routes(routes!(account::get_me, account::update_me))
        .routes(routes!(account::wallet))
        .routes(routes!(account::wallet_history))
        .routes(routes!(account::list_notifications))
        .routes(routes!(account::read_notifications))
        .routes(routes!(account::inbox, account::start_conversation))
        .routes(routes!(account::get_conversation))
        .routes(routes!(account::send_message))
        .routes(routes!(events))
        .split_for_parts()
}

/// The API's router: its routes behind the gate, its document, and the docs page.
pub fn routes(state: &AppState) -> Router<AppState> {
    let (api, doc) = api();
    let json = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".into());
    let page = docs::page(&doc, &state.config.public_url);
    api.layer(from_fn_with_state(state.clone(), gate))
        // An address the API does not have: a problem, not the site's 404 page.
        .route("/api/v1/{*rest}", any(no_such_route))
        .route(
            "/api/v1/openapi.json",
            get(move || {
                let json = json.clone();
                async move { ([(header::CONTENT_TYPE, "application/json")], json) }
            }),
        )
        .route(
            "/api/docs",
            get(move || {
                let page = page.clone();
                async move { ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], page) }
            }),
        )
}

async fn no_such_route(headers: axum::http::HeaderMap) -> Response {
    let id = headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    REQUEST_ID
        .scope(id, async { Problem::not_found().into_response() })
        .await
}

/// Live events for the token's member: the same stream the site's pages use (server-sent
/// events: `ready` on each connection, then what to fetch again).
#[utoipa::path(get, path = "/api/v1/events", tag = "notifications",
    responses((status = 200, description = "A stream of events (text/event-stream) that does not end", content_type = "text/event-stream", body = String),
              (status = "default", description = "A problem", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["read"])))]
async fn events(State(state): State<AppState>, Extension(caller): Extension<Caller>) -> Response {
    crate::live::events_for(&state, caller.id())
}

/// Every API request passes here: the request id for problems, the token, its scope, and the
/// rate limit (with its headers on every answer).
async fn gate(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    // The services' messages in the client's language (`Accept-Language`), English by default.
    let locale = app::i18n::from_headers(req.headers());
    REQUEST_ID
        .scope(
            id,
            app::i18n::within(locale, async move {
                let bearer = req
                    .headers()
                    .get(header::AUTHORIZATION)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string);
                let reading = matches!(*req.method(), Method::GET | Method::HEAD);
                let caller = match authenticate(&state, bearer.as_deref(), reading).await {
                    Ok(c) => c,
                    Err(p) => return p.into_response(),
                };
                let limit = state.config.api_rate_per_minute;
                let standing = match ratelimit::hit_counted(
                    &state.pool,
                    &format!("api:{}", caller.token),
                    limit,
                    time::Duration::MINUTE,
                )
                .await
                {
                    Ok(s) => s,
                    Err(e) => return Problem::from(e).into_response(),
                };
                let mut res = if standing.allowed {
                    req.extensions_mut().insert(caller);
                    next.run(req).await
                } else {
                    let mut res = Problem::new(
                        StatusCode::TOO_MANY_REQUESTS,
                        "too-many-requests",
                        format!(
                            "This token made {limit} requests in the last minute. Wait {} seconds.",
                            standing.reset_secs
                        ),
                    )
                    .into_response();
                    if let Ok(v) = HeaderValue::from_str(&standing.reset_secs.to_string()) {
                        res.headers_mut().insert(header::RETRY_AFTER, v);
                    }
                    res
                };
                for (name, value) in [
                    ("ratelimit-limit", limit),
                    ("ratelimit-remaining", standing.remaining),
                    ("ratelimit-reset", standing.reset_secs),
                ] {
                    if let Ok(v) = HeaderValue::from_str(&value.to_string()) {
                        res.headers_mut().insert(name, v);
                    }
                }
                res
            }),
        )
        .await
}

/// The caller behind the bearer token, allowed what the method needs.
async fn authenticate(
    state: &AppState,
    authorization: Option<&str>,
    reading: bool,
) -> ApiResult<Caller> {
    let token = authorization
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim);
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return Err(Problem::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "Send a personal API token: Authorization: Bearer carry_…",
        )
        .into());
    };
    let Some((user, token, scopes)) = api_tokens::authenticate(&state.pool, token).await? else {
        return Err(Problem::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "This token is not valid: it may be mistyped, revoked or expired, or the account may \
             not be in good standing.",
        )
        .into());
    };
    let needs = if reading {
        TokenScope::Read
    } else {
        TokenScope::Write
    };
    if !scopes.contains(&needs) {
        return Err(Problem::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            format!(
                "This token may not {}: it lacks the {} scope.",
                if needs == TokenScope::Read {
                    "read"
                } else {
                    "write"
                },
                needs.code()
            ),
        )
        .into());
    }
    Ok(Caller {
        user,
        token,
        scopes,
    })
}
