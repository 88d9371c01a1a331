//! ID verification (PRODUCT §1): the user uploads a photo of an ID document and a selfie; an
//! admin approves, or rejects with a reason. The files are private: re-encoded (metadata
//! dropped) and served only to admins.

use crate::error::AppError;
use crate::i18n::tr;
use crate::server::notifications::{self, Note};
use crate::server::{audit, images, time};
use crate::types::accounts::{VerificationItem, VerificationState};
use crate::types::NotificationKind;
use crate::types::{CheckStatus, Decision, UserId};
use sqlx::{PgConnection, PgPool};
use std::path::{Path, PathBuf};
use uuid::Uuid;

pub fn dir(upload_dir: &Path) -> PathBuf {
    upload_dir.join("private").join("ids")
}

/// The user's current state: their latest request decides it.
pub async fn state(pool: &PgPool, user: UserId) -> Result<VerificationState, AppError> {
    let row = sqlx::query!(
        r#"SELECT u.id_verified_at IS NOT NULL AS "verified!",
                  (SELECT status FROM id_verifications v WHERE v.user_id = u.id
                   ORDER BY created_at DESC LIMIT 1) AS "status: CheckStatus",
                  (SELECT reason FROM id_verifications v WHERE v.user_id = u.id
                   ORDER BY created_at DESC LIMIT 1) AS reason
           FROM users u WHERE u.id = $1"#,
        user as UserId
    )
    .fetch_one(pool)
    .await?;
    Ok(if row.verified {
        VerificationState::Approved
    } else {
        match row.status {
            Some(CheckStatus::Pending) => VerificationState::Pending,
            Some(CheckStatus::Rejected) => {
                VerificationState::Rejected(row.reason.unwrap_or_default())
            }
            _ => VerificationState::None,
        }
    })
}

/// Stores the two photos and queues the request for an admin.
#[tracing::instrument(skip(pool, upload_dir, id_doc, selfie))]
pub async fn submit(
    pool: &PgPool,
    upload_dir: &Path,
    user: UserId,
    id_doc: Option<Vec<u8>>,
    selfie: Option<Vec<u8>>,
) -> Result<(), AppError> {
    let (Some(id_doc), Some(selfie)) = (id_doc, selfie) else {
        return Err(AppError::validation(
            "files",
            crate::i18n::tr("Add both photos: your ID document and a selfie."),
        ));
    };
    match state(pool, user).await? {
        VerificationState::Approved => {
            return Err(AppError::Conflict(
                tr("Your identity is already verified.").into(),
            ))
        }
        VerificationState::Pending => {
            return Err(AppError::Conflict(
                tr("Your photos are already waiting for a check.").into(),
            ))
        }
        _ => {}
    }
    let a = images::process_upload(id_doc)
        .await
        .map_err(|e| AppError::validation("files", format!("ID document: {e}")))?;
    let b = images::process_upload(selfie)
        .await
        .map_err(|e| AppError::validation("files", crate::trf!("Selfie: {}", e)))?;
    let processed = (a.full, b.full);
    let id = Uuid::new_v4();
    let d = dir(upload_dir);
    tokio::fs::create_dir_all(&d)
        .await
        .map_err(AppError::internal)?;
    tokio::fs::write(d.join(format!("{id}-id.jpg")), &processed.0)
        .await
        .map_err(AppError::internal)?;
    tokio::fs::write(d.join(format!("{id}-selfie.jpg")), &processed.1)
        .await
        .map_err(AppError::internal)?;
    let inserted = sqlx::query!(
        "INSERT INTO id_verifications (id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        id,
        user as UserId
    )
    .execute(pool)
    .await?;
    if inserted.rows_affected() == 0 {
        return Err(AppError::Conflict(
            tr("Your photos are already waiting for a check.").into(),
        ));
    }
    Ok(())
}

