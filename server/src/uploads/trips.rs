//! A trip's ticket or boarding pass: upload, and the file for its traveler and admins only.

use super::{authed, back, error_response, login_first, private_file};
use app::server::trips::ticket;
use app::server::AppState;
use app::types::TripId;
use axum::extract::{Multipart, Path, State};
use axum::http::HeaderMap;
use axum::response::Response;

pub async fn upload(
    State(state): State<AppState>,
    Path(trip): Path<TripId>,
    headers: HeaderMap,
    mut form: Multipart,
) -> Response {
    let page = format!("/trips/{trip}");
    let Some(me) = authed(&state, &headers).await else {
        return login_first(&page);
    };
    let back = |e: Option<String>| back(&page, "ticket=added", "ticket_error", e);
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
    match ticket::attach(
        &state.pool,
        &state.config.upload_dir,
        me.id,
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
pub async fn show(
    State(state): State<AppState>,
    Path(trip): Path<TripId>,
    headers: HeaderMap,
) -> Response {
    let Some(me) = authed(&state, &headers).await else {
        return login_first(&format!("/trips/{trip}"));
    };
    match ticket::file(
        &state.pool,
        &state.config.upload_dir,
        me.id,
        me.is_admin(),
        trip,
    )
    .await
    {
        Ok((path, kind)) => private_file(&path, kind).await,
        Err(e) => error_response(&e),
    }
}
