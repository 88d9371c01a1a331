//! Admin accounts (the server's `admin create` command) and ready-made members for the demo.

use super::password;
use super::validate::{DisplayName, Email, NewPassword};
use crate::error::AppError;
use crate::server::audit;
use crate::types::{Role, UserId};
use sqlx::PgPool;

/// Creates a verified admin account, or makes an existing account an admin (the server's
/// `admin create` command). Returns whether the account was new.
pub async fn create_or_promote_admin(
    pool: &PgPool,
    raw_email: &str,
    raw_password: Option<&str>,
    raw_name: &str,
) -> Result<bool, AppError> {
    let email = Email::parse(raw_email).map_err(|m| AppError::validation("email", m))?;
    let mut tx = pool.begin().await?;
    let existing = sqlx::query!(
        r#"SELECT id AS "id: UserId", role AS "role: Role" FROM users WHERE email = $1 FOR UPDATE"#,
        email.as_str()
    )
    .fetch_optional(&mut *tx)
    .await?;
    let created = match existing {
        Some(u) => {
            sqlx::query!(
                "UPDATE users SET role = 'admin', updated_at = now() WHERE id = $1",
                u.id as UserId
            )
            .execute(&mut *tx)
            .await?;
            audit::record(
                &mut tx,
                None,
                "promote_admin",
                &u.id.to_string(),
                Some(u.role.code()),
                Some("admin"),
            )
            .await?;
            false
        }
        None => {
            let name = DisplayName::parse(raw_name)
                .map_err(|m| AppError::validation("display_name", m))?;
            let pw = NewPassword::parse(raw_password.unwrap_or(""), email.as_str(), name.as_str())
                .map_err(|m| AppError::validation("password", m))?;
            let hash = password::hash(pw.into_inner()).await?;
            let id = sqlx::query_scalar!(
                r#"INSERT INTO users (email, display_name, password_hash, role, email_verified_at)
                   VALUES ($1, $2, $3, 'admin', now()) RETURNING id AS "id: UserId""#,
                email.as_str(),
                name.as_str(),
                hash
            )
            .fetch_one(&mut *tx)
            .await?;
            audit::record(
                &mut tx,
                None,
                "create_admin",
                &id.to_string(),
                None,
                Some("admin"),
            )
            .await?;
            true
        }
    };
    tx.commit().await?;
    Ok(created)
}

/// Creates a verified ordinary account if it does not exist (demo data).
pub async fn ensure_user(
    pool: &PgPool,
    raw_email: &str,
    raw_password: &str,
    name: &str,
) -> Result<UserId, AppError> {
    let email = Email::parse(raw_email).map_err(|m| AppError::validation("email", m))?;
    if let Some(id) = sqlx::query_scalar!(
        r#"SELECT id AS "id: UserId" FROM users WHERE email = $1"#,
        email.as_str()
    )
    .fetch_optional(pool)
    .await?
    {
        return Ok(id);
    }
    let name = DisplayName::parse(name).map_err(|m| AppError::validation("display_name", m))?;
    let pw = NewPassword::parse(raw_password, email.as_str(), name.as_str())
        .map_err(|m| AppError::validation("password", m))?;
    let hash = password::hash(pw.into_inner()).await?;
    Ok(sqlx::query_scalar!(
        r#"INSERT INTO users (email, display_name, password_hash, email_verified_at)
           VALUES ($1, $2, $3, now())
           ON CONFLICT (email) DO UPDATE SET email = EXCLUDED.email RETURNING id AS "id: UserId""#,
        email.as_str(),
        name.as_str(),
        hash
    )
    .fetch_one(pool)
    .await?)
}
