//! Search and matching: every hard filter, the score, search filters and pages.

use super::support::*;
use app::server::matching::{filters, rank, search};
use app::server::parcels::store as parcel_store;
use app::server::trips::{service as trips, store as trip_store};
use app::server::{places, settings};
use app::types::{Currency, Money, TripId};
use sqlx::PgPool;
use time::OffsetDateTime;

#[sqlx::test(migrations = "../migrations")]
async fn matching_applies_every_hard_filter(pool: PgPool) {
    let w = world(&pool).await;
    let m = rank::trips_for_parcel(&pool, w.parcel, 10).await.unwrap();
    assert_eq!(m.len(), 1, "CDG is in Paris, LHR in London");
    assert_eq!(m[0].parts.len(), 6);
    assert_eq!(m[0].price.minor, 1000, "5 EUR/kg × 2 kg");
    assert!(
        m[0].parts[0].why.contains("same city area"),
        "{:?}",
        m[0].parts[0]
    );
    let p = rank::parcels_for_trip(&pool, w.trip, 10).await.unwrap();
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
    // Within the 12-hour cut-off: posted, but no longer taking bookings.
    let mut too_soon = trip_form("CDG", "LHR", "10");
    let soon = OffsetDateTime::now_utc() + time::Duration::hours(3);
    too_soon.departs_at = app::server::time::input_value(soon, "Europe/Paris");
    too_soon.arrives_at =
        app::server::time::input_value(soon + time::Duration::hours(2), "Europe/London");
    trips::create(&pool, t, &too_soon).await.unwrap();
    // Versailles is within 50 km of Paris: still a match, with a lower route score than a
    // trip between exactly the parcel's places.
    let near = trips::create(&pool, t, &trip_form("Versailles, France", "LHR", "10"))
        .await
        .unwrap();
    let exact = trips::create(&pool, t, &trip_form("Paris, France", "LHR", "10"))
        .await
        .unwrap();
    let own = posted(&pool, t, &parcel_form("Paris, France", "LHR", "1")).await;

    let m = rank::trips_for_parcel(&pool, w.parcel, 10).await.unwrap();
    let ids: Vec<TripId> = m.iter().map(|x| x.trip.id).collect();
    assert_eq!(ids.len(), 3, "{m:#?}");
    assert!(ids.contains(&w.trip) && ids.contains(&near));
    assert_eq!(m[0].trip.id, exact, "the exact route ranks first");
    assert_eq!(m[0].parts[0].points, 30);
    assert!(m[0].score > m[1].score);
    assert!(
        rank::trips_for_parcel(&pool, own, 10)
            .await
            .unwrap()
            .is_empty(),
        "all these trips are the parcel sender's own"
    );

    // The hard filters live twice: in the candidate SQL (fast) and in `filters::misfit` (the
    // check a request or acceptance makes). They must agree on every trip.
    let parcel = parcel_store::row(&pool, w.parcel).await.unwrap();
    let mut conn = pool.acquire().await.unwrap();
    let s = settings::load(&mut *conn).await.unwrap();
    let near_pickup = places::metros_near(&mut conn, parcel.pickup_metro_id, s.match_radius_km)
        .await
        .unwrap();
    let near_delivery = places::metros_near(&mut conn, parcel.delivery_metro_id, s.match_radius_km)
        .await
        .unwrap();
    let candidates: Vec<TripId> = filters::trip_candidates(&mut conn, &parcel, &s)
        .await
        .unwrap()
        .iter()
        .map(|t| t.id)
        .collect();
    let all: Vec<TripId> = sqlx::query_scalar("SELECT id FROM trips")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert!(all.len() >= 8);
    for id in all {
        let trip = trip_store::row(&pool, id).await.unwrap();
        let why = filters::misfit(
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
    let mut s = search::Filters {
        origin: Some(paris),
        destination: Some(london),
        page: 1,
        ..Default::default()
    };
    let p1 = search::trips(&pool, &s).await.unwrap();
    assert_eq!(p1.items.len(), 20);
    assert!(p1.has_next);
    s.page = 2;
    let p2 = search::trips(&pool, &s).await.unwrap();
    assert_eq!(p2.items.len(), 6);
    assert!(!p2.has_next);
    s.page = 1;
    s.sort = search::SearchSort::Cheapest;
    s.money = Some(Money::new(400, Currency::Eur));
    let cheap = search::trips(&pool, &s).await.unwrap();
    assert_eq!(cheap.items.len(), 10);
    assert!(cheap.items.iter().all(|t| t.price_per_kg.minor <= 400));
    s.min_rating_x100 = Some(400);
    assert!(
        search::trips(&pool, &s).await.unwrap().items.is_empty(),
        "nobody is rated yet"
    );
    s.min_rating_x100 = None;
    s.exclude_user = Some(w.traveler);
    assert!(
        search::trips(&pool, &s).await.unwrap().items.is_empty(),
        "one's own trips are left out"
    );
    let back = search::Filters {
        origin: Some(london),
        destination: Some(paris),
        ..Default::default()
    };
    assert!(
        search::trips(&pool, &back).await.unwrap().items.is_empty(),
        "routes have a direction"
    );
    let parcels_found = search::parcels(
        &pool,
        &search::Filters {
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

/// Statements sent to Postgres while `f` runs (sqlx logs each one under `sqlx::query`).
async fn statements<T>(f: impl std::future::Future<Output = T>) -> (T, usize) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use tracing_subscriber::layer::SubscriberExt;

    struct Count(Arc<AtomicUsize>);
    impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Count {
        fn on_event(&self, e: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
            if e.metadata().target() == "sqlx::query" {
                self.0.fetch_add(1, Ordering::SeqCst);
            }
        }
    }
    let n = Arc::new(AtomicUsize::new(0));
    let dispatch = tracing::Dispatch::new(tracing_subscriber::registry().with(Count(n.clone())));
    // `#[sqlx::test]` runs on one thread, so every statement of `f` is seen here.
    let _guard = tracing::dispatcher::set_default(&dispatch);
    // Whether a log line is made at all is decided from a cache shared by the whole process,
    // which the other tests' threads fill in as they log; decided again now, with this
    // subscriber in place, no statement of `f` goes uncounted (one did, once, under load).
    tracing::callsite::rebuild_interest_cache();
    let out = f.await;
    (out, n.load(Ordering::SeqCst))
}

/// A search page costs two round trips (its ids, then its rows) once the instance has its
/// settings in memory and has met the places before; a changed setting is read again once.
#[sqlx::test(migrations = "../migrations")]
async fn a_search_costs_two_round_trips_and_settings_come_from_memory(pool: PgPool) {
    world(&pool).await; // a trip from CDG to LHR among others
    let (_, fresh) = statements(settings::current(&pool)).await;
    assert_eq!(fresh, 1, "without a listener, settings are read every time");
    let watcher = tokio::spawn(settings::watch(pool.clone()));
    let mut cached = usize::MAX;
    for _ in 0..100 {
        settings::current(&pool).await.unwrap();
        cached = statements(settings::current(&pool)).await.1;
        if cached == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(
        cached, 0,
        "a listening instance keeps its settings in memory"
    );

    let q = app::types::matching::SearchQuery {
        from: "Paris, France".into(),
        to: "London, United Kingdom".into(),
        page: 1,
        ..Default::default()
    };
    let search = || async {
        let f = search::Filters::parse(&pool, &q, "", None).await.unwrap();
        search::trips(&pool, &f).await.unwrap()
    };
    let (first, _) = statements(search()).await;
    assert_eq!(first.items.len(), 1);
    let (again, trips_round_trips) = statements(search()).await;
    assert_eq!(again.items.len(), 1);
    assert_eq!(trips_round_trips, 2, "the page of ids, then its rows");

    // A change made anywhere (here: straight in the database, as another instance would) is
    // heard and read once; the radius it sets is in force.
    settings::set(&pool, "match_radius_km", 40).await.unwrap();
    let mut radius = 0;
    for _ in 0..100 {
        radius = settings::current(&pool).await.unwrap().match_radius_km;
        if radius == 40 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(radius, 40, "the change was heard");
    assert_eq!(statements(settings::current(&pool)).await.1, 0);
    watcher.abort();
}
