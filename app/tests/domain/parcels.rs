//! Parcels: the rules of the form, the risk score and the review queue, privacy, the reward.

use super::support::*;
use app::error::AppError;
use app::server::bookings::view;
use app::server::matching::{rank, search};
use app::server::parcels::{review, reward, service as parcels};
use app::server::settings;
use app::types::{Decision, ParcelStatus, Side};
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn bad_parcels_are_refused_field_by_field(pool: PgPool) {
    setup(&pool).await;
    let s = funded(&pool, "Sam").await;
    let mut f = parcel_form("Paris, France", "Nowhere-land", "45");
    f.title = "x".into();
    f.deliver_by = date(120);
    f.reward = "0".into();
    f.length_cm = "900".into();
    f.recipient = "other".into();
    f.recipient_email = "nope".into();
    let e = parcels::create(&pool, s, &f, false).await.unwrap_err();
    let fs = fields(&e);
    for want in [
        "title",
        "weight_kg",
        "length_cm",
        "reward",
        "delivery_place",
        "deliver_by",
        "recipient_name",
        "recipient_email",
        "declared_legal",
    ] {
        assert!(fs.contains(&want.to_string()), "{want} in {fs:?}");
    }
    let mut f = parcel_form("Paris, France", "LHR", "1");
    f.ready_from = date(-2);
    f.declared_value = "12.345".into();
    let fs = fields(&parcels::create(&pool, s, &f, true).await.unwrap_err());
    assert_eq!(
        fs,
        vec!["declared_value".to_string(), "ready_from".to_string()]
    );
    let mut f = parcel_form("Paris, France", "LHR", "1");
    f.deliver_by = date(0);
    let fs = fields(&parcels::create(&pool, s, &f, true).await.unwrap_err());
    assert_eq!(
        fs,
        vec!["deliver_by".to_string()],
        "deadline before the ready date"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn risky_parcels_wait_for_review_and_stay_hidden_until_approved(pool: PgPool) {
    let w = world(&pool).await;
    let admin = funded(&pool, "Ada").await;
    let open = parcels::detail(&pool, Some(w.sender), false, w.parcel)
        .await
        .unwrap();
    assert_eq!(open.card.status, ParcelStatus::Open);
    let (score, parts) = open.risk.unwrap();
    assert_eq!(
        score, 40,
        "international + new sender + a new account's first parcel: {parts:?}"
    );

    let mut f = parcel_form("Paris, France", "LHR", "2");
    f.title = "Replica watch and a power bank".into();
    let risky = posted(&pool, w.sender, &f).await;
    let d = parcels::detail(&pool, Some(w.sender), false, risky)
        .await
        .unwrap();
    assert_eq!(d.card.status, ParcelStatus::InReview);
    assert!(d.risk.unwrap().0 >= 50);
    // Not visible to others, not searchable, not a match.
    assert!(matches!(
        parcels::detail(&pool, Some(w.traveler), false, risky)
            .await
            .unwrap_err(),
        AppError::NotFound(_)
    ));
    let filters = search::Filters::default();
    let found = search::parcels(&pool, &filters).await.unwrap();
    assert!(!found.items.iter().any(|p| p.id == risky));
    assert!(!rank::parcels_for_trip(&pool, w.trip, 20)
        .await
        .unwrap()
        .iter()
        .any(|m| m.parcel.id == risky));
    let queue = review::queue(&pool).await.unwrap();
    assert_eq!(queue.len(), 1);
    assert_eq!(
        queue[0].flagged,
        vec!["power bank".to_string(), "replica".to_string()]
    );

    // A rejection needs a reason; an approval opens it, once.
    assert_eq!(
        fields(
            &review::decide(&pool, admin, risky, Decision::Reject, "")
                .await
                .unwrap_err()
        ),
        vec!["reason".to_string()]
    );
    review::decide(&pool, admin, risky, Decision::Approve, "")
        .await
        .unwrap();
    assert!(matches!(
        review::decide(&pool, admin, risky, Decision::Reject, "too late")
            .await
            .unwrap_err(),
        AppError::Conflict(_)
    ));
    let found = search::parcels(&pool, &filters).await.unwrap();
    assert!(found.items.iter().any(|p| p.id == risky));
    let audited: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'parcel.approve'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(audited, 1);
    let mails: i64 =
        sqlx::query_scalar("SELECT count(*) FROM email_outbox WHERE kind = 'notify.review.parcel'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(mails, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn risk_rules_and_threshold_come_from_the_database(pool: PgPool) {
    setup(&pool).await;
    let s = funded(&pool, "Sam").await;
    settings::set(&pool, "risk_review_threshold", 20)
        .await
        .unwrap();
    let id = parcels::create(&pool, s, &parcel_form("Paris, France", "LHR", "2"), true)
        .await
        .unwrap();
    let d = parcels::detail(&pool, Some(s), false, id).await.unwrap();
    assert_eq!(d.card.status, ParcelStatus::InReview, "40 ≥ 20");
    sqlx::query("UPDATE risk_rules SET enabled = false WHERE code = 'international'")
        .execute(&pool)
        .await
        .unwrap();
    let id = parcels::create(&pool, s, &parcel_form("Paris, France", "LHR", "2"), true)
        .await
        .unwrap();
    let d = parcels::detail(&pool, Some(s), false, id).await.unwrap();
    assert_eq!(d.risk.unwrap().0, 10);
    assert_eq!(d.card.status, ParcelStatus::Open);
}

#[sqlx::test(migrations = "../migrations")]
async fn private_details_are_for_the_sender_and_the_accepted_traveler(pool: PgPool) {
    let w = world(&pool).await;
    let stranger = funded(&pool, "Eve").await;
    let sees = |viewer| {
        let pool = pool.clone();
        async move {
            parcels::detail(&pool, viewer, false, w.parcel)
                .await
                .unwrap()
                .private
                .is_some()
        }
    };
    assert!(sees(Some(w.sender)).await);
    assert!(!sees(Some(w.traveler)).await);
    assert!(!sees(Some(stranger)).await);
    assert!(!sees(None).await);
    let b = propose(&pool, w.sender, Side::Sender, w.parcel, w.trip, "")
        .await
        .unwrap();
    assert!(!sees(Some(w.traveler)).await, "a request is not enough");
    accept(&pool, w.traveler, b).await.unwrap();
    assert!(sees(Some(w.traveler)).await);
    assert!(!sees(Some(stranger)).await);
    let booking = view::detail(&pool, PUBLIC_URL, "UTC", w.traveler, b)
        .await
        .unwrap();
    assert_eq!(
        booking.private.unwrap().pickup_address,
        "1 Rue de Rivoli, Paris"
    );
    assert!(booking.contact.unwrap().email.starts_with("sam-"));
    assert!(matches!(
        view::detail(&pool, PUBLIC_URL, "UTC", stranger, b)
            .await
            .unwrap_err(),
        AppError::NotFound(_)
    ));
}

#[sqlx::test(migrations = "../migrations")]
async fn the_suggested_reward_uses_distance_weight_and_past_bookings(pool: PgPool) {
    let w = world(&pool).await;
    let s = reward::suggest(&pool, "Paris, France", "London, United Kingdom", "2", "EUR")
        .await
        .unwrap()
        .unwrap();
    assert!((330..=350).contains(&s.distance_km));
    assert_eq!(s.explanation.len(), 2);
    let b = propose(&pool, w.sender, Side::Sender, w.parcel, w.trip, "60")
        .await
        .unwrap();
    accept(&pool, w.traveler, b).await.unwrap();
    let s2 = reward::suggest(&pool, "Paris, France", "LHR", "2", "EUR")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(s2.explanation.len(), 3, "blended with the 30/kg paid");
    assert!(s2.amount.minor > s.amount.minor);
    assert!(
        reward::suggest(&pool, "Paris, France", "Xyzzyville", "2", "EUR")
            .await
            .unwrap()
            .is_none()
    );
}
