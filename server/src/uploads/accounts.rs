//! ID verification photos: an ID document and a selfie, as one multipart form, and the files
//! for admins only.

use super::{authed, back, login_first, private_file};
use app::server::accounts::verification;
use app::server::AppState;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use uuid::Uuid;

pub async fn upload(
    State(state): State<AppState>,
    headers: HeaderMap,
    mut form: Multipart,
) -> Response {
    let page = "/account/verification";
    let Some(me) = authed(&state, &headers).await else {
        return login_first(page);
    };
    let back = |e: Option<String>| back(page, "submitted=1", "error", e);
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
    match verification::submit(&state.pool, &state.config.upload_dir, me.id, id_doc, selfie).await {
        Ok(()) => back(None),
        Err(e) => back(Some(e.to_string())),
    }
}

/// A verification photo, for admins only, never cached.
pub async fn show(
    State(state): State<AppState>,
    Path((id, which)): Path<(Uuid, String)>,
    headers: HeaderMap,
) -> Response {
    let Some(me) = authed(&state, &headers).await else {
        return Redirect::to("/login").into_response();
    };
    if !me.is_admin() {
        return (StatusCode::FORBIDDEN, "Admins only.").into_response();
    }
    match verification::file(&state.config.upload_dir, id, &which) {
        Some(path) => private_file(&path, "image/jpeg").await,
        None => (StatusCode::NOT_FOUND, "Not found.").into_response(),
    }
}
