//! Personal API tokens for the public REST API (`/api/v1`): a member makes one with a name,
//! scopes (read, write) and an expiry, sees it once, and may revoke it. Only its SHA-256 is
//! stored; a request bearing it acts as the member, within its scopes.

use super::tokens;
use crate::error::{printable, AppError, Problems};
use crate::i18n::tr;
use crate::server::time;
use crate::types::accounts::{ApiTokenInfo, CurrentUser, TokenScope};
use crate::types::{Role, UserId};
use sqlx::PgPool;
use uuid::Uuid;

/// The live tokens a member may hold at once.
pub const MAX_TOKENS: i64 = 20;
/// Every token starts so (it tells a leaked token for what it is).
pub const TOKEN_PREFIX: &str = "carry_";

/// The form: a name, the scopes ticked, and the days it lasts ("" for no expiry).
pub struct NewToken<'a> {
    pub name: &'a str,
    pub read: bool,
    pub write: bool,
    pub days: &'a str,
}

/// Makes a token and answers it (shown once; only its hash is kept).
#[tracing::instrument(skip(pool, form), fields(name = form.name))]
pub async fn create(pool: &PgPool, user: UserId, form: &NewToken<'_>) -> Result<String, AppError> {
    let mut p = Problems::new();
    let name = form.name.trim();
    p.check(
        (1..=60).contains(&name.chars().count()),
        "name",
        "Name the token (up to 60 characters), e.g. the app that uses it.",
    );
    p.check(
        printable(name, false),
        "name",
        "This has characters we can't show; type it again.",
    );
    p.check(
        form.read || form.write,
        "scopes",
        "Choose what the token may do: read, write, or both.",
    );
    let days = match form.days.trim() {
        "" | "never" => None,
        d => match d.parse::<i64>() {
            Ok(n) if (1..=365).contains(&n) => Some(n),
            _ => {
                p.add(
                    "days",
                    crate::i18n::tr(
                        "Choose how long the token lasts: 1 to 365 days, or no expiry.",
                    ),
                );
                None
            }
        },
    };
    p.into_result()
        .map_err(|e| e.with_values(&[("name", form.name), ("days", form.days)]))?;
    let mut scopes = Vec::new();
    if form.read {
        scopes.push(TokenScope::Read.code());
    }
    if form.write {
        scopes.push(TokenScope::Write.code());
    }
    let token = format!("{TOKEN_PREFIX}{}", tokens::generate());
    let mut tx = pool.begin().await?;
    // Counted under the member's row lock: parallel requests cannot pass the limit.
    sqlx::query!(
        "SELECT id FROM users WHERE id = $1 FOR UPDATE",
        user as UserId
    )
    .fetch_one(&mut *tx)
    .await?;
    let live = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM api_tokens
           WHERE user_id = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())"#,
        user as UserId
    )
    .fetch_one(&mut *tx)
    .await?;
    if live >= MAX_TOKENS {
        return Err(AppError::Conflict(crate::trf!(
            "You have {} tokens already. Revoke one you no longer use first.",
            MAX_TOKENS
        )));
    }
    sqlx::query!(
        "INSERT INTO api_tokens (user_id, name, token_hash, prefix, scopes, expires_at)
         VALUES ($1, $2, $3, $4, $5, CASE WHEN $6::bigint IS NULL THEN NULL
                                          ELSE now() + make_interval(days => $6::int) END)",
        user as UserId,
        name,
        tokens::hash(&token),
        token
            .chars()
            .take(TOKEN_PREFIX.len() + 6)
            .collect::<String>(),
        &scopes as &[&str],
        days
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(token)
}

/// A token for the member with this email (the operators' `api-token` command, for a client
/// set up before its member has logged in on the site).
pub async fn create_for_email(
    pool: &PgPool,
    email: &str,
    form: &NewToken<'_>,
) -> Result<String, AppError> {
    let user = super::profile::id_by_email(pool, email)
        .await?
        .ok_or_else(|| AppError::validation("email", tr("No member has this email.")))?;
    create(pool, user, form).await
}

