//! Conversations (PRODUCT §8): opened from either listing of a parcel–trip pair by its sender or
//! its traveler, continuing through the booking. Text up to 4,000 characters and photos; read
//! receipts; live on every instance; contact details masked until a booking is accepted; 30
//! messages a minute; suspended members cannot write. Anyone in a conversation can report a
//! message; admins read a conversation only when a report involves it, and each read is
//! audit-logged.

use super::mask::mask;
use super::store::{self, ConversationRow};
use crate::error::{printable, AppError};
use crate::i18n::tr;
use crate::server::notifications::{self, Note};
use crate::server::parcels::store as parcels;
use crate::server::trips::store as trips;
use crate::server::{audit, images, live, ratelimit, time};
use crate::types::chat::{
    ChatMessage, Conversation, ConversationId, ConversationSummary, ReportItem,
};
use crate::types::notifications::LiveEvent;
use crate::types::{NotificationKind, ParcelId, TripId, UserId};
use sqlx::{PgConnection, PgPool};
use std::path::{Path, PathBuf};

pub const MAX_LEN: usize = 4000;
/// Messages one member may send per minute.
pub const PER_MINUTE: i64 = 30;
/// The most recent messages a conversation page shows.
const SHOWN: i64 = 500;

/// Opens the conversation of this parcel and this trip (or finds the one already open). Only the
/// parcel's sender and the trip's traveler may; a parcel others cannot see cannot be asked about.
#[tracing::instrument(skip(pool))]
pub async fn start(
    pool: &PgPool,
    user: UserId,
    parcel: ParcelId,
    trip: TripId,
) -> Result<ConversationId, AppError> {
    let p = parcels::row(pool, parcel).await?;
    let t = trips::row(pool, trip).await?;
    if user != p.sender_id && user != t.traveler_id {
        return Err(AppError::Forbidden);
    }
    if p.sender_id == t.traveler_id {
        return Err(AppError::Conflict(
            tr("This is your own trip and your own parcel: there is nobody to ask.").into(),
        ));
    }
    if user != p.sender_id && !parcels::is_public(p.status) {
        return Err(parcels::not_found());
    }
    sqlx::query!(
        "INSERT INTO conversations (parcel_id, trip_id, sender_id, traveler_id)
         VALUES ($1, $2, $3, $4) ON CONFLICT (parcel_id, trip_id) DO NOTHING",
        parcel as ParcelId,
        trip as TripId,
        p.sender_id as UserId,
        t.traveler_id as UserId
    )
    .execute(pool)
    .await?;
    Ok(sqlx::query_scalar!(
        "SELECT id FROM conversations WHERE parcel_id = $1 AND trip_id = $2",
        parcel as ParcelId,
        trip as TripId
    )
    .fetch_one(pool)
    .await?)
}

/// Checks a message's text: at most 4,000 characters, no control characters but line breaks.
fn check_text(body: &str, has_image: bool) -> Result<String, AppError> {
    let body = body.trim();
    if body.is_empty() && !has_image {
        return Err(AppError::validation("body", tr("Write a message.")));
    }
    if body.chars().count() > MAX_LEN {
        return Err(AppError::validation(
            "body",
            crate::trf!("A message can be at most {} characters.", MAX_LEN),
        ));
    }
    if !printable(body, true) {
        return Err(AppError::validation(
            "body",
            crate::i18n::tr("The message contains characters that cannot be sent."),
        ));
    }
    Ok(body.to_string())
}

/// A member who may not write now: suspended or banned.
async fn require_can_write(conn: &mut PgConnection, user: UserId) -> Result<String, AppError> {
    let u = sqlx::query!(
        r#"SELECT display_name,
                  (status = 'active' OR (status = 'suspended' AND suspended_until <= now())) AS "ok!"
           FROM users WHERE id = $1"#,
        user as UserId
    )
    .fetch_one(&mut *conn)
    .await?;
    if !u.ok {
        return Err(AppError::Conflict(
            tr("Your account is suspended: you cannot send messages.").into(),
        ));
    }
    Ok(u.display_name)
}

