//! Server functions, one file per product area: check who is asking (`ctx`), call the area's
//! service, return its DTO. No rule of the business lives here.

pub mod accounts;
pub mod admin;
pub mod bookings;
pub mod chat;
pub mod disputes;
pub mod matching;
pub mod moderation;
pub mod notifications;
pub mod parcels;
pub mod places;
pub mod reviews;
pub mod trips;
pub mod wallet;
