//! The member's own files: the avatar (upload, remove, the public pictures), and the copy of
//! their data (the JSON file, and the photos it links to, by signed links that last an hour).

use super::{
    authed, back, error_response, file_with_caching, login_first, private_file, read_photo_form,
};
use app::server::accounts::{avatar, privacy};
use app::server::AppState;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use uuid::Uuid;

pub async fn upload_avatar(
    State(state): State<AppState>,
    headers: HeaderMap,
    mut form: Multipart,
) -> Response {
    let page = "/account";
    let Some(me) = authed(&state, &headers).await else {
        return login_first(page);
    };
    let back = |e: Option<String>| back(page, "avatar=1", "avatar_error", e);
    let photo = match read_photo_form(&mut form).await {
        Ok(p) => p,
        Err(e) => return back(Some(e)),
    };
    let Some(bytes) = photo.image else {
        return back(Some("Choose a photo first.".into()));
    };
    match avatar::set(&state.pool, &state.config.upload_dir, me.id, bytes).await {
        Ok(_) => back(None),
        Err(e) => back(Some(e.field("avatar").unwrap_or_else(|| e.to_string()))),
    }
}

pub async fn remove_avatar(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(me) = authed(&state, &headers).await else {
        return login_first("/account");
    };
    match avatar::remove(&state.pool, &state.config.upload_dir, me.id).await {
        Ok(()) => Redirect::to("/account?avatar=1").into_response(),
        Err(e) => error_response(&e),
    }
}

/// A member's picture: public, and kept for good by caches (a new picture has a new name).
pub async fn avatar_file(State(state): State<AppState>, Path(name): Path<String>) -> Response {
    match avatar::public_file(&state.pool, &state.config.upload_dir, &name).await {
        Ok(path) => {
            file_with_caching(&path, "image/jpeg", "public, max-age=31536000, immutable").await
        }
        Err(e) => error_response(&e),
    }
}

/// The copy of the member's data, as a file to save (its owner only).
pub async fn export(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Some(me) = authed(&state, &headers).await else {
        return login_first("/account/privacy");
    };
    let Some(id) = file
        .strip_suffix(".json")
        .and_then(|s| Uuid::try_parse(s).ok())
    else {
        return error_response(&app::error::AppError::NotFound("Not found.".into()));
    };
    match privacy::download(
        &state.pool,
        me.id,
        id,
        &state.config.public_url,
        &state.config.seal_key,
    )
    .await
    {
        Ok(bytes) => {
            let mut res = bytes.into_response();
            let h = res.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            h.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            );
            h.insert(
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"carry-data.json\""),
            );
            res
        }
        Err(e) => error_response(&e),
    }
}

#[derive(Deserialize)]
pub struct Signed {
    expires: i64,
    signature: String,
}

/// A photo an export links to: the link is the permission (signed, for an hour).
pub async fn export_file(
    State(state): State<AppState>,
    Path((id, kind, name)): Path<(Uuid, String, String)>,
    Query(s): Query<Signed>,
) -> Response {
    let file = format!("{kind}/{name}");
    match privacy::export_file(
        &state.pool,
        &state.config.upload_dir,
        &state.config.seal_key,
        id,
        &file,
        s.expires,
        &s.signature,
    )
    .await
    {
        Ok(path) => private_file(&path, "image/jpeg").await,
        Err(e) => error_response(&e),
    }
}
