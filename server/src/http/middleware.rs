//! Cross-cutting request handling: request ids, logs, metrics, panics, CSRF, security headers,
//! compression, timeouts and body limits.

use super::metrics::Metrics;
use app::server::csp::{self, CspNonce};
use app::server::AppState;
use axum::body::Body;
use axum::extract::{MatchedPath, Request};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{from_fn, from_fn_with_state, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::{Extension, Router};
use futures::FutureExt;
use rand::RngCore;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower::ServiceBuilder;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnFailure, DefaultOnResponse, TraceLayer};
use tracing::Level;

pub const BODY_LIMIT: usize = 2 * 1024 * 1024;
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

pub fn wrap(
    app: Router,
    state: AppState,
    metrics: Arc<Metrics>,
    reload_port: Option<u32>,
) -> Router {
    let reload_port = reload_port.and_then(|p| u16::try_from(p).ok());
    app.layer(
        ServiceBuilder::new()
            .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
            .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<Body>| {
                let id = req
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-");
                tracing::info_span!("request", request_id = %id, method = %req.method(), path = %req.uri().path())
            })
            .on_response(DefaultOnResponse::new().level(Level::INFO))
            .on_failure(DefaultOnFailure::new().level(Level::ERROR)))
            .layer(PropagateRequestIdLayer::x_request_id())
            .layer(Extension(metrics))
            .layer(from_fn(record_metrics))
            .layer(from_fn(catch_panics))
            .layer(from_fn(move |req, next| security_headers(req, next, reload_port)))
            .layer(from_fn_with_state(state.clone(), same_origin_only))
            .layer(from_fn_with_state(state, unsealed_errors))
            .layer(CompressionLayer::new().quality(CompressionLevel::Precise(DYNAMIC_COMPRESSION)))
            // Inside compression: it reads the body as the server function wrote it.
            .layer(from_fn(server_fn_error_status))
            .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, REQUEST_TIMEOUT))
            .layer(from_fn(limit_body))
            .layer(from_fn(refuse_nul)),
    )
}

/// How hard pages and API answers are compressed as they are made (brotli and gzip level). The
/// libraries' default is brotli's best, quality 11: it took 20 ms of CPU for a 19 KB search page,
/// ten times what rendering it costs, on every request from a browser (they all send
/// `Accept-Encoding: br`). Quality 5 takes 0.2 ms for 11% more bytes. Static files are
/// compressed once, at build time, at the highest quality (`assets.rs`).
pub const DYNAMIC_COMPRESSION: i32 = 5;

