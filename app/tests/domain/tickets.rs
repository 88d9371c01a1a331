//! Trip tickets: the admins' queue, the confirmed-traveler badge on the card and in the score.

use super::support::*;
use app::error::AppError;
use app::server::matching::rank;
use app::server::trips::{service as trips, ticket};
use app::types::Decision;
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn a_checked_ticket_gives_the_badge_and_its_points(pool: PgPool) {
    let w = world(&pool).await;
    let admin = user(&pool, "Ada").await;
    let dir = tempdir();
    let badges = |m: &[app::types::matching::TripMatch]| {
        m[0].parts
            .iter()
            .find(|p| p.name == "Badges")
            .unwrap()
            .points
    };
    let before = badges(&rank::trips_for_parcel(&pool, w.parcel, 10).await.unwrap());
    assert!(ticket::queue(&pool, "UTC").await.unwrap().is_empty());
    ticket::attach(&pool, &dir, w.traveler, w.trip, "pass.png", png())
        .await
        .unwrap();
    let q = ticket::queue(&pool, "UTC").await.unwrap();
    assert_eq!(q.len(), 1);
    assert_eq!(q[0].trip, w.trip);
    assert!(!q[0].pdf);
    assert_eq!(
        fields(
            &ticket::decide(&pool, admin, w.trip, Decision::Reject, "  ")
                .await
                .unwrap_err()
        ),
        ["reason"]
    );
    ticket::decide(&pool, admin, w.trip, Decision::Approve, "")
        .await
        .unwrap();
    assert!(matches!(
        ticket::decide(&pool, admin, w.trip, Decision::Reject, "blurry").await,
        Err(AppError::Conflict(_))
    ));
    assert!(ticket::queue(&pool, "UTC").await.unwrap().is_empty());
    let card = trips::detail(&pool, Some(w.sender), w.trip)
        .await
        .unwrap()
        .card;
    assert!(card.confirmed_traveler);
    let m = rank::trips_for_parcel(&pool, w.parcel, 10).await.unwrap();
    assert_eq!(badges(&m), before + 3);
    assert!(m[0]
        .parts
        .iter()
        .any(|p| p.why.contains("confirmed traveler")));
    let audited: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'ticket.decide'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(audited, 1);
    let log = app::server::audit::list(&pool, "ticket.", &w.trip.to_string(), "UTC")
        .await
        .unwrap();
    assert_eq!(log.len(), 1);
    assert!(
        log[0]
            .after
            .as_deref()
            .unwrap()
            .contains(r#""ticket_status":"confirmed""#),
        "{log:?}"
    );
}
