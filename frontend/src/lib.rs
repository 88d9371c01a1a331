//! The browser entry point. Pages are rendered by the server and work without JavaScript; the
//! browser runs only the page's islands (`#[island]` components: live counts and messages,
//! place suggestions, the suggested reward, the time zone report). The page's loader script
//! (`components/assets.rs`) calls `hydrate` and then each island's function.

/// `texts`: the pages' texts in the page's language when it is not English (fetched by the
/// page's loader script beside this module), so what the islands render matches the server.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate(texts: Option<String>) {
    console_error_panic_hook::set_once();
    if let Some(texts) = texts {
        app::i18n::load_browser_texts(&texts);
    }
    // A form in an island whose server function redirects (without JavaScript, the browser
    // follows the redirect itself) goes to the new page.
    let _ = leptos::server_fn::redirect::set_redirect_hook(|to: &str| {
        let _ = leptos::prelude::window().location().set_href(to);
    });
    leptos::mount::hydrate_islands();
}