/// Sends a message (text, and the name of an already stored photo) and tells the other side.
#[tracing::instrument(skip(pool, body))]
pub async fn send(
    pool: &PgPool,
    user: UserId,
    id: ConversationId,
    body: &str,
    image: Option<String>,
) -> Result<i64, AppError> {
    let body = check_text(body, image.is_some())?;
    let c = store::own(pool, user, id).await?;
    if !ratelimit::hit(
        pool,
        &format!("chat:{user}"),
        PER_MINUTE,
        ::time::Duration::MINUTE,
    )
    .await?
    {
        return Err(AppError::TooManyRequests(crate::trf!("You are sending messages too fast: at most {} a minute. Wait a moment and send it again.", PER_MINUTE)));
    }
    let mut tx = pool.begin().await?;
    let name = require_can_write(&mut tx, user).await?;
    let message = sqlx::query_scalar!(
        "INSERT INTO messages (conversation_id, author_id, body, image_file)
         VALUES ($1, $2, $3, $4) RETURNING id",
        id,
        user as UserId,
        body,
        image
    )
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query!(
        "UPDATE conversations SET last_message_at = now() WHERE id = $1",
        id
    )
    .execute(&mut *tx)
    .await?;
    let other = c.other(user);
    let preview = if store::masking(&mut *tx, &c).await? {
        mask(&body).0
    } else {
        body.clone()
    };
    let preview: String = if preview.is_empty() {
        tr("A photo.").into()
    } else {
        preview.chars().take(300).collect()
    };
    notifications::notify(&mut tx, other, || Note {
        kind: NotificationKind::Message,
        title: crate::trf!("New message from {}", name),
        body: preview,
        link: format!("/messages/{id}"),
        dedupe: Some(format!("chat:{id}")),
    })
    .await?;
    for who in [other, user] {
        let event = LiveEvent::Message {
            conversation: id,
            id: message,
        };
        live::publish(&mut *tx, who, event).await?;
    }
    tx.commit().await?;
    Ok(message)
}

/// Stores a photo for a message: re-encoded like parcel photos, named at random.
pub async fn store_image(upload_dir: &Path, bytes: Vec<u8>) -> Result<String, AppError> {
    images::store_private(upload_dir, "chat", bytes).await
}

fn image_dir(upload_dir: &Path) -> PathBuf {
    upload_dir.join("private").join("chat")
}

/// The file of a message's photo, for a member of its conversation or an admin allowed to read
/// it. Anything else is "not found".
pub async fn image_file(
    pool: &PgPool,
    upload_dir: &Path,
    user: UserId,
    admin: bool,
    name: &str,
) -> Result<PathBuf, AppError> {
    let missing = || AppError::NotFound(tr("This photo does not exist.").into());
    let file = images::private_name(name).ok_or_else(missing)?;
    let conversation = sqlx::query_scalar!(
        "SELECT conversation_id FROM messages WHERE image_file = $1",
        file
    )
    .fetch_optional(pool)
    .await?
    .ok_or_else(missing)?;
    let c = store::row(pool, conversation).await?;
    let allowed = c.is_member(user) || (admin && store::under_review(pool, conversation).await?);
    if !allowed {
        return Err(missing());
    }
    Ok(image_dir(upload_dir).join(file))
}

/// The conversation as `user` sees it; opening it marks the other side's messages read (they
/// see "Seen") and clears its notification.
#[tracing::instrument(skip(pool))]
pub async fn open(
    pool: &PgPool,
    user: UserId,
    id: ConversationId,
    tz: &str,
) -> Result<Conversation, AppError> {
    let c = store::own(pool, user, id).await?;
    let mut tx = pool.begin().await?;
    let read = sqlx::query_scalar!(
        "UPDATE messages SET read_at = now()
         WHERE conversation_id = $1 AND author_id <> $2 AND read_at IS NULL RETURNING id",
        id,
        user as UserId
    )
    .fetch_all(&mut *tx)
    .await?;
    if !read.is_empty() {
        live::publish(
            &mut *tx,
            c.other(user),
            LiveEvent::Read { conversation: id },
        )
        .await?;
    }
    notifications::mark_read_key(&mut tx, user, &format!("chat:{id}")).await?;
    tx.commit().await?;
    let masking = store::masking(pool, &c).await?;
    view(pool, &c, Some(user), tz, masking, true).await
}

