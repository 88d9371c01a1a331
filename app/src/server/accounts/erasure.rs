//! "Delete my account" (PRODUCT §13): personal data erased or anonymised; ledger entries,
//! receipts and reviews stay, attached to the anonymised account.

use super::{api_tokens, sessions};
use crate::error::AppError;
use crate::i18n::tr;
use crate::types::UserId;
use sqlx::{PgConnection, PgPool};
use std::path::Path;

/// What a member types to confirm deleting their account.
pub const CONFIRM_WORD: &str = "DELETE";
pub const DELETED_NAME: &str = "Deleted member";

/// Why an account cannot be deleted now, if it cannot: a booking under way, money held in
/// escrow for one, a withdrawal an admin has not paid, or an open dispute.
pub(super) async fn erasure_blocked(
    conn: &mut PgConnection,
    user: UserId,
) -> Result<Option<String>, AppError> {
    let r = sqlx::query!(
        r#"SELECT
             EXISTS (SELECT 1 FROM bookings WHERE (sender_id = $1 OR traveler_id = $1)
                     AND status IN ('pending', 'accepted', 'picked_up', 'delivered')) AS "booking!",
             EXISTS (SELECT 1 FROM ledger_accounts a JOIN bookings b ON b.id = a.booking_id
                     WHERE a.kind = 'escrow' AND a.balance_minor > 0
                       AND (b.sender_id = $1 OR b.traveler_id = $1)) AS "escrow!",
             EXISTS (SELECT 1 FROM withdrawals WHERE user_id = $1 AND status = 'pending') AS "withdrawal!",
             EXISTS (SELECT 1 FROM disputes d JOIN bookings b ON b.id = d.booking_id
                     WHERE (b.sender_id = $1 OR b.traveler_id = $1) AND d.decided_at IS NULL) AS "dispute!""#,
        user as UserId
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(if r.booking {
        Some(tr("A booking of yours is still under way. Finish or cancel it first.").into())
    } else if r.escrow {
        Some(tr("Money is held in escrow for one of your bookings. Wait until it is released or refunded.").into())
    } else if r.withdrawal {
        Some(
            tr("A withdrawal of yours waits for an admin. Wait until it is paid or returned.")
                .into(),
        )
    } else if r.dispute {
        Some(
            tr("A dispute about one of your bookings is open. Wait until an admin decides it.")
                .into(),
        )
    } else {
        None
    })
}

/// Deletes the account: the password and the confirmation word, then, in one transaction with
/// the member's row locked, personal data erased or anonymised (name "Deleted member", email and
/// phone removed, profile emptied, two-factor and tokens and sessions ended, open listings
/// withdrawn, messages emptied, notifications and alerts deleted), and afterwards the photos and
/// documents removed from storage. Ledger entries, receipts and reviews stay with the
/// anonymised account.
#[tracing::instrument(skip(pool, upload_dir, password_typed, confirm))]
pub async fn erase(
    pool: &PgPool,
    upload_dir: &Path,
    user: UserId,
    password_typed: &str,
    confirm: &str,
) -> Result<(), AppError> {
    if confirm.trim() != CONFIRM_WORD {
        return Err(AppError::validation(
            "confirm",
            crate::trf!("Type {} to confirm.", CONFIRM_WORD),
        ));
    }
    super::lockout::confirm_password(pool, user, password_typed, &format!("erase:{user}"), 5)
        .await?;
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "SELECT id FROM users WHERE id = $1 FOR UPDATE",
        user as UserId
    )
    .fetch_one(&mut *tx)
    .await?;
    if let Some(why) = erasure_blocked(&mut tx, user).await? {
        return Err(AppError::Conflict(why));
    }
    // Files to remove once the rows are gone.
    let files = sqlx::query!(
        r#"SELECT (SELECT array_agg(ph.id) FROM parcel_photos ph JOIN parcels p ON p.id = ph.parcel_id
                   WHERE p.sender_id = $1) AS photos,
                  (SELECT array_agg(v.id) FROM id_verifications v WHERE v.user_id = $1) AS ids,
                  (SELECT array_agg(m.image_file) FROM messages m
                   WHERE m.author_id = $1 AND m.image_file IS NOT NULL) AS chat,
                  (SELECT avatar_version FROM users WHERE id = $1) AS avatar"#,
        user as UserId
    )
    .fetch_one(&mut *tx)
    .await?;
    // Open listings are withdrawn (nothing is booked: checked above).
    let trips: Vec<crate::types::TripId> = sqlx::query_scalar!(
        r#"SELECT id AS "id: crate::types::TripId" FROM trips WHERE traveler_id = $1 AND status = 'published'"#,
        user as UserId
    )
    .fetch_all(&mut *tx)
    .await?;
    for t in trips {
        crate::server::bookings::withdraw::remove_trip(&mut tx, t).await?;
    }
    sqlx::query!(
        "UPDATE parcels SET status = 'cancelled'
         WHERE sender_id = $1 AND status IN ('in_review', 'open', 'rejected')",
        user as UserId
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "UPDATE parcels SET pickup_address = '(erased)', delivery_address = '(erased)',
                recipient_name = '', recipient_phone = '', recipient_email = ''
         WHERE sender_id = $1",
        user as UserId
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "DELETE FROM parcel_photos WHERE parcel_id IN (SELECT id FROM parcels WHERE sender_id = $1)",
        user as UserId
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "UPDATE messages SET body = 'This message was deleted with its author''s account.', image_file = NULL
         WHERE author_id = $1",
        user as UserId
    )
    .execute(&mut *tx)
    .await?;
    for q in [
        "DELETE FROM notifications WHERE user_id = $1",
        "DELETE FROM notification_prefs WHERE user_id = $1",
        "DELETE FROM alerts WHERE user_id = $1",
        "DELETE FROM recovery_codes WHERE user_id = $1",
        "DELETE FROM login_challenges WHERE user_id = $1",
        "DELETE FROM email_tokens WHERE user_id = $1",
        "DELETE FROM data_exports WHERE user_id = $1",
        "DELETE FROM email_outbox WHERE to_email = (SELECT email FROM users WHERE id = $1)",
    ] {
        sqlx::query(q).bind(user).execute(&mut *tx).await?;
    }
    sessions::revoke_all(&mut *tx, user, None).await?;
    api_tokens::revoke_all(&mut *tx, user).await?;
    sqlx::query!(
        "UPDATE users SET display_name = $2, email = 'deleted-' || id || '@deleted.invalid',
                phone = '', bio = '', home_city = '', languages = '{}', home_place_id = NULL,
                avatar_version = NULL, password_hash = '!', totp_secret = NULL, totp_pending = NULL,
                totp_last_step = NULL, totp_enabled_at = NULL, time_zone = NULL,
                status = 'deleted', deleted_at = now(), updated_at = now()
         WHERE id = $1",
        user as UserId,
        DELETED_NAME
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    // The rows no longer name these files: remove them (a file left by a crash here is named by
    // nothing and served to nobody).
    for id in files.photos.unwrap_or_default() {
        let dir = crate::server::parcels::photos::dir(upload_dir);
        for name in [format!("{id}.jpg"), format!("{id}_t.jpg")] {
            let _ = tokio::fs::remove_file(dir.join(name)).await;
        }
    }
    for id in files.ids.unwrap_or_default() {
        let dir = super::verification::dir(upload_dir);
        for which in ["id", "selfie"] {
            let _ = tokio::fs::remove_file(dir.join(format!("{id}-{which}.jpg"))).await;
        }
    }
    for name in files.chat.unwrap_or_default() {
        if crate::server::images::private_name(&name).is_some() {
            let _ =
                tokio::fs::remove_file(upload_dir.join("private").join("chat").join(&name)).await;
        }
    }
    if let Some(v) = files.avatar {
        super::avatar::remove_files(upload_dir, user, v).await;
    }
    Ok(())
}
