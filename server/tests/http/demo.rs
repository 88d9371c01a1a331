//! The run command's demo data: the demo accounts, their listings and the bookings between them
//! (one accepted, one waiting for the traveler), made once, with the money in order.

use super::support;
use app::server::config::Config;
use server::commands::demo;
use sqlx::PgPool;

async fn statuses(pool: &PgPool) -> Vec<(String, String)> {
    sqlx::query_as(
        "SELECT p.title, b.status::text FROM bookings b
           JOIN parcels p ON p.id = b.parcel_id
           JOIN users s ON s.id = b.sender_id AND s.email = 'sender@carry.test'
           JOIN trips t ON t.id = b.trip_id
           JOIN users v ON v.id = t.traveler_id AND v.email = 'traveler@carry.test'
          ORDER BY p.title",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn the_demo_gives_each_account_a_booking_once_with_the_money_in_order(pool: PgPool) {
    let uploads = std::env::temp_dir().join(format!("carry-demo-{}", uuid::Uuid::new_v4()));
    let config = Config {
        upload_dir: uploads.clone(),
        ..Config::for_tests()
    };
    // Places are loaded when a server starts, before the demo data is made.
    app::server::places::seed::run(&pool).await.unwrap();
    demo::accounts(&pool).await.unwrap();
    demo::small(&pool, &config).await.unwrap();
    let made = statuses(&pool).await;
    assert_eq!(
        made,
        vec![
            ("Birthday books for Léa".to_string(), "accepted".to_string()),
            (
                "Signed papers for the notary".to_string(),
                "pending".to_string()
            ),
        ]
    );
    let messages: i64 = sqlx::query_scalar("SELECT count(*) FROM messages")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(messages, 2);
    for f in app::server::money::ledger::check(&pool).await.unwrap() {
        assert!(f.ok, "{}: {}", f.check, f.detail);
    }

    // Starting again (every start of the run command does) adds nothing.
    demo::accounts(&pool).await.unwrap();
    demo::small(&pool, &config).await.unwrap();
    assert_eq!(statuses(&pool).await, made);

    // The sender opens the accepted booking and finds the codes the traveler will ask for.
    let app = support::spawn(pool.clone()).await;
    let (booking, sender): (uuid::Uuid, app::types::UserId) =
        sqlx::query_as("SELECT b.id, b.sender_id FROM bookings b WHERE b.status = 'accepted'")
            .fetch_one(&pool)
            .await
            .unwrap();
    let page = app
        .client()
        .get(app.url(&format!("/bookings/{booking}")))
        .header("cookie", app.session_cookie(sender).await)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("data-testid=\"pickup-code\""), "{html}");
    assert!(
        html.contains("Terminal 2E"),
        "the conversation is on the page"
    );
    let _ = std::fs::remove_dir_all(uploads);
}