/// The one owner of a server function's error status. Leptos answers every failed server
/// function with a 500 (and a redirect for plain form posts); the error is our `AppError`, so
/// the response gets its status: 400 for malformed arguments, 401, 403, 404, 409, 422 ...
async fn server_fn_error_status(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    if res.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !res.headers().contains_key("serverfnerror")
    {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "error").into_response();
    };
    if let Some(e) = app::error::AppError::from_wire(&bytes) {
        if let Ok(code) = StatusCode::from_u16(e.status()) {
            parts.status = code;
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Text never holds a NUL character (Postgres refuses it): a form post or a query string with
/// one is a bad request, answered as such instead of failing deeper down.
async fn refuse_nul(req: Request, next: Next) -> Response {
    let has_nul = |s: &[u8]| s.contains(&0) || s.windows(3).any(|w| w.eq_ignore_ascii_case(b"%00"));
    // The API answers every problem as problem details; the site as text.
    let api = req.uri().path().starts_with("/api/v1/");
    let bad = || {
        if api {
            return crate::rest::problem::Problem::new(
                StatusCode::BAD_REQUEST,
                "bad-request",
                "Text cannot contain NUL characters.",
            )
            .into_response();
        }
        (
            StatusCode::BAD_REQUEST,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "Text cannot contain NUL characters.",
        )
            .into_response()
    };
    if req.uri().query().is_some_and(|q| has_nul(q.as_bytes())) {
        return bad();
    }
    let form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !form {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, BODY_LIMIT).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "The request is too large.").into_response();
    };
    if has_nul(&bytes) {
        return bad();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// Bodies over the limit are refused: at once when their length is declared, else while read.
async fn limit_body(req: Request, next: Next) -> Response {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    // Photo uploads carry up to five images; everything else stays small.
    let limit = if req.method() == Method::POST && crate::uploads::is_upload(req.uri().path()) {
        crate::uploads::UPLOAD_LIMIT
    } else {
        BODY_LIMIT
    };
    if declared.is_some_and(|n| n > limit) {
        return (StatusCode::PAYLOAD_TOO_LARGE, "The request is too large.").into_response();
    }
    let (parts, body) = req.into_parts();
    let body = Body::new(http_body_util::Limited::new(body, limit));
    next.run(Request::from_parts(parts, body)).await
}

async fn record_metrics(req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| {
            if req.uri().path().starts_with("/pkg/") {
                "/pkg/*".into()
            } else {
                "unmatched".into()
            }
        });
    let metrics = req.extensions().get::<Arc<Metrics>>().cloned();
    let res = next.run(req).await;
    if let Some(m) = metrics {
        m.record(
            &method,
            &route,
            res.status().as_u16(),
            start.elapsed().as_secs_f64(),
        );
    }
    res
}

/// A panic in a handler becomes a 500 page with the request id, not a dropped connection.
async fn catch_panics(req: Request, next: Next) -> Response {
    let id = request_id(&req);
    match AssertUnwindSafe(next.run(req)).catch_unwind().await {
        Ok(res) => res,
        Err(_) => {
            tracing::error!(request_id = %id, "handler panicked");
            error_page(StatusCode::INTERNAL_SERVER_ERROR, &id)
        }
    }
}

fn request_id(req: &Request) -> String {
    req.headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("unknown")
        .to_string()
}

pub fn error_page(status: StatusCode, request_id: &str) -> Response {
    let body = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Something went wrong · Carry</title><link rel=\"stylesheet\" href=\"/pkg/carry.css\"></head>\
         <body class=\"bg-slate-50 p-6 font-sans\"><main class=\"mx-auto max-w-lg py-10 text-center\">\
         <p class=\"text-sm font-semibold text-red-700\">{}</p><h1 class=\"mt-2 text-3xl font-bold\">Something went wrong on our side</h1>\
         <p class=\"mt-3\">Please try again. If it keeps happening, tell us this reference: <code data-testid=\"request-id\">{}</code></p>\
         <p class=\"mt-6\"><a href=\"/\">Go to the home page</a></p></main></body></html>",
        status.as_u16(),
        app::escape_html(request_id)
    );
    (status, Html(body)).into_response()
}

async fn security_headers(mut req: Request, next: Next, reload_port: Option<u16>) -> Response {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let nonce: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    req.extensions_mut().insert(CspNonce(nonce.clone()));
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&csp::policy(&nonce, reload_port)) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(self), geolocation=(), microphone=()"),
    );
    res
}

/// A page address carrying a form error (`__err`, the round trip of a form posted without
/// JavaScript) is rendered only when this server sealed that error recently; otherwise the
/// browser is sent to the same address without it, so a crafted link cannot put words or
/// values into a page.
async fn unsealed_errors(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    use base64::{engine::general_purpose::URL_SAFE, Engine as _};
    let Some(query) = req.uri().query().filter(|q| q.contains("__err=")) else {
        return next.run(req).await;
    };
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let sealed = pairs
        .iter()
        .find(|(k, _)| k == "__err")
        .and_then(|(_, v)| URL_SAFE.decode(v).ok())
        .is_some_and(|raw| app::error::sealed::verify(&raw, &state.config.seal_key, now));
    if sealed {
        return next.run(req).await;
    }
    let kept = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs.iter().filter(|(k, _)| k != "__err" && k != "__path"))
        .finish();
    let path = req.uri().path();
    let to = if kept.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{kept}")
    };
    axum::response::Redirect::to(&to).into_response()
}

/// Refuses state-changing requests from other sites: the `Origin` must be this site's, or, when
/// a browser sends no `Origin`, `Sec-Fetch-Site` must not say cross-site.
async fn same_origin_only(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    // A bearer token is sent only by a client that holds it: no browser adds it by itself.
    let bearer = req.uri().path().starts_with("/api/v1/")
        && req.headers().contains_key(header::AUTHORIZATION);
    if !safe && !bearer && !is_same_origin(&req, &state.config.origin()) {
        tracing::warn!(path = %req.uri().path(), "cross-site request refused");
        return (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "Cross-site request refused.",
        )
            .into_response();
    }
    next.run(req).await
}

