//! The admin dashboard: counts, the work waiting in each queue, and charts over 30 or 90 days.

use crate::api::admin::{dashboard_charts, get_admin_overview};
use crate::components::chart::LineChart;
use crate::components::layout::PageHeader;
use crate::components::resource::resource;
use crate::i18n::tr;
use crate::pages::errors::page_error;
use crate::types::admin::Charts;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The periods the charts cover, in days (the server refuses others).
const SPANS: [i64; 2] = [30, 90];

#[component]
pub fn AdminPage() -> impl IntoView {
    let overview = resource(|| (), |_| get_admin_overview());
    let q = use_query_map();
    let span = move || {
        q.read()
            .get("days")
            .and_then(|d| d.parse::<i64>().ok())
            .unwrap_or(30)
    };
    let charts = resource(span, dashboard_charts);
    view! {
        <Suspense fallback=|| view! { <p>{tr("Loading…")}</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(o) => view! {
                        <PageHeader title=tr("Admin dashboard")/>
                        <dl class="grid grid-cols-2 gap-4 md:grid-cols-5" data-testid="admin-stats">
                            <Stat label=tr("Members") value=o.users_total/>
                            <Stat label=tr("Verified emails") value=o.users_verified/>
                            <Stat label=tr("Admins") value=o.admins/>
                            <Stat label=tr("Sign-ups, last 7 days") value=o.signups_last_7_days/>
                            <Stat label=tr("Active sessions") value=o.active_sessions/>
                        </dl>
                        <h2 class="mb-2 mt-8 text-lg font-semibold">{tr("Waiting for you")}</h2>
                        <nav class="grid grid-cols-1 gap-3 sm:grid-cols-3" data-testid="admin-queues">
                            <Queue href="/admin/parcels/review" label=tr("Parcels to review") count=o.parcels_in_review/>
                            <Queue href="/admin/verifications" label=tr("ID checks") count=o.id_checks_waiting/>
                            <Queue href="/admin/payouts" label=tr("Payouts") count=o.payouts_waiting/>
                            <Queue href="/admin/attention" label=tr("Overdue deliveries") count=o.overdue_deliveries/>
                            <Queue href="/admin/attention" label=tr("Failed jobs") count=o.failed_jobs/>
                            <Queue href="/admin/reports" label=tr("Reports") count=o.reports_waiting/>
                            <Queue href="/admin/disputes" label=tr("Open disputes") count=o.disputes_open/>
                            <Queue href="/admin/tickets" label=tr("Trip tickets") count=o.tickets_waiting/>
                        </nav>
                        <div class="mt-6 flex flex-wrap gap-4"><a class="link" href="/admin/ledger">{tr("Run the ledger check")}</a><a class="link" href="/admin/audit">{tr("Audit log")}</a><a class="link" href="/admin/users">{tr("Members")}</a><a class="link" href="/admin/emails">{tr("Emails")}</a><a class="link" href="/admin/settings">{tr("Settings")}</a><a class="link" href="/admin/bookings">{tr("Bookings inspector")}</a><a class="link" href="/admin/ledger/transactions">{tr("Ledger explorer")}</a></div>
                    }.into_any(),
                    Err(e) => page_error(e),
                }
            })}
        </Suspense>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match charts.await {
                    Ok(c) => view! { <ChartsView c/> }.into_any(),
                    Err(_) => ().into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ChartsView(c: Charts) -> impl IntoView {
    let span = c.span;
    let tab = move |days: i64| {
        if days == span {
            "rounded-md bg-teal-700 px-3 py-2 text-sm font-semibold text-white"
        } else {
            "rounded-md border border-slate-300 px-3 py-2 text-sm"
        }
    };
    let top = c.funnel.first().map_or(0, |(_, n)| *n).max(1);
    view! {
        <section class="mt-10" data-testid="charts">
            <div class="mb-4 flex flex-wrap items-center justify-between gap-3">
                <h2 class="text-lg font-semibold">{tr("Over time (UTC days)")}</h2>
                <nav class="flex gap-2" aria-label=tr("Period")>
                    {SPANS.into_iter().map(|d| view! {
                        <a class=tab(d) href=format!("/admin?days={d}") aria-current=(d == span).then_some("page")>{crate::trf!("Last {} days", d)}</a>
                    }).collect_view()}
                </nav>
            </div>
            <section class="card mb-4" data-testid="funnel">
                <h3 class="mb-2 font-semibold">{tr("Bookings funnel")}</h3>
                <table class="w-full text-left text-sm">
                    <thead><tr><th scope="col">{tr("Stage")}</th><th scope="col">{tr("Bookings")}</th><th scope="col" class="w-1/2"><span class="sr-only">{tr("Share of requests")}</span></th></tr></thead>
                    <tbody>
                        {c.funnel.into_iter().map(|(stage, n)| {
                            let pct = n.saturating_mul(100) / top;
                            view! {
                                <tr>
                                    <td>{stage}</td>
                                    <td>{n}</td>
                                    <td><div class="h-3 rounded bg-teal-600" style=format!("width: {}%", pct.clamp(0, 100)) aria-hidden="true"></div></td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
            <div class="grid gap-4 md:grid-cols-2">
                {c.charts.into_iter().map(|chart| view! { <LineChart chart days=c.days.clone()/> }).collect_view()}
            </div>
        </section>
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
