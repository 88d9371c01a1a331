//! Withdrawals (PRODUCT §7): available money to a bank account (IBAN) or a mobile-money number,
//! ID-verified members only, at least the minimum. The money leaves the balance at once for
//! "payouts pending"; an admin pays it out, or rejects it and the money returns.

use crate::error::{AppError, Problems};
use crate::i18n::{key, tr};
use crate::server::accounts::signup;
use crate::server::accounts::verification::id_verified;
use crate::server::money::idem;
use crate::server::money::ledger::{self, Acct, Posting, TxKind};
use crate::server::notifications::{self, Note};
use crate::server::{audit, settings, time};
use crate::types::wallet::WithdrawalItem;
use crate::types::NotificationKind;
use crate::types::{Currency, Decision, Money, PayoutMethod, UserId, WithdrawalStatus};
use sqlx::PgPool;
use uuid::Uuid;

/// What the withdrawal form sends, as typed.
#[derive(Debug, Clone, Default)]
pub struct WithdrawalForm {
    pub amount: String,
    pub currency: String,
    pub method: String,
    pub destination: String,
}

fn iban_ok(iban: &str) -> bool {
    if !iban.is_ascii()
        || !(15..=34).contains(&iban.len())
        || !iban[..2].chars().all(|c| c.is_ascii_uppercase())
        || !iban[2..4].chars().all(|c| c.is_ascii_digit())
        || !iban.chars().all(|c| c.is_ascii_alphanumeric())
    {
        return false;
    }
    let rearranged = format!("{}{}", &iban[4..], &iban[..4]);
    let mut rem: u32 = 0;
    for c in rearranged.chars() {
        let v = c.to_digit(36).unwrap_or(0);
        for d in v.to_string().chars() {
            rem = (rem * 10 + d.to_digit(10).unwrap_or(0)) % 97;
        }
    }
    rem == 1
}

/// Normalises and checks a payout destination.
pub fn check_destination(method: PayoutMethod, typed: &str) -> Result<String, &'static str> {
    let compact: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect::<String>()
        .to_ascii_uppercase();
    match method {
        PayoutMethod::Iban if iban_ok(&compact) => Ok(compact),
        PayoutMethod::Iban => Err(tr(
            "This IBAN is not valid. Check it against your bank statement.",
        )),
        PayoutMethod::Mobile => {
            let digits = compact.trim_start_matches('+');
            if compact.starts_with('+')
                && (8..=15).contains(&digits.len())
                && digits.chars().all(|c| c.is_ascii_digit())
            {
                Ok(compact)
            } else {
                Err(tr(
                    "Enter the mobile-money number with its country code, such as +254712345678.",
                ))
            }
        }
    }
}

/// "Bank account DE89…3000", "Mobile money …5678".
pub fn mask(method: PayoutMethod, dest: &str) -> String {
    let chars: Vec<char> = dest.chars().collect();
    let tail: String = chars[chars.len().saturating_sub(4)..].iter().collect();
    match method {
        PayoutMethod::Iban => {
            let head: String = chars.iter().take(4).collect();
            crate::trf!("Bank account {}…{}", head, tail)
        }
        PayoutMethod::Mobile => crate::trf!("Mobile money …{}", tail),
    }
}

/// The form, parsed: the amount (at least the minimum) and the checked destination.
fn parse(
    form: &WithdrawalForm,
    s: &settings::Settings,
) -> Result<(Money, PayoutMethod, String), AppError> {
    let mut p = Problems::new();
    let c = Currency::parse(&form.currency);
    if c.is_none() {
        p.add("currency", tr("Choose a currency."));
    }
    let amount = c.and_then(|c| match Money::parse(&form.amount, c) {
        Ok(m) if m.minor < s.rates.euros(s.withdrawal_min_units, c).minor => {
            p.add(
                "amount",
                crate::trf!(
                    "The smallest withdrawal is {}.",
                    s.rates.euros(s.withdrawal_min_units, c)
                ),
            );
            None
        }
        Ok(m) => Some(m),
        Err(e) => {
            p.add("amount", e);
            None
        }
    });
    let method = PayoutMethod::parse(&form.method);
    let dest = match method {
        None => {
            p.add("method", tr("Choose a bank account or mobile money."));
            None
        }
        Some(m) => check_destination(m, &form.destination)
            .map_err(|e| p.add("destination", e))
            .ok(),
    };
    p.into_result().map_err(|e| {
        e.with_values(&[
            ("amount", &form.amount),
            ("currency", &form.currency),
            ("method", &form.method),
            ("destination", &form.destination),
        ])
    })?;
    match (amount, method, dest) {
        (Some(a), Some(m), Some(d)) => Ok((a, m, d)),
        _ => Err(AppError::internal("withdrawal checked")),
    }
}

