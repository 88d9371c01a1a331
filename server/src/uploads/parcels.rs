//! Parcel photos: upload (up to five in one post), delete, and the public files.

use super::{authed, back, error_response, login_first};
use app::server::parcels::photos;
use app::server::AppState;
use app::types::ParcelId;
use axum::extract::{Multipart, Path, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get_service, MethodRouter};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use uuid::Uuid;

pub fn media(state: &AppState) -> MethodRouter {
    get_service(ServeDir::new(photos::dir(&state.config.upload_dir))).layer(
        SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            // Each file name is a new random id: the content never changes.
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        ),
    )
}

pub async fn upload(
    State(state): State<AppState>,
    Path(parcel): Path<ParcelId>,
    headers: HeaderMap,
    mut form: Multipart,
) -> Response {
    let page = format!("/parcels/{parcel}");
    let Some(me) = authed(&state, &headers).await else {
        return login_first(&page);
    };
    let back = |e: Option<String>| back(&page, "photos=added", "photo_error", e);
    let mut files = Vec::new();
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.file_name().unwrap_or("photo").to_string();
                match field.bytes().await {
                    Ok(b) => files.push((name, b.to_vec())),
                    Err(_) => {
                        return back(Some(
                            "The upload was too large: at most 5 photos of 8 MB each.".into(),
                        ))
                    }
                }
            }
            Ok(None) => break,
            Err(_) => {
                return back(Some(
                    "The upload was too large or broken. Try again with fewer photos.".into(),
                ))
            }
        }
    }
    match photos::add(&state.pool, &state.config.upload_dir, me.id, parcel, files).await {
        Ok(_) => back(None),
        Err(e) => back(Some(e.to_string())),
    }
}

pub async fn delete(
    State(state): State<AppState>,
    Path(photo): Path<Uuid>,
    headers: HeaderMap,
) -> Response {
    let Some(me) = authed(&state, &headers).await else {
        return Redirect::to("/login").into_response();
    };
    match photos::remove(&state.pool, &state.config.upload_dir, me.id, photo).await {
        Ok(parcel) => Redirect::to(&format!("/parcels/{parcel}")).into_response(),
        Err(e) => error_response(&e),
    }
}
