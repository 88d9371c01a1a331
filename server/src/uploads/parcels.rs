//! Parcel photos: upload (up to five in one post), delete, and the files.

use super::{authed, back, error_response, file_with_caching, login_first, private_file};
use app::server::parcels::photos;
use app::server::AppState;
use app::types::ParcelId;
use axum::extract::{Multipart, Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use uuid::Uuid;

/// A parcel photo: cached by anyone while the parcel is public (briefly: it can stop being
/// public), otherwise only to its sender, admins and its traveler, and never cached.
pub async fn media(
    State(state): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    let me = authed(&state, &headers).await;
    let (viewer, admin) = (me.as_ref().map(|u| u.id), me.is_some_and(|u| u.is_admin()));
    match photos::file(&state.pool, &state.config.upload_dir, viewer, admin, &name).await {
        Ok(f) if f.public => file_with_caching(&f.path, "image/jpeg", "public, max-age=300").await,
        Ok(f) => private_file(&f.path, "image/jpeg").await,
        Err(e) => error_response(&e),
    }
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
