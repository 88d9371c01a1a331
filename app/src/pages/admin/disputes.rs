//! The disputes console: open disputes first, each with its thread and the decision form.

use crate::api::disputes::{admin_dispute, admin_disputes, PostDisputeMessage, ResolveDispute};
use crate::components::cards::loading;
use crate::components::form::{action_error, ActionForm, Field, FormError, Select, TextArea};
use crate::components::layout::PageHeader;
use crate::components::resource::resource;
use crate::i18n::tr;
use crate::pages::disputes::DisputeThread;
use crate::pages::errors::{page_error, NotFound};
use crate::types::DisputeOutcome;
use crate::url::route_id;
use leptos::prelude::*;

#[component]
pub fn DisputesPage() -> impl IntoView {
    let list = resource(|| (), |_| admin_disputes());
    view! {
        <PageHeader title=tr("Disputes") lead=tr("Open disputes hold their booking's payment. Decide once the traveler has answered or their time is up.")/>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match list.await {
                    Err(e) => page_error(e),
                    Ok(items) if items.is_empty() => view! { <p class="text-slate-600" data-testid="queue-empty">{tr("No dispute yet.")}</p> }.into_any(),
                    Ok(items) => view! {
                        <ul class="space-y-3">
                            {items.into_iter().map(|d| view! {
                                <li class="card" data-testid="dispute-item">
                                    <a class="link font-semibold" href=format!("/admin/disputes/{}", d.id)>{d.parcel_title.clone()}</a>
                                    <p class="text-sm text-slate-600">
                                        {d.reason.label()}{tr(" · opened ")}{d.opened_at.clone()}{tr(" · holds ")}{d.held.to_string()}
                                    </p>
                                    <p class="text-sm">
                                        {match (d.open, d.outcome) {
                                            (true, _) if d.responded => tr("Open: the traveler has answered").to_string(),
                                            (true, _) => crate::trf!("Open: the traveler answers by {}", d.respond_by),
                                            (false, Some(o)) => crate::trf!("Settled: {}", o.label()),
                                            (false, None) => tr("Settled").to_string(),
                                        }}
                                    </p>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn outcomes() -> Vec<(String, String)> {
    DisputeOutcome::ALL
        .iter()
        .map(|o| (o.code().to_string(), o.label().to_string()))
        .collect()
}

#[component]
pub fn AdminDisputePage() -> impl IntoView {
    let Some(id) = route_id::<uuid::Uuid>() else {
        return view! { <NotFound/> }.into_any();
    };
    let resolve = ServerAction::<ResolveDispute>::new();
    let post = ServerAction::<PostDisputeMessage>::new();
    let error = action_error(resolve);
    let dispute = resource(|| (), move |_| admin_dispute(id));
    view! {
        <PageHeader title=tr("Dispute")/>
        <div class="mb-4"><a class="link" href="/admin/disputes">{tr("← All disputes")}</a></div>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match dispute.await {
                    Err(e) => page_error(e),
                    Ok(d) => {
                        let (price, held, max) = (d.price.to_string(), d.held.to_string(), d.max_payout);
                        let can_decide = d.can_decide;
                        let open = d.open;
                        let payout_hint = if max.minor > 0 {
                            tr("Up to the declared value and the cap.")
                        } else {
                            tr("No protection was bought on this booking.")
                        };
                        let booking = d.booking;
                        let conversation = d.conversation;
                        let parties = format!("{}: {} (sender) and {} (traveler)", d.parcel_title, d.sender, d.traveler);
                        view! {
                            <p class="text-slate-700">{parties}" · "<a class="link" href=format!("/admin/bookings?q={booking}")>{tr("the booking and its ledger")}</a>
                                {conversation.map(|c| view! { " · "<a class="link" href=format!("/admin/conversations/{c}") data-testid="dispute-conversation">{tr("their conversation (your reading is recorded)")}</a> })}
                            </p>
                            <p class="text-sm text-slate-600" data-testid="dispute-money">{tr("Price ")}{price}{tr(" · held in escrow ")}{held}</p>
                            <DisputeThread d post/>
                            {(open && can_decide).then(|| view! {
                                <section class="card mt-6" data-testid="decide">
                                    <h2 class="mb-2 text-lg font-semibold">{tr("Decide")}</h2>
                                    <ActionForm action=resolve attr:class="space-y-2">
                                        <FormError error/>
                                        <input type="hidden" name="id" value=id.to_string()/>
                                        <Select label=tr("Outcome") name="outcome" options=outcomes() error/>
                                        <Field label=tr("Sender's share of the price, in % (for a split)") name="sender_percent" error/>
                                        <Field label=tr("Protection payout to the sender") name="payout" hint=payout_hint error/>
                                        <p class="text-xs text-slate-500">{crate::trf!("At most {}.", max)}</p>
                                        <TextArea label=tr("Note to both sides (optional)") name="note" maxlength=2000 error/>
                                        <button type="submit" class="btn-primary">{tr("Settle the dispute")}</button>
                                    </ActionForm>
                                </section>
                            })}
                            {(open && !can_decide).then(|| view! {
                                <p class="mt-4 text-sm text-slate-600" data-testid="waiting-answer">{tr("Waiting for the traveler's answer: you can decide once they have answered, or when their time is up.")}</p>
                            })}
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }.into_any()
}
