//! Route alerts: saving a search, the job that tells its owner about a new listing once, and
//! agreement with the search itself.

use super::support::*;
use app::error::AppError;
use app::server::jobs;
use app::server::matching::{alerts, search};
use app::server::notifications;
use app::server::trips::service as trips;
use app::server::worker;
use app::types::matching::{AlertKind, SearchQuery};
use app::types::{NotificationKind, UserId};
use sqlx::PgPool;

fn route(from: &str, to: &str) -> SearchQuery {
    SearchQuery {
        from: from.into(),
        to: to.into(),
        page: 1,
        ..SearchQuery::default()
    }
}

async fn run_jobs(pool: &PgPool) {
    while jobs::work_once(pool, &worker::Jobs).await.unwrap() {}
}

async fn alert_notes(pool: &PgPool, user: UserId) -> usize {
    notifications::list(pool, user, 1, "UTC")
        .await
        .unwrap()
        .iter()
        .filter(|n| n.kind == NotificationKind::RouteAlert)
        .count()
}

#[sqlx::test(migrations = "../migrations")]
async fn an_alert_tells_its_owner_about_each_new_matching_trip_once(pool: PgPool) {
    setup(&pool).await;
    let sender = user(&pool, "Sam").await;
    let traveler = user(&pool, "Tara").await;
    // An alert follows a route.
    let e = alerts::save(
        &pool,
        sender,
        AlertKind::Trips,
        &route("Paris, France", ""),
        "",
    )
    .await
    .unwrap_err();
    assert_eq!(fields(&e), vec!["to"]);
    let books = SearchQuery {
        category: "books".into(),
        ..route("Paris, France", "London, United Kingdom")
    };
    let a = alerts::save(&pool, sender, AlertKind::Trips, &books, "")
        .await
        .unwrap();
    let mine = alerts::mine(&pool, sender, "UTC").await.unwrap();
    assert_eq!(mine.len(), 1);
    assert!(
        mine[0].label.contains("Paris") && mine[0].label.contains("Books"),
        "{}",
        mine[0].label
    );
    assert!(
        mine[0].search.starts_with("/search/trips?from=Paris"),
        "{}",
        mine[0].search
    );

    // CDG is in the Paris area, Heathrow in London's: a match, told once however often it runs.
    let t = trips::create(&pool, traveler, &trip_form("CDG", "LHR", "10"))
        .await
        .unwrap();
    run_jobs(&pool).await;
    assert_eq!(alert_notes(&pool, sender).await, 1);
    let mut conn = pool.acquire().await.unwrap();
    assert_eq!(
        alerts::run(&mut conn, AlertKind::Trips, t.0).await.unwrap(),
        0
    );
    let n = notifications::list(&pool, sender, 1, "UTC").await.unwrap();
    assert_eq!(n[0].link, format!("/trips/{t}"));

    // A trip the search would not return tells nobody: another route, no books.
    trips::create(&pool, traveler, &trip_form("CDG", "Berlin, Germany", "10"))
        .await
        .unwrap();
    let clothes_only = app::types::trips::TripForm {
        categories: vec!["clothing".into()],
        ..trip_form("CDG", "LHR", "10")
    };
    trips::create(&pool, traveler, &clothes_only).await.unwrap();
    // The owner's own trip neither.
    trips::create(&pool, sender, &trip_form("CDG", "LHR", "10"))
        .await
        .unwrap();
    run_jobs(&pool).await;
    assert_eq!(alert_notes(&pool, sender).await, 1);

    // Paused: silent. Resumed: it hears again.
    alerts::set_paused(&pool, sender, a, true).await.unwrap();
    trips::create(
        &pool,
        traveler,
        &trip_form("Paris, France", "London, United Kingdom", "10"),
    )
    .await
    .unwrap();
    run_jobs(&pool).await;
    assert_eq!(alert_notes(&pool, sender).await, 1);
    alerts::set_paused(&pool, sender, a, false).await.unwrap();
    trips::create(
        &pool,
        traveler,
        &trip_form("Paris, France", "London, United Kingdom", "10"),
    )
    .await
    .unwrap();
    run_jobs(&pool).await;
    assert_eq!(alert_notes(&pool, sender).await, 2);
    assert_eq!(alerts::mine(&pool, sender, "UTC").await.unwrap()[0].hits, 2);

    // Only its owner changes it.
    assert!(matches!(
        alerts::delete(&pool, traveler, a).await,
        Err(AppError::NotFound(_))
    ));
    alerts::delete(&pool, sender, a).await.unwrap();
    assert!(alerts::mine(&pool, sender, "UTC").await.unwrap().is_empty());
}

