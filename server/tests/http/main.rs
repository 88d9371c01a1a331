//! The real app over HTTP on a random local port, against a fresh database per test: CSRF,
//! the admin guard, cookies, security headers, statuses, body limits, readiness, private files,
//! webhooks, and the authorization of every booking and money route. One test binary.
#![allow(
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss
)] // Tests unwrap (a failure is a failed test) and build test data freely.

mod api;
mod basics;
mod demo;
mod hostile;
mod leptos_toml;
mod live;
mod market;
mod money;
mod ready;
mod support;