pub fn is_same_origin(req: &Request, configured_origin: &str) -> bool {
    let headers = req.headers();
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        if origin == configured_origin {
            return true;
        }
        let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
        let origin_host = origin.split_once("://").map(|(_, h)| h);
        return matches!((origin_host, host), (Some(o), Some(h)) if o.eq_ignore_ascii_case(h));
    }
    match headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        Some(site) => site == "same-origin" || site == "none",
        None => true, // Not a browser: it cannot carry a victim's cookies.
    }
}

/// How long a page may take to start rendering before it is rendered again.
pub const PAGE_RETRY_AFTER: Duration = Duration::from_secs(5);

/// Whether a request is for a page (rendered by Leptos), not an API call or a file.
fn is_page(req: &Request) -> bool {
    let path = req.uri().path();
    req.method() == Method::GET
        && !["/api/", "/pkg/", "/media/", "/webhooks/", "/bench/"]
            .iter()
            .any(|p| path.starts_with(p))
}

/// Renders a page again when its first rendering has not produced a response in
/// `PAGE_RETRY_AFTER`. Leptos 0.8's server rendering can, rarely and only under concurrent
/// load, lose the wake-up that tells a `<Suspense>` its data is ready, and then waits forever
/// (leptos-rs/leptos#4851 and #4673 describe it; 0.8.23 narrows it without closing it). A page
/// request is a read, so rendering it again is safe; the stalled rendering is dropped.
pub async fn retry_stalled_pages(
    axum::extract::State(pages): axum::extract::State<Router>,
    req: Request,
    next: Next,
) -> Response {
    use tower::ServiceExt as _;
    if !is_page(&req) {
        return next.run(req).await;
    }
    let (parts, _) = req.into_parts();
    let again = || {
        let mut r = Request::new(Body::empty());
        *r.method_mut() = parts.method.clone();
        *r.uri_mut() = parts.uri.clone();
        *r.version_mut() = parts.version;
        *r.headers_mut() = parts.headers.clone();
        // Only what the outer layers added: the router adds its own again (copying its matched
        // path parameters would make them appear twice).
        if let Some(c) = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        {
            r.extensions_mut().insert(*c);
        }
        if let Some(n) = parts.extensions.get::<CspNonce>() {
            r.extensions_mut().insert(n.clone());
        }
        r
    };
    // The page's texts are looked up in the request's locale hundreds of times while it
    // renders: a task-local answers that without walking the reactive owners for the context.
    let locale = app::i18n::from_headers(&parts.headers);
    let first = app::i18n::within(locale, pages.clone().oneshot(again()));
    match tokio::time::timeout(PAGE_RETRY_AFTER, first).await {
        Ok(Ok(res)) => res,
        Ok(Err(never)) => match never {},
        Err(_) => {
            let id = parts
                .headers
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-");
            tracing::warn!(request_id = %id, path = %parts.uri.path(), "page rendering stalled; rendering it again");
            match app::i18n::within(locale, pages.oneshot(again())).await {
                Ok(res) => res,
                Err(never) => match never {},
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tower::ServiceExt as _;

    #[tokio::test]
    async fn a_stalled_page_is_rendered_again() {
        let calls = Arc::new(AtomicUsize::new(0));
        let counted = calls.clone();
        let pages = Router::new().route(
            "/trips/{id}",
            axum::routing::get(move || {
                let n = counted.fetch_add(1, Ordering::SeqCst);
                async move {
                    if n == 0 {
                        std::future::pending::<()>().await;
                    }
                    "rendered"
                }
            }),
        );
        let app = pages
            .clone()
            .layer(from_fn_with_state(pages, retry_stalled_pages));
        let started = Instant::now();
        let res = app
            .oneshot(Request::get("/trips/7").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let body = axum::body::to_bytes(res.into_body(), 100).await.unwrap();
        assert_eq!(&body[..], b"rendered");
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        assert!(started.elapsed() >= PAGE_RETRY_AFTER);
    }
}
