//! The ticket queue: a trip's ticket or boarding pass, checked for the confirmed-traveler badge.

use crate::api::admin::{ticket_queue, DecideTicket};
use crate::components::cards::loading;
use crate::components::decision::DecisionForms;
use crate::components::form::{action_error, FormError};
use crate::components::layout::{Notice, PageHeader};
use crate::components::resource::resource;
use crate::i18n::tr;
use crate::pages::errors::page_error;
use crate::url::query_flag;
use leptos::prelude::*;

#[component]
pub fn TicketsPage() -> impl IntoView {
    let decide = ServerAction::<DecideTicket>::new();
    let error = action_error(decide);
    let done = query_flag("done");
    let queue = resource(|| (), |_| ticket_queue());
    view! {
        <PageHeader title=tr("Trip tickets") lead=tr("Check that the ticket or boarding pass matches the trip's route, date and the traveler's name.")/>
        <Show when=move || done.get()><Notice>{tr("Decision saved.")}</Notice></Show>
        <FormError error/>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match queue.await {
                    Err(e) => page_error(e),
                    Ok(items) if items.is_empty() => view! { <p class="text-slate-600" data-testid="queue-empty">{tr("No ticket is waiting.")}</p> }.into_any(),
                    Ok(items) => view! {
                        <ul class="space-y-4">
                            {items.into_iter().map(|t| {
                                let id = t.trip.to_string();
                                let file = format!("/trips/{id}/ticket");
                                let page = format!("/trips/{id}");
                                view! {
                                    <li class="card" data-testid="ticket-item">
                                        <p class="font-semibold"><a class="link" href=page>{t.route}</a>{tr(" · departs ")}{t.departs}</p>
                                        <p class="text-sm text-slate-600"><a class="link" href=format!("/u/{}", t.traveler_id)>{t.traveler_name}</a>{tr(" · sent ")}{t.uploaded}</p>
                                        {if t.pdf {
                                            view! { <a class="link" href=file>{tr("Open the ticket (PDF)")}</a> }.into_any()
                                        } else {
                                            view! { <img src=file alt=tr("Ticket or boarding pass") class="mt-2 max-h-64 rounded border"/> }.into_any()
                                        }}
                                        <DecisionForms action=decide id=id yes_label=tr("Confirm")/>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
