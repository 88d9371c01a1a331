use super::errors::page_error;
use crate::api::admin::get_admin_overview;
use crate::components::layout::PageHeader;
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
                    }.into_any(),
                    Err(e) => page_error(e),
                }
            })}
        </Suspense>
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
