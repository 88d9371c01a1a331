//! Reviews: double-blind at each step and after the window, once per side, only the booking's
//! two sides, only after completion; the reputation numbers real bookings write, and the match
//! score moving with them.

use super::support::*;
use app::error::AppError;
use app::server::bookings::{end, handoff};
use app::server::matching::rank;
use app::server::reviews::{self, ReviewInput};
use app::server::settings;
use app::types::BookingId;
use sqlx::PgPool;

async fn completed(pool: &PgPool) -> (World, BookingId) {
    let w = money_world(pool).await;
    top_up(pool, w.sender, "100").await;
    let b = accepted(pool, &w).await;
    let pickup = code(pool, b, "pickup").await;
    handoff::pick_up(pool, w.traveler, b, &pickup, inspected())
        .await
        .unwrap();
    let delivery = code(pool, b, "delivery").await;
    handoff::deliver(pool, w.traveler, b, &delivery, None)
        .await
        .unwrap();
    end::confirm(pool, w.sender, b).await.unwrap();
    (w, b)
}

fn review(stars: &str, comment: &str) -> ReviewInput {
    ReviewInput {
        stars: stars.into(),
        communication: "5".into(),
        punctuality: "4".into(),
        care: String::new(),
        comment: comment.into(),
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn reviews_stay_hidden_until_both_have_written(pool: PgPool) {
    let (w, b) = completed(&pool).await;
    reviews::write(&pool, w.sender, b, &review("5", "Careful and on time."))
        .await
        .unwrap();
    // The traveler knows a review exists, not what it says; nobody else sees it either.
    let t = reviews::for_booking(&pool, w.traveler, b, "UTC")
        .await
        .unwrap();
    assert!(t.theirs.is_none() && t.theirs_waiting && t.can_write);
    let s = reviews::for_booking(&pool, w.sender, b, "UTC")
        .await
        .unwrap();
    assert!(s.mine.is_some() && !s.can_write && s.theirs.is_none());
    let rep = reviews::reputation(&pool, w.traveler, "UTC").await.unwrap();
    assert!(rep.as_traveler.reviews.is_empty() && rep.as_traveler.rating.is_none());

    reviews::write(&pool, w.traveler, b, &review("4", "Parcel well packed."))
        .await
        .unwrap();
    let t = reviews::for_booking(&pool, w.traveler, b, "UTC")
        .await
        .unwrap();
    assert_eq!(t.theirs.unwrap().comment, "Careful and on time.");
    let rep = reviews::reputation(&pool, w.traveler, "UTC").await.unwrap();
    assert_eq!(rep.as_traveler.rating.as_deref(), Some("5.0"));
    assert_eq!(rep.as_traveler.reviews_count, 1);
    assert_eq!(rep.as_traveler.communication.as_deref(), Some("5.0"));
    assert_eq!(rep.as_traveler.care, None);
    assert_eq!(rep.as_traveler.completed, 1);
    assert_eq!(rep.as_traveler.on_time_rate.as_deref(), Some("100%"));
    let rep = reviews::reputation(&pool, w.sender, "UTC").await.unwrap();
    assert_eq!(rep.as_sender.rating.as_deref(), Some("4.0"));
    assert!(rep.as_traveler.reviews.is_empty());

    // Once per side; strangers cannot review; the same review twice is refused.
    assert!(matches!(
        reviews::write(&pool, w.sender, b, &review("1", "")).await,
        Err(AppError::Conflict(_))
    ));
    let eve = user(&pool, "Eve").await;
    assert!(matches!(
        reviews::write(&pool, eve, b, &review("1", "")).await,
        Err(AppError::NotFound(_))
    ));
    assert!(matches!(
        reviews::for_booking(&pool, eve, b, "UTC").await,
        Err(AppError::NotFound(_))
    ));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_lone_review_is_published_when_the_window_closes(pool: PgPool) {
    let (w, b) = completed(&pool).await;
    reviews::write(&pool, w.traveler, b, &review("3", "Late to the meeting."))
        .await
        .unwrap();
    // The job scheduled at completion, run when it is due.
    let due: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM jobs WHERE kind = 'reviews.publish'
         AND run_at BETWEEN now() + interval '13 days 23 hours' AND now() + interval '14 days 1 hour'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(due, 1);
    assert!(reviews::for_booking(&pool, w.sender, b, "UTC")
        .await
        .unwrap()
        .theirs
        .is_none());
    let mut conn = pool.acquire().await.unwrap();
    assert_eq!(reviews::publish(&mut conn, b).await.unwrap(), 1);
    assert_eq!(reviews::publish(&mut conn, b).await.unwrap(), 0, "once");
    drop(conn);
    let s = reviews::for_booking(&pool, w.sender, b, "UTC")
        .await
        .unwrap();
    assert_eq!(s.theirs.unwrap().stars, 3);
    let rep = reviews::reputation(&pool, w.sender, "UTC").await.unwrap();
    assert_eq!(rep.as_sender.rating.as_deref(), Some("3.0"));

    // After the window nobody can write any more.
    sqlx::query("UPDATE bookings SET completed_at = now() - interval '15 days' WHERE id = $1")
        .bind(b)
        .execute(&pool)
        .await
        .unwrap();
    let e = reviews::write(&pool, w.sender, b, &review("5", ""))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("closed"), "{e}");
    assert!(
        !reviews::for_booking(&pool, w.sender, b, "UTC")
            .await
            .unwrap()
            .can_write
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn reviews_need_a_completed_booking_and_valid_scores(pool: PgPool) {
    let w = money_world(&pool).await;
    top_up(&pool, w.sender, "100").await;
    let b = accepted(&pool, &w).await;
    assert!(matches!(
        reviews::write(&pool, w.sender, b, &review("5", "")).await,
        Err(AppError::Conflict(_))
    ));
    let bad = ReviewInput {
        stars: "9223372036854775807".into(),
        communication: "0".into(),
        punctuality: "-1".into(),
        care: "x".into(),
        comment: "y".repeat(2001),
    };
    let e = reviews::write(&pool, w.sender, b, &bad).await.unwrap_err();
    let mut f = fields(&e);
    f.sort();
    assert_eq!(
        f,
        ["care", "comment", "communication", "punctuality", "stars"]
    );
    let nul = ReviewInput {
        comment: "a\0b".into(),
        ..review("5", "")
    };
    assert_eq!(
        fields(&reviews::write(&pool, w.sender, b, &nul).await.unwrap_err()),
        ["comment"]
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_completed_reviewed_booking_moves_the_match_score(pool: PgPool) {
    let (w, b) = completed(&pool).await;
    let second = posted(&pool, w.sender, &parcel_form("Paris, France", "LHR", "2")).await;
    let reputation = |m: &[app::types::matching::TripMatch]| {
        m[0].parts
            .iter()
            .find(|p| p.name == "Reputation")
            .map(|p| p.points)
            .unwrap()
    };
    let before = reputation(&rank::trips_for_parcel(&pool, second, 10).await.unwrap());
    reviews::write(&pool, w.sender, b, &review("5", ""))
        .await
        .unwrap();
    reviews::write(&pool, w.traveler, b, &review("5", ""))
        .await
        .unwrap();
    let after = reputation(&rank::trips_for_parcel(&pool, second, 10).await.unwrap());
    assert!(after > before, "{before} → {after}");
    let rating: Option<i32> =
        sqlx::query_scalar("SELECT traveler_rating_x100 FROM users WHERE id = $1")
            .bind(w.traveler)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(rating, Some(500));
    assert_eq!(settings::load(&pool).await.unwrap().review_window_days, 14);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_response_rate_counts_booking_requests_and_conversations(pool: PgPool) {
    let w = world(&pool).await;
    // A request the traveler accepted 110 minutes after it came.
    let b = accepted(&pool, &w).await;
    sqlx::query("UPDATE bookings SET created_at = now() - interval '110 minutes' WHERE id = $1")
        .bind(b)
        .execute(&pool)
        .await
        .unwrap();
    let rep = reviews::reputation(&pool, w.traveler, "UTC").await.unwrap();
    assert_eq!(rep.as_traveler.response_rate.as_deref(), Some("100%"));
    assert_eq!(
        rep.as_traveler.response_time.as_deref(),
        Some("within 2 hours")
    );
    // A conversation the sender opened two days ago, never answered: half answered now.
    let c: uuid::Uuid = sqlx::query_scalar(
        "INSERT INTO conversations (parcel_id, trip_id, sender_id, traveler_id)
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(w.parcel)
    .bind(w.trip)
    .bind(w.sender)
    .bind(w.traveler)
    .fetch_one(&pool)
    .await
    .unwrap();
    let write = |author: app::types::UserId, ago: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query(&format!(
                "INSERT INTO messages (conversation_id, author_id, body, created_at)
                 VALUES ($1, $2, 'hello', now() - interval '{ago}')"
            ))
            .bind(c)
            .bind(author)
            .execute(&pool)
            .await
            .unwrap();
        }
    };
    write(w.sender, "2 days").await;
    let rep = reviews::reputation(&pool, w.traveler, "UTC").await.unwrap();
    assert_eq!(rep.as_traveler.response_rate.as_deref(), Some("50%"));
    // Answered four hours later: both answered, the median of 110 min and 4 h.
    write(w.traveler, "44 hours").await;
    let rep = reviews::reputation(&pool, w.traveler, "UTC").await.unwrap();
    assert_eq!(rep.as_traveler.response_rate.as_deref(), Some("100%"));
    assert_eq!(
        rep.as_traveler.response_time.as_deref(),
        Some("within 3 hours")
    );
    // The sender opened it: nothing was asked of them there.
    let rep = reviews::reputation(&pool, w.sender, "UTC").await.unwrap();
    assert_eq!(rep.as_sender.response_rate, None);
}
