//! Uploads and private files, by area: plain multipart form posts (they work the same with and
//! without JavaScript) answered with a redirect back to the page, and files served only to
//! whoever may see them.

mod accounts;
mod bookings;
mod chat;
mod disputes;
mod parcels;
mod profile;
mod trips;

use app::error::AppError;
use app::server::accounts::sessions;
use app::server::ctx::{cookie_value, SESSION_COOKIE};
use app::server::{images, AppState};
use app::types::accounts::CurrentUser;
use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;

/// Five photos of 8 MB and the form around them.
pub const UPLOAD_LIMIT: usize = 5 * images::MAX_BYTES + 1024 * 1024;

/// Whether a POST to `path` is an upload (it gets the larger body limit).
pub fn is_upload(path: &str) -> bool {
    path.ends_with("/photos")
        || path.ends_with("/photo")
        || path.ends_with("/ticket")
        || path.ends_with("/deliver")
        || path == "/account/verification"
        || path == "/account/avatar"
}

pub fn routes() -> Router<AppState> {
    let big = || DefaultBodyLimit::max(UPLOAD_LIMIT);
    Router::new()
        .route("/parcels/{id}/photos", post(parcels::upload).layer(big()))
        .route("/photos/{id}/delete", post(parcels::delete))
        .route(
            "/trips/{id}/ticket",
            post(trips::upload).get(trips::show).layer(big()),
        )
        .route("/account/verification", post(accounts::upload).layer(big()))
        .route("/admin/verifications/{id}/{which}", get(accounts::show))
        .route(
            "/bookings/{id}/deliver",
            post(bookings::deliver).layer(big()),
        )
        .route("/bookings/{id}/delivery-photo", get(bookings::show_photo))
        .route("/chat/{id}/photo", post(chat::send_photo).layer(big()))
        .route("/chat/images/{name}", get(chat::image))
        .route(
            "/disputes/{id}/photo",
            post(disputes::add_photo).layer(big()),
        )
        .route("/disputes/images/{name}", get(disputes::image))
        .route("/media/parcels/{name}", get(parcels::media))
        .route("/account/avatar", post(profile::upload_avatar).layer(big()))
        .route("/account/avatar/delete", post(profile::remove_avatar))
        .route("/media/avatars/{name}", get(profile::avatar_file))
        .route("/account/export/{file}", get(profile::export))
        .route(
            "/account/export/{id}/files/{kind}/{name}",
            get(profile::export_file),
        )
}

/// Who is asking, from the session cookie.
pub async fn authed(state: &AppState, headers: &HeaderMap) -> Option<CurrentUser> {
    let token = cookie_value(headers, SESSION_COOKIE)?;
    sessions::authenticate(&state.pool, &token)
        .await
        .ok()
        .flatten()
        .map(|a| a.user)
}

/// Back to `page`, with `ok` in the address, or the error's message under `error_key`.
fn back(page: &str, ok: &str, error_key: &str, error: Option<String>) -> Response {
    let sep = if page.contains('?') { '&' } else { '?' };
    match error {
        None => Redirect::to(&format!("{page}{sep}{ok}")).into_response(),
        Some(e) => Redirect::to(&format!(
            "{page}{sep}{error_key}={}",
            app::url::urlencode(&e)
        ))
        .into_response(),
    }
}

/// To the login page, coming back to `page` after.
/// A photo form's fields: the image (absent when none was chosen) and its optional caption.
struct PhotoForm {
    image: Option<Vec<u8>>,
    caption: String,
}

/// Reads a multipart form with an `image` file and an optional `body` caption; the error is the
/// sentence to show the member.
async fn read_photo_form(form: &mut axum::extract::Multipart) -> Result<PhotoForm, String> {
    let mut photo = PhotoForm {
        image: None,
        caption: String::new(),
    };
    loop {
        match form.next_field().await {
            Ok(Some(field)) => match field.name() {
                Some("image") => match field.bytes().await {
                    Ok(b) if !b.is_empty() => photo.image = Some(b.to_vec()),
                    Ok(_) => {}
                    Err(_) => return Err("The photo was too large: at most 8 MB.".into()),
                },
                Some("body") => photo.caption = field.text().await.unwrap_or_default(),
                _ => {}
            },
            Ok(None) => return Ok(photo),
            Err(_) => return Err("The upload was too large or broken. Try again.".into()),
        }
    }
}

fn login_first(page: &str) -> Response {
    Redirect::to(&format!("/login?next={}", app::url::urlencode(page))).into_response()
}

/// A private file: only for whoever the caller checked, never stored by caches.
async fn private_file(path: &std::path::Path, kind: &'static str) -> Response {
    file_with_caching(path, kind, "private, no-store").await
}

async fn file_with_caching(
    path: &std::path::Path,
    kind: &'static str,
    cache_control: &'static str,
) -> Response {
    match tokio::fs::read(path).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(kind)),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static(cache_control),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    HeaderValue::from_static("inline"),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(_) => (StatusCode::NOT_FOUND, "Not found.").into_response(),
    }
}

fn error_response(e: &AppError) -> Response {
    (
        StatusCode::from_u16(e.status()).unwrap_or(StatusCode::NOT_FOUND),
        e.to_string(),
    )
        .into_response()
}
