//! English and French. Every text a member reads is written in English in the code and looked
//! up with `tr("…")` (or `trf("… %{name} …", &[("name", …)])`) in the translation files under
//! `app/locales/` (rust-i18n: one YAML file per area and language mapping each English text to
//! its French, the way gettext catalogues do, so a translator edits plain text). The locale of a request is the member's choice (the `carry_lang`
//! cookie, also kept on the account), else the browser's `Accept-Language`, else English; the
//! server renders in it and the browser hydrates in the same one (read from `<html lang>`).
//! Texts only the server writes (errors of the services, emails) are in `app/locales/server/`,
//! so the browser's bundle carries only the pages' texts (`app/locales/ui/`). A test fails when
//! a text in the code has no French, or a French text no longer has its English in the code.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Locale {
    #[default]
    En,
    Fr,
}

/// The cookie that remembers the member's choice of language.
pub const COOKIE: &str = "carry_lang";

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::En, Locale::Fr];

    pub fn code(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Fr => "fr",
        }
    }

    /// The language's own name, for the switch.
    pub fn name(self) -> &'static str {
        match self {
            Locale::En => "English",
            Locale::Fr => "Français",
        }
    }

    pub fn parse(s: &str) -> Option<Locale> {
        match s.trim().to_ascii_lowercase().as_str() {
            "en" => Some(Locale::En),
            "fr" => Some(Locale::Fr),
            _ => None,
        }
    }

    /// The best of ours for an `Accept-Language` header ("fr-CH, fr;q=0.9, en;q=0.8").
    pub fn from_accept_language(header: &str) -> Option<Locale> {
        let mut best: Option<(Locale, f32)> = None;
        for part in header.split(',').take(20) {
            let mut it = part.split(';');
            let tag = it.next().unwrap_or("").trim();
            let q = it
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or("");
            if let Some(l) = Locale::parse(primary) {
                if q > 0.0 && best.is_none_or(|(_, bq)| q > bq) {
                    best = Some((l, q));
                }
            }
        }
        best.map(|(l, _)| l)
    }
}

#[cfg(not(feature = "ssr"))]
thread_local! {
    /// In the browser one page has one locale: the one the server rendered it in.
    static BROWSER: std::cell::Cell<Option<Locale>> = const { std::cell::Cell::new(None) };
}

/// The locale texts are made in now: the request's (server; provided to every render and server
/// function by `provide_from_request`), the page's (browser), else English (jobs, tests).
pub fn current() -> Locale {
    #[cfg(not(feature = "ssr"))]
    {
        if let Some(l) = BROWSER.with(std::cell::Cell::get) {
            return l;
        }
        let lang = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
            .and_then(|e| e.get_attribute("lang"))
            .and_then(|l| Locale::parse(&l))
            .unwrap_or_default();
        BROWSER.with(|c| c.set(Some(lang)));
        lang
    }
    #[cfg(feature = "ssr")]
    {
        use leptos::prelude::use_context;
        SERVER
            .try_with(|l| *l)
            .ok()
            .or_else(use_context::<Locale>)
            .or_else(|| use_context::<http::request::Parts>().map(|p| from_headers(&p.headers)))
            .unwrap_or_default()
    }
}

/// The locale a request asks for: the member's choice (cookie), else `Accept-Language`.
#[cfg(feature = "ssr")]
pub fn from_headers(headers: &http::HeaderMap) -> Locale {
    crate::server::ctx::cookie_value(headers, COOKIE)
        .and_then(|c| Locale::parse(&c))
        .or_else(|| {
            headers
                .get(http::header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Locale::from_accept_language)
        })
        .unwrap_or_default()
}

/// Gives the request's locale to everything rendered or run for it (the app's additional
/// context for pages and server functions).
#[cfg(feature = "ssr")]
pub fn provide_from_request() {
    use leptos::prelude::{provide_context, use_context};
    if let Some(parts) = use_context::<http::request::Parts>() {
        provide_context(from_headers(&parts.headers));
    }
}

#[cfg(feature = "ssr")]
tokio::task_local! {
    /// The locale of work done for someone other than the one asking (an email to a member),
    /// and of a page while it renders (set from the request, so texts need no context lookup).
    pub static SERVER: Locale;
}

