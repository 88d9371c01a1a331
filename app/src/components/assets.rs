//! The browser build's files in the page's `<head>`: the stylesheet, which the first paint needs,
//! and the script that runs the page's islands, which it does not. The page is painted from the
//! server's HTML; the WASM is fetched and run once the browser is idle, so it never competes with
//! the paint (forms and links are plain HTML and work before it arrives, or without it).

use leptos::nonce::use_nonce;
use leptos::prelude::*;

/// The names of the stylesheet, the JavaScript glue and the WASM module: `carry` or, when the
/// build hashes file names, `carry.<hash of the content>` (from the build's hash file).
#[derive(Clone, Debug, Default)]
pub struct BuildFiles {
    pub css: String,
    pub js: String,
    pub wasm: String,
}

impl BuildFiles {
    /// Read once per process: the files do not change while it serves them.
    pub fn of(options: &LeptosOptions) -> BuildFiles {
        static FILES: std::sync::OnceLock<BuildFiles> = std::sync::OnceLock::new();
        FILES.get_or_init(|| Self::read(options)).clone()
    }

    fn read(options: &LeptosOptions) -> BuildFiles {
        let name = options.output_name.to_string();
        let mut files = BuildFiles {
            css: name.clone(),
            js: name.clone(),
            wasm: name.clone(),
        };
        if !options.hash_files {
            return files;
        }
        // Where cargo-leptos's convention puts it: beside the server binary, unless the
        // setting names another path.
        let path = std::env::current_exe()
            .ok()
            .and_then(|p| p.parent().map(std::path::Path::to_path_buf))
            .unwrap_or_default()
            .join(options.hash_file.as_ref());
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                for (kind, hash) in text.lines().filter_map(|l| l.split_once(':')) {
                    let hashed = format!("{name}.{}", hash.trim());
                    match kind.trim() {
                        "css" => files.css = hashed,
                        "js" => files.js = hashed,
                        "wasm" => files.wasm = hashed,
                        _ => {}
                    }
                }
            }
            Err(e) => {
                tracing::error!(path = %path.display(), error = %e, "no hash file: serving unhashed names")
            }
        }
        files
    }
}

/// `<link rel="stylesheet">` for the build's stylesheet.
#[component]
pub fn Stylesheet(options: LeptosOptions) -> impl IntoView {
    let href = format!(
        "/{}/{}.css",
        options.site_pkg_dir,
        BuildFiles::of(&options).css
    );
    view! { <link id="leptos" rel="stylesheet" href=href/> }
}

/// The module script that runs the page's islands once the browser is idle (at the latest after
/// 1.5 s): it loads the WASM, then calls each island's function on its element, in page order
/// (an island marked lazy loads its own module first; one that fails does not stop the others),
/// and marks `<body data-hydrated>` when all have run. A page without islands loads no WASM.
#[component]
pub fn HydrateOnIdle(options: LeptosOptions) -> impl IntoView {
    // Islands mode: what the page renders outside islands is not hydrated, so its resources'
    // data is not sent and does not take the numbers the islands' resources are found by (as
    // Leptos's own `HydrationScripts islands=true` does; this script replaces it).
    if let Some(sc) = leptos::reactive::owner::Owner::current_shared_context() {
        sc.set_is_hydrating(false);
    }
    let files = BuildFiles::of(&options);
    let pkg = &options.site_pkg_dir;
    // A page in French fetches the pages' French beside the WASM (the bundle carries only
    // the English), and hydrates once both are here; without them it hydrates in English.
    let texts = match crate::i18n::browser_texts_path(crate::i18n::current()) {
        Some(path) => {
            format!("fetch(\"{path}\").then((r) => (r.ok ? r.text() : null)).catch(() => null)")
        }
        None => "Promise.resolve(null)".to_string(),
    };
    let script = format!(
        "const done = () => document.body.setAttribute(\"data-hydrated\", \"true\");\n\
         const start = async () => {{\n\
           const islands = [...document.querySelectorAll(\"leptos-island\")];\n\
           if (!islands.length) return done();\n\
           const [m, texts] = await Promise.all([import(\"/{pkg}/{js}.js\"), {texts}]);\n\
           await m.default({{ module_or_path: \"/{pkg}/{wasm}.wasm\" }});\n\
           m.hydrate(texts);\n\
           for (const el of islands) {{\n\
             const f = m[el.dataset.component];\n\
             try {{ if (f) await f(el); }} catch (e) {{ console.error(e); }}\n\
           }}\n\
           done();\n\
         }};\n\
         if (\"requestIdleCallback\" in window) requestIdleCallback(start, {{ timeout: 1500 }}); else setTimeout(start, 1);",
        js = files.js,
        wasm = files.wasm,
    );
    let nonce = use_nonce();
    view! { <script type="module" nonce=nonce>{script}</script> }
}
