//! Random tokens (sessions, email links): 256 bits from the OS, only their SHA-256 stored.

use crate::error::AppError;
use crate::types::UserId;
use rand::RngCore;
use sha2::{Digest, Sha256};
use time::Duration;

pub fn generate() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

pub fn hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// A single-use emailed link's token for `purpose` ("verify_email", "reset_password"), valid
/// for `lifetime`. Only its hash is stored.
pub async fn issue(
    conn: &mut sqlx::PgConnection,
    user_id: UserId,
    purpose: &str,
    lifetime: Duration,
) -> Result<String, AppError> {
    let token = generate();
    sqlx::query!(
        "INSERT INTO email_tokens (token_hash, user_id, purpose, expires_at)
         VALUES ($1, $2, $3, now() + make_interval(secs => $4))",
        hash(&token),
        user_id as UserId,
        purpose,
        lifetime.as_seconds_f64()
    )
    .execute(&mut *conn)
    .await?;
    Ok(token)
}
