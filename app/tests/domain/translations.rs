//! French: every text the code looks up has its French in the right file, no French is left
//! without its English in the code, the parts to fill in match, and what the app compiled in is
//! what the files say. Notifications and emails are written in their recipient's language.

use super::support::*;
use app::i18n::{self, Locale};
use app::server::accounts::profile;
use app::server::notifications;
use app::types::Side;
use sqlx::PgPool;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A Rust string literal's text: escapes and line continuations resolved.
fn unescape(raw: &str) -> String {
    let mut out = String::new();
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('0') => out.push('\0'),
            Some('\n') => {
                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                    chars.next();
                }
            }
            Some('u') => {
                let code: String = chars.by_ref().skip(1).take_while(|c| *c != '}').collect();
                out.extend(u32::from_str_radix(&code, 16).ok().and_then(char::from_u32));
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every text the code translates (`tr`, `key`, `trf!`, and the labels of
/// the product's words), with whether the browser needs it (used outside `src/server/`).
fn texts_in_code() -> BTreeMap<String, bool> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let lookups = regex::Regex::new(
        r#"(?:^|[^\w:]|i18n::)(?:tr|key)\(\s*"((?:[^"\\]|\\.|\\\n)*)"|trf!\(\s*"((?:[^"\\]|\\.|\\\n)*)""#,
    )
    .unwrap();
    let words = regex::Regex::new(r#"=\s*"[a-z_.]+"\s*:\s*"((?:[^"\\]|\\.)*)""#).unwrap();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut texts = BTreeMap::new();
    for file in files {
        if file.ends_with("i18n.rs") {
            continue;
        }
        let code = std::fs::read_to_string(&file).unwrap();
        let code = code
            .split("#[cfg(test)]\nmod tests")
            .next()
            .unwrap_or_default();
        let browser = !file.strip_prefix(&src).unwrap().starts_with("server");
        let mut found: Vec<String> = lookups
            .captures_iter(code)
            .filter_map(|c| c.get(1).or_else(|| c.get(2)))
            .map(|m| unescape(m.as_str()))
            .collect();
        if code.contains("word_enum!(") {
            found.extend(words.captures_iter(code).map(|c| unescape(&c[1])));
        }
        for text in found {
            *texts.entry(text).or_insert(false) |= browser;
        }
    }
    texts
}

/// The French files: English text → (French, file), per table (`ui` for the pages, `server`).
fn french_files(table: &str) -> BTreeMap<String, (String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("locales")
        .join(table);
    let mut entries = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        assert!(
            name.ends_with(".fr.yml"),
            "{name}: translation files are <area>.fr.yml"
        );
        for (n, line) in std::fs::read_to_string(&path).unwrap().lines().enumerate() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let pair: BTreeMap<String, String> = serde_json::from_str(&format!("{{{line}}}"))
                .unwrap_or_else(|e| panic!("{name}:{}: not \"English\": \"French\" ({e})", n + 1));
            for (en, fr) in pair {
                let again = entries.insert(en.clone(), (fr, name.clone()));
                assert!(
                    again.is_none(),
                    "{name}: {en:?} is translated twice in {table}"
                );
            }
        }
    }
    entries
}

fn placeholders(text: &str) -> BTreeSet<String> {
    let re = regex::Regex::new(r"\{\d*\}").unwrap();
    let mut counted = BTreeSet::new();
    let mut next = 0;
    for m in re.find_iter(text) {
        let index = match m.as_str() {
            "{}" => {
                next += 1;
                next - 1
            }
            n => n[1..n.len() - 1].parse().unwrap(),
        };
        counted.insert(index.to_string());
    }
    counted
}

