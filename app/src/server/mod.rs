//! Server-only code: the app state, request context, the ground floor every area uses
//! (configuration, the job queue, images, email, the audit log, times, settings), the product
//! areas with their SQL, and the worker that runs jobs. Never compiled into the browser build.
//!
//! Floors: a `store` imports only ground-floor modules (and the money kernel); a service
//! imports stores and the services of areas that do not import it back; `worker` is the only
//! module that knows every job kind. `scripts/check-structure.sh` refuses import cycles.

pub mod accounts;
pub mod admin;
pub mod audit;
pub mod bookings;
pub mod chat;
pub mod config;
pub mod csp;
pub mod ctx;
pub mod disputes;
pub mod email;
pub mod images;
pub mod jobs;
pub mod live;
pub mod matching;
pub mod moderation;
pub mod money;
pub mod notifications;
pub mod parcels;
pub mod places;
pub mod ratelimit;
pub mod reviews;
pub mod secrets;
pub mod settings;
pub mod testkit;
/// The French of the texts only the server writes (`app/locales/server/`).
pub mod texts {
    rust_i18n::i18n!("locales/server");
}
pub mod time;
pub mod trips;
pub mod wallet;
pub mod worker;

use leptos::prelude::LeptosOptions;
use sqlx::PgPool;
use std::sync::Arc;

pub use config::Config;

/// What every request handler and server function can reach; the only road to configuration.
#[derive(Clone, axum::extract::FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub pool: PgPool,
    pub config: Arc<Config>,
    /// This process's side of the live channel (see `live`).
    pub live: Arc<live::Hub>,
}
