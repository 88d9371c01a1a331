//! Stripe Checkout (when `STRIPE_SECRET_KEY` and `STRIPE_WEBHOOK_SECRET` are set). A top-up
//! creates a Checkout Session and sends the user there; the wallet is credited only when
//! Stripe's signed `checkout.session.completed` webhook arrives. A webhook delivered twice is
//! recognised by its event id and ignored.

use super::top_up;
use crate::error::AppError;
use crate::i18n::tr;
use crate::server::config::StripeConfig;
use crate::server::money::ledger::{self, Acct};
use crate::types::{Currency, Money, UserId};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use sqlx::PgPool;
use uuid::Uuid;

/// Signatures older than this are refused (Stripe's own default).
pub const TOLERANCE_SECS: i64 = 300;

/// Creates the Checkout Session for a pending payment and returns the page to send the user to.
pub async fn create_checkout(
    cfg: &StripeConfig,
    public_url: &str,
    payment: Uuid,
    amount: Money,
) -> Result<String, AppError> {
    let form = [
        ("mode", "payment".to_string()),
        ("success_url", format!("{public_url}/wallet?stripe=success")),
        (
            "cancel_url",
            format!("{public_url}/wallet?stripe=cancelled"),
        ),
        ("client_reference_id", payment.to_string()),
        ("metadata[payment_id]", payment.to_string()),
        ("line_items[0][quantity]", "1".into()),
        (
            "line_items[0][price_data][currency]",
            amount.currency.code().to_ascii_lowercase(),
        ),
        (
            "line_items[0][price_data][unit_amount]",
            amount.minor.to_string(),
        ),
        (
            "line_items[0][price_data][product_data][name]",
            tr("Carry wallet top-up").into(),
        ),
    ];
    let res = reqwest::Client::new()
        .post(format!("{}/v1/checkout/sessions", cfg.api_base))
        .basic_auth(&cfg.secret_key, Option::<&str>::None)
        .header("Idempotency-Key", payment.to_string())
        .form(&form)
        .send()
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "stripe unreachable");
            AppError::Conflict(
                tr("The card payment service is unreachable. Try again in a minute.").into(),
            )
        })?;
    let status = res.status();
    let body: serde_json::Value = res.json().await.map_err(AppError::internal)?;
    if !status.is_success() {
        return Err(AppError::internal(format!("stripe {status}: {body}")));
    }
    let url = body["url"]
        .as_str()
        .ok_or_else(|| AppError::internal("stripe: no url"))?;
    if let Some(id) = body["id"].as_str() {
        // Recorded for support; the webhook finds the payment by its metadata.
        tracing::info!(%payment, session = id, "stripe checkout created");
    }
    Ok(url.to_string())
}

/// Signs a payload as Stripe does (`t=…,v1=…`); tests and tools use it.
pub fn sign(secret: &str, timestamp: i64, payload: &[u8]) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(payload);
    format!(
        "t={timestamp},v1={}",
        hex::encode(mac.finalize().into_bytes())
    )
}

/// Checks the `Stripe-Signature` header: a `v1` HMAC-SHA256 of `t.payload` with the endpoint
/// secret, in constant time, and a timestamp within the tolerance.
pub fn verify(secret: &str, header: &str, payload: &[u8], now: i64) -> Result<(), &'static str> {
    let mut t = None;
    let mut sigs = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", v)) => t = v.parse::<i64>().ok(),
            Some(("v1", v)) => sigs.push(v.to_string()),
            _ => {}
        }
    }
    let t = t.ok_or("no timestamp")?;
    if (now - t).abs() > TOLERANCE_SECS {
        return Err("timestamp outside the tolerance");
    }
    for sig in sigs {
        let Ok(bytes) = hex::decode(&sig) else {
            continue;
        };
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
            return Err("the webhook secret is not usable");
        };
        mac.update(t.to_string().as_bytes());
        mac.update(b".");
        mac.update(payload);
        if mac.verify_slice(&bytes).is_ok() {
            return Ok(());
        }
    }
    Err("no valid signature")
}

/// What the webhook answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Credited,
    /// Already handled, an event type we do not use, or an unpaid session.
    Ignored,
}

/// Handles a verified event. Idempotent by event id, and by payment.
#[tracing::instrument(skip_all)]
pub async fn handle_event(pool: &PgPool, payload: &[u8]) -> Result<Outcome, AppError> {
    let event: serde_json::Value = serde_json::from_slice(payload)
        .map_err(|_| AppError::BadRequest(tr("The event is not JSON.").into()))?;
    let id = event["id"]
        .as_str()
        .ok_or_else(|| AppError::BadRequest(tr("The event has no id.").into()))?;
    let kind = event["type"].as_str().unwrap_or("");
    let session = &event["data"]["object"];
    if kind != "checkout.session.completed" || session["payment_status"].as_str() != Some("paid") {
        record(pool, id, kind).await?;
        return Ok(Outcome::Ignored);
    }
    let payment = session["metadata"]["payment_id"]
        .as_str()
        .or(session["client_reference_id"].as_str())
        .and_then(|s| Uuid::parse_str(s).ok())
        .ok_or_else(|| AppError::BadRequest(tr("The session names no payment.").into()))?;
    let row = sqlx::query!(
        r#"SELECT user_id AS "user_id: UserId", amount_minor, currency AS "currency: Currency"
           FROM payments WHERE id = $1 AND provider = 'stripe'"#,
        payment
    )
    .fetch_optional(pool)
    .await?
    .ok_or_else(|| AppError::BadRequest(tr("Unknown payment.").into()))?;
    // Stripe says what it charged: it must be what we asked for.
    let total = session["amount_total"].as_i64();
    let currency = session["currency"].as_str().map(|c| c.to_ascii_uppercase());
    if total != Some(row.amount_minor) || currency.as_deref() != Some(row.currency.code()) {
        return Err(AppError::internal(format!(
            "stripe session for {payment} charged {total:?} {currency:?}"
        )));
    }
    let currency = row.currency;
    ledger::ensure_accounts_committed(pool, &[Acct::User(row.user_id), Acct::Provider], currency)
        .await?;
    let mut tx = pool.begin().await?;
    if !record(&mut *tx, id, kind).await? {
        return Ok(Outcome::Ignored);
    }
    if let Some(session_id) = session["id"].as_str() {
        sqlx::query!(
            "UPDATE payments SET provider_ref = $2 WHERE id = $1 AND provider_ref IS NULL",
            payment,
            session_id
        )
        .execute(&mut *tx)
        .await?;
    }
    let credited = top_up::credit_payment(&mut tx, payment).await?;
    tx.commit().await?;
    Ok(if credited {
        Outcome::Credited
    } else {
        Outcome::Ignored
    })
}

/// Remembers an event; false when it was seen before.
async fn record(db: impl sqlx::PgExecutor<'_>, id: &str, kind: &str) -> Result<bool, AppError> {
    Ok(sqlx::query!(
        "INSERT INTO webhook_events (id, kind) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        id,
        kind
    )
    .execute(db)
    .await?
    .rows_affected()
        == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures() {
        let body = br#"{"id":"evt_1"}"#;
        let h = sign("whsec_test", 1_000, body);
        assert!(verify("whsec_test", &h, body, 1_000).is_ok());
        assert!(verify("whsec_test", &h, body, 1_000 + TOLERANCE_SECS + 1).is_err());
        assert!(verify("whsec_other", &h, body, 1_000).is_err());
        assert!(verify("whsec_test", &h, br#"{"id":"evt_2"}"#, 1_000).is_err());
        assert!(verify("whsec_test", "v1=abc", body, 1_000).is_err());
    }
}
