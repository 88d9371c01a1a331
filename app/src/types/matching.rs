//! Search and matching results: pages of listings, and matches with the parts of their score.

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
