//! The wallet: balances, top-up, withdrawal, and history.

use crate::api::wallet::{get_wallet, wallet_history, TopUp, Withdraw};
use crate::components::cards::{currency_options, loading};
use crate::components::form::{
    action_error, ActionForm, Field, FormError, IdemKey, Select, Submit,
};
use crate::components::layout::{Notice, PageHeader};
use crate::components::resource::resource;
use crate::i18n::tr;
use crate::pages::errors::page_error;
use crate::types::accounts::VerificationState;
use crate::types::wallet::{Balance, WalletView};
use crate::types::PayoutMethod;
use crate::url::{query_flag, query_value};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn WalletPage() -> impl IntoView {
    let topup = ServerAction::<TopUp>::new();
    let withdraw = ServerAction::<Withdraw>::new();
    let wallet = resource(|| (), |_| get_wallet());
    let topped_up = query_flag("topped_up");
    let withdrawn = query_flag("withdrawn");
    let stripe = query_value("stripe");
    view! {
        <leptos_meta::Title text=tr("Wallet")/>
        <PageHeader title=tr("Wallet") lead=tr("Your money on Carry: what you can spend or withdraw, and what is held in escrow for your bookings.")/>
        <Show when=move || topped_up.get()><Notice>{tr("Money added: your wallet is topped up.")}</Notice></Show>
        <Show when=move || withdrawn.get()><Notice>{tr("Withdrawal requested. An admin pays it out, usually within two working days; until then it shows as pending.")}</Notice></Show>
        {(stripe == "success").then(|| view! { <Notice>{tr("Payment received by Stripe. Your wallet is credited as soon as Stripe confirms it, usually within seconds.")}</Notice> })}
        {(stripe == "cancelled").then(|| view! { <Notice>{tr("The card payment was cancelled; nothing was charged.")}</Notice> })}
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match wallet.await {
                    Err(e) => page_error(e),
                    Ok(w) => view! { <WalletBody wallet=w topup withdraw/> }.into_any(),
                }
            })}
        </Suspense>
        <HistorySection/>
    }
}

#[component]
fn BalanceCard(b: Balance) -> impl IntoView {
    let code = b.available.currency.code();
    view! {
        <div class="card" data-testid=format!("balance-{code}")>
            <p class="text-sm text-slate-600">{code}{tr(" available")}</p>
            <p class="text-2xl font-bold" data-testid="available">{b.available.to_string()}</p>
            <p class="mt-1 text-sm text-slate-600">{tr("In escrow: ")}<span data-testid="escrow">{b.in_escrow.to_string()}</span></p>
            {(b.incoming.minor > 0).then(|| view! {
                <p class="text-sm text-slate-600">{tr("On its way to you: ")}<span data-testid="incoming">{b.incoming.to_string()}</span>{tr(" (paid when deliveries complete)")}</p>
            })}
            {(b.pending_withdrawals.minor > 0).then(|| view! {
                <p class="text-sm text-slate-600">{tr("Withdrawals pending: ")}{b.pending_withdrawals.to_string()}</p>
            })}
        </div>
    }
}

