//! The wallet (balances, top-up, withdrawal, history), receipts, ID verification and the public
//! tracking page.

use super::errors::page_error;
use crate::api::money::{get_receipt, get_wallet, track, wallet_history, TopUp, Withdraw};
use crate::components::form::{action_error, Field, FormError, IdemKey, Select, Submit};
use crate::components::layout::{query_flag, query_value, Notice, PageHeader};
use crate::components::market::{booking_badge, loading};
use crate::market::Currency;
use crate::money::{Balance, VerificationState, WalletView};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

fn currency_options() -> Vec<(String, String)> {
    Currency::ALL
        .iter()
        .map(|c| (c.code().to_string(), c.code().to_string()))
        .collect()
}

#[component]
pub fn WalletPage() -> impl IntoView {
    let topup = ServerAction::<TopUp>::new();
    let withdraw = ServerAction::<Withdraw>::new();
    let wallet = Resource::new(
        move || (topup.version().get(), withdraw.version().get()),
        |_| get_wallet(),
    );
    let topped_up = query_flag("topped_up");
    let withdrawn = query_flag("withdrawn");
    let stripe = query_value("stripe");
    view! {
        <leptos_meta::Title text="Wallet"/>
        <PageHeader title="Wallet" lead="Your money on Carry: what you can spend or withdraw, and what is held in escrow for your bookings."/>
        <Show when=move || topped_up.get()><Notice>"Money added: your wallet is topped up."</Notice></Show>
        <Show when=move || withdrawn.get()><Notice>"Withdrawal requested. An admin pays it out, usually within two working days; until then it shows as pending."</Notice></Show>
        {(stripe == "success").then(|| view! { <Notice>"Payment received by Stripe. Your wallet is credited as soon as Stripe confirms it, usually within seconds."</Notice> })}
        {(stripe == "cancelled").then(|| view! { <Notice>"The card payment was cancelled; nothing was charged."</Notice> })}
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
            <p class="text-sm text-slate-600">{code}" available"</p>
            <p class="text-2xl font-bold" data-testid="available">{b.available.to_string()}</p>
            <p class="mt-1 text-sm text-slate-600">"In escrow: "<span data-testid="escrow">{b.in_escrow.to_string()}</span></p>
            {(b.incoming.minor > 0).then(|| view! {
                <p class="text-sm text-slate-600">"On its way to you: "<span data-testid="incoming">{b.incoming.to_string()}</span>" (paid when deliveries complete)"</p>
            })}
            {(b.pending_withdrawals.minor > 0).then(|| view! {
                <p class="text-sm text-slate-600">"Withdrawals pending: "{b.pending_withdrawals.to_string()}</p>
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
    let min = wallet.withdrawal_min_units;
    view! {
        {if wallet.balances.is_empty() {
            view! { <p class="mb-6 text-slate-600" data-testid="no-balance">"Your wallet is empty. Add money below to pay for bookings; earnings from deliveries arrive here too."</p> }.into_any()
        } else {
            view! {
                <div class="mb-6 grid gap-4 sm:grid-cols-2 md:grid-cols-3">
                    {wallet.balances.into_iter().map(|b| view! { <BalanceCard b/> }).collect_view()}
                </div>
            }.into_any()
        }}
        <div class="grid gap-6 md:grid-cols-2">
            <section class="card" id="top-up">
                <h2 class="mb-3 text-lg font-semibold">"Add money"</h2>
                {(!next.is_empty()).then(|| view! {
                    <p class="mb-3 text-sm text-slate-700">"Add at least the amount shown; you will go back to where you were."</p>
                })}
                <ActionForm action=topup>
                    <FormError error=top_error/>
                    <IdemKey version=topup.version()/>
                    <input type="hidden" name="next" value=next/>
                    <div class="grid grid-cols-2 gap-3">
                        <Field label="Amount" name="amount" error=top_error value=amount required=true/>
                        <Select label="Currency" name="currency" error=top_error options=currency_options() value=currency/>
                    </div>
                    {sandbox.then(|| view! {
                        <p class="mb-3 rounded-md bg-amber-50 p-2 text-sm text-amber-900">
                            "Sandbox payments: card 4242 4242 4242 4242 succeeds, 4000 0000 0000 0002 is declined. Any future expiry date and any 3 digits."
                        </p>
                        <Field label="Card number" name="number" error=top_error autocomplete="cc-number" required=true/>
                        <div class="grid grid-cols-2 gap-3">
                            <Field label="Expiry (MM/YY)" name="expiry" error=top_error autocomplete="cc-exp" required=true/>
                            <Field label="CVC" name="cvc" error=top_error autocomplete="cc-csc" required=true/>
                        </div>
                    })}
                    {(!sandbox).then(|| view! { <p class="mb-3 text-sm text-slate-600">"You will pay on Stripe's secure page."</p> })}
                    <Submit label="Add money" pending=topup.pending().into()/>
                </ActionForm>
            </section>
            <section class="card" id="withdraw">
                <h2 class="mb-3 text-lg font-semibold">"Withdraw"</h2>
                {if verified {
                    view! {
                        <ActionForm action=withdraw>
                            <FormError error=w_error/>
                            <IdemKey version=withdraw.version()/>
                            <div class="grid grid-cols-2 gap-3">
                                <Field label="Amount" name="amount" id="w-amount" error=w_error required=true/>
                                <Select label="Currency" name="currency" id="w-currency" error=w_error options=currency_options() value="EUR"/>
                            </div>
                            <Select label="Pay to" name="method" id="w-method" error=w_error options=vec![("iban".into(), "Bank account (IBAN)".into()), ("mobile".into(), "Mobile money".into())]/>
                            <Field label="IBAN or mobile number (with country code)" name="destination" id="w-destination" error=w_error required=true/>
                            <p class="mb-3 text-sm text-slate-600">{format!("The smallest withdrawal is {min} in its currency. The money leaves your balance now and an admin pays it out.")}</p>
                            <Submit label="Request withdrawal" pending=withdraw.pending().into()/>
                        </ActionForm>
                    }.into_any()
                } else {
                    view! {
                        <p class="text-sm text-slate-700" data-testid="verify-first">
                            {match wallet.id_verification.clone() {
                                VerificationState::Pending => "Your ID is being checked. You can withdraw once it is verified.".to_string(),
                                VerificationState::Rejected(r) => format!("Your ID photos were not accepted ({r}). Send new ones to withdraw."),
                                _ => "Withdrawals need a verified identity: it protects your money.".to_string(),
                            }}
                        </p>
                        <a class="btn-secondary mt-3 inline-block" href="/account/verification">"Verify my identity"</a>
                    }.into_any()
                }}
                {(!wallet.withdrawals.is_empty()).then(|| view! {
                    <h3 class="mt-4 font-medium">"Your withdrawals"</h3>
                    <ul class="mt-2 space-y-1 text-sm" data-testid="withdrawals">
                        {wallet.withdrawals.into_iter().map(|w| view! {
                            <li class="flex flex-wrap justify-between gap-2">
                                <span>{w.at}" · "{w.amount.to_string()}" · "{w.destination}</span>
                                <span>
                                    <span class="font-medium" data-testid="withdrawal-status">{w.status}</span>
                                    " · "<a class="link" href=format!("/wallet/receipts/payout/{}", w.id)>"Receipt"</a>
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
    let history = Resource::new(move || page.get(), wallet_history);
    view! {
        <section class="card mt-6">
            <h2 class="mb-3 text-lg font-semibold">"History"</h2>
            <Suspense fallback=loading>
                {move || Suspend::new(async move {
                    match history.await {
                        Err(e) => page_error(e),
                        Ok(h) if h.items.is_empty() => view! { <p class="text-sm text-slate-600">"No money has moved yet."</p> }.into_any(),
                        Ok(h) => view! {
                            <ul class="divide-y divide-slate-100 text-sm" data-testid="history">
                                {h.items.into_iter().map(|i| {
                                    let positive = i.amount.minor > 0;
                                    view! {
                                        <li class="flex flex-wrap items-baseline justify-between gap-2 py-2" data-testid="history-item">
                                            <span>
                                                <span class="text-slate-500">{i.at}</span>" "{i.what}
                                                {i.booking_id.map(|b| view! { " · "<a class="link" href=format!("/bookings/{b}")>"Booking"</a> })}
                                                {i.receipt.map(|r| view! { " · "<a class="link" href=r>"Receipt"</a> })}
                                            </span>
                                            <span class=if positive { "font-semibold text-teal-700" } else { "font-semibold text-slate-800" }>
                                                {if positive { "+" } else { "" }}{i.amount.to_string()}
                                            </span>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                            <nav class="mt-3 flex gap-3 text-sm">
                                {(h.page > 1).then(|| view! { <a class="link" href=format!("/wallet?page={}", h.page - 1)>"← Newer"</a> })}
                                {h.has_more.then(|| view! { <a class="link" href=format!("/wallet?page={}", h.page + 1)>"Older →"</a> })}
                            </nav>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// A printable receipt for a payment or a payout.
#[component]
pub fn ReceiptPage() -> impl IntoView {
    let params = use_params_map();
    let kind = params.read_untracked().get("kind").unwrap_or_default();
    let id = params
        .read_untracked()
        .get("id")
        .and_then(|s| uuid::Uuid::parse_str(&s).ok());
    let receipt = Resource::new(
        move || (kind.clone(), id),
        |(kind, id)| async move {
            match id {
                Some(id) => get_receipt(kind, id).await,
                None => Err(crate::error::AppError::NotFound(
                    "This receipt does not exist.".into(),
                )),
            }
        },
    );
    // The print button needs JavaScript; without it, the browser's own Print works.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    view! {
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match receipt.await {
                    Err(e) => page_error(e),
                    Ok(r) => view! {
                        <leptos_meta::Title text=format!("{} receipt {}", r.kind, r.number)/>
                        <article class="card mx-auto max-w-xl" data-testid="receipt">
                            <header class="mb-4 flex items-start justify-between">
                                <div>
                                    <p class="text-lg font-bold text-teal-700">{crate::BRAND}</p>
                                    <h1 class="text-xl font-semibold">{r.kind.clone()}" receipt"</h1>
                                </div>
                                <p class="text-right text-sm text-slate-600">"No. "{r.number}<br/>{r.at}</p>
                            </header>
                            <p class="text-sm">{r.name}<br/>{r.email}</p>
                            <dl class="mt-4 divide-y divide-slate-100 text-sm">
                                {r.lines.into_iter().map(|(k, v)| view! {
                                    <div class="flex justify-between py-1"><dt class="text-slate-600">{k}</dt><dd>{v}</dd></div>
                                }).collect_view()}
                                <div class="flex justify-between py-1"><dt class="text-slate-600">"Method"</dt><dd>{r.method}</dd></div>
                                <div class="flex justify-between py-1"><dt class="text-slate-600">"Status"</dt><dd data-testid="receipt-status">{r.status}</dd></div>
                                <div class="flex justify-between py-2 text-base font-semibold"><dt>"Total"</dt><dd data-testid="receipt-amount">{r.amount.to_string()}</dd></div>
                            </dl>
                            <Show when=move || hydrated.get()>
                                <button type="button" class="btn-secondary mt-4 print:hidden" on:click=|_| { let _ = window().print(); }>"Print"</button>
                            </Show>
                        </article>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// ID verification: upload an ID photo and a selfie (a plain multipart form).
#[component]
pub fn VerificationPage() -> impl IntoView {
    let wallet = Resource::new(|| (), |_| get_wallet());
    let error = query_value("error");
    let submitted = query_flag("submitted");
    view! {
        <leptos_meta::Title text="Verify your identity"/>
        <PageHeader title="Verify your identity" lead="Needed to withdraw money and to carry or send valuable parcels. An admin checks your photos, usually within a day; only admins ever see them."/>
        <Show when=move || submitted.get()><Notice>"Thank you: your photos are waiting for a check. We will email you the result."</Notice></Show>
        {(!error.is_empty()).then(|| view! { <div role="alert" class="mb-4 rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800" data-testid="form-error">{error.clone()}</div> })}
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match wallet.await {
                    Err(e) => page_error(e),
                    Ok(w) => match w.id_verification {
                        VerificationState::Approved => view! { <p class="card" data-testid="id-state">"Your identity is verified."</p> }.into_any(),
                        VerificationState::Pending => view! { <p class="card" data-testid="id-state">"Your photos are waiting for a check."</p> }.into_any(),
                        state => view! {
                            {match state { VerificationState::Rejected(r) => Some(view! { <p class="mb-4 text-red-800" data-testid="id-state">"Your last photos were not accepted: "{r}</p> }), _ => None }}
                            <form class="card space-y-4" method="post" action="/account/verification" enctype="multipart/form-data">
                                <label class="block text-sm font-medium">"Photo of your passport, ID card or driving licence"
                                    <input type="file" name="id_doc" accept="image/jpeg,image/png,image/webp" required class="mt-1 block w-full text-sm"/>
                                </label>
                                <label class="block text-sm font-medium">"A selfie, your face clearly visible"
                                    <input type="file" name="selfie" accept="image/jpeg,image/png,image/webp" capture="user" required class="mt-1 block w-full text-sm"/>
                                </label>
                                <p class="text-sm text-slate-600">"JPEG, PNG or WebP, up to 8 MB each. We remove location data from the files."</p>
                                <button type="submit" class="btn-primary">"Send for checking"</button>
                            </form>
                        }.into_any(),
                    },
                }
            })}
        </Suspense>
    }
}

/// Look up a tracking number.
#[component]
pub fn TrackPage() -> impl IntoView {
    let number = query_value("number");
    let found = Resource::new(
        move || number.clone(),
        |n| async move {
            if n.trim().is_empty() {
                Ok(None)
            } else {
                track(n).await.map(Some)
            }
        },
    );
    let initial = query_value("number");
    view! {
        <leptos_meta::Title text="Track a parcel"/>
        <PageHeader title="Track a parcel"/>
        <form method="get" action="/track" class="mb-6 flex flex-wrap gap-2">
            <label class="sr-only" for="track-number">"Tracking number"</label>
            <input id="track-number" name="number" value=initial placeholder="CR-XXXXXXXXXX" required class="rounded-md border border-slate-300 px-3 py-2"/>
            <button type="submit" class="btn-primary">"Track"</button>
        </form>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match found.await {
                    Err(e) => view! { <p class="text-red-800" data-testid="track-error">{e.to_string()}</p> }.into_any(),
                    Ok(None) => ().into_any(),
                    Ok(Some(t)) => view! {
                        <section class="card" data-testid="tracking">
                            <div class="mb-3 flex flex-wrap items-center justify-between gap-2">
                                <div>
                                    <h2 class="text-lg font-semibold">{t.number}</h2>
                                    <p class="text-slate-600">{t.route}</p>
                                </div>
                                {booking_badge(t.status)}
                            </div>
                            <ol class="space-y-1 text-sm">
                                {t.events.into_iter().map(|(at, what)| view! { <li><span class="text-slate-500">{at}</span>" — "{what}</li> }).collect_view()}
                            </ol>
                        </section>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
