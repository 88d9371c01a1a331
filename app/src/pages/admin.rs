use super::errors::page_error;
use crate::api::admin::get_admin_overview;
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
                        <nav class="mt-6"><a class="link" href="/admin/parcels/review">"Parcel review queue"</a></nav>
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
