//! Booking pages: the list (`list`), a booking (`view`, with its `handoff` panel), the request
//! form on a trip's page (`request`), and public tracking (`track`).

pub mod handoff;
pub mod list;
pub mod request;
pub mod track;
pub mod view;
