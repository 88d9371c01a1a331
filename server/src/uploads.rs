//! Photo uploads and the files they produce. A plain multipart form post (it works the same
//! with and without JavaScript) answered with a redirect back to the parcel page.

use app::server::auth::sessions;
use app::server::ctx::{cookie_value, SESSION_COOKIE};
use app::server::market::photos;
use app::server::AppState;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, get_service, post};
use axum::Router;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use uuid::Uuid;

/// Five photos of 8 MB and the form around them.
pub const UPLOAD_LIMIT: usize = 5 * photos::MAX_BYTES + 1024 * 1024;

pub fn routes(state: &AppState) -> Router<AppState> {
    let dir = photos::dir(&state.config.upload_dir);
    Router::new()
        .route(
            "/parcels/{id}/photos",
            post(upload).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route("/photos/{id}/delete", post(delete))
        .route(
            "/trips/{id}/ticket",
            post(upload_ticket)
                .get(show_ticket)
                .layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route(
            "/account/verification",
            post(upload_verification).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route("/admin/verifications/{id}/{which}", get(show_verification))
        .route("/webhooks/stripe", post(stripe_webhook))
        .route(
            "/bookings/{id}/deliver",
            post(deliver).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route("/bookings/{id}/delivery-photo", get(show_delivery_photo))
        .nest_service(
            "/media/parcels",
            get_service(ServeDir::new(dir)).layer(SetResponseHeaderLayer::overriding(
                header::CACHE_CONTROL,
                // Each file name is a new random id: the content never changes.
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            )),
        )
}

async fn authed(state: &AppState, headers: &HeaderMap) -> Option<app::types::CurrentUser> {
    let token = cookie_value(headers, SESSION_COOKIE)?;
    sessions::authenticate(&state.pool, &token)
        .await
        .ok()
        .flatten()
        .map(|a| a.user)
}

async fn user(state: &AppState, headers: &HeaderMap) -> Option<Uuid> {
    authed(state, headers).await.map(|u| u.id)
}

fn back(parcel: Uuid, error: Option<String>) -> Response {
    match error {
        None => Redirect::to(&format!("/parcels/{parcel}?photos=added")).into_response(),
        Some(e) => Redirect::to(&format!(
            "/parcels/{parcel}?photo_error={}",
            app::pages::errors::urlencode(&e)
        ))
        .into_response(),
    }
}

async fn upload(
    State(state): State<AppState>,
    Path(parcel): Path<Uuid>,
    headers: HeaderMap,
    mut form: Multipart,
) -> Response {
    let Some(me) = user(&state, &headers).await else {
        return Redirect::to(&format!("/login?next=/parcels/{parcel}")).into_response();
    };
    let mut files = Vec::new();
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.file_name().unwrap_or("photo").to_string();
                match field.bytes().await {
                    Ok(b) => files.push((name, b.to_vec())),
                    Err(_) => {
                        return back(
                            parcel,
                            Some("The upload was too large: at most 5 photos of 8 MB each.".into()),
                        )
                    }
                }
            }
            Ok(None) => break,
            Err(_) => {
                return back(
                    parcel,
                    Some("The upload was too large or broken. Try again with fewer photos.".into()),
                )
            }
        }
    }
    match photos::add(&state.pool, &state.config.upload_dir, me, parcel, files).await {
        Ok(_) => back(parcel, None),
        Err(e) => back(parcel, Some(e.to_string())),
    }
}

async fn delete(
    State(state): State<AppState>,
    Path(photo): Path<Uuid>,
    headers: HeaderMap,
) -> Response {
    let Some(me) = user(&state, &headers).await else {
        return Redirect::to("/login").into_response();
    };
    match photos::remove(&state.pool, &state.config.upload_dir, me, photo).await {
        Ok(parcel) => Redirect::to(&format!("/parcels/{parcel}")).into_response(),
        Err(e) => error_response(&e),
    }
}

async fn upload_ticket(
    State(state): State<AppState>,
    Path(trip): Path<Uuid>,
    headers: HeaderMap,
    mut form: Multipart,
) -> Response {
    let Some(me) = user(&state, &headers).await else {
        return Redirect::to(&format!("/login?next=/trips/{trip}")).into_response();
    };
    let back = |error: Option<String>| match error {
        None => Redirect::to(&format!("/trips/{trip}?ticket=added")).into_response(),
        Some(e) => Redirect::to(&format!(
            "/trips/{trip}?ticket_error={}",
            app::pages::errors::urlencode(&e)
        ))
        .into_response(),
    };
    let mut file = None;
    loop {
        match form.next_field().await {
            Ok(Some(field)) if file.is_none() => {
                let name = field.file_name().unwrap_or("ticket").to_string();
                match field.bytes().await {
                    Ok(b) => file = Some((name, b.to_vec())),
                    Err(_) => return back(Some("The file was too large: at most 8 MB.".into())),
                }
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(_) => return back(Some("The upload was too large or broken.".into())),
        }
    }
    let Some((name, bytes)) = file else {
        return back(Some("Choose a file.".into()));
    };
    match app::server::market::trips::attach_ticket(
        &state.pool,
        &state.config.upload_dir,
        me,
        trip,
        &name,
        bytes,
    )
    .await
    {
        Ok(()) => back(None),
        Err(e) => back(Some(e.to_string())),
    }
}

/// The ticket, for its traveler and admins only; never cached by anyone else.
async fn show_ticket(
    State(state): State<AppState>,
    Path(trip): Path<Uuid>,
    headers: HeaderMap,
) -> Response {
    let Some(me) = authed(&state, &headers).await else {
        return Redirect::to(&format!("/login?next=/trips/{trip}")).into_response();
    };
    let found = app::server::market::trips::ticket_file(
        &state.pool,
        &state.config.upload_dir,
        me.id,
        me.is_admin(),
        trip,
    )
    .await;
    let (path, kind) = match found {
        Ok(f) => f,
        Err(e) => return error_response(&e),
    };
    match tokio::fs::read(&path).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(kind)),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("private, no-store"),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    HeaderValue::from_static("inline"),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(_) => (
            axum::http::StatusCode::NOT_FOUND,
            "The ticket file is missing.",
        )
            .into_response(),
    }
}

