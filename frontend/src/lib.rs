//! The browser entry point: hydrates the server-rendered page.
#![recursion_limit = "256"]

/// `texts`: the pages' texts in the page's language when it is not English (fetched by the
/// page's loader script beside this module), so what hydration renders matches the server.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate(texts: Option<String>) {
    console_error_panic_hook::set_once();
    if let Some(texts) = texts {
        app::i18n::load_browser_texts(&texts);
    }
    // Lazy routes load their page's module before hydrating it.
    leptos::mount::hydrate_lazy(app::App);
}
