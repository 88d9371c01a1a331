//! Printable receipts (PRODUCT §7): for a card payment, a payout, and every other movement of a
//! member's wallet (paid into escrow, returned, released to the traveler, refunded), with the
//! booking, its two parties and how the amount splits. For the owner, or an admin.

use super::withdrawals::mask;
use crate::error::AppError;
use crate::i18n::tr;
use crate::server::money::ledger::TxKind;
use crate::server::time;
use crate::types::wallet::Receipt;
use crate::types::{
    BookingId, Currency, Money, PaymentStatus, PayoutMethod, ReceiptKind, UserId, WithdrawalStatus,
};
use sqlx::PgPool;
use uuid::Uuid;

fn missing() -> AppError {
    AppError::NotFound(tr("This receipt does not exist, or it is not yours.").into())
}

/// "P-0123456789AB" from an id.
fn number(prefix: char, id: Uuid) -> String {
    let hex = id.simple().to_string().to_uppercase();
    format!("{prefix}-{}", &hex[..12])
}

/// Who issues the receipt: the platform, and where to find it.
fn issuer(site: &str) -> Vec<String> {
    vec![
        format!("{} marketplace", crate::BRAND),
        site.trim_end_matches('/').to_string(),
        tr("Amounts are in the booking's currency; the ledger keeps every movement.").into(),
    ]
}

/// How the receipt reads for `viewer` (times in `tz`); `site` is the public address.
pub struct Reader<'a> {
    pub viewer: UserId,
    pub admin: bool,
    pub tz: &'a str,
    pub site: &'a str,
}

/// A printable receipt, for its owner or an admin.
pub async fn receipt(
    pool: &PgPool,
    reader: &Reader<'_>,
    kind: ReceiptKind,
    id: Uuid,
) -> Result<Receipt, AppError> {
    match kind {
        ReceiptKind::Payment => payment_receipt(pool, reader, id).await,
        ReceiptKind::Payout => payout_receipt(pool, reader, id).await,
        ReceiptKind::Movement => movement_receipt(pool, reader, id).await,
    }
}

async fn payment_receipt(pool: &PgPool, rd: &Reader<'_>, id: Uuid) -> Result<Receipt, AppError> {
    let r = sqlx::query!(
        r#"SELECT p.user_id AS "user_id: UserId", p.amount_minor,
                  p.currency AS "currency: Currency", p.status AS "status: PaymentStatus",
                  p.provider, p.card_last4, p.created_at, p.settled_at, p.provider_ref,
                  u.display_name, u.email
           FROM payments p JOIN users u ON u.id = p.user_id WHERE p.id = $1"#,
        id
    )
    .fetch_optional(pool)
    .await?
    .filter(|r| rd.admin || r.user_id == rd.viewer)
    .ok_or_else(missing)?;
    let amount = Money::new(r.amount_minor, r.currency);
    Ok(Receipt {
        kind: tr("Payment").into(),
        number: number('P', id),
        at: time::datetime_in(r.settled_at.unwrap_or(r.created_at), rd.tz),
        name: r.display_name,
        email: r.email,
        amount,
        status: r.status.label().into(),
        method: match r.card_last4 {
            Some(l) => crate::trf!("Card ending {}", l),
            None => tr("Card (Stripe Checkout)").into(),
        },
        lines: vec![
            (tr("Wallet top-up").into(), amount.to_string()),
            (tr("Provider").into(), r.provider),
            (tr("Reference").into(), r.provider_ref.unwrap_or_default()),
        ],
        issuer: issuer(rd.site),
    })
}

async fn payout_receipt(pool: &PgPool, rd: &Reader<'_>, id: Uuid) -> Result<Receipt, AppError> {
    let r = sqlx::query!(
        r#"SELECT w.user_id AS "user_id: UserId", w.amount_minor,
                  w.currency AS "currency: Currency", w.status AS "status: WithdrawalStatus",
                  w.method AS "method: PayoutMethod", w.destination, w.created_at,
                  w.decided_at, w.reason, u.display_name, u.email
           FROM withdrawals w JOIN users u ON u.id = w.user_id WHERE w.id = $1"#,
        id
    )
    .fetch_optional(pool)
    .await?
    .filter(|r| rd.admin || r.user_id == rd.viewer)
    .ok_or_else(missing)?;
    let amount = Money::new(r.amount_minor, r.currency);
    let mut lines = vec![
        (tr("Withdrawal").into(), amount.to_string()),
        (
            tr("Requested").into(),
            time::datetime_in(r.created_at, rd.tz),
        ),
    ];
    if let Some(d) = r.decided_at {
        lines.push((tr("Decided").into(), time::datetime_in(d, rd.tz)));
    }
    if let Some(reason) = r.reason {
        lines.push((tr("Reason").into(), reason));
    }
    Ok(Receipt {
        kind: tr("Payout").into(),
        number: number('W', id),
        at: time::datetime_in(r.decided_at.unwrap_or(r.created_at), rd.tz),
        name: r.display_name,
        email: r.email,
        amount,
        status: r.status.label().into(),
        method: mask(r.method, &r.destination),
        lines,
        issuer: issuer(rd.site),
    })
}

