//! Server functions: check who is asking, call the domain service, map to a DTO.

pub mod admin;
pub mod auth;
pub mod bookings;
pub mod dev;
pub mod money;
pub mod parcels;
pub mod places;
pub mod trips;
