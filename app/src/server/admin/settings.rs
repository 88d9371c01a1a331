//! The admins' settings editor (PRODUCT §12): every number of the rules, validated, changed in
//! one transaction with its audit entry. Services read settings fresh from the table, so a
//! change takes effect at once on every instance; a `settings` notification is sent on commit
//! for any instance that keeps them in memory.

use crate::error::AppError;
use crate::server::audit;
use crate::server::settings::{self, Settings, EDITABLE};
use crate::types::admin::SettingItem;
use crate::types::UserId;
use sqlx::PgPool;

/// Every editable setting with its current value, the rules first, then the exchange rates.
pub async fn list(pool: &PgPool) -> Result<Vec<SettingItem>, AppError> {
    let now = settings::load(pool).await?;
    let defaults = Settings::default();
    let mut items: Vec<SettingItem> = EDITABLE
        .iter()
        .map(|(key, label, min, max)| SettingItem {
            key: (*key).into(),
            label: (*label).into(),
            value: settings::value_of(&now, key).unwrap_or_default(),
            default: settings::value_of(&defaults, key).unwrap_or_default(),
            min: *min,
            max: *max,
        })
        .collect();
    for key in settings::rate_keys() {
        let code = key.trim_start_matches("fx.").to_string();
        items.push(SettingItem {
            label: format!("{code} per euro, ×1000 (how euro amounts read in {code})"),
            value: settings::value_of(&now, &key).unwrap_or_default(),
            default: settings::value_of(&defaults, &key).unwrap_or_default(),
            min: 1,
            max: 1_000_000_000,
            key,
        });
    }
    Ok(items)
}

/// Changes one setting, audited; answers nothing new when the value is the same.
pub async fn set(pool: &PgPool, admin: UserId, key: &str, raw: &str) -> Result<(), AppError> {
    let value = settings::parse_value(key, raw).map_err(|m| AppError::validation("value", m))?;
    let mut tx = pool.begin().await?;
    let before = sqlx::query_scalar!("SELECT value FROM settings WHERE key = $1 FOR UPDATE", key)
        .fetch_optional(&mut *tx)
        .await?;
    if before.as_ref().and_then(serde_json::Value::as_i64) == Some(value) {
        return Ok(());
    }
    settings::set(&mut *tx, key, value).await?;
    audit::record(
        &mut tx,
        Some(admin),
        "settings.change",
        &format!("setting:{key}"),
        before.map(|v| v.to_string()).as_deref(),
        Some(&value.to_string()),
    )
    .await?;
    sqlx::query!("SELECT pg_notify('settings', $1)", key)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}
