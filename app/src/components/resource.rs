//! The pages' resources, with their data sent inside the page in a form that is cheap to embed.
//!
//! A resource loaded while the server renders a page travels to the browser inside the page, as
//! a JavaScript string in a `<script>` (`__RESOLVED_RESOURCES[n] = "…"`), so the browser hydrates
//! without asking again. Leptos writes that string with Rust's `Debug` escaping, which turns
//! every `"` of the JSON into `\"`: on a search page, two thousand escapes in 14 KB, and about a
//! tenth of the instructions the whole page costs. [`PageJson`] is JSON with its two quote
//! characters swapped (`"` ↔ `'`; both are one ASCII byte, so the text stays valid UTF-8 and the
//! swap undoes itself): the JSON's own quotes become `'`, which needs no escape, and only a `'`
//! that was in the data becomes a `"` to escape. The browser swaps them back and reads JSON as
//! before. The server functions the resources call in the browser still answer plain JSON.
//! Everything the browser reads as JSON is read from bytes (`serde_json::from_slice`, as the
//! server functions' answers are), never from `&str`: serde_json makes its reader of each type
//! once per kind of input, and reading both ways had doubled that code in the WASM.

use leptos::prelude::*;
use leptos::server::codee::{Decoder, Encoder};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::future::Future;

/// JSON with `"` and `'` swapped (see the module's comment).
pub struct PageJson;

/// A resource whose data is sent inside the page as [`PageJson`].
pub type PageResource<T> = Resource<T, PageJson>;

/// `text` with every `"` swapped for `'` and every `'` for `"`. (Exchanging two ASCII bytes
/// keeps every multi-byte character whole: the bytes stay valid UTF-8.)
fn swap_quotes(text: &[u8]) -> Vec<u8> {
    text.iter()
        .map(|b| match b {
            b'"' => b'\'',
            b'\'' => b'"',
            other => *other,
        })
        .collect()
}

impl<T: Serialize> Encoder<T> for PageJson {
    type Error = serde_json::Error;
    type Encoded = String;

    fn encode(val: &T) -> Result<String, serde_json::Error> {
        let json = swap_quotes(&serde_json::to_vec(val)?);
        Ok(String::from_utf8(json).unwrap_or_default())
    }
}

impl<T: DeserializeOwned> Decoder<T> for PageJson {
    type Error = serde_json::Error;
    type Encoded = str;

    fn decode(val: &str) -> Result<T, serde_json::Error> {
        // Read from bytes, as the server functions' answers are (`serde_json::from_slice`): the
        // browser's module then holds one reader per type of data, not two.
        serde_json::from_slice(&swap_quotes(val.as_bytes()))
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
    fn page_json_round_trips_quotes_apostrophes_escapes_and_any_text() {
        let values = vec![
            String::new(),
            "plain".to_string(),
            r#"Ben's "big" box \ </script><!-- 'x' "#.to_string(),
            "line\r\nbreak\0nul\u{7f}".to_string(),
            "Ça coûte 1 234,56 € — 東京 🎉".to_string(),
            "'\"'\"\\\"".repeat(1000),
        ];
        let encoded = <PageJson as Encoder<Vec<String>>>::encode(&values).unwrap();
        let back: Vec<String> = <PageJson as Decoder<Vec<String>>>::decode(&encoded).unwrap();
        assert_eq!(back, values);
    }

    #[test]
    fn page_json_of_plain_data_has_no_double_quote() {
        #[derive(Serialize)]
        struct Card {
            origin: &'static str,
            price: i64,
            tags: Vec<&'static str>,
        }
        let card = Card {
            origin: "Lisbon, Portugal",
            price: 1000,
            tags: vec!["documents", "books"],
        };
        let encoded = <PageJson as Encoder<Card>>::encode(&card).unwrap();
        assert_eq!(
            encoded,
            "{'origin':'Lisbon, Portugal','price':1000,'tags':['documents','books']}"
        );
    }
}