/// An admin reads a conversation a report or a dispute involves; the read is audit-logged.
pub async fn open_as_admin(
    pool: &PgPool,
    admin: UserId,
    id: ConversationId,
) -> Result<Conversation, AppError> {
    let c = store::row(pool, id).await?;
    if !store::under_review(pool, id).await? {
        return Err(AppError::Forbidden);
    }
    let mut tx = pool.begin().await?;
    audit::record(
        &mut tx,
        Some(admin),
        "conversation.read",
        &id.to_string(),
        None,
        Some("read because a report or a dispute involves it"),
    )
    .await?;
    tx.commit().await?;
    view(pool, &c, None, "UTC", false, false).await
}

async fn view(
    pool: &PgPool,
    c: &ConversationRow,
    viewer: Option<UserId>,
    tz: &str,
    masking: bool,
    can_write: bool,
) -> Result<Conversation, AppError> {
    let head = sqlx::query!(
        r#"SELECT p.title, o.label AS origin, d.label AS destination, t.departs_at,
                  s.display_name AS sender_name, tr.display_name AS traveler_name
           FROM conversations c
           JOIN parcels p ON p.id = c.parcel_id
           JOIN trips t ON t.id = c.trip_id
           JOIN places o ON o.id = t.origin_id
           JOIN places d ON d.id = t.destination_id
           JOIN users s ON s.id = c.sender_id
           JOIN users tr ON tr.id = c.traveler_id
           WHERE c.id = $1"#,
        c.id
    )
    .fetch_one(pool)
    .await?;
    let rows = sqlx::query!(
        r#"SELECT * FROM (
             SELECT m.id, m.author_id AS "author_id: UserId", u.display_name, m.body, m.image_file,
                    m.created_at, m.read_at
             FROM messages m JOIN users u ON u.id = m.author_id
             WHERE m.conversation_id = $1 ORDER BY m.id DESC LIMIT $2) x
           ORDER BY id"#,
        c.id,
        SHOWN
    )
    .fetch_all(pool)
    .await?;
    let messages = rows
        .into_iter()
        .map(|r| {
            let (body, masked) = if masking {
                mask(&r.body)
            } else {
                (r.body.clone(), false)
            };
            let mine = viewer == Some(r.author_id);
            ChatMessage {
                id: r.id,
                mine,
                author: r.display_name,
                body,
                masked,
                image: r.image_file.map(|f| format!("/chat/images/{f}")),
                at: time::datetime_in(r.created_at, tz),
                seen: r
                    .read_at
                    .filter(|_| mine)
                    .map(|t| crate::trf!("Seen {}", time::datetime_in(t, tz))),
            }
        })
        .collect();
    let (other_id, other_name) = match viewer {
        Some(v) if v == c.sender_id => (c.traveler_id, head.traveler_name),
        Some(_) => (c.sender_id, head.sender_name),
        None => (
            c.traveler_id,
            format!("{} and {}", head.sender_name, head.traveler_name),
        ),
    };
    Ok(Conversation {
        id: c.id,
        parcel: c.parcel_id,
        parcel_title: head.title,
        trip: c.trip_id,
        route: format!(
            "{} → {}, {}",
            head.origin,
            head.destination,
            time::show_date(head.departs_at.date())
        ),
        other_id,
        other_name,
        messages,
        masking,
        can_write,
    })
}

