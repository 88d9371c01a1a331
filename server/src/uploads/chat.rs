//! Chat photos: sent with a plain multipart form (with or without JavaScript), and served only
//! to the conversation's two members and to admins a report lets in.

use super::{authed, back, error_response, login_first, private_file, read_photo_form, PhotoForm};
use app::server::chat::service as chat;
use app::server::AppState;
use app::types::chat::ConversationId;
use axum::extract::{Multipart, Path, State};
use axum::http::HeaderMap;
use axum::response::Response;

pub async fn send_photo(
    State(state): State<AppState>,
    Path(id): Path<ConversationId>,
    headers: HeaderMap,
    mut form: Multipart,
) -> Response {
    let page = format!("/messages/{id}");
    let Some(me) = authed(&state, &headers).await else {
        return login_first(&page);
    };
    let back = |e: Option<String>| back(&page, "photo=sent", "photo_error", e);
    let (bytes, caption) = match read_photo_form(&mut form).await {
        Ok(PhotoForm {
            image: Some(b),
            caption,
        }) => (b, caption),
        Ok(PhotoForm { image: None, .. }) => return back(Some("Choose a photo to send.".into())),
        Err(e) => return back(Some(e)),
    };
    // Who is asking, and whether they may write here, before any decoding.
    if let Err(e) = app::server::chat::store::own(&state.pool, me.id, id).await {
        return error_response(&e);
    }
    let sent = async {
        let name = chat::store_image(&state.config.upload_dir, bytes).await?;
        chat::send(&state.pool, me.id, id, &caption, Some(name)).await
    };
    match sent.await {
        Ok(_) => back(None),
        Err(e) => back(Some(e.to_string())),
    }
}

pub async fn image(
    State(state): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Some(me) = authed(&state, &headers).await else {
        return login_first("/messages");
    };
    match chat::image_file(
        &state.pool,
        &state.config.upload_dir,
        me.id,
        me.is_admin(),
        &name,
    )
    .await
    {
        Ok(path) => private_file(&path, "image/jpeg").await,
        Err(e) => error_response(&e),
    }
}
