//! Plain data shared by the server and the browser: one file per product area, plus the words
//! (statuses, kinds, categories), ids and money every area uses. Nothing server-only here, except
//! the database encoding of those words and ids, behind the `ssr` feature.

pub mod accounts;
pub mod admin;
pub mod bookings;
pub mod chat;
pub mod disputes;
pub mod ids;
pub mod matching;
pub mod moderation;
pub mod money;
pub mod notifications;
pub mod parcels;
pub mod places;
pub mod reviews;
pub mod trips;
pub mod wallet;
pub mod words;

pub use ids::{BookingId, ParcelId, TripId, UserId};
pub use money::{format_kg, parse_kg, Currency, Money};
pub use words::*;
