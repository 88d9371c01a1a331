//! The development email outbox: what Carry would have emailed (absent in production).

use crate::api::admin::dev_outbox;
use crate::components::layout::PageHeader;
use crate::pages::errors::page_error;
use crate::types::admin::OutboxEmail;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// Development only: the emails Carry would have sent, so people and tests can follow their links.
#[component]
pub fn OutboxPage() -> impl IntoView {
    let q = use_query_map();
    let to = move || q.read().get("to");
    let emails = Resource::new(to, dev_outbox);
    view! {
        <PageHeader title="Email outbox (development)" lead="What would have been emailed. Absent in production."/>
        <form method="get" class="mb-6 flex flex-col gap-2 sm:flex-row">
            <label for="to" class="sr-only">"Recipient"</label>
            <input id="to" name="to" type="email" placeholder="Filter by recipient" value=to
                class="w-full rounded-md border border-slate-300 px-3 py-2 sm:max-w-sm"/>
            <button type="submit" class="btn-secondary">"Filter"</button>
        </form>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match emails.await {
                    Ok(list) if list.is_empty() => view! { <p class="text-slate-600">"No emails yet."</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="space-y-4">{list.into_iter().map(|m| view! { <Email m/> }).collect_view()}</ul>
                    }.into_any(),
                    Err(e) => page_error(e),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Email(m: OutboxEmail) -> impl IntoView {
    let link = m.link();
    view! {
        <li class="card" data-testid="email" data-to=m.to_email.clone() data-kind=m.kind.clone()>
            <p class="text-sm text-slate-600">"To "{m.to_email.clone()}" · "{m.created_at.clone()}{m.sent.then_some(" · sent")}</p>
            <h2 class="mt-1 font-semibold">{m.subject.clone()}</h2>
            <pre class="mt-2 whitespace-pre-wrap break-words font-sans text-sm text-slate-700">{m.body_text.clone()}</pre>
            {link.map(|l| view! { <a class="btn-primary mt-3 inline-block" href=l data-testid="email-link">"Open the link"</a> })}
        </li>
    }
}
