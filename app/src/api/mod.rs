//! Server functions, one file per product area: check who is asking (`ctx`), call the area's
//! service, return its DTO. No rule of the business lives here. Every answer is postcard
//! (`output = Postcard`), the form the pages' data also travels in (`components/resource.rs`):
//! the browser then holds one small reader per type. Arguments come as form fields (`PostUrl`,
//! or `GetUrl` for reads), so every form also posts without JavaScript.

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