#[test]
fn every_text_has_its_french_and_every_french_its_text() {
    let texts = texts_in_code();
    assert!(
        texts.len() > 1000,
        "the scan finds the texts ({})",
        texts.len()
    );
    let ui = french_files("ui");
    let server = french_files("server");
    let mut problems = Vec::new();
    for (text, browser) in &texts {
        let (table, other) = if *browser {
            (&ui, "app/locales/ui/")
        } else {
            (&server, "app/locales/server/")
        };
        match table.get(text) {
            None => problems.push(format!("no French in {other} for {text:?}")),
            Some((fr, file)) => {
                if placeholders(text) != placeholders(fr) {
                    problems.push(format!(
                        "{file}: the parts to fill in differ: {text:?} / {fr:?}"
                    ));
                }
                if fr.trim().is_empty() {
                    problems.push(format!("{file}: empty French for {text:?}"));
                }
                // What the app compiled in is what the file says.
                if i18n::within_sync(Locale::Fr, || i18n::tr_stored(text)) != *fr {
                    problems.push(format!(
                        "{file}: the app does not give the French of {text:?}"
                    ));
                }
            }
        }
    }
    // The browser's French (served as JSON, not compiled into its bundle) is the ui table.
    let browser: BTreeMap<String, String> = serde_json::from_str(i18n::BROWSER_TEXTS_FR).unwrap();
    let ui_only: BTreeMap<String, String> = ui
        .iter()
        .map(|(en, (fr, _))| (en.clone(), fr.clone()))
        .collect();
    if browser != ui_only {
        problems.push("the browser's French is not app/locales/ui/".to_string());
    }
    let path = i18n::browser_texts_path(Locale::Fr).unwrap();
    assert!(
        path.starts_with("/texts/fr.") && path.ends_with(".json"),
        "{path}"
    );
    assert_eq!(i18n::browser_texts_path(Locale::En), None);
    for (table, entries) in [("ui", &ui), ("server", &server)] {
        for (en, (_, file)) in entries {
            match texts.get(en) {
                None => problems.push(format!(
                    "app/locales/{table}/{file}: {en:?} is no longer in the code"
                )),
                Some(true) if table == "server" => problems.push(format!(
                    "app/locales/server/{file}: {en:?} is shown by the pages: move it to app/locales/ui/"
                )),
                _ => {}
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn english_is_the_key_and_french_formats_money_and_dates() {
    assert_eq!(i18n::tr_in(Locale::En, "Log in"), "Log in");
    assert_eq!(i18n::tr_in(Locale::Fr, "Log in"), "Se connecter");
    let money = app::types::Money::new(123_456, app::types::Currency::Eur);
    assert_eq!(money.show_in(Locale::En), "1,234.56 EUR");
    assert_eq!(money.show_in(Locale::Fr), "1\u{202f}234,56\u{a0}€");
    let french = tokio_test_block(i18n::within(Locale::Fr, async {
        (
            money.to_string(),
            app::types::Money::parse("12,50", app::types::Currency::Eur),
            app::server::time::show_date(time::macros::date!(2026 - 12 - 01)),
            app::trf!("Top up at least {}.", money),
            i18n::tr_stored("Wallet top-up"),
            i18n::tr_stored("Withdrawal to IBAN …1234"),
        )
    }));
    assert_eq!(french.0, "1\u{202f}234,56\u{a0}€");
    assert_eq!(french.1.unwrap().minor, 1250);
    assert_eq!(french.2, "1 déc. 2026");
    assert_eq!(french.3, "Rechargez au moins 1\u{202f}234,56\u{a0}€.");
    // A ledger memo is stored in English and shown in the reader's language when it is ours.
    assert_eq!(french.4, "Rechargement du portefeuille");
    assert_eq!(french.5, "Withdrawal to IBAN …1234");
}

fn tokio_test_block<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(f)
}

#[sqlx::test(migrations = "../migrations")]
async fn notifications_and_emails_are_in_the_recipient_s_language(pool: PgPool) {
    let w = world(&pool).await;
    profile::set_locale(&pool, w.traveler, Locale::Fr)
        .await
        .unwrap();
    // The sender asks in English; the traveler reads French.
    propose(&pool, w.sender, Side::Sender, w.parcel, w.trip, "")
        .await
        .unwrap();
    let told = notifications::list(&pool, w.traveler, 1, "UTC")
        .await
        .unwrap();
    assert_eq!(told[0].title, "Nouvelle demande de réservation");
    let (subject, body): (String, String) = sqlx::query_as(
        "SELECT subject, body_text FROM email_outbox WHERE kind = 'notify.booking.requested'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(subject, "Nouvelle demande de réservation");
    assert!(body.contains("Ouvrez-le sur Carry"), "{body}");
    assert!(
        body.contains("Choisissez les e-mails que vous recevez"),
        "{body}"
    );
    assert_eq!(
        profile::locale(&mut pool.acquire().await.unwrap(), w.traveler)
            .await
            .unwrap(),
        Some(Locale::Fr)
    );
}
