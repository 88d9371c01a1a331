//! The marketplace services against a real PostgreSQL (a fresh database per test): places,
//! trips, parcels and risk, matching, the booking state machine, expiry and racing acceptances.

use app::error::AppError;
use app::market::{BookingStatus, ParcelForm, ParcelStatus, Side, TripForm};
use app::server::market::{bookings, jobs, matching, parcels, places, settings, trips};
use app::server::money::wallet;
use sqlx::PgPool;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

async fn setup(pool: &PgPool) {
    places::seed(pool).await.expect("places load");
}

async fn user(pool: &PgPool, name: &str) -> Uuid {
    let id: Uuid = sqlx::query_scalar(
        "INSERT INTO users (email, display_name, password_hash, email_verified_at, phone)
         VALUES ($1, $2, 'x', now(), '+33 6 00 00 00 00') RETURNING id",
    )
    .bind(format!(
        "{}-{}@example.com",
        name.to_lowercase(),
        Uuid::new_v4()
    ))
    .bind(name)
    .fetch_one(pool)
    .await
    .unwrap();
    // Requests are paid for: everyone starts with money in the wallet.
    let card = wallet::CardForm {
        amount: "1000".into(),
        currency: "EUR".into(),
        number: wallet::CARD_OK.into(),
        expiry: "12/40".into(),
        cvc: "123".into(),
    };
    wallet::top_up_sandbox(pool, id, &card, &Uuid::new_v4().to_string())
        .await
        .unwrap();
    id
}

fn local(days: i64, hour: u8) -> String {
    let t = OffsetDateTime::now_utc() + Duration::days(days);
    format!(
        "{:04}-{:02}-{:02}T{hour:02}:00",
        t.year(),
        u8::from(t.month()),
        t.day()
    )
}

fn date(days: i64) -> String {
    let d = OffsetDateTime::now_utc().date() + Duration::days(days);
    d.to_string()
}

fn trip_form(from: &str, to: &str, kg: &str) -> TripForm {
    TripForm {
        origin: from.into(),
        destination: to.into(),
        departs_at: local(5, 9),
        arrives_at: local(5, 12),
        mode: "plane".into(),
        capacity_kg: kg.into(),
        price_per_kg: "5".into(),
        currency: "EUR".into(),
        categories: vec!["books".into(), "clothing".into(), "electronics".into()],
        ..TripForm::default()
    }
}

fn parcel_form(from: &str, to: &str, kg: &str) -> ParcelForm {
    ParcelForm {
        title: "Two novels".into(),
        description: "Paperbacks, wrapped.".into(),
        category: "books".into(),
        weight_kg: kg.into(),
        length_cm: "30".into(),
        width_cm: "20".into(),
        height_cm: "5".into(),
        declared_value: "40".into(),
        currency: "EUR".into(),
        pickup_place: from.into(),
        pickup_address: "1 Rue de Rivoli, Paris".into(),
        delivery_place: to.into(),
        delivery_address: "10 Downing Street, London".into(),
        ready_from: date(1),
        deliver_by: date(20),
        reward: "25".into(),
        recipient: "me".into(),
        ..ParcelForm::default()
    }
}

