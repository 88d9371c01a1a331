//! The traveler's delivery (the recipient's code and an optional photo, one multipart form), and
//! the delivery photo for the booking's two sides and admins.

use super::{authed, back, error_response, login_first, private_file};
use app::server::bookings::handoff;
use app::server::AppState;
use app::types::BookingId;
use axum::extract::{Multipart, Path, State};
use axum::http::HeaderMap;
use axum::response::Response;

pub async fn deliver(
    State(state): State<AppState>,
    Path(booking): Path<BookingId>,
    headers: HeaderMap,
    mut form: Multipart,
) -> Response {
    let page = format!("/bookings/{booking}");
    let Some(me) = authed(&state, &headers).await else {
        return login_first(&page);
    };
    let back = |e: Option<String>| back(&page, "delivered=1", "deliver_error", e);
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
    let dir = &state.config.upload_dir;
    match handoff::deliver_with_photo(&state.pool, dir, me.id, booking, &code, photo).await {
        Ok(()) => back(None),
        Err(e) => back(Some(e.to_string())),
    }
}

/// The delivery photo, for the booking's two sides and admins, never cached.
pub async fn show_photo(
    State(state): State<AppState>,
    Path(booking): Path<BookingId>,
    headers: HeaderMap,
) -> Response {
    let Some(me) = authed(&state, &headers).await else {
        return login_first(&format!("/bookings/{booking}"));
    };
    let dir = &state.config.upload_dir;
    match handoff::delivery_photo_file(&state.pool, dir, me.id, me.is_admin(), booking).await {
        Ok(path) => private_file(&path, "image/jpeg").await,
        Err(e) => error_response(&e),
    }
}
