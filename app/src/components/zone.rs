//! The browser's time zone, reported to the server when it changes, so pages render times in
//! the viewer's zone (also without JavaScript, from the cookie or the account).

use crate::components::layout::AuthState;
use leptos::prelude::*;

/// Reports the zone once the page has hydrated, and again after a login when the account
/// remembers another one.
pub fn report() {
    let auth = AuthState::get();
    Effect::new(move |_| {
        let user = auth.user.get().flatten();
        let Some(tz) = browser_zone() else { return };
        let cookie_differs = cookie_zone().as_deref() != Some(tz.as_str());
        let account_differs = user.is_some_and(|u| u.time_zone.as_deref() != Some(tz.as_str()));
        if cookie_differs || account_differs {
            leptos::task::spawn_local(async move {
                let _ = crate::api::accounts::remember_time_zone(tz).await;
            });
        }
    });
}

#[cfg(feature = "hydrate")]
fn browser_zone() -> Option<String> {
    let format = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new());
    js_sys::Reflect::get(&format.resolved_options(), &"timeZone".into())
        .ok()?
        .as_string()
}

#[cfg(not(feature = "hydrate"))]
fn browser_zone() -> Option<String> {
    None
}

#[cfg(feature = "hydrate")]
fn cookie_zone() -> Option<String> {
    use wasm_bindgen::JsCast;
    let cookies = document()
        .dyn_into::<web_sys::HtmlDocument>()
        .ok()?
        .cookie()
        .ok()?;
    cookies
        .split(';')
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == "carry_tz")
        .map(|(_, v)| v.replace("%2F", "/"))
}

#[cfg(not(feature = "hydrate"))]
fn cookie_zone() -> Option<String> {
    None
}
