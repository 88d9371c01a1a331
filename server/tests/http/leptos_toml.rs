//! Leptos.toml (run-time settings without cargo-leptos) must agree with Cargo.toml's
//! [[workspace.metadata.leptos]], which is what cargo-leptos builds with.

use std::path::Path;

#[test]
fn leptos_toml_agrees_with_the_cargo_metadata() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let pairs = server::leptos_config::read_leptos_toml(&root.join("Leptos.toml")).unwrap();
    let cargo: toml::Table = std::fs::read_to_string(root.join("Cargo.toml"))
        .unwrap()
        .parse()
        .unwrap();
    let meta = &cargo["workspace"]["metadata"]["leptos"].as_array().unwrap()[0];
    let get = |var: &str| {
        pairs
            .iter()
            .find(|(v, _)| *v == var)
            .map(|(_, x)| x.clone())
            .unwrap_or_else(|| panic!("Leptos.toml lacks {var}"))
    };
    let cargo_str = |key: &str| match &meta[key] {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    assert_eq!(get("LEPTOS_OUTPUT_NAME"), cargo_str("name"));
    assert_eq!(get("LEPTOS_SITE_ROOT"), cargo_str("site-root"));
    assert_eq!(get("LEPTOS_SITE_PKG_DIR"), cargo_str("site-pkg-dir"));
    assert_eq!(get("LEPTOS_SITE_ADDR"), cargo_str("site-addr"));
    assert_eq!(get("LEPTOS_RELOAD_PORT"), cargo_str("reload-port"));
    // Built with hashed file names, served looking for them (`hash.txt` beside the binary).
    assert_eq!(get("LEPTOS_HASH_FILES"), cargo_str("hash-files"));
}
