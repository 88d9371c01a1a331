//! The admins' settings editor (PRODUCT §12): every number of the rules, the risk rules, the
//! prohibited keywords and the high-risk countries, validated, changed in one transaction with
//! its audit entry. Services read settings fresh from the table, so a
//! change takes effect at once on every instance; a `settings` notification is sent on commit
//! for any instance that keeps them in memory.

use crate::error::{printable, AppError};
use crate::i18n::tr;
use crate::server::audit;
use crate::server::settings::{self, Settings, EDITABLE};
use crate::types::admin::{RiskLists, RiskRuleItem, SettingItem};
use crate::types::UserId;
use sqlx::PgPool;

/// Every editable setting with its current value, the rules first, then the exchange rates.
pub async fn list(pool: &PgPool) -> Result<Vec<SettingItem>, AppError> {
    let now = settings::current(pool).await?;
    let defaults = Settings::default();
    let mut items: Vec<SettingItem> = EDITABLE
        .iter()
        .map(|(key, label, min, max)| SettingItem {
            key: (*key).into(),
            label: tr(label).into(),
            value: settings::value_of(&now, key).unwrap_or_default(),
            default: settings::value_of(&defaults, key).unwrap_or_default(),
            min: *min,
            max: *max,
        })
        .collect();
    for key in settings::rate_keys() {
        let code = key.trim_start_matches("fx.").to_string();
        items.push(SettingItem {
            label: crate::trf!("{0} per euro, ×1000 (how euro amounts read in {0})", code),
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
    tx.commit().await?;
    // Every instance hears of it on commit (`settings::set` notifies); this one forgets at once.
    settings::forget(pool);
    Ok(())
}

/// The risk rules, the prohibited keywords and the high-risk countries.
pub async fn risk_lists(pool: &PgPool) -> Result<RiskLists, AppError> {
    let rules = sqlx::query_as!(
        RiskRuleItem,
        "SELECT code, label, points, param, enabled FROM risk_rules ORDER BY code"
    )
    .fetch_all(pool)
    .await?;
    let keywords = sqlx::query_scalar!("SELECT keyword FROM prohibited_keywords ORDER BY keyword")
        .fetch_all(pool)
        .await?;
    let countries = sqlx::query!(
        r#"SELECT h.country::text AS "code!", coalesce(c.name, h.country::text) AS "name!"
           FROM high_risk_countries h LEFT JOIN countries c ON c.code = h.country
           ORDER BY 2"#
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|r| (r.code, r.name))
    .collect();
    Ok(RiskLists {
        rules,
        keywords,
        countries,
    })
}

/// Changes a risk rule's points (0 to 100), threshold (a whole number ≥ 0, where the rule has
/// one) and whether it applies.
pub async fn set_risk_rule(
    pool: &PgPool,
    admin: UserId,
    code: &str,
    points: &str,
    param: &str,
    enabled: bool,
) -> Result<(), AppError> {
    let points = match points.trim().parse::<i32>() {
        Ok(p) if (0..=100).contains(&p) => p,
        _ => {
            return Err(AppError::validation(
                "points",
                crate::i18n::tr("Enter points from 0 to 100."),
            ))
        }
    };
    let mut tx = pool.begin().await?;
    let before = sqlx::query!(
        "SELECT points, param, enabled FROM risk_rules WHERE code = $1 FOR UPDATE",
        code
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::NotFound(tr("There is no such risk rule.").into()))?;
    let param = match (before.param, param.trim()) {
        (None, _) => None,
        (Some(_), raw) => match raw.parse::<i64>() {
            Ok(v) if (0..=1_000_000_000).contains(&v) => Some(v),
            _ => {
                return Err(AppError::validation(
                    "param",
                    crate::i18n::tr("Enter a whole number from 0 to 1,000,000,000."),
                ))
            }
        },
    };
    sqlx::query!(
        "UPDATE risk_rules SET points = $2, param = $3, enabled = $4 WHERE code = $1",
        code,
        points,
        param,
        enabled
    )
    .execute(&mut *tx)
    .await?;
    let show = |p: i32, v: Option<i64>, e: bool| {
        serde_json::json!({ "points": p, "param": v, "enabled": e }).to_string()
    };
    audit::record(
        &mut tx,
        Some(admin),
        "settings.risk_rule",
        &format!("risk_rule:{code}"),
        Some(&show(before.points, before.param, before.enabled)),
        Some(&show(points, param, enabled)),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Adds (or, with `add` false, removes) a prohibited keyword: 2 to 40 characters, lower case.
pub async fn set_keyword(
    pool: &PgPool,
    admin: UserId,
    keyword: &str,
    add: bool,
) -> Result<(), AppError> {
    let k = keyword.trim().to_lowercase();
    if !printable(&k, false) || !(2..=40).contains(&k.chars().count()) {
        return Err(AppError::validation(
            "keyword",
            "A keyword is 2 to 40 letters, digits or spaces.",
        ));
    }
    let mut tx = pool.begin().await?;
    let changed = if add {
        sqlx::query!(
            "INSERT INTO prohibited_keywords (keyword) VALUES ($1) ON CONFLICT DO NOTHING",
            k
        )
        .execute(&mut *tx)
        .await?
    } else {
        sqlx::query!("DELETE FROM prohibited_keywords WHERE keyword = $1", k)
            .execute(&mut *tx)
            .await?
    };
    if changed.rows_affected() == 1 {
        let (before, after) = if add {
            (None, Some(k.as_str()))
        } else {
            (Some(k.as_str()), None)
        };
        audit::record(
            &mut tx,
            Some(admin),
            "settings.keyword",
            &format!("keyword:{k}"),
            before,
            after,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Adds (or removes) a high-risk country by its two-letter code.
pub async fn set_country(
    pool: &PgPool,
    admin: UserId,
    code: &str,
    add: bool,
) -> Result<(), AppError> {
    let code = code.trim().to_uppercase();
    let known = code.len() == 2
        && code.chars().all(|c| c.is_ascii_uppercase())
        && sqlx::query_scalar!(
            r#"SELECT EXISTS (SELECT 1 FROM countries WHERE code = $1) AS "e!""#,
            code
        )
        .fetch_one(pool)
        .await?;
    if !known {
        return Err(AppError::validation(
            "country",
            crate::i18n::tr("Enter a country's two-letter code, such as SY."),
        ));
    }
    let mut tx = pool.begin().await?;
    let changed = if add {
        sqlx::query!(
            "INSERT INTO high_risk_countries (country) VALUES ($1) ON CONFLICT DO NOTHING",
            code
        )
        .execute(&mut *tx)
        .await?
    } else {
        sqlx::query!("DELETE FROM high_risk_countries WHERE country = $1", code)
            .execute(&mut *tx)
            .await?
    };
    if changed.rows_affected() == 1 {
        let (before, after) = if add {
            (None, Some(code.as_str()))
        } else {
            (Some(code.as_str()), None)
        };
        audit::record(
            &mut tx,
            Some(admin),
            "settings.country",
            &format!("country:{code}"),
            before,
            after,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