/// Runs `f` with texts in `locale` (a notification written in its recipient's language).
#[cfg(feature = "ssr")]
pub async fn within<F: std::future::Future>(locale: Locale, f: F) -> F::Output {
    SERVER.scope(locale, f).await
}

/// Runs `f` with texts in `locale`, synchronously.
#[cfg(feature = "ssr")]
pub fn within_sync<R>(locale: Locale, f: impl FnOnce() -> R) -> R {
    SERVER.sync_scope(locale, f)
}

#[cfg(feature = "ssr")]
fn table(locale: &str, key: &str) -> Option<Cow<'static, str>> {
    crate::server::texts::_rust_i18n_try_translate(locale, key)
        .or_else(|| crate::_rust_i18n_try_translate(locale, key))
}

#[cfg(not(feature = "ssr"))]
fn table(locale: &str, key: &str) -> Option<Cow<'static, str>> {
    if locale != Locale::Fr.code() {
        return None;
    }
    BROWSER_TEXTS
        .get()
        .and_then(|t| t.get(key))
        .map(|t| Cow::Borrowed(*t))
}

/// The pages' French in the browser, once fetched (`load_browser_texts`).
#[cfg(not(feature = "ssr"))]
static BROWSER_TEXTS: std::sync::OnceLock<std::collections::HashMap<&'static str, &'static str>> =
    std::sync::OnceLock::new();

/// Takes the pages' French (the JSON object the server serves at `browser_texts_path`) before
/// the page hydrates. Kept for the page's life, as compiled-in texts would be.
#[cfg(not(feature = "ssr"))]
pub fn load_browser_texts(json: &str) {
    let Ok(texts) =
        serde_json::from_slice::<std::collections::HashMap<String, String>>(json.as_bytes())
    else {
        return;
    };
    let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
    let _ = BROWSER_TEXTS.set(texts.into_iter().map(|(k, v)| (leak(k), leak(v))).collect());
}

/// The pages' French as one JSON object (`app/locales/ui/`, merged at build time).
#[cfg(feature = "ssr")]
pub const BROWSER_TEXTS_FR: &str = include_str!(concat!(env!("OUT_DIR"), "/ui-fr.json"));

/// Where the browser fetches the pages' texts in `locale` (none for English: the code holds
/// them). The name carries a hash of the content, so the file may be cached for good.
pub fn browser_texts_path(locale: Locale) -> Option<&'static str> {
    const PATH: &str = concat!(
        "/texts/fr.",
        include_str!(concat!(env!("OUT_DIR"), "/ui-fr.version")),
        ".json"
    );
    (locale == Locale::Fr).then_some(PATH)
}

