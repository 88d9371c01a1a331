//! The admin dashboard: counts and the work waiting in each queue.

use crate::api::admin::get_admin_overview;
use crate::components::layout::PageHeader;
use crate::pages::errors::page_error;
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
                            <Queue href="/admin/attention" label="Overdue deliveries" count=o.overdue_deliveries/>
                            <Queue href="/admin/attention" label="Failed jobs" count=o.failed_jobs/>
                            <Queue href="/admin/reports" label="Reports" count=o.reports_waiting/>
                            <Queue href="/admin/disputes" label="Open disputes" count=o.disputes_open/>
                            <Queue href="/admin/tickets" label="Trip tickets" count=o.tickets_waiting/>
                        </nav>
                        <div class="mt-6 flex flex-wrap gap-4"><a class="link" href="/admin/ledger">"Run the ledger check"</a><a class="link" href="/admin/audit">"Audit log"</a><a class="link" href="/admin/users">"Members"</a></div>
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