/// Any other movement of a wallet: the ledger transaction with its legs, and for a booking its
/// parties and the split of what the sender pays (price, service fee, protection).
async fn movement_receipt(pool: &PgPool, rd: &Reader<'_>, id: Uuid) -> Result<Receipt, AppError> {
    let t = sqlx::query!(
        r#"SELECT t.id, t.kind AS "kind: TxKind", t.memo, t.created_at,
                  t.booking_id AS "booking_id: BookingId"
           FROM ledger_transactions t WHERE t.receipt_id = $1"#,
        id
    )
    .fetch_optional(pool)
    .await?
    .ok_or_else(missing)?;
    let legs = sqlx::query!(
        r#"SELECT e.amount_minor, e.currency AS "currency: Currency", a.kind,
                  a.user_id AS "user_id?: UserId", u.display_name AS "name?", u.email AS "email?"
           FROM ledger_entries e
           JOIN ledger_accounts a ON a.id = e.account_id
           LEFT JOIN users u ON u.id = a.user_id
           WHERE e.transaction_id = $1 ORDER BY e.id"#,
        t.id
    )
    .fetch_all(pool)
    .await?;
    // The wallet the receipt is for: the viewer's, or for an admin the first member's.
    let owner = legs
        .iter()
        .find(|l| l.user_id == Some(rd.viewer))
        .or_else(|| {
            legs.iter()
                .find(|l| l.user_id.is_some())
                .filter(|_| rd.admin)
        })
        .ok_or_else(missing)?;
    let currency = owner.currency;
    let m = |minor: i64| Money::new(minor, currency).to_string();
    let mut lines: Vec<(String, String)> = Vec::new();
    if let Some(b) = t.booking_id {
        let bk = sqlx::query!(
            r#"SELECT b.price_minor, b.fee_minor, b.protection_minor, p.title,
                      o.label AS origin, d.label AS destination,
                      s.display_name AS sender, tr.display_name AS traveler
               FROM bookings b
               JOIN parcels p ON p.id = b.parcel_id
               JOIN trips t ON t.id = b.trip_id
               JOIN places o ON o.id = t.origin_id
               JOIN places d ON d.id = t.destination_id
               JOIN users s ON s.id = b.sender_id
               JOIN users tr ON tr.id = b.traveler_id
               WHERE b.id = $1"#,
            b as BookingId
        )
        .fetch_one(pool)
        .await?;
        lines.push((tr("Booking").into(), number('B', b.0)));
        lines.push((tr("Parcel").into(), bk.title));
        lines.push((
            tr("Route").into(),
            format!("{} → {}", bk.origin, bk.destination),
        ));
        lines.push((tr("Sender").into(), bk.sender));
        lines.push((tr("Traveler").into(), bk.traveler));
        lines.push((tr("Price for carrying").into(), m(bk.price_minor)));
        lines.push((tr("Service fee").into(), m(bk.fee_minor)));
        if bk.protection_minor > 0 {
            lines.push((tr("Protection").into(), m(bk.protection_minor)));
        }
        lines.push((
            tr("Sender pays in all").into(),
            m(bk.price_minor + bk.fee_minor + bk.protection_minor),
        ));
    }
    for l in &legs {
        let whose = match (l.kind.as_str(), l.user_id) {
            ("user", Some(u)) if u == owner.user_id.unwrap_or(rd.viewer) => {
                tr("Your wallet").into()
            }
            ("user", _) => crate::trf!("Wallet of {}", l.name.clone().unwrap_or_default()),
            ("escrow", _) => tr("Escrow for this booking").into(),
            ("fees", _) => crate::trf!("{} service fees", crate::BRAND),
            ("protection", _) => tr("Protection pool").into(),
            ("provider", _) => tr("Card payments").into(),
            ("payouts_pending", _) => tr("Payouts waiting").into(),
            _ => tr("Payouts sent").into(),
        };
        let sign = if l.amount_minor >= 0 { "+" } else { "−" };
        lines.push((whose, format!("{sign}{}", m(l.amount_minor.abs()))));
    }
    if !t.memo.is_empty() {
        lines.push((tr("Note").into(), crate::i18n::tr_stored(&t.memo)));
    }
    Ok(Receipt {
        kind: t.kind.label().into(),
        number: number('L', id),
        at: time::datetime_in(t.created_at, rd.tz),
        name: owner.name.clone().unwrap_or_default(),
        email: owner.email.clone().unwrap_or_default(),
        amount: Money::new(owner.amount_minor.abs(), currency),
        status: tr("Completed").into(),
        method: format!("{} wallet", crate::BRAND),
        lines,
        issuer: issuer(rd.site),
    })
}
