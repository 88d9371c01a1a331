//! Server functions: check who is asking, call the domain service, map to a DTO.

pub mod admin;
pub mod auth;
pub mod bookings;
pub mod dev;
pub mod money;
pub mod parcels;
pub mod places;
pub mod trips;

/// An admin queue's two buttons: `Ok(true)` for `yes` ("approve", "paid"), `Ok(false)` for
/// "reject".
#[cfg(feature = "ssr")]
fn decision(value: &str, yes: &str) -> Result<bool, crate::error::AppError> {
    match value {
        v if v == yes => Ok(true),
        "reject" => Ok(false),
        _ => Err(crate::error::AppError::BadRequest(format!(
            "Choose {yes} or reject."
        ))),
    }
}
