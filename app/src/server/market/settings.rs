//! Run-time settings (PRODUCT's "(setting)" numbers), kept in the `settings` table so an admin
//! can change them without a deploy. Read fresh where a rule needs them.

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
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            booking_cutoff_hours: 12,
            request_ttl_hours: 48,
            risk_review_threshold: 50,
            match_radius_km: 50,
            max_counter_rounds: 3,
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
        match r.key.as_str() {
            "booking_cutoff_hours" => s.booking_cutoff_hours = n,
            "request_ttl_hours" => s.request_ttl_hours = n,
            "risk_review_threshold" => s.risk_review_threshold = n as i32,
            "match_radius_km" => s.match_radius_km = n as i32,
            "max_counter_rounds" => s.max_counter_rounds = n as i32,
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
