//! The pages' resources, with their data sent inside the page in a form that is cheap to make,
//! to embed and to read.
//!
//! A resource's data, when Leptos sends it inside the page for hydration, travels as a JavaScript
//! string in a `<script>` (`__RESOLVED_RESOURCES[n] = "…"`). Islands make no resources (see
//! `LiveConversation`) and the pages' own are read on the server, so Leptos sends one only when it
//! was made while an island was being rendered (the server renders a page's parts concurrently);
//! whatever it sends must still be safe in the page. [`PageData`] writes it as postcard (the
//! compact binary form the server functions answer in, `output = Postcard`) in base64 (standard
//! alphabet, no padding): no quotes for Leptos's `Debug` escaping to double, no `<` or `&` that
//! could ever close the script, and nothing a browser could read as markup.

use base64::engine::general_purpose::STANDARD_NO_PAD as BASE64;
use base64::Engine;
use leptos::prelude::*;
use leptos::server::codee::{Decoder, Encoder};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::future::Future;

/// Postcard in base64 (see the module's comment).
pub struct PageData;

/// A resource whose data is sent inside the page as [`PageData`].
pub type PageResource<T> = Resource<T, PageData>;

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
        postcard::to_allocvec(val).map(|bytes| BASE64.encode(bytes))
    }
}

impl<T: DeserializeOwned> Decoder<T> for PageData {
    type Error = PageDataError;
    type Encoded = str;

    fn decode(val: &str) -> Result<T, PageDataError> {
        let bytes = BASE64.decode(val).map_err(|_| PageDataError::NotBase64)?;
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
        assert!(<PageData as Decoder<Vec<String>>>::decode(&BASE64.encode([5, 1])).is_err());
    }
}
