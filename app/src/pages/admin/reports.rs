//! Reported messages, and the conversations they involve (an admin may read a conversation only
//! because of a report; each read is written to the audit log).

use crate::api::chat::{admin_conversation, message_reports, ResolveReport};
use crate::components::cards::loading;
use crate::components::form::{action_error, FormError};
use crate::components::layout::Notice;
use crate::components::layout::PageHeader;
use crate::pages::errors::{page_error, NotFound};
use crate::types::chat::ConversationId;
use crate::url::query_flag;
use crate::url::route_id;
use leptos::prelude::*;

#[component]
pub fn ReportsPage() -> impl IntoView {
    let resolve = ServerAction::<ResolveReport>::new();
    let error = action_error(resolve);
    let done = query_flag("done");
    let list = Resource::new(move || resolve.version().get(), |_| message_reports());
    view! {
        <PageHeader title="Reported messages" lead="Messages members reported. Open the conversation to judge it; your reading is recorded in the audit log."/>
        <Show when=move || done.get()><Notice>"Report handled."</Notice></Show>
        <FormError error/>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match list.await {
                    Err(e) => page_error(e),
                    Ok(items) if items.is_empty() => view! { <p class="text-slate-600" data-testid="queue-empty">"No report is waiting."</p> }.into_any(),
                    Ok(items) => view! {
                        <ul class="space-y-3">
                            {items.into_iter().map(|r| view! {
                                <li class="card" data-testid="report">
                                    <p class="text-sm text-slate-500">{r.at.clone()}" · reported by "{r.reporter.clone()}</p>
                                    <p class="mt-1"><strong>{r.author.clone()}": "</strong><span class="whitespace-pre-line">{r.message.clone()}</span></p>
                                    <p class="mt-1 text-sm text-red-800">"Reason: "{r.reason.clone()}</p>
                                    <div class="mt-2 flex flex-wrap items-center gap-3">
                                        <a class="link" href=format!("/admin/conversations/{}", r.conversation)>"Read the conversation"</a>
                                        <ActionForm action=resolve>
                                            <input type="hidden" name="id" value=r.id.to_string()/>
                                            <button type="submit" class="btn-secondary">"Mark handled"</button>
                                        </ActionForm>
                                    </div>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn AdminConversationPage() -> impl IntoView {
    let Some(id) = route_id::<ConversationId>() else {
        return view! { <NotFound/> }.into_any();
    };
    let conv = Resource::new(move || id, admin_conversation);
    view! {
        <div class="mb-4 text-sm"><a class="link" href="/admin/reports">"← Reported messages"</a></div>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match conv.await {
                    Err(e) => page_error(e),
                    Ok(c) => view! {
                        <section class="card" data-testid="admin-conversation">
                            <h1 class="text-xl font-bold">{c.other_name.clone()}</h1>
                            <p class="mb-3 text-sm text-slate-600">{c.parcel_title.clone()}" · "{c.route.clone()}</p>
                            <ol class="space-y-2">
                                {c.messages.into_iter().map(|m| view! {
                                    <li class="rounded-md bg-slate-50 p-2" data-testid="message">
                                        <p class="text-xs text-slate-500">{m.author.clone()}" · "{m.at.clone()}</p>
                                        <p class="whitespace-pre-line">{m.body.clone()}</p>
                                        {m.image.clone().map(|src| view! { <img src=src alt="Photo sent in the conversation" class="mt-1 max-h-48 rounded"/> })}
                                    </li>
                                }).collect_view()}
                            </ol>
                        </section>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}
