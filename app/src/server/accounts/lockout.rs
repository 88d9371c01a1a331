//! The login lock-out (PRODUCT §1): 5 failed attempts for an email within 15 minutes pause its
//! login for 15 minutes. Passwords and two-factor codes count together. Each attempt is recorded
//! before it is checked, under a lock per email, so parallel attempts cannot slip past.

use crate::error::AppError;
use crate::types::UserId;
use ::time::Duration;
use sqlx::{PgConnection, PgPool};

pub const LOCKOUT_FAILURES: i64 = 5;
pub const LOCKOUT_WINDOW: Duration = Duration::minutes(15);
pub const LOCKED_OUT: &str = crate::i18n::key("Too many failed attempts. Password login for this account is paused for 15 minutes. You can reset your password meanwhile.");

/// Records an attempt (pending) unless 5 failed or unfinished ones are already in the window;
/// counted and inserted under a lock per email, so parallel attempts queue here.
pub async fn begin_attempt(pool: &PgPool, email: &str) -> Result<Option<i64>, AppError> {
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "SELECT pg_advisory_xact_lock(hashtext('login:' || $1))",
        email
    )
    .execute(&mut *tx)
    .await?;
    if counted(&mut tx, email).await? >= LOCKOUT_FAILURES {
        return Ok(None);
    }
    let id = sqlx::query_scalar!(
        "INSERT INTO login_failures (email, outcome) VALUES ($1, 'pending') RETURNING id",
        email
    )
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Some(id))
}

/// Settles an attempt and answers the failed and unfinished attempts now in the window. A
/// success erases nothing: failures stay counted for their 15 minutes, so logging in between
/// guesses does not buy an attacker more of them (a password reset clears them).
pub async fn finish_attempt(
    pool: &PgPool,
    email: &str,
    attempt: i64,
    ok: bool,
) -> Result<i64, AppError> {
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "UPDATE login_failures SET outcome = CASE WHEN $2 THEN 'ok' ELSE 'failed' END
         WHERE id = $1",
        attempt,
        ok
    )
    .execute(&mut *tx)
    .await?;
    let n = counted(&mut tx, email).await?;
    tx.commit().await?;
    Ok(n)
}

/// The failed and unfinished attempts for `email` in the window.
async fn counted(conn: &mut PgConnection, email: &str) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM login_failures
           WHERE email = $1 AND outcome IN ('pending', 'failed')
             AND failed_at > now() - make_interval(secs => $2)"#,
        email,
        LOCKOUT_WINDOW.as_seconds_f64()
    )
    .fetch_one(conn)
    .await?)
}

/// A logged-in member confirms a grave step (deleting the account, turning two-factor login
/// off) with their password: at most `tries` a window per `bucket`, so a stolen session cannot
/// guess it.
pub async fn confirm_password(
    pool: &PgPool,
    user: UserId,
    typed: &str,
    bucket: &str,
    tries: i64,
) -> Result<(), AppError> {
    if !crate::server::ratelimit::hit(pool, bucket, tries, LOCKOUT_WINDOW).await? {
        return Err(AppError::TooManyRequests(
            crate::i18n::tr("Too many tries. Wait 15 minutes.").into(),
        ));
    }
    let hash = sqlx::query_scalar!(
        "SELECT password_hash FROM users WHERE id = $1",
        user as UserId
    )
    .fetch_one(pool)
    .await?;
    if super::password::verify(typed.chars().take(1024).collect(), Some(hash)).await? {
        Ok(())
    } else {
        Err(AppError::validation(
            "password",
            crate::i18n::tr("Your password is not right."),
        ))
    }
}