/// The member's conversations, newest activity first, with unread counts.
pub async fn inbox(
    pool: &PgPool,
    user: UserId,
    tz: &str,
) -> Result<Vec<ConversationSummary>, AppError> {
    let rows = sqlx::query!(
        r#"SELECT c.id, c.last_message_at, p.title, o.label AS origin, d.label AS destination,
                  CASE WHEN c.sender_id = $1 THEN tr.display_name ELSE s.display_name END AS "other!",
                  (SELECT m.body FROM messages m WHERE m.conversation_id = c.id
                   ORDER BY m.id DESC LIMIT 1) AS last_body,
                  (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id
                     AND m.author_id <> $1 AND m.read_at IS NULL) AS "unread!",
                  NOT EXISTS (SELECT 1 FROM bookings b WHERE b.parcel_id = c.parcel_id
                     AND b.trip_id = c.trip_id
                     AND b.status IN ('accepted', 'picked_up', 'delivered', 'completed')) AS "masking!"
           FROM conversations c
           JOIN parcels p ON p.id = c.parcel_id
           JOIN trips t ON t.id = c.trip_id
           JOIN places o ON o.id = t.origin_id
           JOIN places d ON d.id = t.destination_id
           JOIN users s ON s.id = c.sender_id
           JOIN users tr ON tr.id = c.traveler_id
           WHERE c.sender_id = $1 OR c.traveler_id = $1
           ORDER BY c.last_message_at DESC LIMIT 200"#,
        user as UserId
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let last = r.last_body.unwrap_or_default();
            let last = if r.masking { mask(&last).0 } else { last };
            ConversationSummary {
                id: r.id,
                other_name: r.other,
                about: format!("{} · {} → {}", r.title, r.origin, r.destination),
                last_message: last.chars().take(120).collect(),
                last_at: time::datetime_in(r.last_message_at, tz),
                unread: r.unread,
            }
        })
        .collect())
}

/// A member reports a message of the other side; the report waits on the admins' list.
#[tracing::instrument(skip(pool, reason))]
pub async fn report(
    pool: &PgPool,
    user: UserId,
    message: i64,
    reason: &str,
) -> Result<(), AppError> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 1000 || !printable(reason, true) {
        return Err(AppError::validation(
            "reason",
            crate::i18n::tr("Say in a few words what is wrong (at most 1,000 characters)."),
        ));
    }
    let m = sqlx::query!(
        r#"SELECT conversation_id, author_id AS "author_id: UserId" FROM messages WHERE id = $1"#,
        message
    )
    .fetch_optional(pool)
    .await?
    .ok_or_else(store::not_found)?;
    store::own(pool, user, m.conversation_id).await?;
    if m.author_id == user {
        return Err(AppError::Conflict(
            tr("You can only report the other person's messages.").into(),
        ));
    }
    sqlx::query!(
        "INSERT INTO message_reports (message_id, reporter_id, reason) VALUES ($1, $2, $3)
         ON CONFLICT (message_id, reporter_id) DO NOTHING",
        message,
        user as UserId,
        reason
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// An admin marks a report handled (recorded in the audit log).
pub async fn resolve_report(pool: &PgPool, admin: UserId, id: i64) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let n = sqlx::query!(
        "UPDATE message_reports SET resolved_at = now() WHERE id = $1 AND resolved_at IS NULL",
        id
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(AppError::Conflict(
            tr("This report was already handled.").into(),
        ));
    }
    let subject = format!("report:{id}");
    audit::record(
        &mut tx,
        Some(admin),
        "report.resolve",
        &subject,
        Some("open"),
        Some("handled"),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Reports still open, oldest first, for the admins.
pub async fn reports(pool: &PgPool) -> Result<Vec<ReportItem>, AppError> {
    let rows = sqlx::query!(
        r#"SELECT r.id, m.conversation_id, m.body, a.display_name AS author,
                  rp.display_name AS reporter, r.reason, r.created_at
           FROM message_reports r
           JOIN messages m ON m.id = r.message_id
           JOIN users a ON a.id = m.author_id
           JOIN users rp ON rp.id = r.reporter_id
           WHERE r.resolved_at IS NULL ORDER BY r.id LIMIT 200"#
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ReportItem {
            id: r.id,
            conversation: r.conversation_id,
            message: r.body,
            author: r.author,
            reporter: r.reporter,
            reason: r.reason,
            at: time::datetime(r.created_at),
        })
        .collect())
}