/// A withdrawal request. `key` makes a retry harmless.
#[tracing::instrument(skip(pool, form, key))]
pub async fn request(
    pool: &PgPool,
    user: UserId,
    form: &WithdrawalForm,
    key: &str,
) -> Result<Uuid, AppError> {
    let s = settings::current(pool).await?;
    let (amount, method, dest) = parse(form, &s)?;
    ledger::ensure_accounts_committed(
        pool,
        &[Acct::User(user), Acct::PayoutsPending],
        amount.currency,
    )
    .await?;
    let mut tx = pool.begin().await?;
    if let Some(id) = idem::claim::<Uuid>(&mut tx, user, key, "withdrawal").await? {
        return Ok(id);
    }
    signup::require_confirmed(&mut *tx, user).await?;
    if !id_verified(&mut tx, user).await? {
        return Err(AppError::Conflict(
            tr("Verify your identity before withdrawing: it protects your money.").into(),
        ));
    }
    let id = sqlx::query_scalar!(
        "INSERT INTO withdrawals (user_id, amount_minor, currency, method, destination)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
        user as UserId,
        amount.minor,
        amount.currency as Currency,
        method as PayoutMethod,
        dest
    )
    .fetch_one(&mut *tx)
    .await?;
    ledger::post(
        &mut tx,
        &Posting {
            kind: TxKind::Withdrawal,
            key: format!("withdrawal:{id}"),
            currency: amount.currency,
            booking: None,
            user: Some(user),
            memo: format!("Withdrawal to {}", mask(method, &dest)),
            legs: vec![
                (Acct::User(user), -amount.minor),
                (Acct::PayoutsPending, amount.minor),
            ],
        },
    )
    .await
    .map_err(|e| match e {
        AppError::InsufficientFunds { short, .. } => AppError::validation(
            "amount",
            crate::trf!(
                "That is more than your available balance (short by {}).",
                short
            ),
        ),
        e => e,
    })?;
    idem::answer(&mut tx, user, key, &id).await?;
    tx.commit().await?;
    Ok(id)
}