/// The queue, oldest first.
pub async fn queue(pool: &PgPool) -> Result<Vec<VerificationItem>, AppError> {
    let rows = sqlx::query!(
        r#"SELECT v.id, v.user_id AS "user_id: UserId", u.display_name, u.email, v.created_at
         FROM id_verifications v JOIN users u ON u.id = v.user_id
         WHERE v.status = 'pending' ORDER BY v.created_at LIMIT 200"#
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| VerificationItem {
            id: r.id,
            user_id: r.user_id,
            user_name: r.display_name,
            user_email: r.email,
            at: time::datetime(r.created_at),
        })
        .collect())
}

/// A photo of a request, for admins (the caller checks the role).
pub fn file(upload_dir: &Path, id: Uuid, which: &str) -> Option<PathBuf> {
    matches!(which, "id" | "selfie").then(|| dir(upload_dir).join(format!("{id}-{which}.jpg")))
}

/// Approves or rejects (with a reason) a pending request; the user gets an email.
#[tracing::instrument(skip(pool, reason))]
pub async fn decide(
    pool: &PgPool,
    admin: UserId,
    id: Uuid,
    decision: Decision,
    reason: &str,
) -> Result<(), AppError> {
    let approve = decision == Decision::Approve;
    let reason = reason.trim();
    if !approve && reason.is_empty() {
        return Err(AppError::validation(
            "reason",
            crate::i18n::tr("Say why, so the user can send better photos."),
        ));
    }
    let mut tx = pool.begin().await?;
    let v = sqlx::query!(
        r#"SELECT v.user_id AS "user_id: UserId", v.status AS "status: CheckStatus", u.email
         FROM id_verifications v
         JOIN users u ON u.id = v.user_id WHERE v.id = $1 FOR UPDATE OF v"#,
        id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::NotFound(tr("No such request.").into()))?;
    if v.status != CheckStatus::Pending {
        return Err(AppError::Conflict(crate::trf!(
            "This request was already {}.",
            v.status.code()
        )));
    }
    let status = if approve {
        CheckStatus::Approved
    } else {
        CheckStatus::Rejected
    };
    sqlx::query!(
        "UPDATE id_verifications SET status = $2, reason = NULLIF($3, ''), reviewed_by = $4,
            reviewed_at = now() WHERE id = $1",
        id,
        status as CheckStatus,
        reason,
        admin as UserId
    )
    .execute(&mut *tx)
    .await?;
    if approve {
        sqlx::query!(
            "UPDATE users SET id_verified_at = now() WHERE id = $1",
            v.user_id as UserId
        )
        .execute(&mut *tx)
        .await?;
    }
    let texts = || {
        if approve {
            (
            tr("Your identity is verified").to_string(),
            tr("Your ID was checked: the ID-verified badge is on your profile, and you can withdraw money.").to_string(),
        )
        } else {
            (
                tr("We could not verify your identity").to_string(),
                crate::trf!(
                    "Your ID photos were not accepted: {}. You can send new ones from your wallet.",
                    reason
                ),
            )
        }
    };
    notifications::notify(&mut tx, v.user_id, || {
        let (title, body) = texts();
        Note {
            kind: NotificationKind::IdCheck,
            title,
            body,
            link: "/account/verification".to_string(),
            dedupe: None,
        }
    })
    .await?;
    audit::record(
        &mut tx,
        Some(admin),
        &format!("id_verification.{}", status.code()),
        &v.user_id.to_string(),
        Some("pending"),
        Some(status.code()),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Whether the member's identity was verified (needed to withdraw, and to carry or send
/// valuable parcels).
pub async fn id_verified(conn: &mut PgConnection, user: UserId) -> Result<bool, AppError> {
    Ok(sqlx::query_scalar!(
        r#"SELECT id_verified_at IS NOT NULL AS "v!" FROM users WHERE id = $1"#,
        user as UserId
    )
    .fetch_one(&mut *conn)
    .await?)
}
