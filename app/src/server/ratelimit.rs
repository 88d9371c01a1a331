//! Rate limits that hold across instances: each hit is a row in Postgres, counted under a
//! per-bucket advisory lock, so two hundred parallel requests cannot slip past the count.

use crate::error::AppError;
use sqlx::PgPool;
use time::Duration;

/// Records a hit on `bucket` and says whether it is within `limit` hits per `window`. A hit
/// over the limit is not recorded (it does not extend the wait).
pub async fn hit(
    pool: &PgPool,
    bucket: &str,
    limit: i64,
    window: Duration,
) -> Result<bool, AppError> {
    let mut tx = pool.begin().await?;
    sqlx::query!("SELECT pg_advisory_xact_lock(hashtext($1))", bucket)
        .execute(&mut *tx)
        .await?;
    let recent = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM rate_limits
           WHERE bucket = $1 AND at > now() - make_interval(secs => $2)"#,
        bucket,
        window.as_seconds_f64()
    )
    .fetch_one(&mut *tx)
    .await?;
    if recent >= limit {
        return Ok(false);
    }
    sqlx::query!("INSERT INTO rate_limits (bucket) VALUES ($1)", bucket)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}

/// Forgets hits older than a day (the sweep's part).
pub async fn prune(conn: &mut sqlx::PgConnection) -> Result<u64, AppError> {
    Ok(
        sqlx::query!("DELETE FROM rate_limits WHERE at < now() - interval '1 day'")
            .execute(&mut *conn)
            .await?
            .rows_affected(),
    )
}
