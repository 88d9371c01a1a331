//! The notification centre (PRODUCT §9): a row per event, written in the same transaction as the
//! change it reports, pushed live to the member's open pages, and emailed when the member wants
//! that kind by email (the default). A dedupe key keeps one unread notification per subject: a
//! conversation's new messages make one notification (and one email) until it is read.

pub mod prefs;

use crate::error::AppError;
use crate::server::{email, live, time};
use crate::types::notifications::{LiveEvent, Notification, Unread};
use crate::types::{NotificationKind, UserId};
use sqlx::{PgConnection, PgPool};

/// Notifications shown per page of the centre.
pub const PAGE_SIZE: i64 = 50;

/// What to tell a member.
#[derive(Debug, Clone)]
pub struct Note {
    pub kind: NotificationKind,
    pub title: String,
    pub body: String,
    /// A path on the site (`/bookings/…`), or empty.
    pub link: String,
    /// One unread notification per key.
    pub dedupe: Option<String>,
}

/// The language a member reads their notifications and emails in.
pub async fn locale_of(
    conn: &mut PgConnection,
    user: UserId,
) -> Result<crate::i18n::Locale, AppError> {
    Ok(
        sqlx::query_scalar!("SELECT locale FROM users WHERE id = $1", user as UserId)
            .fetch_optional(&mut *conn)
            .await?
            .flatten()
            .and_then(|c| crate::i18n::Locale::parse(&c))
            .unwrap_or_default(),
    )
}

/// Tells `user`: a row in the centre, a live event, and an email unless they switched this kind
/// off. With a dedupe key already unread, nothing new is made (and nothing emailed). `write`
/// makes the texts; it runs in the member's language, so what `tr` gives inside it is theirs.
pub async fn notify(
    conn: &mut PgConnection,
    user: UserId,
    write: impl FnOnce() -> Note,
) -> Result<(), AppError> {
    let locale = locale_of(&mut *conn, user).await?;
    let note = crate::i18n::within_sync(locale, write);
    let made = sqlx::query_scalar!(
        "INSERT INTO notifications (user_id, kind, title, body, link, dedupe_key)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (user_id, dedupe_key) WHERE read_at IS NULL AND dedupe_key IS NOT NULL
         DO NOTHING RETURNING id",
        user as UserId,
        note.kind as NotificationKind,
        note.title,
        note.body,
        note.link,
        note.dedupe
    )
    .fetch_optional(&mut *conn)
    .await?;
    if made.is_none() {
        return Ok(());
    }
    live::publish(&mut *conn, user, LiveEvent::Notification).await?;
    if !prefs::wants_email(&mut *conn, user, note.kind).await? {
        return Ok(());
    }
    let to = sqlx::query_scalar!("SELECT email FROM users WHERE id = $1", user as UserId)
        .fetch_one(&mut *conn)
        .await?;
    let mut body = note.body.clone();
    crate::i18n::within_sync(locale, || {
        if !note.link.is_empty() {
            body.push_str(&crate::trf!(
                "\n\nOpen it on Carry: {}{}",
                email::SITE,
                note.link
            ));
        }
        body.push_str(&crate::trf!(
            "\n\n--\nYou get this email because of your notification settings. Choose which \
             emails you get: {}/account/notifications",
            email::SITE
        ));
    });
    email::enqueue(
        &mut *conn,
        &to,
        &note.title,
        &body,
        &format!("notify.{}", note.kind.code()),
    )
    .await
}

/// The member's notifications, newest first.
pub async fn list(
    pool: &PgPool,
    user: UserId,
    page: i64,
    tz: &str,
) -> Result<Vec<Notification>, AppError> {
    let offset = (page.clamp(1, 1000) - 1) * PAGE_SIZE;
    let rows = sqlx::query!(
        r#"SELECT id, kind AS "kind: NotificationKind", title, body, link, created_at,
                  read_at IS NOT NULL AS "read!"
           FROM notifications WHERE user_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3"#,
        user as UserId,
        PAGE_SIZE,
        offset
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Notification {
            id: r.id,
            kind: r.kind,
            title: r.title,
            body: r.body,
            link: r.link,
            at: time::datetime_in(r.created_at, tz),
            read: r.read,
        })
        .collect())
}

/// Unread notifications and messages, for the navigation.
pub async fn unread(pool: &PgPool, user: UserId) -> Result<Unread, AppError> {
    let r = sqlx::query!(
        r#"SELECT (SELECT count(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL) AS "n!",
                  (SELECT count(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id
                   WHERE (c.sender_id = $1 OR c.traveler_id = $1)
                     AND m.author_id <> $1 AND m.read_at IS NULL) AS "m!""#,
        user as UserId
    )
    .fetch_one(pool)
    .await?;
    Ok(Unread {
        notifications: r.n,
        messages: r.m,
    })
}

/// Marks one notification (`Some`) or all of them read; the member's other pages follow.
pub async fn mark_read(pool: &PgPool, user: UserId, id: Option<i64>) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let changed = sqlx::query!(
        "UPDATE notifications SET read_at = now()
         WHERE user_id = $1 AND read_at IS NULL AND ($2::bigint IS NULL OR id = $2)",
        user as UserId,
        id
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed > 0 {
        live::publish(&mut *tx, user, LiveEvent::Notification).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Marks read the unread notification with `key` (a conversation the member has now read).
pub async fn mark_read_key(
    conn: &mut PgConnection,
    user: UserId,
    key: &str,
) -> Result<(), AppError> {
    let changed = sqlx::query!(
        "UPDATE notifications SET read_at = now()
         WHERE user_id = $1 AND dedupe_key = $2 AND read_at IS NULL",
        user as UserId,
        key
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if changed > 0 {
        live::publish(&mut *conn, user, LiveEvent::Notification).await?;
    }
    Ok(())
}
