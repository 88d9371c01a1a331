//! The admin queues: parcels in review, ID checks, payouts. Each item is decided with the one
//! approve/reject form.

use crate::api::admin::{
    payouts_history, payouts_queue, review_queue, verification_queue, DecidePayout,
    DecideVerification, ReviewParcel,
};
use crate::components::cards::{loading, ParcelRow};
use crate::components::decision::DecisionForms;
use crate::components::form::{action_error, FormError};
use crate::components::layout::{Notice, PageHeader};
use crate::components::resource::resource;
use crate::i18n::tr;
use crate::pages::errors::page_error;
use crate::types::PayoutMethod;
use crate::url::query_flag;
use leptos::prelude::*;

/// Parcels whose risk score sent them to review: approve, or reject with a reason.
#[component]
pub fn ReviewQueuePage() -> impl IntoView {
    let decide = ServerAction::<ReviewParcel>::new();
    let error = action_error(decide);
    let done = query_flag("done");
    let queue = resource(|| (), |_| review_queue());
    view! {
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match queue.await {
                    Err(e) => page_error(e),
                    Ok(items) => view! {
                        <PageHeader title=tr("Parcel review") lead=tr("Parcels at or above the risk threshold wait here; travelers cannot see them until approved.")/>
                        <Show when=move || done.get()><Notice>{tr("Decision saved.")}</Notice></Show>
                        <FormError error/>
                        {items.is_empty().then(|| view! { <p class="text-slate-600" data-testid="queue-empty">{tr("Nothing waits for review.")}</p> })}
                        <ul class="space-y-4">
                            {items.into_iter().map(|i| {
                                let id = i.parcel.id;
                                view! {
                                    <ParcelRow parcel=i.parcel>
                                        <div class="mt-2 text-sm text-slate-700" data-testid="review-item">
                                            <p class="whitespace-pre-line">{i.description}</p>
                                            <p class="mt-1"><strong>{tr("Risk ")}{i.risk_score}"/100: "</strong>
                                                {i.reasons.iter().map(|r| format!("{} (+{})", r.label, r.points)).collect::<Vec<_>>().join("; ")}</p>
                                            {(!i.flagged.is_empty()).then(|| view! { <p class="text-red-700">{tr("Flagged words: ")}{i.flagged.join(", ")}</p> })}
                                            <p class="text-slate-500">{tr("Submitted ")}{i.submitted}</p>
                                        </div>
                                        <DecisionForms action=decide id=id.to_string() yes_label=tr("Approve") reason_max=1000/>
                                    </ParcelRow>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Withdrawals waiting to be paid out: mark paid, or reject with a reason (the money returns).
#[component]
pub fn PayoutsPage() -> impl IntoView {
    let decide = ServerAction::<DecidePayout>::new();
    let error = action_error(decide);
    let done = query_flag("done");
    let queue = resource(|| (), |_| payouts_queue());
    let history = resource(|| (), |_| payouts_history());
    view! {
        <leptos_meta::Title text=tr("Payouts")/>
        <PageHeader title=tr("Payouts") lead=tr("Pay each withdrawal to its destination, then mark it paid. Rejecting returns the money to the user's wallet.")/>
        <Show when=move || done.get()><Notice>{tr("Decision saved.")}</Notice></Show>
        <FormError error/>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match queue.await {
                    Err(e) => page_error(e),
                    Ok(items) if items.is_empty() => view! { <p class="text-slate-600" data-testid="queue-empty">{tr("No withdrawal is waiting.")}</p> }.into_any(),
                    Ok(items) => view! {
                        <ul class="space-y-3">
                            {items.into_iter().map(|w| {
                                let id = w.id.to_string();
                                view! {
                                    <li class="card" data-testid="payout-item">
                                        <p class="font-semibold">{w.amount.to_string()}{tr(" to ")}{w.user_name}" ("{w.user_email}")"</p>
                                        <p class="text-sm text-slate-700">{if w.method == PayoutMethod::Iban { "IBAN " } else { "Mobile money " }}<span class="font-mono">{w.destination}</span></p>
                                        <p class="text-sm text-slate-500">{tr("Requested ")}{w.at}</p>
                                        <DecisionForms action=decide id=id yes_label=tr("Mark paid") yes="paid" no_label=tr("Reject and return")/>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                }
            })}
        </Suspense>
        <h2 class="mb-2 mt-8 text-lg font-semibold">{tr("Paid and rejected")}</h2>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match history.await {
                    Err(e) => page_error(e),
                    Ok(items) if items.is_empty() => view! { <p class="text-slate-600">{tr("Nothing decided yet.")}</p> }.into_any(),
                    Ok(items) => view! {
                        <ul class="space-y-2 text-sm" data-testid="payout-history">
                            {items.into_iter().map(|w| view! {
                                <li class="card" data-testid="payout-decided">
                                    <strong>{match w.status { crate::types::WithdrawalStatus::Paid => tr("Paid"), crate::types::WithdrawalStatus::Rejected => tr("Rejected"), _ => tr("Waiting") }}</strong>" · "{w.amount.to_string()}{tr(" to ")}{w.user_name}" ("{w.user_email}") · "
                                    <span class="font-mono">{w.destination}</span>" · "{w.at}
                                    {w.reason.map(|r| format!(" · {r}"))}
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// ID verification requests: look at both photos, approve, or reject with a reason.
#[component]
pub fn VerificationsPage() -> impl IntoView {
    let decide = ServerAction::<DecideVerification>::new();
    let error = action_error(decide);
    let done = query_flag("done");
    let queue = resource(|| (), |_| verification_queue());
    view! {
        <leptos_meta::Title text=tr("ID verification")/>
        <PageHeader title=tr("ID verification") lead=tr("Check that the document is genuine and readable, and that the selfie shows the same person.")/>
        <Show when=move || done.get()><Notice>{tr("Decision saved.")}</Notice></Show>
        <FormError error/>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match queue.await {
                    Err(e) => page_error(e),
                    Ok(items) if items.is_empty() => view! { <p class="text-slate-600" data-testid="queue-empty">{tr("No request is waiting.")}</p> }.into_any(),
                    Ok(items) => view! {
                        <ul class="space-y-4">
                            {items.into_iter().map(|v| {
                                let id = v.id.to_string();
                                let (src_id, src_selfie) = (format!("/admin/verifications/{id}/id"), format!("/admin/verifications/{id}/selfie"));
                                view! {
                                    <li class="card" data-testid="verification-item">
                                        <p class="font-semibold"><a class="link" href=format!("/u/{}", v.user_id)>{v.user_name}</a>" ("{v.user_email}")"</p>
                                        <p class="text-sm text-slate-500">{tr("Sent ")}{v.at}</p>
                                        <div class="mt-2 grid gap-2 sm:grid-cols-2">
                                            <img src=src_id alt=tr("ID document") class="max-h-64 rounded border"/>
                                            <img src=src_selfie alt=tr("Selfie") class="max-h-64 rounded border"/>
                                        </div>
                                        <DecisionForms action=decide id=id yes_label=tr("Approve")/>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
