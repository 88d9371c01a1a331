//! Wallet: balances and history, top-ups (sandbox card or Stripe Checkout), withdrawals, and
//! receipts.

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::i18n::tr;
use crate::types::wallet::{CardForm, History, Receipt, WalletView};
use crate::types::ReceiptKind;
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Postcard};
use uuid::Uuid;

#[cfg(feature = "ssr")]
use crate::server::{
    ctx,
    wallet::{statements, stripe, top_up as cards, withdrawals},
};

#[server(prefix = "/api", endpoint = "wallet/get", input = GetUrl, output = Postcard)]
pub async fn get_wallet() -> Result<WalletView, AppError> {
    let me = ctx::require_user().await?;
    let state = ctx::state()?;
    let tz = ctx::viewer_zone(Some(&me));
    statements::overview(
        &state.pool,
        me.user.id,
        state.config.payment_provider(),
        &tz,
    )
    .await
}

#[server(prefix = "/api", endpoint = "wallet/history", input = GetUrl, output = Postcard)]
pub async fn wallet_history(page: i64) -> Result<History, AppError> {
    let me = ctx::require_user().await?;
    statements::history(
        &ctx::pool()?,
        me.user.id,
        page,
        &ctx::viewer_zone(Some(&me)),
    )
    .await
}

/// Tops the wallet up: with the sandbox card form, or by sending the user to Stripe Checkout.
#[server(prefix = "/api", endpoint = "wallet/top-up", output = Postcard)]
pub async fn top_up(
    #[server(flatten)] card: CardForm,
    key: String,
    #[server(default)] next: String,
) -> Result<(), AppError> {
    let me = ctx::require_user().await?;
    let state = ctx::state()?;
    if let Some(cfg) = &state.config.stripe {
        let s = cards::start_stripe_payment(&state.pool, me.user.id, &card, &key).await?;
        let url =
            stripe::create_checkout(cfg, &state.config.public_url, s.payment, s.amount).await?;
        leptos_axum::redirect(&url);
        return Ok(());
    }
    if !state.config.sandbox_payments {
        return Err(AppError::Conflict(
            tr("Card payments are not available on this server yet.").into(),
        ));
    }
    let done = cards::top_up_sandbox(&state.pool, me.user.id, &card, &key).await?;
    if !done.succeeded {
        return Err(AppError::Conflict(done.message));
    }
    let to = crate::url::safe_next(&next, "/wallet");
    let sep = if to.contains('?') { '&' } else { '?' };
    leptos_axum::redirect(&format!("{to}{sep}topped_up=1"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "wallet/withdraw", output = Postcard)]
pub async fn withdraw(
    amount: String,
    currency: String,
    method: String,
    destination: String,
    key: String,
) -> Result<(), AppError> {
    let me = ctx::require_user().await?;
    let form = withdrawals::WithdrawalForm {
        amount,
        currency,
        method,
        destination,
    };
    withdrawals::request(&ctx::pool()?, me.user.id, &form, &key).await?;
    leptos_axum::redirect("/wallet?withdrawn=1");
    Ok(())
}

/// A receipt for a payment, a payout or any other movement of the wallet, for its owner (or an
/// admin).
#[server(prefix = "/api", endpoint = "wallet/receipt", input = GetUrl, output = Postcard)]
pub async fn get_receipt(kind: ReceiptKind, id: Uuid) -> Result<Receipt, AppError> {
    let me = ctx::require_user().await?;
    let state = ctx::state()?;
    let tz = ctx::viewer_zone(Some(&me));
    let reader = crate::server::wallet::receipts::Reader {
        viewer: me.user.id,
        admin: me.user.is_admin(),
        tz: &tz,
        site: &state.config.public_url,
    };
    statements::receipt(&state.pool, &reader, kind, id).await
}

/// Whether this is a public demo whose money is simulated (every page says so).
#[server(prefix = "/api", endpoint = "site/demo", input = GetUrl, output = Postcard)]
pub async fn demo_deployment() -> Result<bool, AppError> {
    Ok(ctx::state()?.config.demo)
}
