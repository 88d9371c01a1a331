use super::errors::page_error;
use crate::api::admin::get_admin_overview;
use crate::api::money::{
    get_ledger_report, payouts_queue, verification_queue, DecidePayout, DecideVerification,
};
use crate::api::parcels::{review_queue, ReviewParcel};
use crate::components::form::{action_error, FormError};
use crate::components::layout::{query_flag, Notice, PageHeader};
use crate::components::market::{loading, ParcelRow};
use leptos::prelude::*;

#[component]
pub fn AdminPage() -> impl IntoView {
    let overview = Resource::new(|| (), |_| get_admin_overview());
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(o) => view! {
                        <PageHeader title="Admin dashboard"/>
                        <dl class="grid grid-cols-2 gap-4 md:grid-cols-5" data-testid="admin-stats">
                            <Stat label="Members" value=o.users_total/>
                            <Stat label="Verified emails" value=o.users_verified/>
                            <Stat label="Admins" value=o.admins/>
                            <Stat label="Sign-ups, last 7 days" value=o.signups_last_7_days/>
                            <Stat label="Active sessions" value=o.active_sessions/>
                        </dl>
                        <h2 class="mb-2 mt-8 text-lg font-semibold">"Waiting for you"</h2>
                        <nav class="grid grid-cols-1 gap-3 sm:grid-cols-3" data-testid="admin-queues">
                            <Queue href="/admin/parcels/review" label="Parcels to review" count=o.parcels_in_review/>
                            <Queue href="/admin/verifications" label="ID checks" count=o.id_checks_waiting/>
                            <Queue href="/admin/payouts" label="Payouts" count=o.payouts_waiting/>
                        </nav>
                        <p class="mt-6"><a class="link" href="/admin/ledger">"Run the ledger check"</a></p>
                    }.into_any(),
                    Err(e) => page_error(e),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Queue(href: &'static str, label: &'static str, count: i64) -> impl IntoView {
    let tone = if count > 0 {
        "rounded-full bg-amber-100 px-2 text-sm font-semibold text-amber-900"
    } else {
        "text-sm text-slate-500"
    };
    view! {
        <a class="card flex items-center justify-between hover:border-teal-600" href=href>
            <span>{label}</span>
            <span class=tone>{count}</span>
        </a>
    }
}

#[component]
fn Stat(label: &'static str, value: i64) -> impl IntoView {
    view! {
        <div class="card">
            <dt class="text-sm text-slate-600">{label}</dt>
            <dd class="mt-1 text-2xl font-bold">{value}</dd>
        </div>
    }
}

/// Parcels whose risk score sent them to review: approve, or reject with a reason.
#[component]
pub fn ReviewQueuePage() -> impl IntoView {
    let decide = ServerAction::<ReviewParcel>::new();
    let error = action_error(decide);
    let done = query_flag("done");
    let queue = Resource::new(move || decide.version().get(), |_| review_queue());
    view! {
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match queue.await {
                    Err(e) => page_error(e),
                    Ok(items) => view! {
                        <PageHeader title="Parcel review" lead="Parcels at or above the risk threshold wait here; travelers cannot see them until approved."/>
                        <Show when=move || done.get()><Notice>"Decision saved."</Notice></Show>
                        <FormError error/>
                        {items.is_empty().then(|| view! { <p class="text-slate-600" data-testid="queue-empty">"Nothing waits for review."</p> })}
                        <ul class="space-y-4">
                            {items.into_iter().map(|i| {
                                let id = i.parcel.id;
                                view! {
                                    <ParcelRow parcel=i.parcel>
                                        <div class="mt-2 text-sm text-slate-700" data-testid="review-item">
                                            <p class="whitespace-pre-line">{i.description}</p>
                                            <p class="mt-1"><strong>"Risk "{i.risk_score}"/100: "</strong>
                                                {i.reasons.iter().map(|r| format!("{} (+{})", r.label, r.points)).collect::<Vec<_>>().join("; ")}</p>
                                            {(!i.flagged.is_empty()).then(|| view! { <p class="text-red-700">"Flagged words: "{i.flagged.join(", ")}</p> })}
                                            <p class="text-slate-500">"Submitted "{i.submitted}</p>
                                        </div>
                                        <div class="mt-3 flex flex-wrap items-end gap-2">
                                            <ActionForm action=decide>
                                                <input type="hidden" name="id" value=id.to_string()/>
                                                <input type="hidden" name="decision" value="approve"/>
                                                <button type="submit" class="btn-primary">"Approve"</button>
                                            </ActionForm>
                                            <ActionForm action=decide attr:class="flex flex-wrap items-end gap-2">
                                                <input type="hidden" name="id" value=id.to_string()/>
                                                <input type="hidden" name="decision" value="reject"/>
                                                <label class="text-sm">"Reason "
                                                    <input name="reason" class="ml-1 rounded-md border border-slate-300 px-2 py-1" maxlength="1000"/>
                                                </label>
                                                <button type="submit" class="btn-secondary text-red-700">"Reject"</button>
                                            </ActionForm>
                                        </div>
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
    let queue = Resource::new(move || decide.version().get(), |_| payouts_queue());
    view! {
        <leptos_meta::Title text="Payouts"/>
        <PageHeader title="Payouts" lead="Pay each withdrawal to its destination, then mark it paid. Rejecting returns the money to the user's wallet."/>
        <Show when=move || done.get()><Notice>"Decision saved."</Notice></Show>
        <FormError error/>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match queue.await {
                    Err(e) => page_error(e),
                    Ok(items) if items.is_empty() => view! { <p class="text-slate-600" data-testid="queue-empty">"No withdrawal is waiting."</p> }.into_any(),
                    Ok(items) => view! {
                        <ul class="space-y-3">
                            {items.into_iter().map(|w| {
                                let id = w.id.to_string();
                                let id2 = id.clone();
                                view! {
                                    <li class="card" data-testid="payout-item">
                                        <p class="font-semibold">{w.amount.to_string()}" to "{w.user_name}" ("{w.user_email}")"</p>
                                        <p class="text-sm text-slate-700">{if w.method == "iban" { "IBAN " } else { "Mobile money " }}<span class="font-mono">{w.destination}</span></p>
                                        <p class="text-sm text-slate-500">"Requested "{w.at}</p>
                                        <div class="mt-2 flex flex-wrap items-end gap-2">
                                            <ActionForm action=decide>
                                                <input type="hidden" name="id" value=id/>
                                                <input type="hidden" name="decision" value="paid"/>
                                                <button type="submit" class="btn-primary">"Mark paid"</button>
                                            </ActionForm>
                                            <ActionForm action=decide attr:class="flex flex-wrap items-end gap-2">
                                                <input type="hidden" name="id" value=id2/>
                                                <input type="hidden" name="decision" value="reject"/>
                                                <label class="text-sm">"Reason "
                                                    <input name="reason" class="ml-1 rounded-md border border-slate-300 px-2 py-1" maxlength="500"/>
                                                </label>
                                                <button type="submit" class="btn-secondary text-red-700">"Reject and return"</button>
                                            </ActionForm>
                                        </div>
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

/// ID verification requests: look at both photos, approve, or reject with a reason.
#[component]
pub fn VerificationsPage() -> impl IntoView {
    let decide = ServerAction::<DecideVerification>::new();
    let error = action_error(decide);
    let done = query_flag("done");
    let queue = Resource::new(move || decide.version().get(), |_| verification_queue());
    view! {
        <leptos_meta::Title text="ID verification"/>
        <PageHeader title="ID verification" lead="Check that the document is genuine and readable, and that the selfie shows the same person."/>
        <Show when=move || done.get()><Notice>"Decision saved."</Notice></Show>
        <FormError error/>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match queue.await {
                    Err(e) => page_error(e),
                    Ok(items) if items.is_empty() => view! { <p class="text-slate-600" data-testid="queue-empty">"No request is waiting."</p> }.into_any(),
                    Ok(items) => view! {
                        <ul class="space-y-4">
                            {items.into_iter().map(|v| {
                                let id = v.id.to_string();
                                let id2 = id.clone();
                                let (src_id, src_selfie) = (format!("/admin/verifications/{id}/id"), format!("/admin/verifications/{id}/selfie"));
                                view! {
                                    <li class="card" data-testid="verification-item">
                                        <p class="font-semibold"><a class="link" href=format!("/u/{}", v.user_id)>{v.user_name}</a>" ("{v.user_email}")"</p>
                                        <p class="text-sm text-slate-500">"Sent "{v.at}</p>
                                        <div class="mt-2 grid gap-2 sm:grid-cols-2">
                                            <img src=src_id alt="ID document" class="max-h-64 rounded border"/>
                                            <img src=src_selfie alt="Selfie" class="max-h-64 rounded border"/>
                                        </div>
                                        <div class="mt-2 flex flex-wrap items-end gap-2">
                                            <ActionForm action=decide>
                                                <input type="hidden" name="id" value=id/>
                                                <input type="hidden" name="decision" value="approve"/>
                                                <button type="submit" class="btn-primary">"Approve"</button>
                                            </ActionForm>
                                            <ActionForm action=decide attr:class="flex flex-wrap items-end gap-2">
                                                <input type="hidden" name="id" value=id2/>
                                                <input type="hidden" name="decision" value="reject"/>
                                                <label class="text-sm">"Reason "
                                                    <input name="reason" class="ml-1 rounded-md border border-slate-300 px-2 py-1" maxlength="500"/>
                                                </label>
                                                <button type="submit" class="btn-secondary text-red-700">"Reject"</button>
                                            </ActionForm>
                                        </div>
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

/// Runs the ledger's invariant check and shows the platform's own balances.
#[component]
pub fn LedgerPage() -> impl IntoView {
    let report = Resource::new(|| (), |_| get_ledger_report());
    view! {
        <leptos_meta::Title text="Ledger check"/>
        <PageHeader title="Ledger check" lead="Every load runs the full check against the database."/>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match report.await {
                    Err(e) => page_error(e),
                    Ok(r) => {
                        let all_ok = r.checks.iter().all(|c| c.ok);
                        view! {
                            <p class=if all_ok { "mb-4 font-semibold text-teal-800" } else { "mb-4 font-semibold text-red-800" } data-testid="ledger-verdict">
                                {if all_ok { "All invariants hold." } else { "Some invariants are broken." }}" Checked "{r.at.clone()}
                            </p>
                            <ul class="card mb-6 space-y-2 text-sm" data-testid="ledger-checks">
                                {r.checks.into_iter().map(|c| view! {
                                    <li><span class=if c.ok { "text-teal-700" } else { "text-red-700" }>{if c.ok { "✔ " } else { "✘ " }}</span>
                                        <strong>{c.check}</strong>{(!c.detail.is_empty()).then(|| format!(" — {}", c.detail))}</li>
                                }).collect_view()}
                            </ul>
                            <h2 class="mb-2 text-lg font-semibold">"Platform accounts"</h2>
                            <table class="card w-full text-sm" data-testid="system-balances">
                                <tbody>
                                    {r.system.into_iter().map(|(kind, m)| view! {
                                        <tr data-testid=format!("system-{kind}-{}", m.currency.code())><td class="py-1">{kind.replace('_', " ")}</td><td class="py-1 text-right font-mono">{m.to_string()}</td></tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}