#[sqlx::test(migrations = "../migrations")]
async fn a_parcel_alert_hears_of_a_parcel_once_it_is_listed(pool: PgPool) {
    setup(&pool).await;
    let traveler = user(&pool, "Tara").await;
    let sender = user(&pool, "Sam").await;
    alerts::save(
        &pool,
        traveler,
        AlertKind::Parcels,
        &route("Paris, France", "London, United Kingdom"),
        "5",
    )
    .await
    .unwrap();
    // Posted without a photo it is not listed yet: nothing.
    let p = app::server::parcels::service::create(
        &pool,
        sender,
        &parcel_form("Paris, France", "LHR", "2"),
        true,
    )
    .await
    .unwrap();
    run_jobs(&pool).await;
    assert_eq!(alert_notes(&pool, traveler).await, 0);
    // With its photo, it is.
    let dir = std::env::temp_dir().join(format!("carry-alerts-{}", uuid::Uuid::new_v4()));
    app::server::parcels::photos::add(
        &pool,
        &dir,
        sender,
        p,
        vec![("box.png".into(), testkit::png(32, 32, [10, 20, 30]))],
    )
    .await
    .unwrap();
    run_jobs(&pool).await;
    assert_eq!(alert_notes(&pool, traveler).await, 1);
    // Heavier than the bag: not for this alert.
    let heavy = posted(&pool, sender, &parcel_form("Paris, France", "LHR", "8")).await;
    let mut conn = pool.acquire().await.unwrap();
    assert_eq!(
        alerts::run(&mut conn, AlertKind::Parcels, heavy.0)
            .await
            .unwrap(),
        0
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// The alert query and the search agree: for each saved search, a new trip is announced exactly
/// when the search would list it.
#[sqlx::test(migrations = "../migrations")]
async fn alerts_match_exactly_what_the_search_returns(pool: PgPool) {
    setup(&pool).await;
    let sender = user(&pool, "Sam").await;
    let traveler = user(&pool, "Tara").await;
    // ID-verified, so the "ID-verified members only" alert matches too.
    sqlx::query("UPDATE users SET id_verified_at = now() WHERE id = $1")
        .bind(traveler)
        .execute(&pool)
        .await
        .unwrap();
    let base = route("Paris, France", "London, United Kingdom");
    let searches = vec![
        base.clone(),
        SearchQuery {
            category: "electronics".into(),
            ..base.clone()
        },
        SearchQuery {
            category: "gifts".into(),
            ..base.clone()
        },
        SearchQuery {
            max_price: "5".into(),
            currency: "EUR".into(),
            ..base.clone()
        },
        SearchQuery {
            max_price: "4.99".into(),
            currency: "EUR".into(),
            ..base.clone()
        },
        SearchQuery {
            max_price: "5".into(),
            currency: "GBP".into(),
            ..base.clone()
        },
        SearchQuery {
            date_from: date(4),
            date_to: date(6),
            ..base.clone()
        },
        SearchQuery {
            date_from: date(6),
            ..base.clone()
        },
        SearchQuery {
            date_to: date(4),
            ..base.clone()
        },
        SearchQuery {
            min_rating: "4".into(),
            ..base.clone()
        },
        SearchQuery {
            verified: true,
            ..base.clone()
        },
        route("Lyon, France", "London, United Kingdom"),
        route("London, United Kingdom", "Paris, France"),
    ];
    let mut ids = Vec::new();
    for q in &searches {
        ids.push(
            alerts::save(&pool, sender, AlertKind::Trips, q, "")
                .await
                .unwrap(),
        );
    }
    let t = trips::create(&pool, traveler, &trip_form("CDG", "LHR", "10"))
        .await
        .unwrap();
    let mut conn = pool.acquire().await.unwrap();
    let matched: Vec<_> = alerts::for_trip(&mut conn, t)
        .await
        .unwrap()
        .into_iter()
        .map(|(a, _)| a)
        .collect();
    for (q, id) in searches.iter().zip(&ids) {
        let f = search::Filters::parse(&pool, q, "", Some(sender))
            .await
            .unwrap();
        let listed = search::trips(&pool, &f)
            .await
            .unwrap()
            .items
            .iter()
            .any(|c| c.id == t);
        assert_eq!(matched.contains(id), listed, "{q:?}");
    }
    assert!(
        matched.len() >= 5,
        "the cases cover matches too: {}",
        matched.len()
    );
}
