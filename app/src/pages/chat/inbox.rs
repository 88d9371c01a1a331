//! The inbox: the member's conversations, newest first, with unread counts
//! as they are when the page loads (the navigation's count of unread messages is live).

use crate::api::chat::my_conversations;
use crate::components::cards::loading;
use crate::components::layout::PageHeader;
use crate::components::resource::resource;
use crate::i18n::tr;
use crate::pages::errors::page_error;
use leptos::prelude::*;

#[component]
pub fn InboxPage() -> impl IntoView {
    let list = resource(|| (), |_| my_conversations());
    view! {
        <PageHeader title=tr("Messages") lead=tr("Your conversations with senders and travelers, newest first.")/>
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                match list.await {
                    Err(e) => page_error(e),
                    Ok(items) if items.is_empty() => view! {
                        <p class="text-slate-600" data-testid="no-conversations">
                            {tr("No conversation yet. Ask a question from a trip or a parcel that matches yours.")}
                        </p>
                    }.into_any(),
                    Ok(items) => view! {
                        <ul class="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white" data-testid="inbox">
                            {items.into_iter().map(|c| {
                                let unread = c.unread;
                                view! {
                                    <li>
                                        <a href=format!("/messages/{}", c.id) class="flex items-start justify-between gap-3 p-4 hover:bg-slate-50" data-testid="conversation-row">
                                            <div class="min-w-0">
                                                <p class="font-semibold">{c.other_name.clone()}</p>
                                                <p class="truncate text-sm text-slate-600">{c.about.clone()}</p>
                                                <p class="truncate text-sm text-slate-800">{c.last_message.clone()}</p>
                                            </div>
                                            <div class="shrink-0 text-right text-xs text-slate-500">
                                                <p>{c.last_at.clone()}</p>
                                                {(unread > 0).then(|| view! {
                                                    <span class="mt-1 inline-block rounded-full bg-teal-600 px-2 py-0.5 font-semibold text-white" data-testid="unread">{unread}</span>
                                                })}
                                            </div>
                                        </a>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}
