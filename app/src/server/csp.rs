//! Content Security Policy: scripts run only from this site, or inline with this response's nonce.

use leptos::prelude::*;

/// The nonce of one response, put in the request's extensions by the server's CSP layer.
#[derive(Clone, Debug)]
pub struct CspNonce(pub String);

/// Hands the request's nonce to Leptos, which puts it on the hydration scripts it writes.
pub fn provide_request_nonce() {
    if let Some(parts) = use_context::<http::request::Parts>() {
        if let Some(n) = parts.extensions.get::<CspNonce>() {
            provide_context(leptos::nonce::Nonce::from_value(n.0.clone()));
        }
    }
}

/// The policy for a page answered with `nonce`. `dev_reload` allows the auto-reload socket.
pub fn policy(nonce: &str, dev_reload: Option<u16>) -> String {
    let reload = dev_reload
        .map(|p| format!(" ws://127.0.0.1:{p} ws://localhost:{p}"))
        .unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self'; \
         connect-src 'self'{reload}; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; \
         object-src 'none'"
    )
}
