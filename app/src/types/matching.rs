//! Search and matching results: pages of listings, and matches with the parts of their score.

use crate::i18n::tr;
use crate::types::parcels::ParcelCard;
use crate::types::trips::TripCard;
use crate::types::Money;
use serde::{Deserialize, Serialize};

/// One named part of a match score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScorePart {
    pub name: String,
    pub points: i32,
    pub max: i32,
    pub why: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TripMatch {
    pub trip: TripCard,
    pub score: i32,
    pub parts: Vec<ScorePart>,
    /// The price the traveler would ask for this parcel (price per kg × weight).
    pub price: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParcelMatch {
    pub parcel: ParcelCard,
    pub score: i32,
    pub parts: Vec<ScorePart>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: u32,
    pub has_next: bool,
}

/// The search form's values, as they appear in the page address.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchQuery {
    pub from: String,
    pub to: String,
    pub date_from: String,
    pub date_to: String,
    pub category: String,
    pub max_price: String,
    pub currency: String,
    pub min_rating: String,
    pub verified: bool,
    pub sort: String,
    pub page: u32,
}

impl SearchQuery {
    /// The query part of the search's address ("?from=…&to=…"), page 1.
    pub fn to_query(&self, max_weight: &str) -> String {
        use crate::url::urlencode as e;
        let mut q = format!(
            "?from={}&to={}&date_from={}&date_to={}&category={}&max_price={}&currency={}&min_rating={}&sort={}",
            e(&self.from),
            e(&self.to),
            e(&self.date_from),
            e(&self.date_to),
            e(&self.category),
            e(&self.max_price),
            e(&self.currency),
            e(&self.min_rating),
            e(&self.sort)
        );
        if self.verified {
            q.push_str("&verified=on");
        }
        if !max_weight.is_empty() {
            q.push_str(&format!("&max_weight={}", e(max_weight)));
        }
        q
    }
}

/// What a saved search looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AlertKind {
    #[serde(rename = "trips")]
    Trips,
    #[serde(rename = "parcels")]
    Parcels,
}

impl AlertKind {
    pub fn code(self) -> &'static str {
        match self {
            AlertKind::Trips => "trips",
            AlertKind::Parcels => "parcels",
        }
    }
    pub fn parse(s: &str) -> Option<AlertKind> {
        match s {
            "trips" => Some(AlertKind::Trips),
            "parcels" => Some(AlertKind::Parcels),
            _ => None,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            AlertKind::Trips => tr("Trips"),
            AlertKind::Parcels => tr("Parcels"),
        }
    }
    /// The search page it saves.
    pub fn search_path(self) -> &'static str {
        match self {
            AlertKind::Trips => "/search/trips",
            AlertKind::Parcels => "/search/parcels",
        }
    }
}

/// A saved search on the alerts page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertItem {
    pub id: uuid::Uuid,
    pub label: String,
    /// The search's address, to open it again.
    pub search: String,
    pub paused: bool,
    pub created: String,
    /// Listings it told the member about.
    pub hits: i64,
}
