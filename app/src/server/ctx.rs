//! Request context for server functions: the app state, who is asking, and response helpers.
//! Every server function starts here (`require_user`, `require_admin`, `pool`, `state`).

use super::accounts::sessions::{self, Authed};
use super::AppState;
use crate::error::AppError;
use http::{header, request::Parts};
use leptos::prelude::*;
use sqlx::PgPool;
use std::net::SocketAddr;

pub const SESSION_COOKIE: &str = "carry_session";
/// The half-authenticated state of a login waiting for its two-factor code (5 minutes).
pub const CHALLENGE_COOKIE: &str = "carry_login_code";

pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| AppError::internal("AppState missing from context"))
}

pub fn pool() -> Result<PgPool, AppError> {
    Ok(state()?.pool)
}

fn parts() -> Option<Parts> {
    use_context::<Parts>()
}

/// The session token from the request's cookie, if any.
pub fn session_token() -> Option<String> {
    let parts = parts()?;
    cookie_value(&parts.headers, SESSION_COOKIE)
}

pub fn cookie_value(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// Who is asking, if anyone. Looked up in Postgres on every call: revoking a session ends it at once.
pub async fn current_user() -> Result<Option<Authed>, AppError> {
    let Some(token) = session_token() else {
        return Ok(None);
    };
    let pool = pool()?;
    sessions::authenticate(&pool, &token).await
}

/// The cookie holding the browser's time zone.
pub const ZONE_COOKIE: &str = "carry_tz";

/// The zone to show times in: the browser's (cookie), else the one remembered on the account,
/// else UTC.
pub fn viewer_zone(me: Option<&Authed>) -> String {
    parts()
        .and_then(|p| cookie_value(&p.headers, ZONE_COOKIE))
        .and_then(|tz| super::time::valid_zone(&tz.replace("%2F", "/")))
        .or_else(|| me.and_then(|m| m.user.time_zone.clone()))
        .unwrap_or_else(|| "UTC".into())
}

pub async fn require_user() -> Result<Authed, AppError> {
    current_user().await?.ok_or(AppError::Unauthenticated)
}

pub async fn require_admin() -> Result<Authed, AppError> {
    let authed = require_user().await?;
    if authed.user.is_admin() {
        Ok(authed)
    } else {
        Err(AppError::Forbidden)
    }
}

/// The browser's user agent and address, recorded with a new session.
pub fn client_info() -> (String, String) {
    let Some(parts) = parts() else {
        return (String::new(), String::new());
    };
    let ua = parts
        .headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .chars()
        .take(400)
        .collect();
    let peer = parts
        .extensions
        .get::<axum::extract::ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_default();
    let trust = state().is_ok_and(|s| s.config.trust_forwarded_for);
    let ip = if trust {
        forwarded_for(&parts.headers).unwrap_or(peer)
    } else {
        peer
    };
    (ua, ip)
}

/// The address the nearest proxy saw: the last well-formed entry of `X-Forwarded-For`.
pub fn forwarded_for(headers: &http::HeaderMap) -> Option<String> {
    let last = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .last()?;
    last.trim()
        .parse::<std::net::IpAddr>()
        .ok()
        .map(|ip| ip.to_string())
}

fn response() -> Option<leptos_axum::ResponseOptions> {
    use_context::<leptos_axum::ResponseOptions>()
}

pub fn set_session_cookie(token: &str) {
    let secure = state().map(|s| s.config.cookie_secure()).unwrap_or(true);
    let max_age = sessions::ABSOLUTE_LIFETIME.whole_seconds();
    let cookie = format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{}",
        if secure { "; Secure" } else { "" }
    );
    if let (Some(res), Ok(v)) = (response(), http::HeaderValue::from_str(&cookie)) {
        res.append_header(header::SET_COOKIE, v);
    }
}

/// The pending login's challenge token, if any.
pub fn challenge_token() -> Option<String> {
    cookie_value(&parts()?.headers, CHALLENGE_COOKIE)
}

pub fn set_challenge_cookie(token: &str) {
    let secure = state().map(|s| s.config.cookie_secure()).unwrap_or(true);
    let max_age = super::accounts::two_factor::CHALLENGE_LIFETIME.whole_seconds();
    let cookie = format!(
        "{CHALLENGE_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{}",
        if secure { "; Secure" } else { "" }
    );
    if let (Some(res), Ok(v)) = (response(), http::HeaderValue::from_str(&cookie)) {
        res.append_header(header::SET_COOKIE, v);
    }
}

pub fn clear_challenge_cookie() {
    let cookie = format!("{CHALLENGE_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
    if let (Some(res), Ok(v)) = (response(), http::HeaderValue::from_str(&cookie)) {
        res.append_header(header::SET_COOKIE, v);
    }
}

pub fn clear_session_cookie() {
    let cookie = format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
    if let (Some(res), Ok(v)) = (response(), http::HeaderValue::from_str(&cookie)) {
        res.append_header(header::SET_COOKIE, v);
    }
}

/// Remembers the browser's time zone for a year (read back by `viewer_zone`).
pub fn set_zone_cookie(tz: &str) {
    let secure = state().map(|s| s.config.cookie_secure()).unwrap_or(true);
    let cookie = format!(
        "{ZONE_COOKIE}={tz}; Path=/; SameSite=Lax; Max-Age=31536000{}",
        if secure { "; Secure" } else { "" }
    );
    if let (Some(res), Ok(v)) = (response(), http::HeaderValue::from_str(&cookie)) {
        res.append_header(header::SET_COOKIE, v);
    }
}

/// Remembers the chosen language for a year (read back by `i18n::from_headers`).
pub fn set_locale_cookie(locale: crate::i18n::Locale) {
    let secure = state().map(|s| s.config.cookie_secure()).unwrap_or(true);
    let cookie = format!(
        "{}={}; Path=/; SameSite=Lax; Max-Age=31536000{}",
        crate::i18n::COOKIE,
        locale.code(),
        if secure { "; Secure" } else { "" }
    );
    if let (Some(res), Ok(v)) = (response(), http::HeaderValue::from_str(&cookie)) {
        res.append_header(header::SET_COOKIE, v);
    }
}

/// At log-in: a language this browser already chose is kept on the account; otherwise the
/// browser takes the one the account remembers, if it has one (else its own `Accept-Language`
/// goes on deciding, and the account records what it chose).
pub async fn restore_locale(pool: &PgPool, user_id: crate::types::UserId) -> Result<(), AppError> {
    let chosen = parts()
        .and_then(|p| cookie_value(&p.headers, crate::i18n::COOKIE))
        .and_then(|c| crate::i18n::Locale::parse(&c));
    match chosen {
        // Chosen on this device before logging in: the account remembers it from now on.
        Some(locale) => super::accounts::profile::set_locale(pool, user_id, locale).await,
        None => {
            let mut conn = pool.acquire().await?;
            match super::accounts::profile::locale(&mut conn, user_id).await? {
                // Chosen (or signed up in) elsewhere: this browser takes it.
                Some(locale) => {
                    set_locale_cookie(locale);
                    Ok(())
                }
                // Never chosen: the browser's own language keeps deciding here, and the account
                // records it (as signing up does) for what is written to the member later.
                None => {
                    drop(conn);
                    let seen = crate::i18n::current();
                    super::accounts::profile::set_locale(pool, user_id, seen).await
                }
            }
        }
    }
}

/// Set the status of a page render (a 404 for a missing profile, a 403 for a forbidden page).
pub fn set_page_status(code: u16) {
    if let (Some(res), Ok(code)) = (response(), http::StatusCode::from_u16(code)) {
        res.set_status(code);
    }
}
