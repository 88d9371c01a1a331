//! Server functions for the wallet, receipts, the handoff of a booking, tracking, and the admin
//! money pages. Each checks who is asking; the rules live in `server::money` and
//! `server::market::{bookings, handoff}`.

use crate::error::AppError;
use crate::money::{
    History, LedgerReport, Receipt, TrackingView, VerificationItem, WalletView, WithdrawalItem,
};
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use uuid::Uuid;

#[cfg(feature = "ssr")]
use crate::server::{
    ctx,
    market::{bookings, handoff},
    money::{ledger, verification, wallet},
};

/// Where to go after a successful top-up: a local path only (never another site).
#[cfg(feature = "ssr")]
fn local_next(next: &str, fallback: &str) -> String {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next.to_string()
    } else {
        fallback.to_string()
    }
}

#[server(prefix = "/api", endpoint = "wallet/get", input = GetUrl)]
pub async fn get_wallet() -> Result<WalletView, AppError> {
    ctx::finish(
        async {
            let me = ctx::require_user().await?;
            let state = ctx::state()?;
            wallet::overview(&state.pool, me.user.id, state.config.stripe.is_some()).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "wallet/history", input = GetUrl)]
pub async fn wallet_history(page: i64) -> Result<History, AppError> {
    ctx::finish(
        async {
            let me = ctx::require_user().await?;
            wallet::history(&ctx::pool()?, me.user.id, page).await
        }
        .await,
    )
}

/// Tops the wallet up: with the sandbox card form, or by sending the user to Stripe Checkout.
#[allow(clippy::too_many_arguments)]
#[server(prefix = "/api", endpoint = "wallet/top-up")]
pub async fn top_up(
    amount: String,
    currency: String,
    #[server(default)] number: String,
    #[server(default)] expiry: String,
    #[server(default)] cvc: String,
    key: String,
    #[server(default)] next: String,
) -> Result<(), AppError> {
    ctx::finish(
        async {
            let me = ctx::require_user().await?;
            let state = ctx::state()?;
            if !me.user.email_verified {
                return Err(AppError::Conflict(
                    "Confirm your email address before adding money.".into(),
                ));
            }
            if let Some(stripe) = &state.config.stripe {
                let mut p = crate::error::Problems::new();
                let money = wallet::parse_amount(&amount, &currency, &mut p);
                p.into_result()?;
                let money = money.ok_or_else(|| AppError::internal("amount checked"))?;
                let payment = wallet::start_stripe_payment(&state.pool, me.user.id, money).await?;
                let url = crate::server::money::stripe::create_checkout(
                    stripe,
                    &state.config.public_url,
                    payment,
                    money,
                )
                .await?;
                leptos_axum::redirect(&url);
                return Ok(());
            }
            let form = wallet::CardForm {
                amount,
                currency,
                number,
                expiry,
                cvc,
            };
            let done = wallet::top_up_sandbox(&state.pool, me.user.id, &form, &key).await?;
            if !done.succeeded {
                return Err(AppError::Conflict(done.message));
            }
            let to = local_next(&next, "/wallet");
            let sep = if to.contains('?') { '&' } else { '?' };
            leptos_axum::redirect(&format!("{to}{sep}topped_up=1"));
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "wallet/withdraw")]
pub async fn withdraw(
    amount: String,
    currency: String,
    method: String,
    destination: String,
    key: String,
) -> Result<(), AppError> {
    ctx::finish(
        async {
            let me = ctx::require_user().await?;
            wallet::request_withdrawal(
                &ctx::pool()?,
                me.user.id,
                &amount,
                &currency,
                &method,
                &destination,
                &key,
            )
            .await?;
            leptos_axum::redirect("/wallet?withdrawn=1");
            Ok(())
        }
        .await,
    )
}

/// A payment or payout receipt, for its owner (or an admin).
#[server(prefix = "/api", endpoint = "wallet/receipt", input = GetUrl)]
pub async fn get_receipt(kind: String, id: Uuid) -> Result<Receipt, AppError> {
    ctx::finish(
        async {
            let me = ctx::require_user().await?;
            wallet::receipt(&ctx::pool()?, me.user.id, me.user.is_admin(), &kind, id).await
        }
        .await,
    )
}

/// The traveler's pickup: the inspection and the sender's code.
#[server(prefix = "/api", endpoint = "bookings/pick-up")]
pub async fn pick_up(
    id: Uuid,
    code: String,
    #[server(default)] contents_match: Option<String>,
    #[server(default)] nothing_prohibited: Option<String>,
    #[server(default)] electronics_power_on: Option<String>,
) -> Result<(), AppError> {
    ctx::finish(
        async {
            let me = ctx::require_user().await?;
            let inspection = handoff::Inspection {
                contents_match: contents_match.is_some(),
                nothing_prohibited: nothing_prohibited.is_some(),
                electronics_power_on: electronics_power_on.is_some(),
            };
            handoff::pick_up(&ctx::pool()?, me.user.id, id, &code, inspection).await?;
            leptos_axum::redirect(&format!("/bookings/{id}?picked_up=1"));
            Ok(())
        }
        .await,
    )
}

/// The sender confirms receipt, the traveler refuses the parcel, or either side cancels before
/// pickup: `what` is "confirm", "refuse" or "cancel".
#[server(prefix = "/api", endpoint = "bookings/settle")]
pub async fn settle_booking(
    id: Uuid,
    what: String,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    ctx::finish(
        async {
            let me = ctx::require_user().await?;
            let pool = ctx::pool()?;
            match what.as_str() {
                "confirm" => handoff::confirm(&pool, me.user.id, id).await?,
                "refuse" => bookings::refuse(&pool, me.user.id, id, &reason).await?,
                "cancel" => bookings::cancel(&pool, me.user.id, id, &reason).await?,
                _ => return Err(AppError::BadRequest("Unknown action.".into())),
            }
            leptos_axum::redirect(&format!("/bookings/{id}?{what}=1"));
            Ok(())
        }
        .await,
    )
}

/// The fee and protection terms in words (request forms show them).
#[server(prefix = "/api", endpoint = "bookings/terms", input = GetUrl)]
pub async fn booking_terms() -> Result<crate::money::BookingTerms, AppError> {
    ctx::finish(
        async {
            let s = crate::server::market::settings::load(&ctx::pool()?).await?;
            Ok(crate::server::money::escrow::terms(&s))
        }
        .await,
    )
}

/// The public tracking page's data: no names, addresses or notes.
#[server(prefix = "/api", endpoint = "track", input = GetUrl)]
pub async fn track(number: String) -> Result<TrackingView, AppError> {
    ctx::finish(async { handoff::tracking(&ctx::pool()?, &number).await }.await)
}

#[server(prefix = "/api", endpoint = "admin/payouts", input = GetUrl)]
pub async fn payouts_queue() -> Result<Vec<WithdrawalItem>, AppError> {
    ctx::finish(
        async {
            ctx::require_admin().await?;
            wallet::payouts_queue(&ctx::pool()?).await
        }
        .await,
    )
}

/// "paid" or "reject" (with a reason).
#[server(prefix = "/api", endpoint = "admin/payouts/decide")]
pub async fn decide_payout(
    id: Uuid,
    decision: String,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    ctx::finish(
        async {
            let admin = ctx::require_admin().await?;
            let paid = super::decision(&decision, "paid")?;
            wallet::decide_withdrawal(&ctx::pool()?, admin.user.id, id, paid, &reason).await?;
            leptos_axum::redirect("/admin/payouts?done=1");
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "admin/verifications", input = GetUrl)]
pub async fn verification_queue() -> Result<Vec<VerificationItem>, AppError> {
    ctx::finish(
        async {
            ctx::require_admin().await?;
            verification::queue(&ctx::pool()?).await
        }
        .await,
    )
}

/// "approve" or "reject" (with a reason).
#[server(prefix = "/api", endpoint = "admin/verifications/decide")]
pub async fn decide_verification(
    id: Uuid,
    decision: String,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    ctx::finish(
        async {
            let admin = ctx::require_admin().await?;
            let approve = super::decision(&decision, "approve")?;
            verification::decide(&ctx::pool()?, admin.user.id, id, approve, &reason).await?;
            leptos_axum::redirect("/admin/verifications?done=1");
            Ok(())
        }
        .await,
    )
}

/// Runs the full ledger invariant check now.
#[server(prefix = "/api", endpoint = "admin/ledger", input = GetUrl)]
pub async fn get_ledger_report() -> Result<LedgerReport, AppError> {
    ctx::finish(
        async {
            ctx::require_admin().await?;
            let pool = ctx::pool()?;
            let checks = ledger::check(&pool)
                .await?
                .into_iter()
                .map(|f| crate::money::LedgerCheck {
                    check: f.check.to_string(),
                    ok: f.ok,
                    detail: f.detail,
                })
                .collect();
            Ok(LedgerReport {
                checks,
                system: ledger::system_balances(&pool).await?,
                at: crate::server::time_fmt::datetime(time::OffsetDateTime::now_utc()),
            })
        }
        .await,
    )
}
