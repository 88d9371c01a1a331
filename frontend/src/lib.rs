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
    // Lazy routes load their page's module before hydrating it (`hydrate_lazy`, written out so
    // that `<body data-hydrated>` is set once the whole page, its route included, is hydrated:
    // the browser tests wait for it before typing into fields that only work hydrated).
    let Some(body) = leptos::prelude::document().body() else {
        return;
    };
    wasm_bindgen_futures::spawn_local(async move {
        let root = leptos::mount::hydrate_from_async(body.clone(), app::App).await;
        root.forget();
        let _ = body.set_attribute("data-hydrated", "true");
    });
}
