//! The notification centre: one row per event in the transaction of the change, emails as each
//! member chose per kind, read and unread.

use super::support::*;
use app::server::notifications::{self, prefs};
use app::types::{NotificationKind, Side};
use sqlx::PgPool;

async fn emails_to(pool: &PgPool, user: app::types::UserId, kind: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM email_outbox o JOIN users u ON u.email = o.to_email
         WHERE u.id = $1 AND o.kind = $2",
    )
    .bind(user)
    .bind(kind)
    .fetch_one(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn booking_events_notify_the_other_side_and_email_as_chosen(pool: PgPool) {
    let w = world(&pool).await;
    let b = propose(&pool, w.sender, Side::Sender, w.parcel, w.trip, "")
        .await
        .unwrap();
    let list = notifications::list(&pool, w.traveler, 1, "UTC")
        .await
        .unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].kind, NotificationKind::BookingRequested);
    assert_eq!(list[0].link, format!("/bookings/{b}"));
    assert!(!list[0].read);
    assert_eq!(
        emails_to(&pool, w.traveler, "notify.booking.requested").await,
        1
    );
    let body: String = sqlx::query_scalar(
        "SELECT body_text FROM email_outbox WHERE kind = 'notify.booking.requested'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(
        body.contains("{{site}}/account/notifications"),
        "a link to the settings: {body}"
    );
    assert!(notifications::list(&pool, w.sender, 1, "UTC")
        .await
        .unwrap()
        .is_empty());

    // The traveler wants accepted bookings by email, not counter-offers.
    let everything_but_counters: Vec<_> = NotificationKind::ALL
        .iter()
        .copied()
        .filter(|k| *k != NotificationKind::BookingCountered)
        .collect();
    prefs::save(&pool, w.sender, &everything_but_counters)
        .await
        .unwrap();
    let p = prefs::all(&pool, w.sender).await.unwrap();
    assert!(
        !p.iter()
            .find(|p| p.kind == NotificationKind::BookingCountered)
            .unwrap()
            .email
    );
    counter(&pool, w.traveler, b, "12").await.unwrap();
    assert_eq!(
        emails_to(&pool, w.sender, "notify.booking.countered").await,
        0
    );
    let list = notifications::list(&pool, w.sender, 1, "UTC")
        .await
        .unwrap();
    assert_eq!(
        list[0].kind,
        NotificationKind::BookingCountered,
        "still in the centre"
    );
    accept(&pool, w.sender, b).await.unwrap();
    assert_eq!(
        emails_to(&pool, w.traveler, "notify.booking.accepted").await,
        1
    );

    // Read one, then all.
    let unread = notifications::unread(&pool, w.traveler)
        .await
        .unwrap()
        .notifications;
    assert_eq!(unread, 2);
    let first = notifications::list(&pool, w.traveler, 1, "UTC")
        .await
        .unwrap()[1]
        .id;
    notifications::mark_read(&pool, w.traveler, Some(first))
        .await
        .unwrap();
    assert_eq!(
        notifications::unread(&pool, w.traveler)
            .await
            .unwrap()
            .notifications,
        1
    );
    // Someone else's id changes nothing.
    let theirs = notifications::list(&pool, w.sender, 1, "UTC")
        .await
        .unwrap()[0]
        .id;
    notifications::mark_read(&pool, w.traveler, Some(theirs))
        .await
        .unwrap();
    assert_eq!(
        notifications::unread(&pool, w.sender)
            .await
            .unwrap()
            .notifications,
        1
    );
    notifications::mark_read(&pool, w.traveler, None)
        .await
        .unwrap();
    assert_eq!(
        notifications::unread(&pool, w.traveler)
            .await
            .unwrap()
            .notifications,
        0
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_request_that_ends_tells_whoever_did_not_end_it(pool: PgPool) {
    let w = world(&pool).await;
    let b = propose(&pool, w.sender, Side::Sender, w.parcel, w.trip, "")
        .await
        .unwrap();
    app::server::bookings::negotiate::withdraw(&pool, w.sender, b)
        .await
        .unwrap();
    let kinds = |u| {
        let pool = pool.clone();
        async move {
            notifications::list(&pool, u, 1, "UTC")
                .await
                .unwrap()
                .into_iter()
                .map(|n| n.kind)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        kinds(w.traveler).await,
        vec![
            NotificationKind::BookingEnded,
            NotificationKind::BookingRequested
        ]
    );
    assert!(kinds(w.sender).await.is_empty());
}
