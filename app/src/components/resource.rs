//! The pages' resources, with their data sent inside the page in a form that is cheap to make,
//! to embed and to read.
//!
//! A resource loaded while the server renders a page travels to the browser inside the page, as
//! a JavaScript string in a `<script>` (`__RESOLVED_RESOURCES[n] = "…"`), so the browser hydrates
//! without asking again. [`PageData`] writes it as postcard (the compact binary form the server
//! functions also answer in, `output = Postcard`) in base64: no field names, no quotes for
//! Leptos's `Debug` escaping to double, no `<` or `&` that could ever close the script, and
//! nothing a browser could read as markup. Because the browser reads the same binary form from
//! both the page and the server functions, its module holds one small reader per type of data
//! (postcard reads fields in order; JSON would also need each type's field-name matching).

use leptos::prelude::*;
use leptos::server::codee::{Decoder, Encoder};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::future::Future;

/// Postcard in base64 (see the module's comment).
pub struct PageData;

/// A resource whose data is sent inside the page as [`PageData`].
pub type PageResource<T> = Resource<T, PageData>;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// `bytes` in base64 (RFC 4648, standard alphabet, without padding).
pub fn base64(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

/// The bytes of base64 `text` (as [`base64`] writes it; `=` padding is allowed), or `None`
/// when it is not base64.
pub fn unbase64(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end_matches('=').as_bytes();
    if text.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 2);
    for chunk in text.chunks(4) {
        let mut n = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            let v = match c {
                b'A'..=b'Z' => c - b'A',
                b'a'..=b'z' => c - b'a' + 26,
                b'0'..=b'9' => c - b'0' + 52,
                b'+' => 62,
                b'/' => 63,
                _ => return None,
            };
            n |= u32::from(v) << (18 - 6 * i);
        }
        out.extend(n.to_be_bytes()[1..chunk.len()].iter());
    }
    Some(out)
}

/// Why a page's data could not be read back.
#[derive(Debug)]
pub enum PageDataError {
    NotBase64,
    Postcard(postcard::Error),
}

impl<T: Serialize> Encoder<T> for PageData {
    type Error = postcard::Error;
    type Encoded = String;

    fn encode(val: &T) -> Result<String, postcard::Error> {
        postcard::to_allocvec(val).map(|bytes| base64(&bytes))
    }
}

impl<T: DeserializeOwned> Decoder<T> for PageData {
    type Error = PageDataError;
    type Encoded = str;

    fn decode(val: &str) -> Result<T, PageDataError> {
        let bytes = unbase64(val).ok_or(PageDataError::NotBase64)?;
        postcard::from_bytes(&bytes).map_err(PageDataError::Postcard)
    }
}

/// `Resource::new`, with the page's data sent as [`PageJson`].
#[track_caller]
pub fn resource<T, S, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    fetcher: impl Fn(S) -> Fut + Send + Sync + 'static,
) -> PageResource<T>
where
    S: PartialEq + Clone + Send + Sync + 'static,
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    Resource::new_with_options(source, fetcher, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_rfc_and_reads_back_every_length() {
        // RFC 4648's test vectors, without their padding.
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), encoded);
            assert_eq!(unbase64(encoded).unwrap(), plain.as_bytes());
        }
        assert_eq!(unbase64("Zm9vYg==").unwrap(), b"foob");
        let all: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
        for n in 0..all.len() {
            assert_eq!(unbase64(&base64(&all[..n])).unwrap(), &all[..n]);
        }
        for bad in ["Z", "Zm9vY", "Zm9v\"", "Zm<v", "Zm9v Yg"] {
            assert_eq!(unbase64(bad), None, "{bad}");
        }
    }

    #[test]
    fn page_data_round_trips_any_text_and_holds_nothing_to_escape() {
        let values = vec![
            String::new(),
            "plain".to_string(),
            r#"Ben's "big" box \ </script><!-- 'x' "#.to_string(),
            "line\r\nbreak\0nul\u{7f}".to_string(),
            "Ça coûte 1 234,56 € — 東京 🎉".to_string(),
            "'\"'\"\\\"".repeat(1000),
        ];
        let encoded = <PageData as Encoder<Vec<String>>>::encode(&values).unwrap();
        assert!(encoded
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/'));
        let back: Vec<String> = <PageData as Decoder<Vec<String>>>::decode(&encoded).unwrap();
        assert_eq!(back, values);
        assert!(<PageData as Decoder<Vec<String>>>::decode("not base64!").is_err());
        assert!(<PageData as Decoder<Vec<String>>>::decode(&base64(&[5, 1])).is_err());
    }
}
