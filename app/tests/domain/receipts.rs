//! Every movement of a wallet has a receipt: the booking, its parties and the split of what the
//! sender pays; only for its owner (or an admin); times in the reader's zone.

use super::support::*;
use app::error::AppError;
use app::server::bookings::end;
use app::server::wallet::{receipts::Reader, statements};
use app::types::ReceiptKind;
use sqlx::PgPool;
use uuid::Uuid;

fn id_of(link: &str) -> (ReceiptKind, Uuid) {
    let mut parts = link.rsplit('/');
    let id = parts.next().unwrap().parse().unwrap();
    (ReceiptKind::parse(parts.next().unwrap()).unwrap(), id)
}

#[sqlx::test(migrations = "../migrations")]
async fn paying_into_escrow_and_a_refund_each_have_a_receipt(pool: PgPool) {
    let w = money_world(&pool).await;
    top_up(&pool, w.sender, "50").await;
    let b = accepted(&pool, &w).await;
    end::cancel(&pool, w.sender, b, "").await.unwrap();

    let h = statements::history(&pool, w.sender, 1, "Asia/Tokyo")
        .await
        .unwrap();
    assert!(
        h.items.iter().all(|i| i.receipt.is_some()),
        "every row has a receipt: {h:?}"
    );
    assert!(h.items.iter().all(|i| i.at.ends_with("JST")), "{h:?}");
    let paid = h
        .items
        .iter()
        .find(|i| i.what.starts_with("Paid into escrow"))
        .unwrap();
    let (kind, id) = id_of(paid.receipt.as_deref().unwrap());
    assert_eq!(kind, ReceiptKind::Movement);
    let r = statements::receipt(&pool, &reader(w.sender), kind, id)
        .await
        .unwrap();
    assert_eq!(r.kind, "Paid into escrow");
    assert_eq!(r.amount.minor, 1100);
    let line = |k: &str| {
        r.lines
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("no {k} in {:?}", r.lines))
    };
    assert_eq!(line("Price for carrying"), "10.00 EUR");
    assert_eq!(line("Service fee"), "1.00 EUR");
    assert_eq!(line("Sender pays in all"), "11.00 EUR");
    assert_eq!(line("Your wallet"), "−11.00 EUR");
    assert_eq!(line("Escrow for this booking"), "+11.00 EUR");
    assert!(!line("Sender").is_empty() && !line("Traveler").is_empty());
    assert!(r.issuer[0].contains("Carry"));

    let refund = h
        .items
        .iter()
        .find(|i| i.what.starts_with("Refund"))
        .unwrap();
    let (kind, id) = id_of(refund.receipt.as_deref().unwrap());
    let r = statements::receipt(&pool, &reader(w.sender), kind, id)
        .await
        .unwrap();
    assert_eq!(r.kind, "Refunded");
    assert_eq!(r.amount.minor, 1100);

    // Not the traveler's, nor a stranger's; an admin may read it.
    for who in [w.traveler, user(&pool, "Eve").await] {
        assert!(matches!(
            statements::receipt(&pool, &reader(who), kind, id).await,
            Err(AppError::NotFound(_))
        ));
    }
    let admin = Reader {
        admin: true,
        ..reader(w.traveler)
    };
    assert_eq!(
        statements::receipt(&pool, &admin, kind, id)
            .await
            .unwrap()
            .amount
            .minor,
        1100
    );
    assert!(matches!(
        statements::receipt(&pool, &reader(w.sender), kind, Uuid::new_v4()).await,
        Err(AppError::NotFound(_))
    ));
}
