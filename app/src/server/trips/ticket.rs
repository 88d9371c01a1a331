//! The traveler's ticket or boarding pass: private evidence for the confirmed-traveler badge.

use super::store;
use crate::error::AppError;
use crate::i18n::tr;
use crate::server::images;
use crate::types::trips::TicketItem;
use crate::types::{Decision, TicketStatus, TripId, TripStatus, UserId};
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
            tr("A ticket can only be added to a published trip.").into(),
        ));
    }
    if bytes.is_empty() {
        return Err(AppError::validation("ticket", tr("Choose a file.")));
    }
    let (data, ext) = if bytes.starts_with(b"%PDF-") {
        if bytes.len() > images::MAX_BYTES {
            return Err(AppError::validation(
                "ticket",
                crate::i18n::tr("The file can be at most 8 MB."),
            ));
        }
        (bytes, "pdf")
    } else {
        let name = name.chars().take(80).collect::<String>();
        let p = images::process_upload(bytes).await.map_err(|m| {
            AppError::validation(
                "ticket",
                if m == crate::i18n::tr(images::WRONG_TYPE) {
                    crate::trf!(
                        "{}: a ticket must be a PDF or a JPEG, PNG or WebP image.",
                        name
                    )
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
                .ok_or_else(|| AppError::NotFound(tr("No ticket was added.").into()))?;
            let kind = if file.ends_with(".pdf") {
                "application/pdf"
            } else {
                "image/jpeg"
            };
            Ok((upload_dir.join("tickets").join(file), kind))
        }
        _ => Err(AppError::NotFound(tr("No ticket was added.").into())),
    }
}

/// The admins' queue: submitted tickets of trips still to depart, oldest first.
pub async fn queue(pool: &PgPool, tz: &str) -> Result<Vec<TicketItem>, AppError> {
    let rows = sqlx::query!(
        r#"SELECT t.id AS "id: TripId", o.label AS origin, d.label AS destination, t.departs_at,
                  o.tz AS origin_tz, t.traveler_id AS "traveler_id: UserId", u.display_name,
                  t.ticket_uploaded_at, coalesce(t.ticket_file LIKE '%.pdf', false) AS "pdf!"
           FROM trips t
           JOIN places o ON o.id = t.origin_id JOIN places d ON d.id = t.destination_id
           JOIN users u ON u.id = t.traveler_id
           WHERE t.ticket_status = 'submitted' AND t.status = 'published'
           ORDER BY t.ticket_uploaded_at LIMIT 200"#
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| TicketItem {
            trip: r.id,
            route: format!("{} → {}", r.origin, r.destination),
            departs: crate::server::time::show(r.departs_at, &r.origin_tz),
            traveler_id: r.traveler_id,
            traveler_name: r.display_name,
            uploaded: r
                .ticket_uploaded_at
                .map(|t| crate::server::time::datetime_in(t, tz))
                .unwrap_or_default(),
            pdf: r.pdf,
        })
        .collect())
}

/// An admin confirms a submitted ticket (the trip gets the confirmed-traveler badge, worth its
/// points in the match score) or rejects it with a reason; the traveler is told; audited.
#[tracing::instrument(skip(pool, reason))]
pub async fn decide(
    pool: &PgPool,
    admin: UserId,
    trip: TripId,
    decision: Decision,
    reason: &str,
) -> Result<(), AppError> {
    let reason = reason.trim();
    let approve = decision == Decision::Approve;
    if !approve && reason.is_empty() {
        return Err(AppError::validation(
            "reason",
            crate::i18n::tr("Say why, so the traveler can add a better ticket."),
        ));
    }
    if !crate::error::printable(reason, false) || reason.chars().count() > 500 {
        return Err(AppError::validation(
            "reason",
            crate::i18n::tr("Keep the reason to one line of at most 500 characters."),
        ));
    }
    let mut tx = pool.begin().await?;
    let t = sqlx::query!(
        r#"SELECT traveler_id AS "traveler_id: UserId", ticket_status AS "status: TicketStatus"
           FROM trips WHERE id = $1 FOR UPDATE"#,
        trip as TripId
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(store::not_found)?;
    if t.status != TicketStatus::Submitted {
        return Err(AppError::Conflict(crate::trf!(
            "This ticket is not waiting for a check (it is {}).",
            t.status.label().to_lowercase()
        )));
    }
    let to = if approve {
        TicketStatus::Confirmed
    } else {
        TicketStatus::Rejected
    };
    sqlx::query!(
        "UPDATE trips SET ticket_status = $2, updated_at = now() WHERE id = $1",
        trip as TripId,
        to as TicketStatus
    )
    .execute(&mut *tx)
    .await?;
    crate::server::audit::record(
        &mut tx,
        Some(admin),
        "ticket.decide",
        &trip.to_string(),
        Some(r#"{"ticket_status":"submitted"}"#),
        Some(&serde_json::json!({ "ticket_status": to.code(), "reason": reason }).to_string()),
    )
    .await?;
    let texts = || {
        if approve {
            (
                tr("Your ticket is checked").to_string(),
                tr("Your trip shows the confirmed-traveler badge.").to_string(),
            )
        } else {
            (
                tr("Your ticket was not accepted").to_string(),
                crate::trf!(
                    "{}. You can add a clearer ticket or boarding pass on the trip's page.",
                    reason
                ),
            )
        }
    };
    let link = format!("/trips/{trip}");
    crate::server::notifications::notify(&mut tx, t.traveler_id, || {
        let (title, body) = texts();
        crate::server::notifications::Note {
            kind: crate::types::NotificationKind::TicketCheck,
            title,
            body,
            link,
            dedupe: None,
        }
    })
    .await?;
    tx.commit().await?;
    Ok(())
}