/// ID verification photos: an ID document and a selfie, as one multipart form.
async fn upload_verification(
    State(state): State<AppState>,
    headers: HeaderMap,
    mut form: Multipart,
) -> Response {
    let Some(me) = user(&state, &headers).await else {
        return Redirect::to("/login?next=/account/verification").into_response();
    };
    let back = |error: Option<String>| match error {
        None => Redirect::to("/account/verification?submitted=1").into_response(),
        Some(e) => Redirect::to(&format!(
            "/account/verification?error={}",
            app::pages::errors::urlencode(&e)
        ))
        .into_response(),
    };
    let (mut id_doc, mut selfie) = (None, None);
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or("").to_string();
                let bytes = match field.bytes().await {
                    Ok(b) if b.is_empty() => None,
                    Ok(b) => Some(b.to_vec()),
                    Err(_) => {
                        return back(Some("The photos were too large: at most 8 MB each.".into()))
                    }
                };
                match name.as_str() {
                    "id_doc" => id_doc = bytes,
                    "selfie" => selfie = bytes,
                    _ => {}
                }
            }
            Ok(None) => break,
            Err(_) => return back(Some("The upload was too large or broken.".into())),
        }
    }
    match app::server::money::verification::submit(
        &state.pool,
        &state.config.upload_dir,
        me,
        id_doc,
        selfie,
    )
    .await
    {
        Ok(()) => back(None),
        Err(e) => back(Some(e.to_string())),
    }
}

/// A verification photo, for admins only, never cached.
async fn show_verification(
    State(state): State<AppState>,
    Path((id, which)): Path<(Uuid, String)>,
    headers: HeaderMap,
) -> Response {
    let Some(me) = authed(&state, &headers).await else {
        return Redirect::to("/login").into_response();
    };
    if !me.is_admin() {
        return (axum::http::StatusCode::FORBIDDEN, "Admins only.").into_response();
    }
    let Some(path) = app::server::money::verification::file(&state.config.upload_dir, id, &which)
    else {
        return (axum::http::StatusCode::NOT_FOUND, "Not found.").into_response();
    };
    private_file(&path, "image/jpeg").await
}

/// Stripe's webhook: verify the signature, then credit the payment once.
async fn stripe_webhook(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    use app::server::money::stripe;
    use axum::http::StatusCode;
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

/// The traveler's delivery: the recipient's code and an optional photo, one multipart form.
async fn deliver(
    State(state): State<AppState>,
    Path(booking): Path<Uuid>,
    headers: HeaderMap,
    mut form: Multipart,
) -> Response {
    let Some(me) = user(&state, &headers).await else {
        return Redirect::to(&format!("/login?next=/bookings/{booking}")).into_response();
    };
    let back = |error: Option<String>| match error {
        None => Redirect::to(&format!("/bookings/{booking}?delivered=1")).into_response(),
        Some(e) => Redirect::to(&format!(
            "/bookings/{booking}?deliver_error={}",
            app::pages::errors::urlencode(&e)
        ))
        .into_response(),
    };
    let (mut code, mut photo) = (String::new(), None);
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or("").to_string();
                match (name.as_str(), field.bytes().await) {
                    ("code", Ok(b)) => code = String::from_utf8_lossy(&b).trim().to_string(),
                    ("photo", Ok(b)) if !b.is_empty() => photo = Some(b.to_vec()),
                    (_, Ok(_)) => {}
                    (_, Err(_)) => {
                        return back(Some("The photo was too large: at most 8 MB.".into()))
                    }
                }
            }
            Ok(None) => break,
            Err(_) => return back(Some("The upload was too large or broken.".into())),
        }
    }
    match app::server::market::handoff::deliver_with_photo(
        &state.pool,
        &state.config.upload_dir,
        me,
        booking,
        &code,
        photo,
    )
    .await
    {
        Ok(()) => back(None),
        Err(e) => back(Some(e.to_string())),
    }
}

/// The delivery photo, for the booking's two sides and admins, never cached.
async fn show_delivery_photo(
    State(state): State<AppState>,
    Path(booking): Path<Uuid>,
    headers: HeaderMap,
) -> Response {
    let Some(me) = authed(&state, &headers).await else {
        return Redirect::to(&format!("/login?next=/bookings/{booking}")).into_response();
    };
    let found = app::server::market::handoff::delivery_photo_file(
        &state.pool,
        &state.config.upload_dir,
        me.id,
        me.is_admin(),
        booking,
    )
    .await;
    let path = match found {
        Ok(p) => p,
        Err(e) => return error_response(&e),
    };
    private_file(&path, "image/jpeg").await
}

/// A private file: only for whoever the caller checked, never stored by caches.
async fn private_file(path: &std::path::Path, kind: &'static str) -> Response {
    match tokio::fs::read(path).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(kind)),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("private, no-store"),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(_) => (axum::http::StatusCode::NOT_FOUND, "Not found.").into_response(),
    }
}

fn error_response(e: &app::error::AppError) -> Response {
    (
        axum::http::StatusCode::from_u16(e.status()).unwrap_or(axum::http::StatusCode::NOT_FOUND),
        e.to_string(),
    )
        .into_response()
}
