//! Dispute evidence: a photo with an optional caption, sent with a plain multipart form (with or
//! without JavaScript), served only to the dispute's two sides and to admins.

use super::{authed, back, error_response, login_first, private_file, read_photo_form, PhotoForm};
use app::server::disputes;
use app::server::AppState;
use axum::extract::{Multipart, Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use uuid::Uuid;

pub async fn add_photo(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    headers: HeaderMap,
    mut form: Multipart,
) -> Response {
    let Some(me) = authed(&state, &headers).await else {
        return login_first("/bookings");
    };
    // Who is asking, and whether they are part of this dispute, before reading the upload.
    let page = match disputes::page_for(&state.pool, me.id, me.is_admin(), id).await {
        Ok(p) => p,
        Err(e) => return error_response(&e),
    };
    let back = |e: Option<String>| back(&page, "photo=sent", "photo_error", e);
    let (bytes, caption) = match read_photo_form(&mut form).await {
        Ok(PhotoForm {
            image: Some(b),
            caption,
        }) => (b, caption),
        Ok(PhotoForm { image: None, .. }) => return back(Some("Choose a photo to add.".into())),
        Err(e) => return back(Some(e)),
    };
    let sent = async {
        let name = disputes::store_image(&state.config.upload_dir, bytes).await?;
        disputes::post(&state.pool, me.id, me.is_admin(), id, &caption, Some(name)).await
    };
    match sent.await {
        Ok(()) => back(None),
        Err(e) => back(Some(e.to_string())),
    }
}

pub async fn image(
    State(state): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Some(me) = authed(&state, &headers).await else {
        return login_first("/bookings");
    };
    let file = disputes::image_file(
        &state.pool,
        &state.config.upload_dir,
        me.id,
        me.is_admin(),
        &name,
    )
    .await;
    match file {
        Ok(path) => private_file(&path, "image/jpeg").await,
        Err(e) => error_response(&e),
    }
}
