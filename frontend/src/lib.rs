//! The browser entry point: hydrates the server-rendered page.
#![recursion_limit = "256"]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Lazy routes load their page's module before hydrating it.
    leptos::mount::hydrate_lazy(app::App);
}
