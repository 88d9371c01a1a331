//! Rebuilds the crate when a translation file changes (the texts are compiled in).
fn main() {
    println!("cargo:rerun-if-changed=locales");
}
