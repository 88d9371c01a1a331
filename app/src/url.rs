//! Addresses: encoding values into them, reading the page's own, and the one guard every
//! redirect target passes through.

use leptos::prelude::*;

/// Percent-encodes a value for a query string (keeps `/` readable).
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Decodes `%XX` escapes (invalid ones stay as they are).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied(),
            bytes.get(i + 2).copied(),
        ) {
            (b'%', Some(h), Some(l)) if hex(h).is_some() && hex(l).is_some() => {
                let v = hex(h).unwrap_or(0) * 16 + hex(l).unwrap_or(0);
                out.push(u8::try_from(v).unwrap_or(b'?'));
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn local_path(p: &str) -> bool {
    let mut chars = p.chars();
    chars.next() == Some('/')
        && !matches!(chars.next(), Some('/' | '\\'))
        && !p.chars().any(|c| c == '\\' || c.is_control())
}

/// Where to send the browser after a form: `next` when it is a path on this site (one leading
/// `/`, no backslash, no control character, not even percent-encoded), else `fallback`. Every
/// redirect to an address that came from a request goes through here.
pub fn safe_next(next: &str, fallback: &str) -> String {
    if next.len() <= 2000 && local_path(next) && local_path(&percent_decode(next)) {
        next.to_string()
    } else {
        fallback.to_string()
    }
}

/// True when the page address has `?name=...` (the confirmations after a form post).
pub fn query_flag(name: &'static str) -> Memo<bool> {
    let q = leptos_router::hooks::use_query_map();
    Memo::new(move |_| q.read().get(name).is_some())
}

/// The value of `?name=...` in the page address as the page opened ("" when absent).
pub fn query_value(name: &str) -> String {
    leptos_router::hooks::use_query_map()
        .read_untracked()
        .get(name)
        .unwrap_or_default()
}

/// The path and the query (without `?`, "" when none) of the page being shown: the router's on
/// the server, the browser's own address in an island (islands run without the router).
pub fn page_address() -> (String, String) {
    #[cfg(feature = "hydrate")]
    {
        let l = window().location();
        let search = l.search().unwrap_or_default();
        (
            l.pathname().unwrap_or_default(),
            search.trim_start_matches('?').to_string(),
        )
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let l = leptos_router::hooks::use_location();
        (l.pathname.get_untracked(), l.search.get_untracked())
    }
}

/// The `:id` of the page address, when it is a valid id (anything else reads as "not found").
pub fn route_id<T: std::str::FromStr>() -> Option<T> {
    let p = leptos_router::hooks::use_params_map();
    p.read_untracked().get("id").and_then(|s| s.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        for ok in [
            "/",
            "/wallet",
            "/bookings/1?sent=1",
            "/track?number=CR-1&x=%2F",
        ] {
            assert_eq!(safe_next(ok, "/"), ok, "{ok}");
        }
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/\t/evil.example",
            "/%09/evil.example",
            "/%2F/evil.example",
            "/%5Cevil.example",
            "/ok\r\nSet-Cookie: x=1",
            "/ok\0",
            "https://evil.example",
            "javascript:alert(1)",
            "evil.example",
            "",
        ] {
            assert_eq!(safe_next(bad, "/home"), "/home", "{bad:?}");
        }
    }

    #[test]
    fn encoding_round_trips() {
        assert_eq!(urlencode("a b&c/d"), "a%20b%26c/d");
        assert_eq!(percent_decode("a%20b%26c"), "a b&c");
        assert_eq!(percent_decode("100%"), "100%");
    }
}