/// The admin's decision on a pending withdrawal: paid out, or rejected and returned.
#[tracing::instrument(skip(pool, reason))]
pub async fn decide(
    pool: &PgPool,
    admin: UserId,
    id: Uuid,
    decision: Decision,
    reason: &str,
) -> Result<(), AppError> {
    let paid = decision == Decision::Approve;
    if !paid && reason.trim().is_empty() {
        return Err(AppError::validation("reason", tr("Say why, for the user.")));
    }
    let mut tx = pool.begin().await?;
    let w = sqlx::query!(
        r#"SELECT w.user_id AS "user_id: UserId", w.amount_minor,
                  w.currency AS "currency: Currency", w.status AS "status: WithdrawalStatus",
                  w.method AS "method: PayoutMethod", w.destination
           FROM withdrawals w JOIN users u ON u.id = w.user_id WHERE w.id = $1 FOR UPDATE OF w"#,
        id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::NotFound(tr("No such withdrawal.").into()))?;
    if w.status != WithdrawalStatus::Pending {
        return Err(AppError::Conflict(crate::trf!(
            "This withdrawal was already {}.",
            w.status.code()
        )));
    }
    let amount = Money::new(w.amount_minor, w.currency);
    let (kind, to, status, subject) = if paid {
        (
            TxKind::PayoutPaid,
            Acct::Payouts,
            WithdrawalStatus::Paid,
            key("Your withdrawal of {} was paid"),
        )
    } else {
        (
            TxKind::PayoutReturned,
            Acct::User(w.user_id),
            WithdrawalStatus::Rejected,
            key("Your withdrawal of {} was returned to your wallet"),
        )
    };
    ledger::post(
        &mut tx,
        &Posting {
            kind,
            key: format!("{}:{id}", kind.code()),
            currency: w.currency,
            booking: None,
            user: Some(w.user_id),
            memo: if paid {
                format!("Paid to {}", mask(w.method, &w.destination))
            } else {
                format!("Withdrawal returned: {}", reason.trim())
            },
            legs: vec![
                (Acct::PayoutsPending, -w.amount_minor),
                (to, w.amount_minor),
            ],
        },
    )
    .await?;
    sqlx::query!(
        "UPDATE withdrawals SET status = $2, reason = NULLIF($3, ''), reviewed_by = $4,
            decided_at = now() WHERE id = $1",
        id,
        status as WithdrawalStatus,
        reason.trim(),
        admin as UserId
    )
    .execute(&mut *tx)
    .await?;
    let texts = || {
        let subject = crate::i18n::fill(tr(subject), &[&amount]);
        let body = if paid {
            crate::trf!("{} to {}.", subject, mask(w.method, &w.destination))
        } else {
            crate::trf!("{}. Reason: {}", subject, reason.trim())
        };
        (subject, body)
    };
    notifications::notify(&mut tx, w.user_id, || {
        let (title, body) = texts();
        Note {
            kind: NotificationKind::Withdrawal,
            title,
            body,
            link: format!("/wallet/receipts/payout/{id}"),
            dedupe: None,
        }
    })
    .await?;
    audit::record(
        &mut tx,
        Some(admin),
        &format!("payout.{}", status.code()),
        &id.to_string(),
        Some("pending"),
        Some(status.code()),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

struct WithdrawalRow {
    id: Uuid,
    display_name: String,
    email: String,
    amount_minor: i64,
    currency: Currency,
    method: PayoutMethod,
    destination: String,
    status: WithdrawalStatus,
    reason: Option<String>,
    created_at: ::time::OffsetDateTime,
}

impl WithdrawalRow {
    /// The item, with the destination masked unless `full` (the admin pays to it).
    fn item(self, full: bool, tz: &str) -> WithdrawalItem {
        WithdrawalItem {
            id: self.id,
            user_name: self.display_name,
            user_email: self.email,
            amount: Money::new(self.amount_minor, self.currency),
            destination: if full {
                self.destination.clone()
            } else {
                mask(self.method, &self.destination)
            },
            method: self.method,
            status: self.status,
            reason: self.reason,
            at: time::datetime_in(self.created_at, tz),
        }
    }
}

/// The admin payouts queue: pending withdrawals, oldest first, with the full destination.
pub async fn queue(pool: &PgPool) -> Result<Vec<WithdrawalItem>, AppError> {
    let rows = sqlx::query_as!(
        WithdrawalRow,
        r#"SELECT w.id, u.display_name, u.email, w.amount_minor,
                  w.currency AS "currency: Currency", w.method AS "method: PayoutMethod",
                  w.destination, w.status AS "status: WithdrawalStatus", w.reason, w.created_at
           FROM withdrawals w JOIN users u ON u.id = w.user_id
           WHERE w.status = 'pending' ORDER BY w.created_at LIMIT 200"#
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| r.item(true, "UTC")).collect())
}

/// The admins' payout history: the latest paid and rejected withdrawals, newest decision
/// first, destinations masked (the work is done; the full number is not needed any more).
pub async fn decided(pool: &PgPool, tz: &str) -> Result<Vec<WithdrawalItem>, AppError> {
    let rows = sqlx::query_as!(
        WithdrawalRow,
        r#"SELECT w.id, u.display_name, u.email, w.amount_minor,
                  w.currency AS "currency: Currency", w.method AS "method: PayoutMethod",
                  w.destination, w.status AS "status: WithdrawalStatus", w.reason,
                  coalesce(w.decided_at, w.created_at) AS "created_at!"
           FROM withdrawals w JOIN users u ON u.id = w.user_id
           WHERE w.status <> 'pending' ORDER BY w.decided_at DESC NULLS LAST LIMIT 100"#
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| r.item(false, tz)).collect())
}

/// A member's latest withdrawals, destinations masked.
pub async fn mine(pool: &PgPool, user: UserId, tz: &str) -> Result<Vec<WithdrawalItem>, AppError> {
    let rows = sqlx::query_as!(
        WithdrawalRow,
        r#"SELECT w.id, u.display_name, u.email, w.amount_minor,
                  w.currency AS "currency: Currency", w.method AS "method: PayoutMethod",
                  w.destination, w.status AS "status: WithdrawalStatus", w.reason, w.created_at
           FROM withdrawals w JOIN users u ON u.id = w.user_id
           WHERE w.user_id = $1 ORDER BY w.created_at DESC LIMIT 20"#,
        user as UserId
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| r.item(false, tz)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn destinations_are_checked_and_masked() {
        assert!(iban_ok("DE89370400440532013000"));
        assert!(iban_ok("GB82WEST12345698765432"));
        assert!(!iban_ok("DE89370400440532013001"));
        assert!(!iban_ok("ÄÄ89370400440532013000"));
        assert_eq!(
            check_destination(PayoutMethod::Iban, "de89 3704 0044 0532 0130 00").unwrap(),
            "DE89370400440532013000"
        );
        assert!(check_destination(PayoutMethod::Mobile, "+254 712 345 678").is_ok());
        assert!(check_destination(PayoutMethod::Mobile, "0712345678").is_err());
        assert_eq!(
            mask(PayoutMethod::Iban, "DE89370400440532013000"),
            "Bank account DE89…3000"
        );
        assert_eq!(
            mask(PayoutMethod::Mobile, "+254712345678"),
            "Mobile money …5678"
        );
    }
}
