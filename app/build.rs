//! The pages' French (`locales/ui/*.fr.yml`) as one JSON object, for the browser: the server
//! compiles the texts in, the browser's bundle does not carry them but fetches this file when
//! the page is in French (`i18n::browser_texts_path`, `i18n::load_browser_texts`). Also
//! rebuilds the crate when a translation file changes (the texts are compiled in).
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=locales");
    let dir = Path::new("locales/ui");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("locales/ui")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".fr.yml"))
        .collect();
    files.sort();
    let mut texts = BTreeMap::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("a translation file");
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            // Each line is `"English": "French"`, both JSON strings.
            let pair: BTreeMap<String, String> = serde_json::from_str(&format!("{{{line}}}"))
                .unwrap_or_else(|e| panic!("{}:{}: {e}", file.display(), n + 1));
            texts.extend(pair);
        }
    }
    let json = serde_json::to_string(&texts).expect("JSON");
    // A short hash of the content names the file, so a browser may keep it for good.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in json.bytes() {
        hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    let mut version = String::new();
    let _ = write!(version, "{hash:016x}");
    let out = std::env::var("OUT_DIR").expect("OUT_DIR");
    std::fs::write(Path::new(&out).join("ui-fr.json"), json).expect("write ui-fr.json");
    std::fs::write(Path::new(&out).join("ui-fr.version"), version).expect("write version");
}
