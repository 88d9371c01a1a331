//! Secrets every instance shares, kept in Postgres: made once (the first instance to start), read
//! by every other.

use rand::RngCore;
use sqlx::PgPool;

/// The 32-byte secret called `name`, made on first use.
pub async fn load_or_create(pool: &PgPool, name: &str) -> Result<[u8; 32], sqlx::Error> {
    let mut fresh = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut fresh);
    sqlx::query!(
        "INSERT INTO server_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        name,
        &fresh[..]
    )
    .execute(pool)
    .await?;
    let stored = sqlx::query_scalar!("SELECT value FROM server_secrets WHERE name = $1", name)
        .fetch_one(pool)
        .await?;
    let mut key = [0u8; 32];
    if stored.len() == key.len() {
        key.copy_from_slice(&stored);
    }
    Ok(key)
}
