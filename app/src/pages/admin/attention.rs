//! What went wrong and needs a person: deliveries overdue (picked up, still undelivered 72 hours
//! after the deadline; both sides were emailed) and background jobs that failed every attempt,
//! each with a retry.

use crate::api::admin::{failed_jobs, overdue_deliveries, RetryJob};
use crate::components::cards::loading;
use crate::components::form::{action_error, ActionForm, FormError};
use crate::components::layout::{Notice, PageHeader};
use crate::components::resource::resource;
use crate::i18n::tr;
use crate::pages::errors::page_error;
use crate::url::query_flag;
use leptos::prelude::*;

#[component]
pub fn AttentionPage() -> impl IntoView {
    let retry = ServerAction::<RetryJob>::new();
    let error = action_error(retry);
    let retried = query_flag("retried");
    let overdue = resource(|| (), |_| overdue_deliveries());
    let failed = resource(|| (), |_| failed_jobs());
    view! {
        <leptos_meta::Title text=tr("Needs attention")/>
        <PageHeader title=tr("Needs attention") lead=tr("Deliveries that did not happen in time, and background work that failed. Money stays in escrow until each is sorted out.")/>
        <h2 class="mb-2 mt-6 text-lg font-semibold">{tr("Overdue deliveries")}</h2>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match overdue.await {
                    Err(e) => page_error(e),
                    Ok(items) if items.is_empty() => view! { <p class="text-slate-600" data-testid="overdue-empty">{tr("No delivery is overdue.")}</p> }.into_any(),
                    Ok(items) => view! {
                        <ul class="space-y-3">
                            {items.into_iter().map(|o| view! {
                                <li class="card" data-testid="overdue-item">
                                    <p class="font-semibold">{o.title}" · "{o.route}</p>
                                    <p class="text-sm text-slate-700"><span class="font-mono">{o.tracking_no}</span>{tr(" · due by ")}{o.deliver_by}{tr(" · flagged ")}{o.flagged_at}" · "{o.held.to_string()}{tr(" in escrow")}</p>
                                    <p class="text-sm text-slate-700">{tr("Sender: ")}{o.sender}" ("<a class="link" href=format!("mailto:{}", o.sender_email)>{o.sender_email.clone()}</a>")"</p>
                                    <p class="text-sm text-slate-700">{tr("Traveler: ")}{o.traveler}" ("<a class="link" href=format!("mailto:{}", o.traveler_email)>{o.traveler_email.clone()}</a>")"</p>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                }
            })}
        </Suspense>
        <h2 class="mb-2 mt-8 text-lg font-semibold">{tr("Failed jobs")}</h2>
        <Show when=move || retried.get()><Notice>{tr("The job is queued again.")}</Notice></Show>
        <FormError error/>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match failed.await {
                    Err(e) => page_error(e),
                    Ok(items) if items.is_empty() => view! { <p class="text-slate-600" data-testid="failed-jobs-empty">{tr("No job has failed.")}</p> }.into_any(),
                    Ok(items) => view! {
                        <ul class="space-y-3">
                            {items.into_iter().map(|j| view! {
                                <li class="card" data-testid="failed-job">
                                    <p class="font-semibold">{j.what}</p>
                                    <p class="break-all font-mono text-xs text-slate-600">{j.payload}</p>
                                    <p class="text-sm text-red-800">{j.last_error}</p>
                                    <p class="text-sm text-slate-500">{j.attempts}{tr(" attempts · failed ")}{j.failed_at}</p>
                                    <ActionForm action=retry attr:class="mt-2">
                                        <input type="hidden" name="id" value=j.id.to_string()/>
                                        <button type="submit" class="btn-primary">{tr("Retry now")}</button>
                                    </ActionForm>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
