//! The browser build's files (`/pkg/…`: the WASM modules, their JavaScript, the stylesheet).
//! They are compressed at build time at the highest quality (`scripts/precompress.mjs`) and
//! served as `.br` or `.gz` to a browser that accepts it. Their names carry a hash of their
//! content (cargo-leptos `hash-files`), so a browser may keep them for good.
//!
//! Also `/texts/fr.<hash>.json`: the pages' French, which the browser's bundle does not carry
//! (a page in French fetches it before hydrating; `app::i18n::browser_texts_path`).

use axum::Router;
use http::{header, HeaderValue};
use leptos::prelude::LeptosOptions;
use std::path::Path;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// A year, and never asked again: a changed file has another name.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

pub fn routes<S: Clone + Send + Sync + 'static>(options: &LeptosOptions) -> Router<S> {
    let pkg = options.site_pkg_dir.trim_matches('/');
    let dir = Path::new(&*options.site_root).join(pkg);
    // Without hashed names a file keeps its name across builds: the browser must ask again.
    let cache = if options.hash_files {
        IMMUTABLE
    } else {
        "no-cache"
    };
    let files = ServeDir::new(dir)
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(false);
    // Only a file found is cached: a name not found (yet) must be asked again.
    let cache_found = move |res: &axum::response::Response| {
        res.status()
            .is_success()
            .then(|| HeaderValue::from_static(cache))
    };
    Router::new()
        .nest_service(&format!("/{pkg}"), files)
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            cache_found,
        ))
        .route("/texts/{file}", axum::routing::get(texts))
}

/// The pages' texts in a language, by the name `browser_texts_path` gives (its hash changes
/// with the content); any other name is not found.
async fn texts(axum::extract::Path(file): axum::extract::Path<String>) -> axum::response::Response {
    use app::i18n::{browser_texts_path, Locale, BROWSER_TEXTS_FR};
    use axum::response::IntoResponse;
    if browser_texts_path(Locale::Fr).is_some_and(|p| p.strip_prefix("/texts/") == Some(&file)) {
        (
            [
                (header::CONTENT_TYPE, "application/json"),
                (header::CACHE_CONTROL, IMMUTABLE),
            ],
            BROWSER_TEXTS_FR,
        )
            .into_response()
    } else {
        http::StatusCode::NOT_FOUND.into_response()
    }
}
