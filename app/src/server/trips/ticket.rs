//! The traveler's ticket or boarding pass: private evidence for the confirmed-traveler badge.

use super::store;
use crate::error::AppError;
use crate::server::images;
use crate::types::{TicketStatus, TripId, TripStatus, UserId};
use sqlx::PgPool;
use uuid::Uuid;

/// The traveler's ticket or boarding pass: a photo (re-encoded like parcel photos, so its
/// metadata goes) or a PDF, at most 8 MB. Private: only the traveler and admins can open it.
#[tracing::instrument(skip(pool, upload_dir, bytes))]
pub async fn attach(
    pool: &PgPool,
    upload_dir: &std::path::Path,
    user: UserId,
    trip: TripId,
    name: &str,
    bytes: Vec<u8>,
) -> Result<(), AppError> {
    let t = store::row(pool, trip).await?;
    if t.traveler_id != user {
        return Err(AppError::Forbidden);
    }
    if t.status != TripStatus::Published {
        return Err(AppError::Conflict(
            "A ticket can only be added to a published trip.".into(),
        ));
    }
    if bytes.is_empty() {
        return Err(AppError::validation("ticket", "Choose a file."));
    }
    let (data, ext) = if bytes.starts_with(b"%PDF-") {
        if bytes.len() > images::MAX_BYTES {
            return Err(AppError::validation(
                "ticket",
                "The file can be at most 8 MB.",
            ));
        }
        (bytes, "pdf")
    } else {
        let name = name.chars().take(80).collect::<String>();
        let p = images::process_upload(bytes).await.map_err(|m| {
            AppError::validation(
                "ticket",
                if m == images::WRONG_TYPE {
                    format!("{name}: a ticket must be a PDF or a JPEG, PNG or WebP image.")
                } else {
                    format!("{name}: {m}")
                },
            )
        })?;
        (p.full, "jpg")
    };
    let dir = upload_dir.join("tickets");
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(AppError::internal)?;
    let file = format!("{trip}-{}.{ext}", Uuid::new_v4().simple());
    tokio::fs::write(dir.join(&file), &data)
        .await
        .map_err(AppError::internal)?;
    let old = sqlx::query_scalar!(
        r#"WITH old AS (SELECT ticket_file FROM trips WHERE id = $1 FOR UPDATE)
           UPDATE trips SET ticket_file = $2, ticket_status = $3,
               ticket_uploaded_at = now(), updated_at = now()
           FROM old WHERE trips.id = $1 RETURNING old.ticket_file"#,
        trip as TripId,
        file,
        TicketStatus::Submitted as TicketStatus
    )
    .fetch_one(pool)
    .await?;
    if let Some(old) = old {
        let _ = tokio::fs::remove_file(dir.join(old)).await;
    }
    Ok(())
}

/// The ticket file's path and content type, for its traveler or an admin; "not found" for
/// anyone else.
pub async fn file(
    pool: &PgPool,
    upload_dir: &std::path::Path,
    viewer: UserId,
    viewer_is_admin: bool,
    trip: TripId,
) -> Result<(std::path::PathBuf, &'static str), AppError> {
    let t = sqlx::query!(
        r#"SELECT traveler_id AS "traveler_id: UserId", ticket_file FROM trips WHERE id = $1"#,
        trip as TripId
    )
    .fetch_optional(pool)
    .await?;
    match t {
        Some(t) if t.traveler_id == viewer || viewer_is_admin => {
            let file = t
                .ticket_file
                .ok_or_else(|| AppError::NotFound("No ticket was added.".into()))?;
            let kind = if file.ends_with(".pdf") {
                "application/pdf"
            } else {
                "image/jpeg"
            };
            Ok((upload_dir.join("tickets").join(file), kind))
        }
        _ => Err(AppError::NotFound("No ticket was added.".into())),
    }
}
