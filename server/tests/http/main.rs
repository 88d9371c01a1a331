//! The real app over HTTP on a random local port, against a fresh database per test: CSRF,
//! the admin guard, cookies, security headers, statuses, body limits, readiness, private files,
//! webhooks, and the authorization of every booking and money route. One test binary.

mod basics;
mod leptos_toml;
mod market;
mod money;
mod ready;
mod support;
