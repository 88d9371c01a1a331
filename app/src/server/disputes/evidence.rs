//! Evidence photos: re-encoded like every photo, private to the dispute's sides and admins.

use crate::error::AppError;
use crate::i18n::tr;
use crate::server::images;
use crate::types::UserId;
use sqlx::PgPool;
use std::path::{Path, PathBuf};

fn image_dir(upload_dir: &Path) -> PathBuf {
    upload_dir.join("private").join("disputes")
}

/// Stores an evidence photo: re-encoded like every photo, named at random.
pub async fn store_image(upload_dir: &Path, bytes: Vec<u8>) -> Result<String, AppError> {
    images::store_private(upload_dir, "disputes", bytes).await
}

/// An evidence photo's file, for the dispute's two sides and admins; "not found" otherwise.
pub async fn image_file(
    pool: &PgPool,
    upload_dir: &Path,
    user: UserId,
    admin: bool,
    name: &str,
) -> Result<PathBuf, AppError> {
    let missing = || AppError::NotFound(tr("This photo does not exist.").into());
    let file = images::private_name(name).ok_or_else(missing)?;
    let owners = sqlx::query!(
        r#"SELECT b.sender_id AS "sender: UserId", b.traveler_id AS "traveler: UserId"
           FROM dispute_messages m JOIN disputes d ON d.id = m.dispute_id
           JOIN bookings b ON b.id = d.booking_id WHERE m.image_file = $1"#,
        file
    )
    .fetch_optional(pool)
    .await?
    .ok_or_else(missing)?;
    if !(admin || owners.sender == user || owners.traveler == user) {
        return Err(missing());
    }
    Ok(image_dir(upload_dir).join(file))
}
