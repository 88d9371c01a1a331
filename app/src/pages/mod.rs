//! Pages, one folder per product area, with the words of the areas.

pub mod accounts;
pub mod admin;
pub mod bookings;
pub mod chat;
pub mod disputes;
pub mod errors;
pub mod home;
pub mod matching;
pub mod notifications;
pub mod parcels;
pub mod reviews;
pub mod trips;
pub mod wallet;
