//! Run-time settings (PRODUCT's "(setting)" numbers), kept in the `settings` table so an admin
//! can change them without a deploy. Read fresh where a rule needs them; the services take
//! them as a value, so a rule and its test see the same numbers.

use sqlx::PgExecutor;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// A trip stops taking bookings this long before departure.
    pub booking_cutoff_hours: i64,
    /// An unanswered request expires after this long.
    pub request_ttl_hours: i64,
    /// A parcel scoring this much or more waits for an admin.
    pub risk_review_threshold: i32,
    /// Places closer than this count as the same for matching.
    pub match_radius_km: i32,
    pub max_counter_rounds: i32,
    /// The sender's service fee, in basis points of the price, and its minimum in whole units.
    pub service_fee_bps: i64,
    pub service_fee_min_units: i64,
    /// Optional protection: basis points of the declared value covered, up to a maximum.
    pub protection_bps: i64,
    pub protection_max_units: i64,
    /// The smallest withdrawal, in whole units of its currency.
    pub withdrawal_min_units: i64,
    /// A delivered booking completes by itself this long after delivery.
    pub completion_hours: i64,
    /// ID verification is needed to carry a parcel declared above this, or to send one above
    /// the second (whole units of the parcel's currency).
    pub id_required_carry_units: i64,
    pub id_required_send_units: i64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            booking_cutoff_hours: 12,
            request_ttl_hours: 48,
            risk_review_threshold: 50,
            match_radius_km: 50,
            max_counter_rounds: 3,
            service_fee_bps: 1000,
            service_fee_min_units: 1,
            protection_bps: 300,
            protection_max_units: 1000,
            withdrawal_min_units: 10,
            completion_hours: 72,
            id_required_carry_units: 200,
            id_required_send_units: 500,
        }
    }
}

pub async fn load(db: impl PgExecutor<'_>) -> Result<Settings, sqlx::Error> {
    let rows = sqlx::query!("SELECT key, value FROM settings")
        .fetch_all(db)
        .await?;
    let mut s = Settings::default();
    for r in rows {
        let Some(n) = r.value.as_i64() else { continue };
        let small = i32::try_from(n).ok();
        match r.key.as_str() {
            "booking_cutoff_hours" => s.booking_cutoff_hours = n,
            "request_ttl_hours" => s.request_ttl_hours = n,
            "risk_review_threshold" => {
                s.risk_review_threshold = small.unwrap_or(s.risk_review_threshold)
            }
            "match_radius_km" => s.match_radius_km = small.unwrap_or(s.match_radius_km),
            "max_counter_rounds" => s.max_counter_rounds = small.unwrap_or(s.max_counter_rounds),
            "service_fee_bps" => s.service_fee_bps = n,
            "service_fee_min_units" => s.service_fee_min_units = n,
            "protection_bps" => s.protection_bps = n,
            "protection_max_units" => s.protection_max_units = n,
            "withdrawal_min_units" => s.withdrawal_min_units = n,
            "completion_hours" => s.completion_hours = n,
            "id_required_carry_units" => s.id_required_carry_units = n,
            "id_required_send_units" => s.id_required_send_units = n,
            _ => {}
        }
    }
    Ok(s)
}

/// Changes one setting (used by tests now, by the admin settings page later).
pub async fn set(db: impl PgExecutor<'_>, key: &str, value: i64) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO settings (key, value) VALUES ($1, $2)
         ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()",
        key,
        serde_json::Value::from(value)
    )
    .execute(db)
    .await?;
    Ok(())
}
