//! A conversation: its messages (live), the form to write, a photo, reports; and the "Ask a
//! question" button of the match lists.

use crate::api::chat::{open_conversation, ReportMessage, SendMessage, StartConversation};
use crate::components::cards::loading;
use crate::components::form::{action_error, ActionForm, FormError};
use crate::components::layout::Notice;
use crate::components::live::Live;
use crate::components::resource::resource;
use crate::i18n::tr;
use crate::pages::errors::{page_error, NotFound};
use crate::types::chat::{ChatMessage, Conversation, ConversationId};
use crate::types::{ParcelId, TripId};
use crate::url::{query_flag, query_value, route_id};
use leptos::prelude::*;

#[component]
pub fn ConversationPage() -> impl IntoView {
    match route_id::<ConversationId>() {
        None => view! { <NotFound/> }.into_any(),
        Some(id) => view! {
            <div class="mb-4 text-sm"><a class="link" href="/messages">{tr("← All messages")}</a></div>
            <ConversationPanel id back=format!("/messages/{id}") titled=true/>
        }
        .into_any(),
    }
}

/// One conversation, kept up to date while it is open. `back` is where a message sent without
/// JavaScript returns to; `titled` when it is the page (its title names the other member).
#[component]
pub fn ConversationPanel(
    id: ConversationId,
    back: String,
    #[prop(optional)] titled: bool,
) -> impl IntoView {
    let reported = query_flag("reported").get_untracked();
    let photo_error = query_value("photo_error");
    let conv = resource(|| (), move |_| open_conversation(id));
    view! {
        <section class="card" data-testid="conversation">
            {reported.then(|| view! { <Notice>{tr("Thank you: an admin will look at the message you reported.")}</Notice> })}
            <Suspense fallback=loading>
                {move || {
                    let (back, photo_error) = (back.clone(), photo_error.clone());
                    Suspend::new(async move {
                        match conv.await {
                            Err(e) => page_error(e),
                            Ok(c) => view! { <LiveConversation c back titled photo_error/> }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </section>
    }
}

/// The thread and the form to write: an island (its module loads on pages that show a
/// conversation), which gets the thread the server loaded in its props and fetches it again on
/// each live event and after sending. (No resource in it: an island's resource is found in the
/// page by a number that other resources of the page, made concurrently on the server, can take.)
#[island(lazy)]
fn LiveConversation(
    c: Conversation,
    back: String,
    titled: bool,
    photo_error: String,
) -> impl IntoView {
    let id = c.id;
    let live = Live::get();
    let send = ServerAction::<SendMessage>::new();
    let report = ServerAction::<ReportMessage>::new();
    let conv = RwSignal::new(c);
    // Runs in the browser only; the first run keeps what the server sent.
    Effect::new(move |first: Option<()>| {
        let _ = (live.messages.get(), send.version().get());
        if first.is_some() {
            leptos::task::spawn_local(async move {
                if let Ok(now) = open_conversation(id).await {
                    conv.set(now);
                }
            });
        }
    });
    view! {
        {move || view! { <Thread c=conv.get() report titled/> }}
        {(!photo_error.is_empty()).then(|| view! { <p role="alert" class="mt-2 text-sm text-red-700" data-testid="photo-error">{photo_error.clone()}</p> })}
        <Compose id send back/>
    }
}

#[component]
fn Thread(c: Conversation, report: ServerAction<ReportMessage>, titled: bool) -> impl IntoView {
    let id = c.id;
    view! {
        // With the app's formatter: in the browser the island has no app around it.
        {titled.then(|| view! { <leptos_meta::Title formatter=crate::page_title text=crate::trf!("Messages with {}", c.other_name)/> })}
        <header class="mb-3 border-b border-slate-100 pb-3">
            <h1 class="text-xl font-bold" data-testid="conversation-with">{c.other_name.clone()}</h1>
            <p class="text-sm text-slate-600">
                <a class="link" href=format!("/parcels/{}", c.parcel)>{c.parcel_title.clone()}</a>
                " · "<a class="link" href=format!("/trips/{}", c.trip)>{c.route.clone()}</a>
            </p>
            {c.masking.then(|| view! {
                <p class="mt-2 rounded-md bg-amber-50 p-2 text-xs text-amber-900" data-testid="masking-note">
                    {tr("Phone numbers, email addresses and links are hidden until a booking between you is accepted: Carry's escrow protects you only when you arrange and pay on Carry.")}
                </p>
            })}
        </header>
        {c.messages.is_empty().then(|| view! { <p class="text-sm text-slate-600" data-testid="no-messages">{tr("No message yet. Say hello and ask what you need to know.")}</p> })}
        <ol class="space-y-3" data-testid="messages" aria-live="polite">
            {c.messages.into_iter().map(|m| view! { <Message m conversation=id report/> }).collect_view()}
        </ol>
    }
}

#[component]
fn Message(
    m: ChatMessage,
    conversation: ConversationId,
    report: ServerAction<ReportMessage>,
) -> impl IntoView {
    let side = if m.mine {
        "ml-auto bg-teal-50"
    } else {
        "mr-auto bg-slate-50"
    };
    let message_id = m.id.to_string();
    view! {
        <li class=format!("max-w-[85%] rounded-lg p-3 {side}") data-testid="message" data-mine=m.mine.to_string()>
            <p class="text-xs text-slate-500">{m.author.clone()}" · "{m.at.clone()}</p>
            {(!m.body.is_empty()).then(|| view! { <p class="whitespace-pre-line break-words" data-testid="message-body">{m.body.clone()}</p> })}
            {m.image.clone().map(|src| view! { <a href=src.clone()><img src=src.clone() alt=tr("Photo sent in the conversation") class="mt-2 max-h-64 rounded" data-testid="message-image"/></a> })}
            {m.masked.then(|| view! { <p class="mt-1 text-xs text-amber-800">{tr("Contact details hidden until a booking is accepted.")}</p> })}
            {m.seen.clone().map(|s| view! { <p class="mt-1 text-right text-xs text-slate-500" data-testid="seen">{s}</p> })}
            {(!m.mine).then(|| view! {
                <details class="mt-1 text-xs">
                    <summary class="cursor-pointer text-slate-500">{tr("Report")}</summary>
                    <ActionForm action=report attr:class="mt-1 flex flex-wrap items-end gap-2">
                        <input type="hidden" name="conversation" value=conversation.to_string()/>
                        <input type="hidden" name="message" value=message_id/>
                        <label class="text-xs">{tr("What is wrong? ")}
                            <input name="reason" required maxlength="1000" class="ml-1 rounded border border-slate-300 px-2 py-1"/>
                        </label>
                        <button type="submit" class="btn-secondary text-red-700">{tr("Report")}</button>
                    </ActionForm>
                </details>
            })}
        </li>
    }
}

/// The form to write. Without JavaScript it returns to `back`; with it, the message appears
/// through the live update and the box empties.
#[component]
fn Compose(id: ConversationId, send: ServerAction<SendMessage>, back: String) -> impl IntoView {
    let error = action_error(send);
    let body = NodeRef::<leptos::html::Textarea>::new();
    let back_input = NodeRef::<leptos::html::Input>::new();
    // Effects run only in the browser: there the page stays, so no return address.
    Effect::new(move |_| {
        if let Some(el) = back_input.get() {
            el.set_value("");
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = send.value().get() {
            if let Some(el) = body.get() {
                el.set_value("");
            }
        }
    });
    view! {
        <div class="mt-4 border-t border-slate-100 pt-4">
            <FormError error/>
            <ActionForm action=send attr:data-testid="compose">
                <input type="hidden" name="conversation" value=id.to_string()/>
                <input type="hidden" name="back" value=back node_ref=back_input/>
                <label for="chat-body" class="sr-only">{tr("Your message")}</label>
                <textarea id="chat-body" name="body" rows="3" maxlength="4000" required node_ref=body
                    class="block w-full rounded-md border border-slate-300 px-3 py-2 text-base"
                    placeholder=tr("Write a message")></textarea>
                <p class="text-sm text-red-700" data-field-error="body">{move || error.get().and_then(|e| e.field("body"))}</p>
                <button type="submit" class="btn-primary mt-2">{tr("Send")}</button>
            </ActionForm>
            <form method="post" action=format!("/chat/{id}/photo") enctype="multipart/form-data" class="mt-3 flex flex-wrap items-center gap-2 text-sm">
                <label>{tr("Send a photo ")}<input type="file" name="image" accept="image/jpeg,image/png,image/webp" required class="text-sm"/></label>
                <button type="submit" class="btn-secondary">{tr("Send photo")}</button>
            </form>
        </div>
    }
}

/// "Ask a question": opens the conversation of this parcel and this trip.
#[component]
pub fn AskQuestion(parcel: ParcelId, trip: TripId) -> impl IntoView {
    let start = ServerAction::<StartConversation>::new();
    let error = action_error(start);
    view! {
        <ActionForm action=start attr:class="inline">
            <input type="hidden" name="parcel" value=parcel.to_string()/>
            <input type="hidden" name="trip" value=trip.to_string()/>
            <button type="submit" class="btn-secondary">{tr("Ask a question")}</button>
        </ActionForm>
        <FormError error/>
    }
}