#[component]
fn WalletBody(
    wallet: WalletView,
    topup: ServerAction<TopUp>,
    withdraw: ServerAction<Withdraw>,
) -> impl IntoView {
    let top_error = action_error(topup);
    let w_error = action_error(withdraw);
    let sandbox = wallet.provider == "sandbox";
    let no_cards = wallet.provider == "none";
    let amount = query_value("amount");
    let currency = {
        let c = query_value("currency");
        if c.is_empty() {
            wallet
                .balances
                .first()
                .map(|b| b.available.currency.code().to_string())
                .unwrap_or_else(|| "EUR".into())
        } else {
            c
        }
    };
    let next = query_value("next");
    let verified = wallet.id_verification == VerificationState::Approved;
    let min = wallet
        .withdrawal_minimums
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        {if wallet.balances.is_empty() {
            view! { <p class="mb-6 text-slate-600" data-testid="no-balance">{tr("Your wallet is empty. Add money below to pay for bookings; earnings from deliveries arrive here too.")}</p> }.into_any()
        } else {
            view! {
                <div class="mb-6 grid gap-4 sm:grid-cols-2 md:grid-cols-3">
                    {wallet.balances.into_iter().map(|b| view! { <BalanceCard b/> }).collect_view()}
                </div>
            }.into_any()
        }}
        <div class="grid gap-6 md:grid-cols-2">
            <section class="card" id="top-up">
                <h2 class="mb-3 text-lg font-semibold">{tr("Add money")}</h2>
                {(!next.is_empty()).then(|| view! {
                    <p class="mb-3 text-sm text-slate-700">{tr("Add at least the amount shown; you will go back to where you were.")}</p>
                })}
                {no_cards.then(|| view! {
                    <p class="text-sm text-slate-700" data-testid="no-card-payments">{tr("Card payments are not available on this server yet.")}</p>
                })}
                <ActionForm action=topup attr:hidden=no_cards>
                    <FormError error=top_error/>
                    <IdemKey version=topup.version()/>
                    <input type="hidden" name="next" value=next/>
                    <div class="grid grid-cols-2 gap-3">
                        <Field label=tr("Amount") name="amount" error=top_error value=amount required=true/>
                        <Select label=tr("Currency") name="currency" error=top_error options=currency_options() value=currency/>
                    </div>
                    {sandbox.then(|| view! {
                        <p class="mb-3 rounded-md bg-amber-50 p-2 text-sm text-amber-900">
                            {tr("Sandbox payments: card 4242 4242 4242 4242 succeeds, 4000 0000 0000 0002 is declined. Any future expiry date and any 3 digits.")}
                        </p>
                        <Field label=tr("Card number") name="number" error=top_error autocomplete="cc-number" required=true/>
                        <div class="grid grid-cols-2 gap-3">
                            <Field label=tr("Expiry (MM/YY)") name="expiry" error=top_error autocomplete="cc-exp" required=true/>
                            <Field label=tr("CVC") name="cvc" error=top_error autocomplete="cc-csc" required=true/>
                        </div>
                    })}
                    {(wallet.provider == "stripe").then(|| view! { <p class="mb-3 text-sm text-slate-600">{tr("You will pay on Stripe's secure page.")}</p> })}
                    <Submit label=tr("Add money") pending=topup.pending().into()/>
                </ActionForm>
            </section>
            <section class="card" id="withdraw">
                <h2 class="mb-3 text-lg font-semibold">{tr("Withdraw")}</h2>
                {if verified {
                    view! {
                        <ActionForm action=withdraw>
                            <FormError error=w_error/>
                            <IdemKey version=withdraw.version()/>
                            <div class="grid grid-cols-2 gap-3">
                                <Field label=tr("Amount") name="amount" id="w-amount" error=w_error required=true/>
                                <Select label=tr("Currency") name="currency" id="w-currency" error=w_error options=currency_options() value="EUR"/>
                            </div>
                            <Select label=tr("Pay to") name="method" id="w-method" error=w_error options=PayoutMethod::options()/>
                            <Field label=tr("IBAN or mobile number (with country code)") name="destination" id="w-destination" error=w_error required=true/>
                            <p class="mb-3 text-sm text-slate-600">{crate::trf!("The smallest withdrawal: {}. The money leaves your balance now and an admin pays it out.", min)}</p>
                            <Submit label=tr("Request withdrawal") pending=withdraw.pending().into()/>
                        </ActionForm>
                    }.into_any()
                } else {
                    view! {
                        <p class="text-sm text-slate-700" data-testid="verify-first">
                            {match wallet.id_verification.clone() {
                                VerificationState::Pending => tr("Your ID is being checked. You can withdraw once it is verified.").to_string(),
                                VerificationState::Rejected(r) => crate::trf!("Your ID photos were not accepted ({}). Send new ones to withdraw.", r),
                                _ => tr("Withdrawals need a verified identity: it protects your money.").to_string(),
                            }}
                        </p>
                        <a class="btn-secondary mt-3 inline-block" href="/account/verification">{tr("Verify my identity")}</a>
                    }.into_any()
                }}
                {(!wallet.withdrawals.is_empty()).then(|| view! {
                    <h3 class="mt-4 font-medium">{tr("Your withdrawals")}</h3>
                    <ul class="mt-2 space-y-1 text-sm" data-testid="withdrawals">
                        {wallet.withdrawals.into_iter().map(|w| view! {
                            <li class="flex flex-wrap justify-between gap-2">
                                <span>{w.at}" · "{w.amount.to_string()}" · "{w.destination}</span>
                                <span>
                                    <span class="font-medium" data-testid="withdrawal-status">{w.status.label()}</span>
                                    " · "<a class="link" href=format!("/wallet/receipts/payout/{}", w.id)>{tr("Receipt")}</a>
                                </span>
                            </li>
                        }).collect_view()}
                    </ul>
                })}
            </section>
        </div>
    }
}

#[component]
fn HistorySection() -> impl IntoView {
    let q = use_query_map();
    let page = Memo::new(move |_| {
        q.read()
            .get("page")
            .and_then(|p| p.parse::<i64>().ok())
            .unwrap_or(1)
            .max(1)
    });
    let history = resource(move || page.get(), wallet_history);
    view! {
        <section class="card mt-6">
            <h2 class="mb-3 text-lg font-semibold">{tr("History")}</h2>
            <Suspense fallback=loading>
                {move || Suspend::new(async move {
                    match history.await {
                        Err(e) => page_error(e),
                        Ok(h) if h.items.is_empty() => view! { <p class="text-sm text-slate-600">{tr("No money has moved yet.")}</p> }.into_any(),
                        Ok(h) => view! {
                            <ul class="divide-y divide-slate-100 text-sm" data-testid="history">
                                {h.items.into_iter().map(|i| {
                                    let positive = i.amount.minor > 0;
                                    view! {
                                        <li class="flex flex-wrap items-baseline justify-between gap-2 py-2" data-testid="history-item">
                                            <span>
                                                <span class="text-slate-500">{i.at}</span>" "{i.what}
                                                {i.booking_id.map(|b| view! { " · "<a class="link" href=format!("/bookings/{b}")>{tr("Booking")}</a> })}
                                                {i.receipt.map(|r| view! { " · "<a class="link" href=r>{tr("Receipt")}</a> })}
                                            </span>
                                            <span class=if positive { "font-semibold text-teal-700" } else { "font-semibold text-slate-800" }>
                                                {if positive { "+" } else { "" }}{i.amount.to_string()}
                                            </span>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                            <nav class="mt-3 flex gap-3 text-sm">
                                {(h.page > 1).then(|| view! { <a class="link" href=format!("/wallet?page={}", h.page - 1)>{tr("← Newer")}</a> })}
                                {h.has_more.then(|| view! { <a class="link" href=format!("/wallet?page={}", h.page + 1)>{tr("Older →")}</a> })}
                            </nav>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
