//! Parcel photos: 1–5 images per parcel, re-encoded by `images` (metadata dropped), stored
//! under `UPLOAD_DIR/parcels/`, changed only while the parcel is not booked.

use super::store;
use crate::error::AppError;
use crate::i18n::tr;
use crate::server::images;
use crate::server::matching::alerts;
use crate::types::matching::AlertKind;
use crate::types::{ParcelId, UserId};
use sqlx::PgPool;
use std::path::{Path, PathBuf};
use uuid::Uuid;

pub const MAX_PHOTOS: i64 = 5;

pub fn dir(upload_dir: &Path) -> PathBuf {
    upload_dir.join("parcels")
}

/// A photo file to serve: where it is, and whether everyone may see it (caches may keep it).
pub struct PhotoFile {
    pub path: PathBuf,
    pub public: bool,
}

/// The file behind `/media/parcels/{name}` (`{id}.jpg` or `{id}_t.jpg`) when `viewer` may see
/// it. Anything else, including a photo the viewer may not see, is "not found".
pub async fn file(
    pool: &PgPool,
    upload_dir: &Path,
    viewer: Option<UserId>,
    viewer_is_admin: bool,
    name: &str,
) -> Result<PhotoFile, AppError> {
    let missing = || AppError::NotFound(tr("This photo does not exist.").into());
    let stem = name.strip_suffix(".jpg").ok_or_else(missing)?;
    let id_text = stem.strip_suffix("_t").unwrap_or(stem);
    let id = Uuid::try_parse(id_text)
        .ok()
        .filter(|id| id.hyphenated().to_string() == id_text)
        .ok_or_else(missing)?;
    let parcel = sqlx::query_scalar!(
        r#"SELECT parcel_id AS "id: ParcelId" FROM parcel_photos WHERE id = $1"#,
        id
    )
    .fetch_optional(pool)
    .await?
    .ok_or_else(missing)?;
    let row = store::row(pool, parcel).await?;
    if !store::can_see_photos(pool, &row, viewer, viewer_is_admin).await? {
        return Err(missing());
    }
    Ok(PhotoFile {
        // The name was rebuilt from the parsed id: nothing from the address reaches the path.
        path: dir(upload_dir).join(if stem.ends_with("_t") {
            format!("{id}_t.jpg")
        } else {
            format!("{id}.jpg")
        }),
        public: store::is_public(row.status),
    })
}

/// Stores the uploads of one form post for the sender's parcel. All or nothing: a bad file
/// rejects the whole post with a message naming it.
#[tracing::instrument(skip(pool, upload_dir, files))]
pub async fn add(
    pool: &PgPool,
    upload_dir: &Path,
    user: UserId,
    parcel: ParcelId,
    files: Vec<(String, Vec<u8>)>,
) -> Result<usize, AppError> {
    let files: Vec<_> = files.into_iter().filter(|(_, b)| !b.is_empty()).collect();
    if files.is_empty() {
        return Err(AppError::validation(
            "photos",
            tr("Choose at least one photo."),
        ));
    }
    // Who is asking comes first: nobody else's upload costs any decoding.
    if store::row(pool, parcel).await?.sender_id != user {
        return Err(AppError::Forbidden);
    }
    let mut processed = Vec::new();
    for (name, bytes) in files {
        let name = name.chars().take(80).collect::<String>();
        let p = images::process_upload(bytes)
            .await
            .map_err(|m| AppError::validation("photos", format!("{name}: {m}")))?;
        processed.push(p);
    }
    let mut tx = pool.begin().await?;
    if !store::lock_own(&mut tx, user, parcel).await?.is_editable() {
        return Err(AppError::Conflict(
            tr("Photos can only be changed before the parcel is booked.").into(),
        ));
    }
    let have = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM parcel_photos WHERE parcel_id = $1"#,
        parcel as ParcelId
    )
    .fetch_one(&mut *tx)
    .await?;
    if have + i64::try_from(processed.len()).unwrap_or(MAX_PHOTOS) > MAX_PHOTOS {
        return Err(AppError::validation(
            "photos",
            crate::trf!(
                "A parcel can have at most {} photos (it has {}).",
                MAX_PHOTOS,
                have
            ),
        ));
    }
    let dir = dir(upload_dir);
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(AppError::internal)?;
    let n = processed.len();
    for p in processed {
        let id = Uuid::new_v4();
        tokio::fs::write(dir.join(format!("{id}.jpg")), &p.full)
            .await
            .map_err(AppError::internal)?;
        tokio::fs::write(dir.join(format!("{id}_t.jpg")), &p.thumb)
            .await
            .map_err(AppError::internal)?;
        sqlx::query!(
            "INSERT INTO parcel_photos (id, parcel_id, width, height, bytes) VALUES ($1, $2, $3, $4, $5)",
            id,
            parcel as ParcelId,
            i32::try_from(p.width).unwrap_or(i32::MAX),
            i32::try_from(p.height).unwrap_or(i32::MAX),
            i32::try_from(p.full.len()).unwrap_or(i32::MAX)
        )
        .execute(&mut *tx)
        .await?;
    }
    alerts::schedule(&mut tx, AlertKind::Parcels, parcel.0).await?;
    tx.commit().await?;
    Ok(n)
}

/// The sender removes one photo.
#[tracing::instrument(skip(pool, upload_dir))]
pub async fn remove(
    pool: &PgPool,
    upload_dir: &Path,
    user: UserId,
    photo: Uuid,
) -> Result<ParcelId, AppError> {
    let mut tx = pool.begin().await?;
    let parcel = sqlx::query_scalar!(
        r#"SELECT parcel_id AS "id: ParcelId" FROM parcel_photos WHERE id = $1"#,
        photo
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::NotFound(tr("This photo does not exist.").into()))?;
    if !store::lock_own(&mut tx, user, parcel).await?.is_editable() {
        return Err(AppError::Conflict(
            tr("Photos can only be changed before the parcel is booked.").into(),
        ));
    }
    sqlx::query!("DELETE FROM parcel_photos WHERE id = $1", photo)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    let dir = dir(upload_dir);
    let _ = tokio::fs::remove_file(dir.join(format!("{photo}.jpg"))).await;
    let _ = tokio::fs::remove_file(dir.join(format!("{photo}_t.jpg"))).await;
    Ok(parcel)
}
