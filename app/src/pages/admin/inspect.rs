//! The bookings inspector (any booking's timeline and money) and the ledger explorer
//! (transactions and entries by booking, member, account and dates).

use crate::api::admin::{inspect_booking, ledger_transactions};
use crate::components::cards::loading;
use crate::components::layout::PageHeader;
use crate::components::resource::resource;
use crate::error::AppError;
use crate::i18n::tr;
use crate::pages::errors::page_error;
use crate::types::admin::TxItem;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// A filter that finds nothing or does not parse is said next to the form; anything else is
/// the usual error page.
fn search_error(e: AppError) -> AnyView {
    match e {
        AppError::Validation { .. } | AppError::NotFound(_) => view! {
            <p role="alert" class="card text-red-800" data-testid="search-error">{e.to_string()}</p>
        }
        .into_any(),
        other => page_error(other),
    }
}

const INPUT: &str = "mt-1 block w-full rounded-md border border-slate-300 px-3 py-2";

/// The ledger's transactions, each with its entries.
#[component]
pub fn TxList(txs: Vec<TxItem>) -> impl IntoView {
    if txs.is_empty() {
        return view! { <p class="text-slate-600" data-testid="no-transactions">{tr("No transaction matches.")}</p> }.into_any();
    }
    view! {
        <ul class="space-y-2" data-testid="transactions">
            {txs.into_iter().map(|t| view! {
                <li class="card text-sm" data-testid="transaction">
                    <p>
                        <strong class="capitalize">{t.kind}</strong>" · #"{t.id}" · "{t.at}
                        {t.booking.map(|b| view! { " · "<a class="link" href=format!("/admin/bookings?q={b}")>{tr("booking")}</a> })}
                    </p>
                    {(!t.memo.is_empty()).then(|| view! { <p class="text-slate-600">{t.memo}</p> })}
                    <table class="mt-1 w-full text-left">
                        <thead class="sr-only"><tr><th scope="col">{tr("Account")}</th><th scope="col">{tr("Amount")}</th></tr></thead>
                        <tbody>
                            {t.entries.into_iter().map(|e| {
                                let tone = if e.amount.minor < 0 { "text-right text-red-800" } else { "text-right text-teal-800" };
                                view! { <tr data-testid="entry"><td>{e.account}</td><td class=tone>{e.amount.to_string()}</td></tr> }
                            }).collect_view()}
                        </tbody>
                    </table>
                </li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
pub fn LedgerExplorerPage() -> impl IntoView {
    let q = use_query_map();
    let field = move |k: &str| q.read().get(k).unwrap_or_default();
    let filter = move || {
        (
            field("booking"),
            field("email"),
            field("account"),
            field("from"),
            field("to"),
        )
    };
    let txs = resource(filter, |(b, e, a, f, t)| ledger_transactions(b, e, a, f, t));
    let (booking, email, account, from, to) = filter();
    view! {
        <PageHeader title=tr("Ledger explorer") lead=tr("Transactions and their entries, newest first (at most 100). Every filter is optional.")/>
        <div class="mb-4 text-sm"><a class="link" href="/admin/ledger">{tr("Run the ledger check")}</a></div>
        <form method="get" class="card mb-6 grid gap-3 sm:grid-cols-3">
            <label class="text-sm">{tr("Booking (id or tracking number)")}<input name="booking" value=booking maxlength="64" class=INPUT/></label>
            <label class="text-sm">{tr("Member's email")}<input name="email" type="email" value=email maxlength="254" class=INPUT/></label>
            <label class="text-sm">{tr("Account")}
                <select name="account" class=INPUT>
                    <option value="">{tr("Any")}</option>
                    {[("user", tr("Member wallets")), ("escrow", tr("Escrow")), ("fees", tr("Fees")), ("protection", tr("Protection pool")),
                      ("provider", tr("Card payments")), ("payouts_pending", tr("Payouts pending")), ("payouts", tr("Payouts paid"))]
                        .into_iter()
                        .map(|(k, l)| view! { <option value=k selected=account == k>{l}</option> })
                        .collect_view()}
                </select>
            </label>
            <label class="text-sm">{tr("From (date)")}<input name="from" type="date" value=from class=INPUT/></label>
            <label class="text-sm">{tr("To (date)")}<input name="to" type="date" value=to class=INPUT/></label>
            <div class="flex items-end"><button type="submit" class="btn-primary">{tr("Show")}</button></div>
        </form>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match txs.await {
                    Err(e) => search_error(e),
                    Ok(list) => view! { <TxList txs=list/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn BookingInspectorPage() -> impl IntoView {
    let q = use_query_map();
    let query = move || q.read().get("q").unwrap_or_default();
    let found = resource(query, |q| async move {
        if q.trim().is_empty() {
            Ok(None)
        } else {
            inspect_booking(q).await.map(Some)
        }
    });
    let initial = query();
    view! {
        <PageHeader title=tr("Bookings inspector") lead=tr("Any booking's timeline, escrow and ledger transactions.")/>
        <form method="get" class="mb-6 flex flex-col gap-2 sm:flex-row sm:items-end" role="search">
            <label class="grow text-sm">{tr("Booking id or tracking number")}
                <input name="q" value=initial maxlength="64" class=INPUT/>
            </label>
            <button type="submit" class="btn-secondary">{tr("Inspect")}</button>
        </form>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match found.await {
                    Err(e) => search_error(e),
                    Ok(None) => ().into_any(),
                    Ok(Some(b)) => view! {
                        <section class="card" data-testid="inspected-booking">
                            <h2 class="text-xl font-bold">{b.parcel_title.clone()}</h2>
                            <p class="text-slate-600">{b.route.clone()}" · "{b.tracking_no.clone()}</p>
                            <p class="mt-2 text-sm">
                                {tr("Sender ")}<a class="link" href=format!("/admin/users/{}", b.sender.0)>{b.sender.1.clone()}</a>
                                {tr(" · traveler ")}<a class="link" href=format!("/admin/users/{}", b.traveler.0)>{b.traveler.1.clone()}</a>
                            </p>
                            <p class="mt-1 text-sm">
                                <span data-testid="inspected-status">{b.status.label()}</span>
                                {tr(" · price ")}{b.price.to_string()}{tr(" · in escrow ")}<span data-testid="inspected-held">{b.held.to_string()}</span>
                                {b.dispute.map(|d| view! { " · "<a class="link" href=format!("/admin/disputes/{d}")>{tr("dispute")}</a> })}
                            </p>
                        </section>
                        <h3 class="mb-2 mt-6 font-semibold">{tr("Timeline")}</h3>
                        <ol class="card space-y-1 text-sm" data-testid="inspected-timeline">
                            {b.events.into_iter().map(|e| view! { <li>{e.at}" · "{e.actor}" · "{e.what}</li> }).collect_view()}
                        </ol>
                        <h3 class="mb-2 mt-6 font-semibold">{tr("Ledger")}</h3>
                        <TxList txs=b.transactions/>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
