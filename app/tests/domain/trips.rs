//! Trips: creating, the rules of the form, editing within the rules, cancelling.

use super::support::*;
use app::error::AppError;
use app::server::parcels::service as parcels;
use app::server::trips::service as trips;
use app::types::{ParcelStatus, Side};
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn a_trip_is_created_listed_and_shown_in_local_time(pool: PgPool) {
    setup(&pool).await;
    let t = funded(&pool, "Tara").await;
    let id = trips::create(&pool, t, &trip_form("CDG", "Nairobi, Kenya", "10"))
        .await
        .unwrap();
    let d = trips::detail(&pool, Some(t), id).await.unwrap();
    assert!(d.is_owner && !d.route_locked);
    assert!(
        d.card.departs.ends_with("09:00"),
        "Paris local time: {}",
        d.card.departs
    );
    assert!(
        d.card.arrives.ends_with("12:00"),
        "Nairobi local time: {}",
        d.card.arrives
    );
    assert_eq!(d.card.remaining, "10 kg");
    assert!(d.distance_km > 6000);
    assert_eq!(trips::list_mine(&pool, t).await.unwrap().len(), 1);
    let other = trips::detail(&pool, None, id).await.unwrap();
    assert!(
        !other.is_owner && other.form.origin.is_empty(),
        "edit values are the owner's"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_trips_are_refused_field_by_field(pool: PgPool) {
    setup(&pool).await;
    let t = funded(&pool, "Tara").await;
    let mut f = trip_form("Xyzzyville", "CDG", "80");
    f.departs_at = local(-1, 9);
    f.price_per_kg = "-3".into();
    f.categories.clear();
    f.mode = "rocket".into();
    let e = trips::create(&pool, t, &f).await.unwrap_err();
    let fs = fields(&e);
    for want in [
        "origin",
        "capacity_kg",
        "price_per_kg",
        "categories",
        "mode",
    ] {
        assert!(fs.contains(&want.to_string()), "{want} in {fs:?}");
    }
    assert_eq!(
        e.value("origin").as_deref(),
        Some("Xyzzyville"),
        "typed values come back"
    );

    let mut f = trip_form("CDG", "ORY", "10");
    f.arrives_at = local(4, 9);
    let fs = fields(&trips::create(&pool, t, &f).await.unwrap_err());
    assert!(
        fs.contains(&"destination".to_string()),
        "same city both ends"
    );
    let mut f = trip_form("CDG", "LHR", "10");
    f.departs_at = local(-2, 9);
    f.arrives_at = local(-3, 9);
    let fs = fields(&trips::create(&pool, t, &f).await.unwrap_err());
    assert!(fs.contains(&"departs_at".to_string()), "{fs:?}");
    let mut f = trip_form("CDG", "LHR", "10");
    f.arrives_at = local(4, 9);
    let fs = fields(&trips::create(&pool, t, &f).await.unwrap_err());
    assert_eq!(
        fs,
        vec!["arrives_at".to_string()],
        "arrival before departure"
    );
    let mut f = trip_form("CDG", "LHR", "0.4");
    f.price_per_kg = "99999".into();
    let fs = fields(&trips::create(&pool, t, &f).await.unwrap_err());
    assert_eq!(
        fs,
        vec!["capacity_kg".to_string(), "price_per_kg".to_string()]
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn trips_are_edited_within_the_rules(pool: PgPool) {
    let w = world(&pool).await;
    let stranger = funded(&pool, "Eve").await;
    let f = trip_form("CDG", "London, United Kingdom", "12");
    assert_eq!(
        trips::update(&pool, stranger, w.trip, &f)
            .await
            .unwrap_err(),
        AppError::Forbidden
    );
    trips::update(&pool, w.traveler, w.trip, &f).await.unwrap();
    assert_eq!(
        trips::detail(&pool, None, w.trip)
            .await
            .unwrap()
            .card
            .remaining,
        "12 kg"
    );

    // Once a booking is accepted, the route and dates stay; price and notes can change.
    let b = propose(&pool, w.sender, Side::Sender, w.parcel, w.trip, "")
        .await
        .unwrap();
    accept(&pool, w.traveler, b).await.unwrap();
    let mut moved = f.clone();
    moved.departs_at = local(6, 9);
    moved.arrives_at = local(6, 12);
    assert!(matches!(
        trips::update(&pool, w.traveler, w.trip, &moved)
            .await
            .unwrap_err(),
        AppError::Conflict(_)
    ));
    let mut cheaper = f.clone();
    cheaper.price_per_kg = "4".into();
    cheaper.notes = "Meet at the Gare du Nord".into();
    trips::update(&pool, w.traveler, w.trip, &cheaper)
        .await
        .unwrap();
    let d = trips::detail(&pool, None, w.trip).await.unwrap();
    assert!(d.route_locked);
    assert_eq!(d.card.remaining, "10 kg", "2 kg stay reserved");
    let mut small = cheaper.clone();
    small.capacity_kg = "1".into();
    assert_eq!(
        fields(
            &trips::update(&pool, w.traveler, w.trip, &small)
                .await
                .unwrap_err()
        ),
        vec!["capacity_kg".to_string()]
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn cancelling_a_trip_closes_requests_and_cancels_bookings(pool: PgPool) {
    let w = world(&pool).await;
    let sender2 = funded(&pool, "Sue").await;
    let p2 = posted(&pool, sender2, &parcel_form("Paris, France", "LHR", "1")).await;
    let accepted = propose(&pool, w.sender, Side::Sender, w.parcel, w.trip, "")
        .await
        .unwrap();
    accept(&pool, w.traveler, accepted).await.unwrap();
    let pending = propose(&pool, sender2, Side::Sender, p2, w.trip, "")
        .await
        .unwrap();
    assert_eq!(
        trips::cancel(&pool, w.sender, w.trip).await.unwrap_err(),
        AppError::Forbidden
    );
    trips::cancel(&pool, w.traveler, w.trip).await.unwrap();
    trips::cancel(&pool, w.traveler, w.trip).await.unwrap();
    assert_eq!(booking_status(&pool, accepted).await, "cancelled");
    assert_eq!(booking_status(&pool, pending).await, "closed");
    let p = parcels::detail(&pool, Some(w.sender), false, w.parcel)
        .await
        .unwrap();
    assert_eq!(
        p.card.status,
        ParcelStatus::Open,
        "the parcel can be booked again"
    );
    let strikes: i32 = sqlx::query_scalar("SELECT reliability_strikes FROM users WHERE id = $1")
        .bind(w.traveler)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(strikes, 1);
}
