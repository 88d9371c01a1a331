//! Idempotency keys for money-moving requests. Each form carries a fresh random key; the
//! service claims it inside its transaction and stores its answer there. A retry with the same
//! key (a double click, a resent form, a client that timed out) waits for the first attempt to
//! commit and gets its answer back, without moving money again. If the first attempt failed, it
//! rolled back its claim too, and the retry runs for real.

use crate::error::AppError;
use crate::i18n::tr;
use crate::types::UserId;
use serde::{de::DeserializeOwned, Serialize};
use sqlx::PgConnection;

/// Refuses keys that cannot be ours (too short to be random, or absurdly long).
pub fn check_key(key: &str) -> Result<(), AppError> {
    let ok = (8..=100).contains(&key.len())
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(AppError::BadRequest(
            tr("This form is out of date. Reload the page and try again.").into(),
        ))
    }
}

/// Claims `key` for `user`. `Some(answer)` when an earlier request with this key already
/// succeeded: return that answer and do nothing else.
pub async fn claim<T: DeserializeOwned>(
    conn: &mut PgConnection,
    user: UserId,
    key: &str,
    scope: &str,
) -> Result<Option<T>, AppError> {
    check_key(key)?;
    let inserted = sqlx::query!(
        "INSERT INTO idempotency_keys (user_id, key, scope) VALUES ($1, $2, $3)
         ON CONFLICT (user_id, key) DO NOTHING",
        user as UserId,
        key,
        scope
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if inserted == 1 {
        return Ok(None);
    }
    let row = sqlx::query!(
        "SELECT scope, result FROM idempotency_keys WHERE user_id = $1 AND key = $2",
        user as UserId,
        key
    )
    .fetch_one(&mut *conn)
    .await?;
    if row.scope != scope {
        return Err(AppError::BadRequest(
            tr("This form was already used for something else. Reload the page.").into(),
        ));
    }
    let result = row
        .result
        .ok_or_else(|| AppError::internal("idempotency key committed without a result"))?;
    serde_json::from_value(result)
        .map(Some)
        .map_err(AppError::internal)
}

/// Stores the answer for `key` (in the same transaction as the work).
pub async fn answer<T: Serialize>(
    conn: &mut PgConnection,
    user: UserId,
    key: &str,
    result: &T,
) -> Result<(), AppError> {
    let value = serde_json::to_value(result).map_err(AppError::internal)?;
    sqlx::query!(
        "UPDATE idempotency_keys SET result = $3 WHERE user_id = $1 AND key = $2",
        user as UserId,
        key,
        value
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}