/// The member's tokens, newest first, revoked ones left out.
pub async fn list(pool: &PgPool, user: UserId, tz: &str) -> Result<Vec<ApiTokenInfo>, AppError> {
    let rows = sqlx::query!(
        r#"SELECT id, name, prefix, scopes, created_at, expires_at, last_used_at,
                  (expires_at IS NOT NULL AND expires_at <= now()) AS "expired!"
           FROM api_tokens WHERE user_id = $1 AND revoked_at IS NULL
           ORDER BY created_at DESC"#,
        user as UserId
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ApiTokenInfo {
            id: r.id,
            name: r.name,
            prefix: r.prefix,
            scopes: r
                .scopes
                .iter()
                .filter_map(|s| TokenScope::parse(s))
                .collect(),
            created: time::datetime_in(r.created_at, tz),
            expires: r.expires_at.map(|t| time::datetime_in(t, tz)),
            last_used: r.last_used_at.map(|t| time::datetime_in(t, tz)),
            expired: r.expired,
        })
        .collect())
}

/// Revokes one of the member's tokens; someone else's is simply not found.
#[tracing::instrument(skip(pool))]
pub async fn revoke(pool: &PgPool, user: UserId, id: Uuid) -> Result<(), AppError> {
    let done = sqlx::query!(
        "UPDATE api_tokens SET revoked_at = now()
         WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL",
        id,
        user as UserId
    )
    .execute(pool)
    .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound(tr("There is no such token.").into()));
    }
    Ok(())
}

/// Revokes every token of a member (erasure, a ban).
pub async fn revoke_all(db: impl sqlx::PgExecutor<'_>, user: UserId) -> Result<(), AppError> {
    sqlx::query!(
        "UPDATE api_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL",
        user as UserId
    )
    .execute(db)
    .await?;
    Ok(())
}

/// A request's bearer token: the member and the token's scopes, if it is live and the member
/// may act (not suspended, banned or deleted). Notes when it was last used (at most once a
/// minute).
pub async fn authenticate(
    pool: &PgPool,
    token: &str,
) -> Result<Option<(CurrentUser, Uuid, Vec<TokenScope>)>, AppError> {
    if !token.starts_with(TOKEN_PREFIX) || token.len() > 200 {
        return Ok(None);
    }
    let r = sqlx::query!(
        r#"SELECT t.id AS token_id, t.scopes,
                  (t.last_used_at IS NULL OR t.last_used_at < now() - interval '1 minute') AS "stale!",
                  u.id AS "id: UserId", u.email, u.display_name, u.role AS "role: Role",
                  (u.email_verified_at IS NOT NULL) AS "verified!", u.time_zone,
                  (u.status = 'active' OR (u.status = 'suspended' AND u.suspended_until <= now())) AS "allowed!"
           FROM api_tokens t JOIN users u ON u.id = t.user_id
           WHERE t.token_hash = $1 AND t.revoked_at IS NULL
             AND (t.expires_at IS NULL OR t.expires_at > now())"#,
        tokens::hash(token)
    )
    .fetch_optional(pool)
    .await?;
    let Some(r) = r.filter(|r| r.allowed) else {
        return Ok(None);
    };
    if r.stale {
        sqlx::query!(
            "UPDATE api_tokens SET last_used_at = now() WHERE id = $1",
            r.token_id
        )
        .execute(pool)
        .await?;
    }
    Ok(Some((
        CurrentUser {
            id: r.id,
            email: r.email,
            display_name: r.display_name,
            role: r.role,
            email_verified: r.verified,
            time_zone: r.time_zone,
        },
        r.token_id,
        r.scopes
            .iter()
            .filter_map(|s| TokenScope::parse(s))
            .collect(),
    )))
}