fn fields(e: &AppError) -> Vec<String> {
    match e {
        AppError::Validation { fields, .. } => fields.iter().map(|f| f.field.clone()).collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

async fn booking_status(pool: &PgPool, id: Uuid) -> String {
    sqlx::query_scalar("SELECT status FROM bookings WHERE id = $1")
        .bind(id)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// A traveler with a Paris → London trip, a sender with a parcel on the same route.
struct World {
    traveler: Uuid,
    sender: Uuid,
    trip: Uuid,
    parcel: Uuid,
}

async fn world(pool: &PgPool) -> World {
    setup(pool).await;
    let traveler = user(pool, "Tara").await;
    let sender = user(pool, "Sam").await;
    let trip = trips::create(
        pool,
        traveler,
        &trip_form("CDG", "London, United Kingdom", "10"),
    )
    .await
    .unwrap();
    let parcel = parcels::create(
        pool,
        sender,
        &parcel_form("Paris, France", "LHR", "2"),
        true,
    )
    .await
    .unwrap();
    World {
        traveler,
        sender,
        trip,
        parcel,
    }
}

// ---------- places ----------

#[sqlx::test(migrations = "../migrations")]
async fn autocomplete_ranks_big_cities_and_exact_codes_first(pool: PgPool) {
    setup(&pool).await;
    assert!(
        !places::seed(&pool).await.unwrap(),
        "seeding twice is a no-op"
    );
    let par = places::search(&pool, "par", 8).await.unwrap();
    assert_eq!(par[0].label, "Paris, France");
    assert!(
        par[1].airport && par[1].label.contains("CDG") || par[1].label.contains("ORY"),
        "{par:?}"
    );
    let cdg = places::search(&pool, "CDG", 5).await.unwrap();
    assert!(
        cdg[0].label.contains("Charles de Gaulle") && cdg[0].airport,
        "{cdg:?}"
    );
    let accents = places::search(&pool, "sao paulo", 3).await.unwrap();
    assert!(accents[0].label.starts_with("São Paulo"), "{accents:?}");
    assert!(places::search(&pool, "p", 5).await.unwrap().is_empty());
    let cdg = places::resolve(&pool, "cdg").await.unwrap().unwrap();
    let paris = places::resolve(&pool, "Paris, France")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(cdg.metro_id, paris.id, "an airport belongs to its city");
    assert!(places::resolve(&pool, "Qwxzzy").await.unwrap().is_none());
}

// ---------- trips ----------

#[sqlx::test(migrations = "../migrations")]
async fn a_trip_is_created_listed_and_shown_in_local_time(pool: PgPool) {
    setup(&pool).await;
    let t = user(&pool, "Tara").await;
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
    let t = user(&pool, "Tara").await;
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
    let stranger = user(&pool, "Eve").await;
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
    let b = bookings::propose(&pool, w.sender, Side::Sender, w.parcel, w.trip, "")
        .await
        .unwrap();
    bookings::accept(&pool, w.traveler, b).await.unwrap();
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
    let sender2 = user(&pool, "Sue").await;
    let p2 = parcels::create(
        &pool,
        sender2,
        &parcel_form("Paris, France", "LHR", "1"),
        true,
    )
    .await
    .unwrap();
    let accepted = bookings::propose(&pool, w.sender, Side::Sender, w.parcel, w.trip, "")
        .await
        .unwrap();
    bookings::accept(&pool, w.traveler, accepted).await.unwrap();
    let pending = bookings::propose(&pool, sender2, Side::Sender, p2, w.trip, "")
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

// ---------- parcels and risk ----------

#[sqlx::test(migrations = "../migrations")]
async fn bad_parcels_are_refused_field_by_field(pool: PgPool) {
    setup(&pool).await;
    let s = user(&pool, "Sam").await;
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
    let admin = user(&pool, "Ada").await;
    let open = parcels::detail(&pool, Some(w.sender), false, w.parcel)
        .await
        .unwrap();
    assert_eq!(open.card.status, ParcelStatus::Open);
    let (score, parts) = open.risk.unwrap();
    assert_eq!(score, 25, "international + new sender: {parts:?}");

    let mut f = parcel_form("Paris, France", "LHR", "2");
    f.title = "Replica watch and a power bank".into();
    let risky = parcels::create(&pool, w.sender, &f, true).await.unwrap();
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
    let search = parcels::ParcelSearch::default();
    let found = parcels::search(&pool, &search).await.unwrap();
    assert!(!found.items.iter().any(|p| p.id == risky));
    assert!(!matching::parcels_for_trip(&pool, w.trip, 20)
        .await
        .unwrap()
        .iter()
        .any(|m| m.parcel.id == risky));
    let queue = parcels::review_queue(&pool).await.unwrap();
    assert_eq!(queue.len(), 1);
    assert_eq!(
        queue[0].flagged,
        vec!["power bank".to_string(), "replica".to_string()]
    );

    // A rejection needs a reason; an approval opens it, once.
    assert_eq!(
        fields(
            &parcels::review(&pool, admin, risky, false, "")
                .await
                .unwrap_err()
        ),
        vec!["reason".to_string()]
    );
    parcels::review(&pool, admin, risky, true, "")
        .await
        .unwrap();
    assert!(matches!(
        parcels::review(&pool, admin, risky, false, "too late")
            .await
            .unwrap_err(),
        AppError::Conflict(_)
    ));
    let found = parcels::search(&pool, &search).await.unwrap();
    assert!(found.items.iter().any(|p| p.id == risky));
    let audited: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'parcel.approve'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(audited, 1);
    let mails: i64 =
        sqlx::query_scalar("SELECT count(*) FROM email_outbox WHERE kind = 'parcel_review'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(mails, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn risk_rules_and_threshold_come_from_the_database(pool: PgPool) {
    setup(&pool).await;
    let s = user(&pool, "Sam").await;
    settings::set(&pool, "risk_review_threshold", 20)
        .await
        .unwrap();
    let id = parcels::create(&pool, s, &parcel_form("Paris, France", "LHR", "2"), true)
        .await
        .unwrap();
    let d = parcels::detail(&pool, Some(s), false, id).await.unwrap();
    assert_eq!(d.card.status, ParcelStatus::InReview, "25 ≥ 20");
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
    let stranger = user(&pool, "Eve").await;
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
    let b = bookings::propose(&pool, w.sender, Side::Sender, w.parcel, w.trip, "")
        .await
        .unwrap();
    assert!(!sees(Some(w.traveler)).await, "a request is not enough");
    bookings::accept(&pool, w.traveler, b).await.unwrap();
    assert!(sees(Some(w.traveler)).await);
    assert!(!sees(Some(stranger)).await);
    let booking = bookings::detail(&pool, w.traveler, b).await.unwrap();
    assert_eq!(
        booking.private.unwrap().pickup_address,
        "1 Rue de Rivoli, Paris"
    );
    assert!(booking.contact.unwrap().email.starts_with("sam-"));
    assert!(matches!(
        bookings::detail(&pool, stranger, b).await.unwrap_err(),
        AppError::NotFound(_)
    ));
}

#[sqlx::test(migrations = "../migrations")]
async fn the_suggested_reward_uses_distance_weight_and_past_bookings(pool: PgPool) {
    let w = world(&pool).await;
    let s = parcels::suggest_reward(&pool, "Paris, France", "London, United Kingdom", "2", "EUR")
        .await
        .unwrap()
        .unwrap();
    assert!((330..=350).contains(&s.distance_km));
    assert_eq!(s.explanation.len(), 2);
    let b = bookings::propose(&pool, w.sender, Side::Sender, w.parcel, w.trip, "60")
        .await
        .unwrap();
    bookings::accept(&pool, w.traveler, b).await.unwrap();
    let s2 = parcels::suggest_reward(&pool, "Paris, France", "LHR", "2", "EUR")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(s2.explanation.len(), 3, "blended with the 30/kg paid");
    assert!(s2.amount.minor > s.amount.minor);
    assert!(
        parcels::suggest_reward(&pool, "Paris, France", "Xyzzyville", "2", "EUR")
            .await
            .unwrap()
            .is_none()
    );
}

// ---------- search and matching ----------

#[sqlx::test(migrations = "../migrations")]
async fn matching_applies_every_hard_filter(pool: PgPool) {
    let w = world(&pool).await;
    let m = matching::trips_for_parcel(&pool, w.parcel, 10)
        .await
        .unwrap();
    assert_eq!(m.len(), 1, "CDG is in Paris, LHR in London");
    assert_eq!(m[0].parts.len(), 6);
    assert_eq!(m[0].price.minor, 1000, "5 EUR/kg × 2 kg");
    assert!(
        m[0].parts[0].why.contains("same city area"),
        "{:?}",
        m[0].parts[0]
    );
    let p = matching::parcels_for_trip(&pool, w.trip, 10).await.unwrap();
    assert_eq!(p.len(), 1);

    let t = w.traveler;
    let mut wrong_way = trip_form("LHR", "CDG", "10");
    wrong_way.categories = vec!["books".into()];
    trips::create(&pool, t, &wrong_way).await.unwrap();
    let mut no_books = trip_form("CDG", "LHR", "10");
    no_books.categories = vec!["clothing".into()];
    trips::create(&pool, t, &no_books).await.unwrap();
    let too_small = trip_form("CDG", "LHR", "1");
    trips::create(&pool, t, &too_small).await.unwrap();
    let mut too_late = trip_form("CDG", "LHR", "10");
    too_late.departs_at = local(25, 9);
    too_late.arrives_at = local(25, 12);
    trips::create(&pool, t, &too_late).await.unwrap();
    let mut too_soon = trip_form("CDG", "LHR", "10");
    too_soon.departs_at = local(0, 23);
    too_soon.arrives_at = local(1, 2);
    let _ = trips::create(&pool, t, &too_soon).await;
    // Versailles is within 50 km of Paris: still a match, with a lower route score than a
    // trip between exactly the parcel's places.
    let near = trips::create(&pool, t, &trip_form("Versailles, France", "LHR", "10"))
        .await
        .unwrap();
    let exact = trips::create(&pool, t, &trip_form("Paris, France", "LHR", "10"))
        .await
        .unwrap();
    let own = parcels::create(&pool, t, &parcel_form("Paris, France", "LHR", "1"), true)
        .await
        .unwrap();

    let m = matching::trips_for_parcel(&pool, w.parcel, 10)
        .await
        .unwrap();
    let ids: Vec<Uuid> = m.iter().map(|x| x.trip.id).collect();
    assert_eq!(ids.len(), 3, "{m:#?}");
    assert!(ids.contains(&w.trip) && ids.contains(&near));
    assert_eq!(m[0].trip.id, exact, "the exact route ranks first");
    assert_eq!(m[0].parts[0].points, 30);
    assert!(m[0].score > m[1].score);
    assert!(
        matching::trips_for_parcel(&pool, own, 10)
            .await
            .unwrap()
            .is_empty(),
        "all these trips are the parcel sender's own"
    );

    // The hard filters live twice: in the candidate SQL (fast) and in `bookings::misfit` (the
    // check a request or acceptance makes). They must agree on every trip.
    let parcel = parcels::row(&pool, w.parcel).await.unwrap();
    let mut conn = pool.acquire().await.unwrap();
    let s = settings::load(&mut *conn).await.unwrap();
    let near_pickup = places::metros_near(&mut conn, parcel.pickup_metro_id, s.match_radius_km)
        .await
        .unwrap();
    let near_delivery = places::metros_near(&mut conn, parcel.delivery_metro_id, s.match_radius_km)
        .await
        .unwrap();
    let candidates: Vec<Uuid> = matching::trip_candidates(&mut conn, &parcel)
        .await
        .unwrap()
        .iter()
        .map(|t| t.id)
        .collect();
    let all: Vec<Uuid> = sqlx::query_scalar("SELECT id FROM trips")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert!(all.len() >= 8);
    for id in all {
        let trip = trips::row(&pool, id).await.unwrap();
        let why = bookings::misfit(
            &trip,
            &parcel,
            &near_pickup,
            &near_delivery,
            s.booking_cutoff_hours,
            OffsetDateTime::now_utc(),
        );
        assert_eq!(
            why.is_none(),
            candidates.contains(&id),
            "trip {id}: {why:?}"
        );
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn search_filters_and_pages(pool: PgPool) {
    let w = world(&pool).await;
    for i in 0..25 {
        let mut f = trip_form("Paris, France", "London, United Kingdom", "5");
        f.price_per_kg = format!("{}", 3 + i % 5);
        trips::create(&pool, w.traveler, &f).await.unwrap();
    }
    let paris = places::resolve(&pool, "Paris, France")
        .await
        .unwrap()
        .unwrap()
        .id;
    let london = places::resolve(&pool, "LHR").await.unwrap().unwrap().id;
    let mut s = trips::TripSearch {
        origin: Some(paris),
        destination: Some(london),
        page: 1,
        ..Default::default()
    };
    let p1 = trips::search(&pool, &s).await.unwrap();
    assert_eq!(p1.items.len(), 20);
    assert!(p1.has_next);
    s.page = 2;
    let p2 = trips::search(&pool, &s).await.unwrap();
    assert_eq!(p2.items.len(), 6);
    assert!(!p2.has_next);
    s.page = 1;
    s.sort = trips::SearchSort::Cheapest;
    s.max_price = Some(app::market::Money::new(400, app::market::Currency::Eur));
    let cheap = trips::search(&pool, &s).await.unwrap();
    assert_eq!(cheap.items.len(), 10);
    assert!(cheap.items.iter().all(|t| t.price_per_kg.minor <= 400));
    s.min_rating_x100 = Some(400);
    assert!(
        trips::search(&pool, &s).await.unwrap().items.is_empty(),
        "nobody is rated yet"
    );
    s.min_rating_x100 = None;
    s.exclude_user = Some(w.traveler);
    assert!(
        trips::search(&pool, &s).await.unwrap().items.is_empty(),
        "one's own trips are left out"
    );
    let back = trips::TripSearch {
        origin: Some(london),
        destination: Some(paris),
        ..Default::default()
    };
    assert!(
        trips::search(&pool, &back).await.unwrap().items.is_empty(),
        "routes have a direction"
    );
    let parcels_found = parcels::search(
        &pool,
        &parcels::ParcelSearch {
            origin: Some(paris),
            destination: Some(london),
            max_weight_g: Some(1_000),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(
        parcels_found.items.is_empty(),
        "the 2 kg parcel is too heavy"
    );
}

// ---------- the booking state machine ----------

#[sqlx::test(migrations = "../migrations")]
async fn a_request_is_countered_and_accepted(pool: PgPool) {
    let w = world(&pool).await;
    let b = bookings::propose(&pool, w.sender, Side::Sender, w.parcel, w.trip, "")
        .await
        .unwrap();
    let d = bookings::detail(&pool, w.sender, b).await.unwrap();
    assert_eq!(
        d.summary.price.minor, 1000,
        "default: the trip's price × weight"
    );
    assert!(!d.can_accept && d.can_withdraw);
    assert!(d.contact.is_none() && d.private.is_none());
    // The sender cannot answer their own request.
    assert!(matches!(
        bookings::accept(&pool, w.sender, b).await.unwrap_err(),
        AppError::Conflict(_)
    ));
    bookings::counter(&pool, w.traveler, b, "14").await.unwrap();
    assert!(
        matches!(
            bookings::counter(&pool, w.traveler, b, "15")
                .await
                .unwrap_err(),
            AppError::Conflict(_)
        ),
        "not their turn"
    );
    bookings::accept(&pool, w.sender, b).await.unwrap();
    bookings::accept(&pool, w.sender, b).await.unwrap(); // accepting twice is harmless
    let d = bookings::detail(&pool, w.traveler, b).await.unwrap();
    assert_eq!(d.summary.status, BookingStatus::Accepted);
    assert_eq!(d.summary.price.minor, 1400);
    assert!(d.contact.is_some() && d.private.is_some());
    let kinds: Vec<String> = d.events.iter().map(|e| e.what.clone()).collect();
    assert_eq!(kinds.len(), 3, "{kinds:?}");
    assert!(
        kinds[0].starts_with("requested")
            && kinds[1].starts_with("proposed a new price at 14.00 EUR")
            && kinds[2].starts_with("accepted")
    );
    assert_eq!(
        trips::detail(&pool, None, w.trip)
            .await
            .unwrap()
            .card
            .remaining,
        "8 kg"
    );
    assert_eq!(
        parcels::detail(&pool, None, false, w.parcel)
            .await
            .unwrap()
            .card
            .status,
        ParcelStatus::Booked
    );
    // Nothing more can happen to it here.
    for r in [
        bookings::decline(&pool, w.traveler, b).await,
        bookings::counter(&pool, w.traveler, b, "20").await,
        bookings::withdraw(&pool, w.sender, b).await,
    ] {
        assert!(matches!(r.unwrap_err(), AppError::Conflict(_)));
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn every_refused_transition_says_why(pool: PgPool) {
    let w = world(&pool).await;
    let stranger = user(&pool, "Eve").await;
    // Only the owner proposes; only verified members; only fitting pairs.
    assert_eq!(
        bookings::propose(&pool, stranger, Side::Sender, w.parcel, w.trip, "")
            .await
            .unwrap_err(),
        AppError::Forbidden
    );
    assert_eq!(
        bookings::propose(&pool, w.sender, Side::Traveler, w.parcel, w.trip, "")
            .await
            .unwrap_err(),
        AppError::Forbidden
    );
    sqlx::query("UPDATE users SET email_verified_at = NULL WHERE id = $1")
        .bind(w.sender)
        .execute(&pool)
        .await
        .unwrap();
    assert!(matches!(
        bookings::propose(&pool, w.sender, Side::Sender, w.parcel, w.trip, "").await.unwrap_err(),
        AppError::Conflict(m) if m.contains("Confirm your email")
    ));
    sqlx::query("UPDATE users SET email_verified_at = now() WHERE id = $1")
        .bind(w.sender)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(
        fields(
            &bookings::propose(&pool, w.sender, Side::Sender, w.parcel, w.trip, "-5")
                .await
                .unwrap_err()
        ),
        vec!["price".to_string()]
    );
    let b = bookings::propose(&pool, w.sender, Side::Sender, w.parcel, w.trip, "")
        .await
        .unwrap();
    assert!(matches!(
        bookings::propose(&pool, w.sender, Side::Sender, w.parcel, w.trip, "").await.unwrap_err(),
        AppError::Conflict(m) if m.contains("already an open request")
    ));
    // Strangers cannot see or touch it.
    for r in [
        bookings::accept(&pool, stranger, b).await,
        bookings::decline(&pool, stranger, b).await,
        bookings::counter(&pool, stranger, b, "9").await,
        bookings::withdraw(&pool, stranger, b).await,
    ] {
        assert!(matches!(r.unwrap_err(), AppError::NotFound(_)));
    }
    // The other side declines; the initiator withdraws; neither the other way round.
    assert!(matches!(
        bookings::withdraw(&pool, w.traveler, b).await.unwrap_err(),
        AppError::Conflict(_)
    ));
    assert!(matches!(
        bookings::decline(&pool, w.sender, b).await.unwrap_err(),
        AppError::Conflict(_)
    ));
    assert_eq!(
        fields(
            &bookings::counter(&pool, w.traveler, b, "10")
                .await
                .unwrap_err()
        ),
        vec!["price".to_string()],
        "countering with the same price"
    );
    // Three counters at most.
    bookings::counter(&pool, w.traveler, b, "11").await.unwrap();
    bookings::counter(&pool, w.sender, b, "10.50")
        .await
        .unwrap();
    bookings::counter(&pool, w.traveler, b, "10.80")
        .await
        .unwrap();
    let e = bookings::counter(&pool, w.sender, b, "10.60")
        .await
        .unwrap_err();
    assert!(matches!(e, AppError::Conflict(m) if m.contains("accept or decline")));
    assert!(
        !bookings::detail(&pool, w.sender, b)
            .await
            .unwrap()
            .can_counter
    );
    bookings::decline(&pool, w.sender, b).await.unwrap();
    assert_eq!(booking_status(&pool, b).await, "declined");
    assert!(matches!(
        bookings::accept(&pool, w.traveler, b).await.unwrap_err(),
        AppError::Conflict(_)
    ));

    // An offer from the traveler, withdrawn by them.
    let o = bookings::propose(&pool, w.traveler, Side::Traveler, w.parcel, w.trip, "")
        .await
        .unwrap();
    assert_eq!(
        bookings::detail(&pool, w.traveler, o)
            .await
            .unwrap()
            .summary
            .price
            .minor,
        2500,
        "default: the reward"
    );
    bookings::withdraw(&pool, w.traveler, o).await.unwrap();
    assert_eq!(booking_status(&pool, o).await, "withdrawn");

    // A parcel booked elsewhere closes its other requests.
    let trip2 = trips::create(&pool, w.traveler, &trip_form("CDG", "LHR", "5"))
        .await
        .unwrap();
    let r1 = bookings::propose(&pool, w.sender, Side::Sender, w.parcel, w.trip, "")
        .await
        .unwrap();
    let r2 = bookings::propose(&pool, w.sender, Side::Sender, w.parcel, trip2, "")
        .await
        .unwrap();
    bookings::accept(&pool, w.traveler, r1).await.unwrap();
    assert_eq!(booking_status(&pool, r2).await, "closed");
    assert!(matches!(
        bookings::propose(&pool, w.sender, Side::Sender, w.parcel, trip2, "").await.unwrap_err(),
        AppError::Conflict(m) if m.contains("not open")
    ));
}

#[sqlx::test(migrations = "../migrations")]
async fn unanswered_requests_expire_through_the_job_queue(pool: PgPool) {
    let w = world(&pool).await;
    let b = bookings::propose(&pool, w.sender, Side::Sender, w.parcel, w.trip, "")
        .await
        .unwrap();
    // Nothing is due yet.
    assert!(!jobs::work_once(&pool, &jobs::Jobs).await.unwrap());
    // 48 hours pass.
    sqlx::query("UPDATE bookings SET expires_at = now() - interval '1 minute'")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE jobs SET run_at = now() - interval '1 minute'")
        .execute(&pool)
        .await
        .unwrap();
    assert!(
        matches!(bookings::accept(&pool, w.traveler, b).await.unwrap_err(), AppError::Conflict(m) if m.contains("expired"))
    );
    assert!(jobs::work_once(&pool, &jobs::Jobs).await.unwrap());
    assert_eq!(booking_status(&pool, b).await, "expired");
    assert!(
        !jobs::work_once(&pool, &jobs::Jobs).await.unwrap(),
        "the job ran once"
    );
    let d = bookings::detail(&pool, w.sender, b).await.unwrap();
    assert!(d.events.last().unwrap().what.contains("expired"));

    // A trip that departs takes its pending requests with it (the sweep).
    let b2 = bookings::propose(&pool, w.sender, Side::Sender, w.parcel, w.trip, "")
        .await
        .unwrap();
    sqlx::query("UPDATE trips SET departs_at = now() - interval '1 hour', arrives_at = now() + interval '1 hour'")
        .execute(&pool)
        .await
        .unwrap();
    jobs::schedule_sweep(&pool).await.unwrap();
    jobs::schedule_sweep(&pool).await.unwrap();
    let sweeps: i64 = sqlx::query_scalar("SELECT count(*) FROM jobs WHERE kind = 'sweep'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(sweeps, 1, "scheduled once a minute, whoever asks");
    while jobs::work_once(&pool, &jobs::Jobs).await.unwrap() {}
    assert_eq!(booking_status(&pool, b2).await, "expired");
    let status: String = sqlx::query_scalar("SELECT status FROM trips WHERE id = $1")
        .bind(w.trip)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(status, "expired", "departed with nothing booked");
}

/// Counts the jobs each worker handled, and fails the job whose payload asks for it.
struct Counting;

impl jobs::Handler for Counting {
    async fn run(&self, conn: &mut sqlx::PgConnection, job: &jobs::Job) -> Result<(), AppError> {
        sqlx::query("INSERT INTO job_runs (job) VALUES ($1)")
            .bind(job.id)
            .execute(&mut *conn)
            .await?;
        if job.payload.get("fail").is_some() {
            return Err(AppError::internal("asked to fail"));
        }
        Ok(())
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn concurrent_workers_run_each_job_exactly_once(pool: PgPool) {
    sqlx::query("CREATE TABLE job_runs (job bigint NOT NULL)")
        .execute(&pool)
        .await
        .unwrap();
    for i in 0..200 {
        let payload = if i == 7 {
            serde_json::json!({"fail": true})
        } else {
            serde_json::json!({})
        };
        sqlx::query("INSERT INTO jobs (kind, payload) VALUES ('test', $1)")
            .bind(payload)
            .execute(&pool)
            .await
            .unwrap();
    }
    let workers: Vec<_> = (0..6)
        .map(|_| {
            let pool = pool.clone();
            tokio::spawn(async move { while jobs::work_once(&pool, &Counting).await.unwrap() {} })
        })
        .collect();
    for w in workers {
        w.await.unwrap();
    }
    let twice: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM (SELECT job FROM job_runs GROUP BY job HAVING count(*) > 1) x",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(twice, 0);
    let done: i64 = sqlx::query_scalar("SELECT count(*) FROM jobs WHERE done_at IS NOT NULL")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(done, 199);
    // The failed job's own writes were rolled back; it waits to be retried.
    let (attempts, error): (i32, Option<String>) =
        sqlx::query_as("SELECT attempts, last_error FROM jobs WHERE done_at IS NULL")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(attempts, 1);
    assert!(error.is_some());
    let runs: i64 = sqlx::query_scalar("SELECT count(*) FROM job_runs")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(runs, 199);
}

#[sqlx::test(migrations = "../migrations")]
async fn twenty_racing_acceptances_fill_five_kilos_exactly(pool: PgPool) {
    setup(&pool).await;
    let traveler = user(&pool, "Tara").await;
    let trip = trips::create(&pool, traveler, &trip_form("CDG", "LHR", "5"))
        .await
        .unwrap();
    let mut requests = Vec::new();
    for i in 0..20 {
        let s = user(&pool, &format!("Sender{i}")).await;
        let p = parcels::create(
            &pool,
            s,
            &parcel_form("Paris, France", "London, United Kingdom", "1"),
            true,
        )
        .await
        .unwrap();
        requests.push(
            bookings::propose(&pool, s, Side::Sender, p, trip, "")
                .await
                .unwrap(),
        );
    }
    let tasks: Vec<_> = requests
        .into_iter()
        .map(|b| {
            let pool = pool.clone();
            tokio::spawn(async move { bookings::accept(&pool, traveler, b).await })
        })
        .collect();
    let mut accepted = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(()) => accepted += 1,
            Err(AppError::Conflict(m)) => assert!(m.contains("enough room"), "{m}"),
            Err(e) => panic!("unexpected {e:?}"),
        }
    }
    assert_eq!(accepted, 5);
    let (remaining, booked): (i32, i64) = sqlx::query_as(
        "SELECT remaining_g, (SELECT count(*) FROM bookings WHERE trip_id = $1 AND status = 'accepted')
         FROM trips WHERE id = $1",
    )
    .bind(trip)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((remaining, booked), (0, 5));
}
