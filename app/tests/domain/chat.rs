//! Chat: who may talk to whom, masking until a booking is accepted, read receipts and unread
//! counts, the limits, reports and the admins' audited access, and live events on the channel.

use super::support::*;
use app::error::AppError;
use app::server::chat::{mask::MASK, service as chat};
use app::server::live::{self, Hub};
use app::server::notifications;
use app::types::notifications::LiveEvent;
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn a_question_opens_one_conversation_between_the_two_sides_only(pool: PgPool) {
    let w = world(&pool).await;
    let by_traveler = chat::start(&pool, w.traveler, w.parcel, w.trip)
        .await
        .unwrap();
    let by_sender = chat::start(&pool, w.sender, w.parcel, w.trip)
        .await
        .unwrap();
    assert_eq!(
        by_traveler, by_sender,
        "one conversation per parcel–trip pair"
    );
    let stranger = user(&pool, "Eve").await;
    assert!(matches!(
        chat::start(&pool, stranger, w.parcel, w.trip).await,
        Err(AppError::Forbidden)
    ));
    for who in [stranger] {
        assert!(matches!(
            chat::open(&pool, who, by_sender, "UTC").await,
            Err(AppError::NotFound(_))
        ));
        assert!(matches!(
            chat::send(&pool, who, by_sender, "hello", None).await,
            Err(AppError::NotFound(_))
        ));
    }
    // A parcel others cannot see (waiting for review) cannot be asked about.
    let hidden = posted(&pool, w.sender, &parcel_form("Paris, France", "LHR", "1")).await;
    sqlx::query("UPDATE parcels SET status = 'in_review' WHERE id = $1")
        .bind(hidden)
        .execute(&pool)
        .await
        .unwrap();
    assert!(matches!(
        chat::start(&pool, w.traveler, hidden, w.trip).await,
        Err(AppError::NotFound(_))
    ));
    assert!(chat::inbox(&pool, stranger, "UTC")
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        chat::inbox(&pool, w.traveler, "UTC").await.unwrap().len(),
        1
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn contact_details_are_masked_until_a_booking_is_accepted(pool: PgPool) {
    let w = world(&pool).await;
    let c = chat::start(&pool, w.sender, w.parcel, w.trip)
        .await
        .unwrap();
    let text = "Call me on +44 20 7946 0958 or write to sam.smith (at) gmail dot com. 25 EUR is fine, I land on 2026-12-01 (flight AF 1234).";
    chat::send(&pool, w.sender, c, text, None).await.unwrap();
    let seen = chat::open(&pool, w.traveler, c, "UTC").await.unwrap();
    assert!(seen.masking);
    let m = &seen.messages[0];
    assert!(m.masked);
    assert!(
        !m.body.contains("7946") && !m.body.contains("gmail"),
        "{}",
        m.body
    );
    assert_eq!(m.body.matches(MASK).count(), 2, "{}", m.body);
    for kept in ["25 EUR", "2026-12-01", "AF 1234"] {
        assert!(m.body.contains(kept), "{kept} was masked: {}", m.body);
    }
    // The inbox and the notification show it masked too.
    let inbox = chat::inbox(&pool, w.traveler, "UTC").await.unwrap();
    assert!(!inbox[0].last_message.contains("7946"));
    let note = notifications::list(&pool, w.traveler, 1, "UTC")
        .await
        .unwrap();
    assert!(!note[0].body.contains("7946"), "{}", note[0].body);
    // Once a booking between them is accepted, everything shows as written.
    accepted(&pool, &w).await;
    let clear = chat::open(&pool, w.traveler, c, "UTC").await.unwrap();
    assert!(!clear.masking);
    assert_eq!(clear.messages[0].body, text);
}

#[sqlx::test(migrations = "../migrations")]
async fn reading_shows_seen_and_clears_unread_counts_and_the_notification(pool: PgPool) {
    let w = world(&pool).await;
    let c = chat::start(&pool, w.sender, w.parcel, w.trip)
        .await
        .unwrap();
    for text in ["Hello", "Is there room for 2 kg?", "Thanks!"] {
        chat::send(&pool, w.sender, c, text, None).await.unwrap();
    }
    let unread = notifications::unread(&pool, w.traveler).await.unwrap();
    assert_eq!(unread.messages, 3);
    assert_eq!(
        unread.notifications, 1,
        "one notification per conversation until read"
    );
    let emails: i64 =
        sqlx::query_scalar("SELECT count(*) FROM email_outbox WHERE kind = 'notify.chat.message'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(emails, 1, "and one email");
    assert_eq!(
        chat::inbox(&pool, w.traveler, "UTC").await.unwrap()[0].unread,
        3
    );
    let mine = chat::open(&pool, w.sender, c, "UTC").await.unwrap();
    assert!(mine.messages.iter().all(|m| m.mine && m.seen.is_none()));

    chat::open(&pool, w.traveler, c, "UTC").await.unwrap();
    let unread = notifications::unread(&pool, w.traveler).await.unwrap();
    assert_eq!((unread.messages, unread.notifications), (0, 0));
    let mine = chat::open(&pool, w.sender, c, "UTC").await.unwrap();
    assert!(mine
        .messages
        .iter()
        .all(|m| m.seen.as_deref().is_some_and(|s| s.starts_with("Seen"))));
    // The traveler's own reading never marks the traveler's messages.
    chat::send(&pool, w.traveler, c, "Yes, there is room.", None)
        .await
        .unwrap();
    let theirs = chat::open(&pool, w.traveler, c, "UTC").await.unwrap();
    assert!(theirs.messages.last().unwrap().seen.is_none());
    // A new message after reading makes a new notification.
    chat::send(&pool, w.sender, c, "Great", None).await.unwrap();
    assert_eq!(
        notifications::unread(&pool, w.traveler)
            .await
            .unwrap()
            .notifications,
        1
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn messages_have_limits_and_suspended_members_cannot_write(pool: PgPool) {
    let w = world(&pool).await;
    let c = chat::start(&pool, w.sender, w.parcel, w.trip)
        .await
        .unwrap();
    for bad in ["", "   ", &"x".repeat(4001), "bell\u{7}", "nul\0"] {
        let e = chat::send(&pool, w.sender, c, bad, None).await.unwrap_err();
        assert_eq!(fields(&e), vec!["body"], "{bad:?}");
    }
    chat::send(&pool, w.sender, c, &"é".repeat(4000), None)
        .await
        .unwrap();
    // 30 a minute, however fast they come.
    let sends = (0..40).map(|i| {
        let pool = pool.clone();
        tokio::spawn(async move {
            chat::send(&pool, w.traveler, c, &format!("message {i}"), None).await
        })
    });
    let mut ok = 0;
    let mut limited = 0;
    for s in sends.collect::<Vec<_>>() {
        match s.await.unwrap() {
            Ok(_) => ok += 1,
            Err(AppError::TooManyRequests(_)) => limited += 1,
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!((ok, limited), (chat::PER_MINUTE, 40 - chat::PER_MINUTE));
    sqlx::query("UPDATE users SET status = 'suspended', suspended_until = now() + interval '1 day' WHERE id = $1")
        .bind(w.sender)
        .execute(&pool)
        .await
        .unwrap();
    assert!(matches!(
        chat::send(&pool, w.sender, c, "let me in", None).await,
        Err(AppError::Conflict(m)) if m.contains("suspended")
    ));
}

#[sqlx::test(migrations = "../migrations")]
async fn admins_read_a_conversation_only_when_a_report_involves_it_and_each_read_is_audited(
    pool: PgPool,
) {
    let w = world(&pool).await;
    let admin = user(&pool, "Ada").await;
    let c = chat::start(&pool, w.sender, w.parcel, w.trip)
        .await
        .unwrap();
    let rude = chat::send(&pool, w.traveler, c, "Pay me outside Carry or else", None)
        .await
        .unwrap();
    assert!(matches!(
        chat::open_as_admin(&pool, admin, c).await,
        Err(AppError::Forbidden)
    ));
    // Only the other side reports, with a reason.
    assert!(matches!(
        chat::report(&pool, w.traveler, rude, "mine").await,
        Err(AppError::Conflict(_))
    ));
    let stranger = user(&pool, "Eve").await;
    assert!(matches!(
        chat::report(&pool, stranger, rude, "spam").await,
        Err(AppError::NotFound(_))
    ));
    assert_eq!(
        fields(&chat::report(&pool, w.sender, rude, "  ").await.unwrap_err()),
        vec!["reason"]
    );
    chat::report(&pool, w.sender, rude, "Asks to pay outside the platform")
        .await
        .unwrap();
    chat::report(&pool, w.sender, rude, "again").await.unwrap();
    let reports = chat::reports(&pool).await.unwrap();
    assert_eq!(reports.len(), 1, "one report per message and reporter");
    let seen = chat::open_as_admin(&pool, admin, c).await.unwrap();
    assert!(!seen.can_write);
    assert_eq!(seen.messages[0].body, "Pay me outside Carry or else");
    chat::open_as_admin(&pool, admin, c).await.unwrap();
    let reads: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'conversation.read' AND actor_id = $1",
    )
    .bind(admin)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(reads, 2);
    chat::resolve_report(&pool, admin, reports[0].id)
        .await
        .unwrap();
    assert!(chat::reports(&pool).await.unwrap().is_empty());
}

#[sqlx::test(migrations = "../migrations")]
async fn a_message_reaches_the_other_sides_live_stream_through_the_database(pool: PgPool) {
    let w = world(&pool).await;
    let c = chat::start(&pool, w.sender, w.parcel, w.trip)
        .await
        .unwrap();
    let hub = Hub::new();
    let mut events = hub.subscribe();
    tokio::spawn(hub.clone().listen(pool.clone()));
    // The listener needs a moment to start listening.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let id = chat::send(&pool, w.sender, c, "hello", None).await.unwrap();
    let mut got = Vec::new();
    while got.len() < 3 {
        let e = tokio::time::timeout(std::time::Duration::from_secs(5), events.recv())
            .await
            .expect("events arrive")
            .unwrap();
        got.push((e.user, e.event));
    }
    let message = LiveEvent::Message {
        conversation: c,
        id,
    };
    assert!(got.contains(&(Some(w.traveler), message.clone())));
    assert!(got.contains(&(Some(w.sender), message)));
    assert!(got.contains(&(Some(w.traveler), LiveEvent::Notification)));
    // A change rolled back publishes nothing.
    let mut tx = pool.begin().await.unwrap();
    live::publish(&mut *tx, w.traveler, LiveEvent::Notification)
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    assert!(
        tokio::time::timeout(std::time::Duration::from_millis(500), events.recv())
            .await
            .is_err()
    );
}