/// `key` (the English text) in `locale`. Translations are compiled in, so this is a lookup in
/// a static table; a text without a translation stays English (the test on the translation
/// files makes sure none is missing).
pub fn tr_in(locale: Locale, key: &'static str) -> &'static str {
    if locale == Locale::En {
        return key;
    }
    match table(locale.code(), key) {
        Some(Cow::Borrowed(t)) => t,
        // The tables hold `&'static str`; an owned text would only come from a runtime table.
        Some(Cow::Owned(_)) | None => key,
    }
}

/// Marks an English text as a key to translate later (a notification's text chosen now and
/// written in its recipient's language): `tr(told)` where `told = key("…")`.
pub const fn key(text: &'static str) -> &'static str {
    text
}

/// A text stored in English when it was written (a ledger movement's memo), in the current
/// locale when it is one of ours (marked with `key` where it is written), else as it is.
pub fn tr_stored(text: &str) -> String {
    let locale = current();
    if locale == Locale::En {
        return text.to_string();
    }
    table(locale.code(), text).map_or_else(|| text.to_string(), |t| t.into_owned())
}

/// `key` in the current locale.
pub fn tr(key: &'static str) -> &'static str {
    tr_in(current(), key)
}

/// `template` with each `{}` replaced by the next of `args` (or `{N}` by the Nth, so a
/// translation can put them in another order).
pub fn fill(template: &str, args: &[&(dyn std::fmt::Display + Sync)]) -> String {
    let mut out = String::with_capacity(template.len() + 16 * args.len());
    let mut next = 0;
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if after[..close].chars().all(|c| c.is_ascii_digit()) => {
                let index = if close == 0 {
                    next += 1;
                    next - 1
                } else {
                    after[..close].parse().unwrap_or(usize::MAX)
                };
                if let Some(arg) = args.get(index) {
                    out.push_str(&arg.to_string());
                }
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A text with parts filled in, in the current locale: `trf!("Top up at least {}.", min)`.
/// The English template is the key; its French may order the parts with `{0}`, `{1}`.
#[macro_export]
macro_rules! trf {
    ($key:literal $(, $arg:expr)* $(,)?) => {
        $crate::i18n::fill($crate::i18n::tr($key), &[$(&$arg as &(dyn ::std::fmt::Display + Sync)),*])
    };
}

/// A number with the locale's separators: "1,234.5" / "1 234,5" (narrow no-break spaces).
pub fn group_digits(locale: Locale, digits: &str) -> String {
    let (sep, dot) = match locale {
        Locale::En => (',', '.'),
        Locale::Fr => ('\u{202f}', ','),
    };
    let (neg, digits) = match digits.strip_prefix('-') {
        Some(d) => ("-", d),
        None => ("", digits),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(sep);
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push(dot);
        out.push_str(frac);
    }
    format!("{neg}{out}")
}

/// A whole number with the current locale's separators: "9,712" / "9 712".
pub fn number(n: impl Into<i64>) -> String {
    group_digits(current(), &n.into().to_string())
}

/// Day and month names, for dates written in French.
pub const FR_WEEKDAYS: [&str; 7] = ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."];
pub const FR_MONTHS: [&str; 12] = [
    "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
    "déc.",
];
pub const FR_MONTHS_LONG: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_best_we_have() {
        assert_eq!(
            Locale::from_accept_language("fr-CH, fr;q=0.9, en;q=0.8"),
            Some(Locale::Fr)
        );
        assert_eq!(
            Locale::from_accept_language("de-DE, en;q=0.5, fr;q=0.4"),
            Some(Locale::En)
        );
        assert_eq!(Locale::from_accept_language("de, es"), None);
        assert_eq!(Locale::from_accept_language("fr;q=0, en"), Some(Locale::En));
    }

    #[test]
    fn templates_fill_in_order_or_by_index() {
        assert_eq!(
            fill("Top up at least {}.", &[&"5.00 EUR"]),
            "Top up at least 5.00 EUR."
        );
        assert_eq!(fill("{1} then {0}", &[&1, &2]), "2 then 1");
        assert_eq!(fill("{} and {}", &[&"a", &"b"]), "a and b");
        assert_eq!(fill("a {x} {", &[]), "a {x} {");
    }

    #[test]
    fn numbers_take_the_locale_s_separators() {
        assert_eq!(group_digits(Locale::En, "1234567.89"), "1,234,567.89");
        assert_eq!(group_digits(Locale::Fr, "1234.56"), "1\u{202f}234,56");
        assert_eq!(group_digits(Locale::Fr, "-12"), "-12");
        assert_eq!(group_digits(Locale::En, "-1234"), "-1,234");
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn whole_numbers_are_grouped_in_the_current_locale() {
        assert_eq!(number(9712), "9,712");
        assert_eq!(number(344), "344");
        assert_eq!(within_sync(Locale::Fr, || number(9712)), "9\u{202f}712");
        assert_eq!(
            within_sync(Locale::Fr, || number(i64::MIN)),
            "-9\u{202f}223\u{202f}372\u{202f}036\u{202f}854\u{202f}775\u{202f}808"
        );
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn ratings_take_the_locale_s_decimal_mark() {
        use crate::types::accounts::rating_label;
        assert_eq!(rating_label(Some(450)).as_deref(), Some("4.5"));
        assert_eq!(rating_label(Some(466)).as_deref(), Some("4.7"));
        assert_eq!(rating_label(Some(500)).as_deref(), Some("5.0"));
        assert_eq!(rating_label(None), None);
        assert_eq!(
            within_sync(Locale::Fr, || rating_label(Some(444))).as_deref(),
            Some("4,4")
        );
    }
}
