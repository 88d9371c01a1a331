//! The axum server: wiring only. Routes (pages and server functions from `app`, uploads and
//! webhooks by area, operational endpoints), middleware, and the binary's commands. The product
//! lives in `app`; this crate never imports its UI code.
#![recursion_limit = "256"]

pub mod commands;
pub mod http;
pub mod leptos_config;
pub mod live;
pub mod rest;
pub mod uploads;
pub mod webhooks;

use app::server::{AppState, Config};
use app::{shell, App};
use axum::{routing::get, Router};
use http::{assets, bench, metrics, middleware, ops};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use sqlx::postgres::PgPoolOptions;
use sqlx::PgPool;
use std::sync::Arc;
use std::time::Duration;

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

/// Connects lazily, so the server starts (and `/api/ready` answers 503) while Postgres is down.
pub fn pool(database_url: &str, max: u32) -> Result<PgPool, sqlx::Error> {
    PgPoolOptions::new()
        .max_connections(max)
        .acquire_timeout(Duration::from_secs(5))
        .connect_lazy(database_url)
}

/// The app's state. Starts this process's listeners on the live channel and for changed
/// settings (so call it inside the runtime that serves).
pub fn state(leptos_options: LeptosOptions, pool: PgPool, config: Config) -> AppState {
    let live = app::server::live::Hub::new();
    tokio::spawn(live.clone().listen(pool.clone()));
    tokio::spawn(app::server::settings::watch(pool.clone()));
    AppState {
        leptos_options,
        pool,
        config: Arc::new(config),
        live,
    }
}

/// The whole application: pages, server functions, operational endpoints and middleware.
pub fn router(state: AppState, metrics: Arc<metrics::Metrics>) -> Router {
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    let reload_port = state.config.dev.then_some(options.reload_port);
    let mut app = Router::new()
        .route("/api/health", get(ops::health))
        .route("/api/live", get(ops::health))
        .route("/api/ready", get(ops::ready))
        .route("/api/metrics", get(ops::metrics))
        .merge(assets::routes(&options))
        .merge(rest::routes(&state))
        .merge(uploads::routes())
        .merge(webhooks::routes())
        .merge(live::routes());
    if state.config.bench_routes {
        app = app.merge(bench::routes());
    }
    let app = app
        .leptos_routes_with_context(&state, routes, app::i18n::provide_from_request, {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .with_state(state.clone());
    let app = app.clone().layer(axum::middleware::from_fn_with_state(
        app,
        middleware::retry_stalled_pages,
    ));
    middleware::wrap(app, state, metrics, reload_port)
}
