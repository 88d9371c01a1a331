//! Leptos settings. Under cargo-leptos they arrive as `LEPTOS_*` variables; a server started
//! without it (a deployment) reads the missing ones from `Leptos.toml`.

use leptos::config::{get_configuration, ConfFile};
use std::path::Path;

/// The keys of `Leptos.toml` and the variables they stand for.
pub const KEYS: [(&str, &str); 7] = [
    ("output-name", "LEPTOS_OUTPUT_NAME"),
    ("site-root", "LEPTOS_SITE_ROOT"),
    ("site-pkg-dir", "LEPTOS_SITE_PKG_DIR"),
    ("site-addr", "LEPTOS_SITE_ADDR"),
    ("reload-port", "LEPTOS_RELOAD_PORT"),
    ("env", "LEPTOS_ENV"),
    ("hash-files", "LEPTOS_HASH_FILES"),
];

/// Parses `Leptos.toml` into (variable, value) pairs.
pub fn read_leptos_toml(path: &Path) -> Result<Vec<(&'static str, String)>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let table: toml::Table = text
        .parse()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(KEYS
        .iter()
        .filter_map(|(key, var)| {
            table.get(*key).map(|v| {
                let value = match v {
                    toml::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                (*var, value)
            })
        })
        .collect())
}

/// Fills the `LEPTOS_*` variables that are not set from `Leptos.toml` (or `$LEPTOS_CONFIG`).
/// Call before any thread starts.
pub fn apply_leptos_toml() {
    if std::env::var_os("LEPTOS_OUTPUT_NAME").is_some() {
        return; // Started by cargo-leptos, which sets everything.
    }
    let path = std::env::var("LEPTOS_CONFIG").unwrap_or_else(|_| "Leptos.toml".into());
    match read_leptos_toml(Path::new(&path)) {
        Ok(pairs) => {
            for (var, value) in pairs {
                if std::env::var_os(var).is_none() {
                    std::env::set_var(var, value);
                }
            }
        }
        Err(e) => eprintln!("warning: no LEPTOS_* variables and {e}; using Leptos defaults"),
    }
}

pub fn load() -> Result<ConfFile, String> {
    get_configuration(None).map_err(|e| e.to_string())
}
