//! Reports and moderation: a report waits once; an admin's decision removes a listing, warns,
//! suspends (sessions end, listings hidden until it is over, nobody can book) or bans (listings
//! withdrawn, requests refunded, accepted bookings cancelled under the rules), tells the member
//! why, and is decided once however many clicks arrive.

use super::support::*;
use app::error::AppError;
use app::server::accounts::sessions;
use app::server::matching::rank;
use app::server::moderation;
use app::types::{ModerationAction, ReportReason, ReportSubject, Side, UserId};
use sqlx::PgPool;

async fn notes(pool: &PgPool, user: UserId) -> Vec<(String, String)> {
    sqlx::query_as("SELECT title, body FROM notifications WHERE user_id = $1 AND kind = 'moderation' ORDER BY id")
        .bind(user)
        .fetch_all(pool)
        .await
        .unwrap()
}

async fn live_sessions(pool: &PgPool, user: UserId) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM sessions WHERE user_id = $1 AND revoked_at IS NULL")
        .bind(user)
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn scalar(pool: &PgPool, sql: &str, id: uuid::Uuid) -> String {
    sqlx::query_scalar(sql)
        .bind(id)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// The id of the only open report.
async fn open_report(pool: &PgPool) -> i64 {
    let q = moderation::queue(pool, "UTC").await.unwrap();
    assert_eq!(q.len(), 1, "{q:?}");
    q[0].id
}

#[sqlx::test(migrations = "../migrations")]
async fn a_report_waits_once_and_nobody_reports_themselves(pool: PgPool) {
    let w = world(&pool).await;
    let link = moderation::report(
        &pool,
        w.sender,
        ReportSubject::Trip,
        w.trip.0,
        ReportReason::Fraud,
        " fake dates ",
    )
    .await
    .unwrap();
    assert_eq!(link, format!("/trips/{}", w.trip));
    // Twice is still one report.
    moderation::report(
        &pool,
        w.sender,
        ReportSubject::Trip,
        w.trip.0,
        ReportReason::Fraud,
        "",
    )
    .await
    .unwrap();
    let q = moderation::queue(&pool, "UTC").await.unwrap();
    assert_eq!(q.len(), 1);
    assert_eq!(q[0].member, w.traveler);
    assert_eq!(q[0].subject, ReportSubject::Trip);
    assert_eq!(q[0].note, "fake dates");
    assert_eq!(q[0].subject_link, link);
    assert_eq!(q[0].member_status, "Active");
    assert!(q[0].subject_title.contains('→'), "{:?}", q[0].subject_title);
    assert!(matches!(
        moderation::report(
            &pool,
            w.traveler,
            ReportSubject::Trip,
            w.trip.0,
            ReportReason::Spam,
            ""
        )
        .await,
        Err(AppError::Conflict(_))
    ));
    assert!(matches!(
        moderation::report(
            &pool,
            w.traveler,
            ReportSubject::Member,
            w.traveler.0,
            ReportReason::Spam,
            ""
        )
        .await,
        Err(AppError::Conflict(_))
    ));
    for bad in ["a\0b", &"x".repeat(2001)] {
        let e = moderation::report(
            &pool,
            w.traveler,
            ReportSubject::Parcel,
            w.parcel.0,
            ReportReason::Other,
            bad,
        )
        .await
        .unwrap_err();
        assert_eq!(fields(&e), ["note"]);
    }
    assert!(matches!(
        moderation::report(
            &pool,
            w.traveler,
            ReportSubject::Parcel,
            uuid::Uuid::new_v4(),
            ReportReason::Other,
            ""
        )
        .await,
        Err(AppError::NotFound(_))
    ));
    // A parcel still in review is not public: a stranger cannot learn it exists.
    sqlx::query("UPDATE parcels SET status = 'in_review' WHERE id = $1")
        .bind(w.parcel)
        .execute(&pool)
        .await
        .unwrap();
    assert!(matches!(
        moderation::report(
            &pool,
            w.traveler,
            ReportSubject::Parcel,
            w.parcel.0,
            ReportReason::Other,
            ""
        )
        .await,
        Err(AppError::NotFound(_))
    ));
}

#[sqlx::test(migrations = "../migrations")]
async fn removing_a_trip_refunds_its_requests_and_tells_why(pool: PgPool) {
    let w = world(&pool).await;
    let admin = user(&pool, "Ada").await;
    let b = propose(&pool, w.sender, Side::Sender, w.parcel, w.trip, "")
        .await
        .unwrap();
    let before = available(&pool, w.sender).await;
    assert!(held(&pool, b).await > 0);
    moderation::report(
        &pool,
        w.sender,
        ReportSubject::Trip,
        w.trip.0,
        ReportReason::Prohibited,
        "asks for cash",
    )
    .await
    .unwrap();
    let id = open_report(&pool).await;
    let e = moderation::decide(&pool, admin, id, ModerationAction::RemoveListing, "", "  ")
        .await
        .unwrap_err();
    assert_eq!(fields(&e), ["reason"]);
    moderation::decide(
        &pool,
        admin,
        id,
        ModerationAction::RemoveListing,
        "",
        "Asks to be paid outside Carry.",
    )
    .await
    .unwrap();
    assert_eq!(
        scalar(&pool, "SELECT status FROM trips WHERE id = $1", w.trip.0).await,
        "cancelled"
    );
    assert_eq!(booking_status(&pool, b).await, "closed");
    assert_eq!(held(&pool, b).await, 0);
    assert!(available(&pool, w.sender).await > before);
    let told = notes(&pool, w.traveler).await;
    assert_eq!(told.len(), 1);
    assert_eq!(told[0].0, "Your listing was removed");
    assert!(told[0].1.contains("Asks to be paid outside Carry."));
    assert_eq!(notes(&pool, w.sender).await[0].0, "Your report was handled");
    assert!(moderation::queue(&pool, "UTC").await.unwrap().is_empty());
    // Deciding again changes nothing.
    assert!(matches!(
        moderation::decide(&pool, admin, id, ModerationAction::Ban, "", "again").await,
        Err(AppError::Conflict(_))
    ));
    let log =
        app::server::audit::list(&pool, "moderation.", &format!("user:{}", w.traveler), "UTC")
            .await
            .unwrap();
    assert_eq!(log.len(), 1);
    assert!(log[0]
        .after
        .as_deref()
        .unwrap()
        .contains("Asks to be paid outside Carry."));
    assert_ledger_ok(&pool).await;
}

#[sqlx::test(migrations = "../migrations")]
async fn a_dismissed_report_changes_nothing_for_the_member(pool: PgPool) {
    let w = world(&pool).await;
    let admin = user(&pool, "Ada").await;
    moderation::report(
        &pool,
        w.traveler,
        ReportSubject::Member,
        w.sender.0,
        ReportReason::Abuse,
        "",
    )
    .await
    .unwrap();
    let id = open_report(&pool).await;
    // A member report has no listing to remove.
    assert!(matches!(
        moderation::decide(&pool, admin, id, ModerationAction::RemoveListing, "", "x").await,
        Err(AppError::BadRequest(_))
    ));
    moderation::decide(&pool, admin, id, ModerationAction::Dismiss, "", "")
        .await
        .unwrap();
    assert!(notes(&pool, w.sender).await.is_empty());
    assert_eq!(notes(&pool, w.traveler).await.len(), 1);
    assert_eq!(
        scalar(&pool, "SELECT status FROM users WHERE id = $1", w.sender.0).await,
        "active"
    );
    // A warning: the member reads it, nothing else changes.
    moderation::act(
        &pool,
        admin,
        w.sender,
        ModerationAction::Warn,
        "",
        "Be polite.",
    )
    .await
    .unwrap();
    let told = notes(&pool, w.sender).await;
    assert_eq!(told.len(), 1);
    assert!(told[0].1.contains("Be polite."));
    assert!(!rank::trips_for_parcel(&pool, w.parcel, 10)
        .await
        .unwrap()
        .is_empty());
}

#[sqlx::test(migrations = "../migrations")]
async fn a_suspension_ends_sessions_and_hides_listings_until_it_is_over(pool: PgPool) {
    let w = world(&pool).await;
    let admin = user(&pool, "Ada").await;
    sessions::create(&pool, w.traveler, "test", "127.0.0.1")
        .await
        .unwrap();
    sessions::create(&pool, w.traveler, "test", "127.0.0.1")
        .await
        .unwrap();
    assert_eq!(
        rank::trips_for_parcel(&pool, w.parcel, 10)
            .await
            .unwrap()
            .len(),
        1
    );
    for bad in ["", "0", "366", "-1", "x", "9223372036854775807", "1.5"] {
        let e = moderation::act(
            &pool,
            admin,
            w.traveler,
            ModerationAction::Suspend,
            bad,
            "spam",
        )
        .await
        .unwrap_err();
        assert_eq!(fields(&e), ["days"], "{bad:?}");
    }
    assert!(matches!(
        moderation::act(&pool, admin, w.traveler, ModerationAction::Dismiss, "", "").await,
        Err(AppError::BadRequest(_))
    ));
    assert!(matches!(
        moderation::act(&pool, admin, admin, ModerationAction::Suspend, "3", "me").await,
        Err(AppError::Conflict(_))
    ));
    moderation::act(
        &pool,
        admin,
        w.traveler,
        ModerationAction::Suspend,
        "3",
        "Spam in messages.",
    )
    .await
    .unwrap();
    assert_eq!(live_sessions(&pool, w.traveler).await, 0);
    assert!(rank::trips_for_parcel(&pool, w.parcel, 10)
        .await
        .unwrap()
        .is_empty());
    assert!(
        rank::parcels_for_trip(&pool, w.trip, 10)
            .await
            .unwrap()
            .len()
            == 1
    );
    assert!(matches!(
        propose(&pool, w.sender, Side::Sender, w.parcel, w.trip, "").await,
        Err(AppError::Conflict(_))
    ));
    let told = notes(&pool, w.traveler).await;
    assert!(
        told[0].1.contains("3 days") && told[0].1.contains("Spam in messages."),
        "{told:?}"
    );
    let standing = moderation::queue(&pool, "UTC").await.unwrap();
    assert!(standing.is_empty());
    let found = app::server::admin::users::member(&pool, admin, w.traveler, "UTC")
        .await
        .unwrap();
    assert!(
        found.member.standing.starts_with("Suspended until"),
        "{}",
        found.member.standing
    );
    assert_eq!(found.history.len(), 1);
    // When the suspension is over, the trip is listed and bookable again.
    sqlx::query("UPDATE users SET suspended_until = now() - interval '1 second' WHERE id = $1")
        .bind(w.traveler)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(
        rank::trips_for_parcel(&pool, w.parcel, 10)
            .await
            .unwrap()
            .len(),
        1
    );
    propose(&pool, w.sender, Side::Sender, w.parcel, w.trip, "")
        .await
        .unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn banning_a_sender_cancels_under_the_sender_rules(pool: PgPool) {
    let w = world(&pool).await;
    let admin = user(&pool, "Ada").await;
    let start = available(&pool, w.sender).await;
    let b1 = accepted(&pool, &w).await;
    let p2 = posted(&pool, w.sender, &parcel_form("Paris, France", "LHR", "1")).await;
    let b2 = propose(&pool, w.sender, Side::Sender, p2, w.trip, "")
        .await
        .unwrap();
    let p3 = posted(&pool, w.sender, &parcel_form("Paris, France", "LHR", "1")).await;
    let remaining_before: i32 = sqlx::query_scalar("SELECT remaining_g FROM trips WHERE id = $1")
        .bind(w.trip)
        .fetch_one(&pool)
        .await
        .unwrap();
    moderation::act(
        &pool,
        admin,
        w.sender,
        ModerationAction::Ban,
        "",
        "Stolen cards.",
    )
    .await
    .unwrap();
    assert_eq!(booking_status(&pool, b1).await, "cancelled");
    assert_eq!(booking_status(&pool, b2).await, "closed");
    for p in [w.parcel, p2, p3] {
        assert_eq!(
            scalar(&pool, "SELECT status FROM parcels WHERE id = $1", p.0).await,
            "cancelled"
        );
    }
    // More than a day before departure: the sender's rules refund everything.
    assert_eq!(available(&pool, w.sender).await, start);
    let remaining_after: i32 = sqlx::query_scalar("SELECT remaining_g FROM trips WHERE id = $1")
        .bind(w.trip)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(remaining_after, remaining_before + 2000);
    assert_eq!(
        scalar(&pool, "SELECT status FROM users WHERE id = $1", w.sender.0).await,
        "banned"
    );
    let cancelled: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM notifications WHERE user_id = $1 AND kind = 'booking.cancelled'",
    )
    .bind(w.traveler)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(cancelled, 1);
    assert!(matches!(
        moderation::act(&pool, admin, w.sender, ModerationAction::Suspend, "2", "x").await,
        Err(AppError::Conflict(_))
    ));
    assert!(matches!(
        moderation::report(
            &pool,
            w.traveler,
            ReportSubject::Member,
            w.sender.0,
            ReportReason::Fraud,
            ""
        )
        .await,
        Err(AppError::NotFound(_))
    ));
    assert_ledger_ok(&pool).await;
}

#[sqlx::test(migrations = "../migrations")]
async fn banning_a_traveler_cancels_their_trips_with_a_strike(pool: PgPool) {
    let w = world(&pool).await;
    let admin = user(&pool, "Ada").await;
    let start = available(&pool, w.sender).await;
    let b = accepted(&pool, &w).await;
    sessions::create(&pool, w.traveler, "test", "127.0.0.1")
        .await
        .unwrap();
    moderation::act(
        &pool,
        admin,
        w.traveler,
        ModerationAction::Ban,
        "",
        "Fake trips.",
    )
    .await
    .unwrap();
    assert_eq!(booking_status(&pool, b).await, "cancelled");
    assert_eq!(
        scalar(&pool, "SELECT status FROM trips WHERE id = $1", w.trip.0).await,
        "cancelled"
    );
    assert_eq!(
        scalar(
            &pool,
            "SELECT status FROM parcels WHERE id = $1",
            w.parcel.0
        )
        .await,
        "open"
    );
    assert_eq!(available(&pool, w.sender).await, start);
    assert_eq!(live_sessions(&pool, w.traveler).await, 0);
    let strikes: i32 = sqlx::query_scalar("SELECT reliability_strikes FROM users WHERE id = $1")
        .bind(w.traveler)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(strikes, 1);
    // An admin cannot be suspended or banned before losing the role.
    sqlx::query("UPDATE users SET role = 'admin' WHERE id = $1")
        .bind(w.sender)
        .execute(&pool)
        .await
        .unwrap();
    assert!(matches!(
        moderation::act(&pool, admin, w.sender, ModerationAction::Ban, "", "x").await,
        Err(AppError::Conflict(_))
    ));
    assert_ledger_ok(&pool).await;
}

#[sqlx::test(migrations = "../migrations")]
async fn many_clicks_decide_a_report_once(pool: PgPool) {
    let w = world(&pool).await;
    let admin = user(&pool, "Ada").await;
    let _b = accepted(&pool, &w).await;
    moderation::report(
        &pool,
        w.sender,
        ReportSubject::Member,
        w.traveler.0,
        ReportReason::Fraud,
        "",
    )
    .await
    .unwrap();
    let id = open_report(&pool).await;
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let pool = pool.clone();
            tokio::spawn(async move {
                moderation::decide(&pool, admin, id, ModerationAction::Ban, "", "Fraud.").await
            })
        })
        .collect();
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(()) => ok += 1,
            Err(AppError::Conflict(_)) => {}
            Err(e) => panic!("unexpected {e:?}"),
        }
    }
    assert_eq!(ok, 1);
    let strikes: i32 = sqlx::query_scalar("SELECT reliability_strikes FROM users WHERE id = $1")
        .bind(w.traveler)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(strikes, 1);
    assert_eq!(notes(&pool, w.traveler).await.len(), 1);
    assert_ledger_ok(&pool).await;
}
