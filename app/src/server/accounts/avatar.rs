//! Avatars: a photo cropped square from the middle, in three sizes, named by the member and a
//! version (a new upload is a new name, so the files can be cached for good). Anyone may see a
//! member's avatar, unless the member was banned or deleted their account.

use crate::error::AppError;
use crate::i18n::tr;
use crate::server::images;
use crate::types::UserId;
use sqlx::PgPool;
use std::path::{Path, PathBuf};
use uuid::Uuid;

/// The sizes kept, in pixels: lists, profile headers, the profile page.
pub const SIZES: [u32; 3] = [64, 160, 400];

pub fn dir(upload_dir: &Path) -> PathBuf {
    upload_dir.join("avatars")
}

fn file_name(user: UserId, version: i32, size: u32) -> String {
    format!("{user}_{version}_{size}.jpg")
}

/// The address of a member's avatar in one of `SIZES`.
pub fn url(user: UserId, version: i32, size: u32) -> String {
    format!("/media/avatars/{}", file_name(user, version, size))
}

/// Replaces the member's avatar with this photo. Answers the new version.
#[tracing::instrument(skip(pool, upload_dir, bytes))]
pub async fn set(
    pool: &PgPool,
    upload_dir: &Path,
    user: UserId,
    bytes: Vec<u8>,
) -> Result<i32, AppError> {
    let pictures = images::square_sizes(bytes, &SIZES)
        .await
        .map_err(|m| AppError::validation("avatar", m))?;
    let d = dir(upload_dir);
    tokio::fs::create_dir_all(&d)
        .await
        .map_err(AppError::internal)?;
    let mut tx = pool.begin().await?;
    let r = sqlx::query!(
        r#"SELECT avatar_version AS old FROM users WHERE id = $1 FOR UPDATE"#,
        user as UserId
    )
    .fetch_one(&mut *tx)
    .await?;
    let version = r.old.unwrap_or(0).saturating_add(1);
    for (size, bytes) in SIZES.iter().zip(pictures) {
        tokio::fs::write(d.join(file_name(user, version, *size)), bytes)
            .await
            .map_err(AppError::internal)?;
    }
    sqlx::query!(
        "UPDATE users SET avatar_version = $2, updated_at = now() WHERE id = $1",
        user as UserId,
        version
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    if let Some(old) = r.old {
        remove_files(upload_dir, user, old).await;
    }
    Ok(version)
}

/// Removes the member's avatar.
pub async fn remove(pool: &PgPool, upload_dir: &Path, user: UserId) -> Result<(), AppError> {
    let old = sqlx::query_scalar!(
        "UPDATE users u SET avatar_version = NULL FROM (SELECT avatar_version FROM users WHERE id = $1 FOR UPDATE) o
         WHERE u.id = $1 RETURNING o.avatar_version",
        user as UserId
    )
    .fetch_one(pool)
    .await?;
    if let Some(v) = old {
        remove_files(upload_dir, user, v).await;
    }
    Ok(())
}

pub async fn remove_files(upload_dir: &Path, user: UserId, version: i32) {
    for size in SIZES {
        let _ = tokio::fs::remove_file(dir(upload_dir).join(file_name(user, version, size))).await;
    }
}

/// `{user}_{version}_{size}.jpg`, parsed (nothing from an address is joined to a path).
fn parse(name: &str) -> Option<(UserId, i32, u32)> {
    let stem = name.strip_suffix(".jpg")?;
    let mut parts = stem.split('_');
    let (user, version, size) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let id = Uuid::try_parse(user)
        .ok()
        .filter(|u| u.hyphenated().to_string() == user)?;
    let version: i32 = version.parse().ok().filter(|v: &i32| *v > 0)?;
    let size: u32 = size.parse().ok().filter(|s| SIZES.contains(s))?;
    Some((UserId(id), version, size))
}

/// The file behind `/media/avatars/{name}`: the member's current avatar, unless they are
/// banned or deleted. Anything else is "not found".
pub async fn public_file(
    pool: &PgPool,
    upload_dir: &Path,
    name: &str,
) -> Result<PathBuf, AppError> {
    let missing = || AppError::NotFound(tr("There is no such picture.").into());
    let (user, version, size) = parse(name).ok_or_else(missing)?;
    let current = sqlx::query_scalar!(
        "SELECT avatar_version FROM users WHERE id = $1 AND status NOT IN ('banned', 'deleted')",
        user as UserId
    )
    .fetch_optional(pool)
    .await?
    .flatten();
    if current != Some(version) {
        return Err(missing());
    }
    Ok(dir(upload_dir).join(file_name(user, version, size)))
}

/// The file `name` when it is `owner`'s current avatar (the data export's links).
pub async fn file_of_owner(
    pool: &PgPool,
    upload_dir: &Path,
    owner: UserId,
    name: &str,
) -> Result<Option<PathBuf>, AppError> {
    let Some((user, version, size)) = parse(name) else {
        return Ok(None);
    };
    let current = sqlx::query_scalar!(
        "SELECT avatar_version FROM users WHERE id = $1",
        owner as UserId
    )
    .fetch_one(pool)
    .await?;
    Ok((user == owner && current == Some(version))
        .then(|| dir(upload_dir).join(file_name(user, version, size))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_strictly() {
        let u = UserId(Uuid::new_v4());
        assert_eq!(parse(&file_name(u, 3, 160)), Some((u, 3, 160)));
        assert_eq!(parse(&format!("{u}_3_161.jpg")), None);
        assert_eq!(parse(&format!("{u}_0_160.jpg")), None);
        assert_eq!(parse(&format!("{u}_3_160_x.jpg")), None);
        assert_eq!(parse("../../etc/passwd_1_64.jpg"), None);
        assert_eq!(parse(&format!("{}_1_64.jpg", u.0.simple())), None);
    }
}
