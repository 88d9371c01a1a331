//! Chat (PRODUCT §8): `store` holds a conversation's row, who is in it and whether its contact
//! details are masked; `mask` the masking (pure); `service` starting, sending, reading, the
//! inbox, photos and reports.

pub mod mask;
pub mod service;
pub mod store;
