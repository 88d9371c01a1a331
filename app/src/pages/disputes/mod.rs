//! Disputes on a booking's page: the sender opens one; both sides (and Carry's team) write and
//! add photos; everyone sees the thread and, once settled, the outcome.

use crate::api::disputes::{OpenDispute, PostDisputeMessage};
use crate::components::form::{action_error, ActionForm, FormError, Select, TextArea};
use crate::i18n::tr;
use crate::types::disputes::{DisputeState, DisputeView};
use crate::types::{BookingId, DisputeReason};
use crate::url::query_value;
use leptos::prelude::*;

fn reasons() -> Vec<(String, String)> {
    DisputeReason::ALL
        .iter()
        .map(|r| (r.code().to_string(), r.label().to_string()))
        .collect()
}

/// A booking's dispute, or the form to open one (for the sender, when it is possible). The
/// booking page loads the state and owns the actions, so this part has no resource of its own.
#[component]
pub fn DisputePanel(
    booking: BookingId,
    state: DisputeState,
    open: ServerAction<OpenDispute>,
    post: ServerAction<PostDisputeMessage>,
) -> impl IntoView {
    let open_error = action_error(open);
    let body = match state.dispute {
        Some(d) => view! { <DisputeThread d post/> }.into_any(),
        None if state.can_open => view! {
            <details class="card mt-6" data-testid="open-dispute">
                <summary class="cursor-pointer font-semibold text-red-800">{tr("Something went wrong? Open a dispute")}</summary>
                <ActionForm action=open attr:class="mt-3 space-y-2">
                    <FormError error=open_error/>
                    <input type="hidden" name="booking_id" value=booking.to_string()/>
                    <p class="text-sm text-slate-700">{tr("The payment stays held while Carry's team looks at it. The traveler can answer, and both of you can add photos.")}</p>
                    <Select label=tr("What happened") name="reason" options=reasons() error=open_error/>
                    <TextArea label=tr("Tell us more") name="what" maxlength=4000 error=open_error/>
                    <button type="submit" class="btn-secondary text-red-800">{tr("Open the dispute")}</button>
                </ActionForm>
            </details>
        }.into_any(),
        None => ().into_any(),
    };
    view! { <div data-testid="dispute-panel">{body}</div> }
}

/// The dispute's thread: who said what, the photos, the outcome, and the forms to add to it.
#[component]
pub fn DisputeThread(d: DisputeView, post: ServerAction<PostDisputeMessage>) -> impl IntoView {
    let error = action_error(post);
    let photo_error = query_value("photo_error");
    let id = d.id;
    view! {
        <section class="card mt-6 border-red-200" data-testid="dispute" aria-labelledby="dispute-h">
            <h2 id="dispute-h" class="text-lg font-semibold">{tr("Dispute: ")}{d.reason.label()}</h2>
            <p class="text-sm text-slate-600">
                {tr("Opened ")}{d.opened_at.clone()}
                {if d.open {
                    if d.responded { tr(" · the traveler has answered").to_string() } else { crate::trf!(" · the traveler answers by {}", d.respond_by) }
                } else { String::new() }}
            </p>
            {d.outcome.clone().map(|o| view! {
                <p class="mt-2 rounded-md bg-teal-50 p-3 text-teal-900" data-testid="dispute-outcome">{tr("Settled: ")}{o}</p>
            })}
            <ol class="mt-3 space-y-3" data-testid="dispute-messages">
                {d.messages.into_iter().map(|m| view! {
                    <li class="rounded-md bg-slate-50 p-3" data-testid="dispute-message">
                        <p class="text-xs text-slate-500">{m.author}" ("{m.role}") · "{m.at}</p>
                        {(!m.body.is_empty()).then(|| view! { <p class="whitespace-pre-line break-words">{m.body}</p> })}
                        {m.image.map(|src| view! { <a href=src.clone()><img src=src.clone() alt=tr("Evidence photo") class="mt-2 max-h-64 rounded" data-testid="dispute-photo"/></a> })}
                    </li>
                }).collect_view()}
            </ol>
            {d.can_write.then(|| view! {
                <div class="mt-4 space-y-3 border-t border-slate-100 pt-3">
                    <ActionForm action=post attr:class="space-y-2" attr:data-testid="dispute-reply">
                        <FormError error/>
                        <input type="hidden" name="dispute_id" value=id.to_string()/>
                        <TextArea label=tr("Add to the dispute") name="body" maxlength=4000 error/>
                        <button type="submit" class="btn-secondary">{tr("Send")}</button>
                    </ActionForm>
                    <form method="post" action=format!("/disputes/{id}/photo") enctype="multipart/form-data" class="flex flex-wrap items-center gap-2 text-sm" data-testid="dispute-photo-form">
                        <label>{tr("Add a photo ")}<input type="file" name="image" accept="image/jpeg,image/png,image/webp" required class="text-sm"/></label>
                        <input type="hidden" name="body" value=""/>
                        <button type="submit" class="btn-secondary">{tr("Add photo")}</button>
                    </form>
                    {(!photo_error.is_empty()).then(|| view! { <p role="alert" class="text-sm text-red-700">{photo_error.clone()}</p> })}
                </div>
            })}
        </section>
    }
}
