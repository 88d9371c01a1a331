//! Places as the browser sees them.

use serde::{Deserialize, Serialize};

/// One autocomplete suggestion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlaceSuggestion {
    pub id: i32,
    pub label: String,
    pub airport: bool,
}
