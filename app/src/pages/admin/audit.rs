//! The audit log: every admin action, who did it and when, with the values before and after.

use crate::api::admin::audit_log;
use crate::components::cards::loading;
use crate::components::layout::PageHeader;
use crate::components::resource::resource;
use crate::i18n::tr;
use crate::pages::errors::page_error;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AuditPage() -> impl IntoView {
    let q = use_query_map();
    let filter = move || {
        let q = q.read();
        (
            q.get("action").unwrap_or_default(),
            q.get("subject").unwrap_or_default(),
        )
    };
    let entries = resource(filter, |(a, s)| audit_log(a, s));
    let (action, subject) = filter();
    view! {
        <PageHeader title=tr("Audit log") lead=tr("Every admin action, written in the same transaction as the action itself.")/>
        <form method="get" class="mb-6 flex flex-col gap-2 sm:flex-row sm:items-end">
            <label class="text-sm">{tr("Action starts with")}
                <input name="action" value=action placeholder=tr("dispute.") class="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2"/>
            </label>
            <label class="text-sm">{tr("Subject")}
                <input name="subject" value=subject placeholder=tr("an id") class="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2"/>
            </label>
            <button type="submit" class="btn-secondary">{tr("Filter")}</button>
        </form>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match entries.await {
                    Err(e) => page_error(e),
                    Ok(list) if list.is_empty() => view! { <p class="text-slate-600">{tr("Nothing recorded yet.")}</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="space-y-2" data-testid="audit">
                            {list.into_iter().map(|e| view! {
                                <li class="card text-sm" data-testid="audit-entry">
                                    <p><strong>{e.action}</strong>" · "{e.subject}</p>
                                    <p class="text-slate-600">{e.actor}" · "{e.at}</p>
                                    {e.before.map(|b| view! { <p class="break-all font-mono text-xs text-slate-600">{tr("before: ")}{b}</p> })}
                                    {e.after.map(|a| view! { <p class="break-all font-mono text-xs text-slate-800">{tr("after: ")}{a}</p> })}
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
