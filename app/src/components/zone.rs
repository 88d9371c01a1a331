//! The browser's time zone, reported to the server when it changes, so pages render times in
//! the viewer's zone (also without JavaScript, from the cookie or the account).

use leptos::prelude::*;

/// Reports the zone once the page runs its islands, when it differs from the one the server
/// knows: the cookie's, or for a member (`member`) the account's (`account_zone`).
#[island]
pub fn ZoneReport(member: bool, account_zone: Option<String>) -> impl IntoView {
    Effect::new(move |_| {
        let Some(tz) = browser_zone() else { return };
        let cookie_differs = cookie_zone().as_deref() != Some(tz.as_str());
        let account_differs = member && account_zone.as_deref() != Some(tz.as_str());
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
