//! Server-only code: configuration, request context and the domain services with their SQL.
//! Never compiled into the browser build.

pub mod auth;
pub mod config;
pub mod csp;
pub mod ctx;
pub mod email;
pub mod market;
pub mod money;
pub mod time_fmt;

use leptos::prelude::LeptosOptions;
use sqlx::PgPool;
use std::sync::Arc;

pub use config::Config;

/// What every request handler and server function can reach.
#[derive(Clone, axum::extract::FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub pool: PgPool,
    pub config: Arc<Config>,
}
