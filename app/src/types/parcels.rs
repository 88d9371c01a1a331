//! Parcels as the pages show them, and the parcel form as typed.

use crate::types::accounts::UserBrief;
use crate::types::{Category, Money, ParcelId, ParcelStatus};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParcelCard {
    pub id: ParcelId,
    pub title: String,
    pub category: Category,
    pub weight: String,
    pub weight_g: i32,
    pub from: String,
    pub to: String,
    pub ready_from: String,
    pub deliver_by: String,
    pub reward: Money,
    pub status: ParcelStatus,
    pub thumbnail: Option<String>,
    pub sender: UserBrief,
}

/// Private parcel data: shown to the sender, and to the traveler once a booking is accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParcelPrivate {
    pub pickup_address: String,
    pub delivery_address: String,
    pub recipient: String,
    pub recipient_contact: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskPart {
    pub label: String,
    pub points: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Photo {
    pub id: Uuid,
    pub url: String,
    pub thumb_url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParcelDetail {
    pub card: ParcelCard,
    pub description: String,
    pub dimensions: String,
    pub declared_value: Money,
    pub fragile: bool,
    pub distance_km: i32,
    pub photos: Vec<Photo>,
    pub is_owner: bool,
    pub private: Option<ParcelPrivate>,
    /// Shown to the owner and admins.
    pub risk: Option<(i32, Vec<RiskPart>)>,
    pub review_note: Option<String>,
    pub form: ParcelForm,
}

/// What the parcel form holds, as typed (fields left out of a post are empty).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ParcelForm {
    pub title: String,
    pub description: String,
    pub category: String,
    pub weight_kg: String,
    pub length_cm: String,
    pub width_cm: String,
    pub height_cm: String,
    pub declared_value: String,
    pub currency: String,
    /// A checkbox: "on" when ticked in a form post.
    #[serde(deserialize_with = "crate::types::words::checkbox")]
    pub fragile: bool,
    /// "I can show the receipt or the serial number" (a checkbox).
    #[serde(deserialize_with = "crate::types::words::checkbox")]
    pub has_receipt: bool,
    pub pickup_place: String,
    pub pickup_address: String,
    pub delivery_place: String,
    pub delivery_address: String,
    pub ready_from: String,
    pub deliver_by: String,
    pub reward: String,
    pub recipient: String,
    pub recipient_name: String,
    pub recipient_phone: String,
    pub recipient_email: String,
}

/// How a suggested reward was computed, shown next to the reward field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RewardSuggestion {
    pub amount: Money,
    pub distance_km: i32,
    pub explanation: Vec<String>,
}

/// A parcel waiting in the admin review queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewItem {
    pub parcel: ParcelCard,
    pub description: String,
    pub risk_score: i32,
    pub reasons: Vec<RiskPart>,
    pub flagged: Vec<String>,
    pub submitted: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A parcel's form travels to the browser as postcard (a page's data, a server function's
    /// answer): its checkboxes, which forms post as "on", read back as they were.
    #[test]
    fn a_parcel_form_reads_back_from_postcard_with_its_checkboxes() {
        for (fragile, has_receipt) in [(true, false), (false, true)] {
            let form = ParcelForm {
                title: "Books".into(),
                fragile,
                has_receipt,
                ..ParcelForm::default()
            };
            let bytes = postcard::to_allocvec(&form).unwrap();
            assert_eq!(postcard::from_bytes::<ParcelForm>(&bytes).unwrap(), form);
        }
    }
}
