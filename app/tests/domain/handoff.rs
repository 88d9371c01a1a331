//! Handing over: the delivery code when someone else receives the parcel, the recipient's email,
//! what pickup checks, and the photos a parcel needs and who may see them.

use super::support::*;
use app::error::AppError;
use app::server::bookings::{handoff, view};
use app::server::matching::search;
use app::server::parcels::{photos, service as parcels};
use app::types::ParcelStatus;
use sqlx::PgPool;

/// A parcel for someone else, reachable only by phone, booked and accepted.
async fn for_someone_else(pool: &PgPool, email: &str) -> (World, app::types::BookingId) {
    let w = money_world(pool).await;
    top_up(pool, w.sender, "100").await;
    sqlx::query(
        "UPDATE parcels SET recipient_is_sender = false, recipient_name = 'Grandma Jo',
            recipient_phone = '+44 20 7946 0000', recipient_email = $1",
    )
    .bind(email)
    .execute(pool)
    .await
    .unwrap();
    let b = accepted(pool, &w).await;
    (w, b)
}

#[sqlx::test(migrations = "../migrations")]
async fn the_sender_can_always_pass_the_delivery_code_on(pool: PgPool) {
    // A recipient with only a phone number gets no email: the sender has the code to forward.
    let (w, b) = for_someone_else(&pool, "").await;
    let delivery = code(&pool, b, "delivery").await;
    let d = view::detail(&pool, PUBLIC_URL, "UTC", w.sender, b)
        .await
        .unwrap();
    let h = d.handoff.unwrap();
    assert_eq!(h.delivery_code.as_deref(), Some(delivery.as_str()));
    assert!(h.delivery_qr.is_some());
    let r = h.recipient.unwrap();
    assert_eq!(r.name, "Grandma Jo");
    assert_eq!(r.phone, "+44 20 7946 0000");
    assert!(r.message.contains(&delivery));
    assert!(r.message.contains("/track?number=CR-"), "{}", r.message);
    let emailed: i64 =
        sqlx::query_scalar("SELECT count(*) FROM email_outbox WHERE kind = 'delivery_code'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(emailed, 0);
    // The traveler never sees it.
    let t = view::detail(&pool, PUBLIC_URL, "UTC", w.traveler, b)
        .await
        .unwrap();
    let th = t.handoff.unwrap();
    assert!(th.delivery_code.is_none() && th.recipient.is_none());
    // Still there once the parcel is on its way, and the delivery goes through with it.
    let pickup = code(&pool, b, "pickup").await;
    handoff::pick_up(&pool, w.traveler, b, &pickup, inspected())
        .await
        .unwrap();
    let d = view::detail(&pool, PUBLIC_URL, "UTC", w.sender, b)
        .await
        .unwrap();
    assert_eq!(d.handoff.unwrap().delivery_code, Some(delivery.clone()));
    handoff::deliver(&pool, w.traveler, b, &delivery, None)
        .await
        .unwrap();
    assert_eq!(booking_status(&pool, b).await, "delivered");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_recipients_email_links_to_the_tracking_page(pool: PgPool) {
    let (_, b) = for_someone_else(&pool, "jo@example.com").await;
    let body: String = sqlx::query_scalar(
        "SELECT body_text FROM email_outbox WHERE kind = 'delivery_code' AND to_email = 'jo@example.com'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let link = body
        .split_whitespace()
        .find(|w| w.starts_with("http"))
        .unwrap();
    let number = link
        .strip_prefix(&format!("{PUBLIC_URL}/track?number="))
        .unwrap_or_else(|| panic!("the link is the tracking page's: {link}"));
    let t = view::tracking(&pool, number, "UTC").await.unwrap();
    let mine: String = sqlx::query_scalar("SELECT tracking_no FROM bookings WHERE id = $1")
        .bind(b)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(t.number, mine);
    assert!(body.contains(&code(&pool, b, "delivery").await));
}

#[sqlx::test(migrations = "../migrations")]
async fn electronics_must_power_on_at_pickup(pool: PgPool) {
    let w = money_world(&pool).await;
    top_up(&pool, w.sender, "100").await;
    sqlx::query("UPDATE parcels SET category = 'electronics'")
        .execute(&pool)
        .await
        .unwrap();
    let b = accepted(&pool, &w).await;
    let pickup = code(&pool, b, "pickup").await;
    let e = handoff::pick_up(&pool, w.traveler, b, &pickup, inspected())
        .await
        .unwrap_err();
    assert!(e.to_string().contains("power on"), "{e:?}");
    let checked = handoff::Inspection {
        electronics_power_on: true,
        ..inspected()
    };
    handoff::pick_up(&pool, w.traveler, b, &pickup, checked)
        .await
        .unwrap();
    assert_eq!(booking_status(&pool, b).await, "picked_up");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_parcel_is_listed_and_bookable_once_it_has_a_photo(pool: PgPool) {
    let w = money_world(&pool).await;
    top_up(&pool, w.sender, "100").await;
    sqlx::query("DELETE FROM parcel_photos")
        .execute(&pool)
        .await
        .unwrap();
    let found = || async {
        search::parcels(&pool, &search::Filters::default())
            .await
            .unwrap()
            .items
            .len()
    };
    assert_eq!(found().await, 0);
    match propose(
        &pool,
        w.sender,
        app::types::Side::Sender,
        w.parcel,
        w.trip,
        "",
    )
    .await
    {
        Err(AppError::Conflict(m)) => assert!(m.contains("photo"), "{m}"),
        other => panic!("{other:?}"),
    }
    let dir = std::env::temp_dir().join(format!("carry-photos-{}", uuid::Uuid::new_v4()));
    let png = testkit::png(64, 48, [200, 80, 40]);
    photos::add(
        &pool,
        &dir,
        w.sender,
        w.parcel,
        vec![("box.png".into(), png)],
    )
    .await
    .unwrap();
    assert_eq!(found().await, 1);
    propose(
        &pool,
        w.sender,
        app::types::Side::Sender,
        w.parcel,
        w.trip,
        "",
    )
    .await
    .unwrap();
    let _ = std::fs::remove_dir_all(dir);
}

#[sqlx::test(migrations = "../migrations")]
async fn photos_of_a_parcel_that_is_not_public_are_for_its_sender_and_admins(pool: PgPool) {
    let w = money_world(&pool).await;
    let dir = std::env::temp_dir().join(format!("carry-photos-{}", uuid::Uuid::new_v4()));
    let png = testkit::png(64, 48, [20, 80, 140]);
    photos::add(
        &pool,
        &dir,
        w.sender,
        w.parcel,
        vec![("box.png".into(), png)],
    )
    .await
    .unwrap();
    let id: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM parcel_photos WHERE parcel_id = $1 AND bytes > 0")
            .bind(w.parcel)
            .fetch_one(&pool)
            .await
            .unwrap();
    let name = format!("{id}_t.jpg");
    let stranger = user(&pool, "Eve").await;
    // Open: anyone, and caches may keep it.
    let f = photos::file(&pool, &dir, None, false, &name).await.unwrap();
    assert!(f.public && f.path.exists());
    for status in [
        ParcelStatus::InReview,
        ParcelStatus::Rejected,
        ParcelStatus::Cancelled,
    ] {
        sqlx::query("UPDATE parcels SET status = $1 WHERE id = $2")
            .bind(status.code())
            .bind(w.parcel)
            .execute(&pool)
            .await
            .unwrap();
        for viewer in [None, Some(stranger), Some(w.traveler)] {
            assert!(
                matches!(
                    photos::file(&pool, &dir, viewer, false, &name).await,
                    Err(AppError::NotFound(_))
                ),
                "{status:?} {viewer:?}"
            );
        }
        let own = photos::file(&pool, &dir, Some(w.sender), false, &name)
            .await
            .unwrap();
        assert!(!own.public, "never cached");
        assert!(photos::file(&pool, &dir, Some(stranger), true, &name)
            .await
            .is_ok());
        // The page does not list them either.
        let d = parcels::detail(&pool, Some(stranger), false, w.parcel).await;
        assert!(d.map_or(true, |d| d.photos.is_empty()), "{status:?}");
    }
    // Names that are not a photo's are simply not found (no path is ever built from them).
    for bad in [
        "../../etc/passwd".to_string(),
        format!("{id}.png"),
        format!("{}.jpg", id.simple()),
        "x".repeat(300),
        format!("{{{id}}}.jpg"),
    ] {
        assert!(
            matches!(
                photos::file(&pool, &dir, Some(w.sender), true, &bad).await,
                Err(AppError::NotFound(_))
            ),
            "{bad}"
        );
    }
    let _ = std::fs::remove_dir_all(dir);
}
