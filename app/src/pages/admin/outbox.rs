//! The development email outbox (what Carry would have emailed, with its links; absent in
//! production), and the admins' email page (production too, without bodies).

use crate::api::admin::{admin_outbox, dev_outbox, RetryEmail};
use crate::components::form::{action_error, ActionForm, FormError};
use crate::components::layout::Notice;
use crate::components::layout::PageHeader;
use crate::components::resource::resource;
use crate::i18n::tr;
use crate::pages::errors::page_error;
use crate::types::admin::OutboxEmail;
use crate::url::query_flag;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// Development only: the emails Carry would have sent, so people and tests can follow their links.
#[component]
pub fn OutboxPage() -> impl IntoView {
    let q = use_query_map();
    let to = move || q.read().get("to");
    let emails = resource(to, dev_outbox);
    view! {
        <PageHeader title=tr("Email outbox (development)") lead=tr("What would have been emailed. Absent in production.")/>
        <form method="get" class="mb-6 flex flex-col gap-2 sm:flex-row">
            <label for="to" class="sr-only">{tr("Recipient")}</label>
            <input id="to" name="to" type="email" placeholder=tr("Filter by recipient") value=to
                class="w-full rounded-md border border-slate-300 px-3 py-2 sm:max-w-sm"/>
            <button type="submit" class="btn-secondary">{tr("Filter")}</button>
        </form>
        <Suspense fallback=|| view! { <p>{tr("Loading…")}</p> }>
            {move || Suspend::new(async move {
                match emails.await {
                    Ok(list) if list.is_empty() => view! { <p class="text-slate-600">{tr("No emails yet.")}</p> }.into_any(),
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
            <p class="text-sm text-slate-600">{tr("To ")}{m.to_email.clone()}" · "{m.created_at.clone()}{m.sent.then_some(tr(" · sent"))}</p>
            <h2 class="mt-1 font-semibold">{m.subject.clone()}</h2>
            <pre class="mt-2 whitespace-pre-wrap break-words font-sans text-sm text-slate-700">{m.body_text.clone()}</pre>
            {link.map(|l| view! { <a class="btn-primary mt-3 inline-block" href=l data-testid="email-link">{tr("Open the link")}</a> })}
        </li>
    }
}

/// The email outbox for admins, in production too: to whom, what, and whether it was sent; an
/// email that failed every attempt can be sent again. Bodies are not shown (they may hold a
/// member's sign-in or reset link).
#[component]
pub fn AdminEmailsPage() -> impl IntoView {
    let retry = ServerAction::<RetryEmail>::new();
    let error = action_error(retry);
    let retried = query_flag("retried");
    let q = use_query_map();
    let to = move || q.read().get("to").unwrap_or_default();
    let emails = resource(to, admin_outbox);
    let initial = to();
    view! {
        <PageHeader title=tr("Emails") lead=tr("What Carry sent or is sending, to whom, and how it went. Bodies are not shown: they may hold a member's private links.")/>
        <Show when=move || retried.get()><Notice>{tr("The email is queued again.")}</Notice></Show>
        <FormError error/>
        <form method="get" class="mb-6 flex flex-col gap-2 sm:flex-row sm:items-end">
            <label class="text-sm">{tr("Recipient")}
                <input name="to" type="email" value=initial class="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 sm:w-80"/>
            </label>
            <button type="submit" class="btn-secondary">{tr("Filter")}</button>
        </form>
        <Suspense fallback=|| view! { <p>{tr("Loading…")}</p> }>
            {move || Suspend::new(async move {
                match emails.await {
                    Err(e) => page_error(e),
                    Ok(list) if list.is_empty() => view! { <p class="text-slate-600">{tr("No email.")}</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="space-y-2" data-testid="emails">
                            {list.into_iter().map(|m| view! {
                                <li class="card text-sm" data-testid="admin-email" data-to=m.to_email.clone()>
                                    <p><strong>{m.subject.clone()}</strong></p>
                                    <p class="text-slate-600">{m.to_email.clone()}" · "{m.created_at.clone()}" · "{m.kind.clone()}</p>
                                    <p data-testid="email-status">{m.status.clone()}{(m.attempts > 0).then(|| format!(" · {} attempt(s)", m.attempts))}</p>
                                    {(!m.last_error.is_empty()).then(|| view! { <p class="break-all text-red-800">{m.last_error.clone()}</p> })}
                                    {m.can_retry.then(|| view! {
                                        <ActionForm action=retry attr:class="mt-2">
                                            <input type="hidden" name="id" value=m.id.to_string()/>
                                            <button type="submit" class="btn-secondary">{tr("Send again")}</button>
                                        </ActionForm>
                                    })}
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
