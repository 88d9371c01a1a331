//! The parcel review queue (PRODUCT §4): a parcel whose risk score reaches the threshold waits
//! here, invisible to others, until an admin approves it or rejects it with a reason.

use super::store;
use crate::error::AppError;
use crate::i18n::tr;
use crate::server::matching::alerts;
use crate::server::notifications::{self, Note};
use crate::server::{audit, time};
use crate::types::matching::AlertKind;
use crate::types::parcels::ReviewItem;
use crate::types::NotificationKind;
use crate::types::{Decision, ParcelId, ParcelStatus, UserId};
use sqlx::PgPool;

/// Parcels waiting for an admin, oldest first.
pub async fn queue(pool: &PgPool) -> Result<Vec<ReviewItem>, AppError> {
    let ids = sqlx::query_scalar!(
        r#"SELECT id AS "id: ParcelId" FROM parcels WHERE status = 'in_review'
           ORDER BY created_at LIMIT 100"#
    )
    .fetch_all(pool)
    .await?;
    let rows = store::rows(pool, &ids).await?;
    Ok(rows
        .iter()
        .map(|r| ReviewItem {
            parcel: r.card(),
            description: r.description.clone(),
            risk_score: r.risk_score,
            reasons: r.risk_parts(),
            flagged: r.flagged_keywords.clone(),
            submitted: time::datetime(r.created_at),
        })
        .collect())
}

/// An admin's decision on a parcel in review: approve (it opens) or reject with a reason.
/// Audit-logged; the sender is told by email.
#[tracing::instrument(skip(pool, reason))]
pub async fn decide(
    pool: &PgPool,
    admin: UserId,
    id: ParcelId,
    decision: Decision,
    reason: &str,
) -> Result<(), AppError> {
    let approve = decision == Decision::Approve;
    let reason = reason.trim();
    if !approve && reason.chars().count() < 5 {
        return Err(AppError::validation(
            "reason",
            crate::i18n::tr("Say why the parcel is rejected (the sender will read it)."),
        ));
    }
    if reason.chars().count() > 1000 {
        return Err(AppError::validation(
            "reason",
            tr("At most 1,000 characters."),
        ));
    }
    let mut tx = pool.begin().await?;
    let locked = store::lock(&mut tx, id).await?;
    if locked.status != ParcelStatus::InReview {
        return Err(AppError::Conflict(
            tr("This parcel is no longer waiting for review.").into(),
        ));
    }
    let r = store::row(&mut *tx, id).await?;
    let new_status = if approve {
        ParcelStatus::Open
    } else {
        ParcelStatus::Rejected
    };
    store::set_status(&mut tx, id, ParcelStatus::InReview, new_status).await?;
    sqlx::query!(
        "UPDATE parcels SET review_note = $2, reviewed_by = $3, reviewed_at = now() WHERE id = $1",
        id as ParcelId,
        (!reason.is_empty()).then_some(reason),
        admin as UserId
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        Some(admin),
        if approve {
            "parcel.approve"
        } else {
            "parcel.reject"
        },
        &format!("parcel:{id}"),
        Some("in_review"),
        Some(&format!(
            "{}{}",
            new_status.code(),
            if reason.is_empty() {
                String::new()
            } else {
                format!(": {reason}")
            }
        )),
    )
    .await?;
    let texts = || {
        if approve {
            (
                crate::trf!("Your parcel \"{}\" is published", r.title),
                tr("An admin checked your parcel and it is now visible to travelers.").to_string(),
            )
        } else {
            (
            crate::trf!("Your parcel \"{}\" was not approved", r.title),
            crate::trf!("An admin reviewed your parcel and could not approve it.\n\nReason: {}\n\nYou can edit the parcel and submit it again.", reason),
        )
        }
    };
    notifications::notify(&mut tx, r.sender_id, || {
        let (title, body) = texts();
        Note {
            kind: NotificationKind::ParcelReview,
            title,
            body,
            link: format!("/parcels/{id}"),
            dedupe: None,
        }
    })
    .await?;
    alerts::schedule(&mut tx, AlertKind::Parcels, id.0).await?;
    tx.commit().await?;
    Ok(())
}
