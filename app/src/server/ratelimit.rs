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

/// Where a bucket stands after a hit: allowed or not, hits left in the window, and the seconds
/// until the oldest hit in the window leaves it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub allowed: bool,
    pub remaining: i64,
    pub reset_secs: i64,
}

/// `hit`, telling how much is left (for `RateLimit-*` headers).
pub async fn hit_counted(
    pool: &PgPool,
    bucket: &str,
    limit: i64,
    window: Duration,
) -> Result<Standing, AppError> {
    let mut tx = pool.begin().await?;
    sqlx::query!("SELECT pg_advisory_xact_lock(hashtext($1))", bucket)
        .execute(&mut *tx)
        .await?;
    let r = sqlx::query!(
        r#"SELECT count(*) AS "n!",
                  coalesce(ceil(extract(epoch FROM min(at) + make_interval(secs => $2) - now())), 0)::bigint AS "reset!"
           FROM rate_limits
           WHERE bucket = $1 AND at > now() - make_interval(secs => $2)"#,
        bucket,
        window.as_seconds_f64()
    )
    .fetch_one(&mut *tx)
    .await?;
    if r.n >= limit {
        return Ok(Standing {
            allowed: false,
            remaining: 0,
            reset_secs: r.reset.max(1),
        });
    }
    sqlx::query!("INSERT INTO rate_limits (bucket) VALUES ($1)", bucket)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Standing {
        allowed: true,
        remaining: limit - r.n - 1,
        reset_secs: if r.n == 0 {
            window.whole_seconds()
        } else {
            r.reset.max(1)
        },
    })
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
