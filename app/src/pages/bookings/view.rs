//! A booking's page, for its two sides: the negotiation, the other side's details once accepted,
//! the money, the handoff and the timeline.

use super::handoff::HandoffPanel;
use crate::api::bookings::{get_booking, AnswerBooking, PickUp, SettleBooking};
use crate::api::disputes::{get_booking_dispute, OpenDispute, PostDisputeMessage};
use crate::api::reviews::{get_booking_reviews, WriteReview};
use crate::components::cards::{booking_badge, loading};
use crate::components::deferred::deferred;
use crate::components::form::{action_error, ActionForm, FormError};
use crate::components::layout::Notice;
use crate::components::resource::resource;
use crate::error::AppError;
use crate::i18n::tr;
use crate::pages::disputes::DisputePanel;
use crate::pages::errors::page_error;
use crate::pages::reviews::ReviewPanel;
use crate::types::bookings::{BookingDetail, BookingMoney};
use crate::types::disputes::DisputeState;
use crate::types::reviews::BookingReviews;
use crate::types::{BookingStatus, Side};
use crate::url::{query_flag, route_id};
use leptos::prelude::*;

#[component]
pub fn BookingPage() -> impl IntoView {
    let id = route_id();
    let answer = ServerAction::<AnswerBooking>::new();
    let acts = Acts {
        pick_up: ServerAction::<PickUp>::new(),
        settle: ServerAction::<SettleBooking>::new(),
    };
    let trust = Trust {
        open: ServerAction::<OpenDispute>::new(),
        post: ServerAction::<PostDisputeMessage>::new(),
        write: ServerAction::<WriteReview>::new(),
    };
    // Every resource of the page is made here, before anything renders, so the page's
    // `Suspense` waits for all of them (one made inside an async branch would be made again on
    // each of the server's walks of it; see `components/deferred.rs`).
    let booking = resource(
        move || id,
        |id| async move {
            match id {
                Some(id) => get_booking(id).await,
                None => Err(AppError::NotFound(
                    tr("This booking does not exist.").into(),
                )),
            }
        },
    );
    let dispute = resource(
        move || id,
        |id| async move {
            match id {
                Some(id) => Some(get_booking_dispute(id).await),
                None => None,
            }
        },
    );
    let reviews = resource(
        move || id,
        |id| async move {
            match id {
                Some(id) => Some(get_booking_reviews(id).await),
                None => None,
            }
        },
    );
    view! {
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match booking.await {
                    Err(e) => page_error(e),
                    Ok(b) => {
                        let dispute = dispute.await;
                        let reviews = reviews.await;
                        // Built once (`deferred`): its chat makes a resource of its own, which
                        // must be made once on the server, as in the browser, to hydrate.
                        deferred(move || view! { <BookingView booking=b answer acts trust dispute reviews/> }.into_any())
                    }
                }
            })}
        </Suspense>
    }
}

/// The dispute and review actions of a booking page.
#[derive(Clone, Copy)]
pub struct Trust {
    pub open: ServerAction<OpenDispute>,
    pub post: ServerAction<PostDisputeMessage>,
    pub write: ServerAction<WriteReview>,
}

/// The handoff actions of a booking page.
#[derive(Clone, Copy)]
pub struct Acts {
    pub pick_up: ServerAction<PickUp>,
    pub settle: ServerAction<SettleBooking>,
}

#[component]
fn BookingView(
    booking: BookingDetail,
    answer: ServerAction<AnswerBooking>,
    acts: Acts,
    trust: Trust,
    dispute: Option<Result<DisputeState, AppError>>,
    reviews: Option<Result<BookingReviews, AppError>>,
) -> impl IntoView {
    let error = action_error(answer);
    let sent = query_flag("sent");
    let sender_turn = booking.can_accept && booking.summary.my_side == Side::Sender;
    let money = booking.money.clone();
    let protect_offer = money
        .protection_offer
        .filter(|_| sender_turn && !money.protected);
    let protect_box = move || {
        protect_offer.map(|p| view! {
            <label class="flex items-center gap-1 text-sm">
                <input type="checkbox" name="protect" class="h-4 w-4"/>{tr("Add protection (")}{p.to_string()}")"
            </label>
        })
    };
    let accept_label = if sender_turn {
        crate::trf!("Accept and pay {}", money.total)
    } else {
        crate::trf!("Accept at {}", booking.summary.price)
    };
    let b = booking.clone();
    let s = b.summary.clone();
    let id = s.id;
    let hidden = |v: &'static str| view! { <input type="hidden" name="answer" value=v/> };
    let other_role = match s.my_side {
        Side::Sender => tr("Traveler"),
        Side::Traveler => tr("Sender"),
    };
    view! {
        <leptos_meta::Title text=crate::trf!("Booking: {}", s.parcel_title)/>
        <Show when=move || sent.get()><Notice>{tr("Your request was sent. You will see the answer here.")}</Notice></Show>
        <div class="mb-6 flex flex-wrap items-start justify-between gap-3">
            <div>
                <h1 class="text-2xl font-bold tracking-tight sm:text-3xl">{s.parcel_title.clone()}</h1>
                <p class="mt-1 text-slate-600">{s.route.clone()}{tr(" · departs ")}{s.departs.clone()}</p>
            </div>
            <span data-testid="booking-status">{booking_badge(s.status)}</span>
        </div>
        <div class="grid gap-6 md:grid-cols-3">
            <div class="card space-y-2 md:col-span-2">
                <p><strong>{tr("Price: ")}</strong><span data-testid="booking-price">{s.price.to_string()}</span>{tr(" for ")}{b.weight.clone()}</p>
                <p class="text-sm text-slate-600">
                    {match b.initiator { Side::Sender => tr("Requested by the sender"), Side::Traveler => tr("Offered by the traveler") }}
                    " · "{b.counters}{tr(" of ")}{b.max_counters}{tr(" counter-offers used")}
                </p>
                {b.expires.clone().map(|e| view! { <p class="text-sm text-slate-600">{tr("Waiting for an answer until ")}{e}</p> })}
                <p class="text-sm"><a class="link" href=format!("/parcels/{}", b.parcel_id)>{tr("The parcel")}</a>" · "<a class="link" href=format!("/trips/{}", b.trip_id)>{tr("The trip")}</a></p>
                <FormError error/>
                {b.can_accept.then(|| view! {
                    <div class="flex flex-wrap gap-2 pt-2">
                        <ActionForm action=answer attr:class="flex flex-wrap items-center gap-2">
                            <input type="hidden" name="id" value=id.to_string()/>{hidden("accept")}
                            {protect_box()}
                            <button type="submit" class="btn-primary">{accept_label.clone()}</button>
                        </ActionForm>
                        <ActionForm action=answer>
                            <input type="hidden" name="id" value=id.to_string()/>{hidden("decline")}
                            <button type="submit" class="btn-secondary">{tr("Decline")}</button>
                        </ActionForm>
                    </div>
                })}
                {b.can_counter.then(|| view! {
                    <ActionForm action=answer attr:class="flex flex-wrap items-end gap-2 pt-2">
                        <input type="hidden" name="id" value=id.to_string()/>{hidden("counter")}
                        <label class="text-sm">{tr("Propose another price (")}{s.price.currency.code()}")"
                            <input name="price" required class="ml-1 w-28 rounded-md border border-slate-300 px-2 py-1"/>
                        </label>
                        {protect_box()}
                        <button type="submit" class="btn-secondary">{tr("Counter")}</button>
                    </ActionForm>
                })}
                {b.can_withdraw.then(|| view! {
                    <ActionForm action=answer attr:class="pt-2">
                        <input type="hidden" name="id" value=id.to_string()/>{hidden("withdraw")}
                        <button type="submit" class="btn-secondary text-red-700">{tr("Withdraw request")}</button>
                    </ActionForm>
                })}
                {(s.status == BookingStatus::Pending && !s.my_turn).then(|| view! {
                    <p class="text-sm text-slate-600">{tr("Waiting for the other side to answer.")}</p>
                })}
            </div>
            <div class="card space-y-2">
                <h2 class="font-semibold">{other_role}</h2>
                <a class="link" href=format!("/u/{}", b.other.id)>{b.other.display_name.clone()}</a>
                {b.contact.clone().map(|c| view! {
                    <div class="text-sm" data-testid="contact">
                        <p>{c.email}</p>
                        {(!c.phone.is_empty()).then(|| view! { <p>{c.phone.clone()}</p> })}
                    </div>
                })}
                {b.private.clone().map(|p| view! {
                    <div class="border-t border-slate-200 pt-2 text-sm" data-testid="private-details">
                        <p><strong>{tr("Pickup: ")}</strong>{p.pickup_address}</p>
                        <p><strong>{tr("Delivery: ")}</strong>{p.delivery_address}</p>
                        <p><strong>{tr("Recipient: ")}</strong>{p.recipient}" "{p.recipient_contact}</p>
                    </div>
                })}
            </div>
        </div>
        <MoneyPanel money=b.money.clone() side=s.my_side status=s.status/>
        {b.handoff.clone().map(|h| view! { <HandoffPanel handoff=h id side=s.my_side acts money=b.money.clone()/> })}
        {matches!(s.status, BookingStatus::PickedUp | BookingStatus::Delivered | BookingStatus::Resolved)
            .then(|| dispute.map(|state| match state {
                Ok(state) => view! { <DisputePanel booking=id state open=trust.open post=trust.post/> }.into_any(),
                Err(e) => not_loaded(tr("The dispute could not be loaded: "), e),
            }))}
        {(s.status == BookingStatus::Completed).then(|| reviews.map(|r| match r {
            Ok(r) => view! { <ReviewPanel booking=id r write=trust.write/> }.into_any(),
            Err(e) => not_loaded(tr("The reviews could not be loaded: "), e),
        }))}
        <BookingChat parcel=b.parcel_id trip=b.trip_id booking=id conversation=b.conversation/>
        <section class="card mt-6">
            <h2 class="mb-2 font-semibold">{tr("Timeline")}</h2>
            <ol class="space-y-1 text-sm" data-testid="timeline">
                {b.events.iter().map(|e| view! {
                    <li><span class="text-slate-500">{e.at.clone()}</span>" — "<strong>{e.actor.clone()}</strong>" "{e.what.clone()}</li>
                }).collect_view()}
            </ol>
        </section>
    }
}

/// A part of the page whose data failed to load while the rest of the page did: said, not hidden.
fn not_loaded(what: &'static str, e: AppError) -> AnyView {
    view! {
        <p role="alert" class="card mt-6 text-sm text-red-800" data-testid="part-error">{what}{e.to_string()}</p>
    }
    .into_any()
}

#[component]
fn MoneyPanel(money: BookingMoney, side: Side, status: BookingStatus) -> impl IntoView {
    let row = |label: &'static str, value: String, id: &'static str| {
        view! {
            <div class="flex justify-between py-1"><dt class="text-slate-600">{label}</dt><dd data-testid=id>{value}</dd></div>
        }
    };
    let pending = status == BookingStatus::Pending;
    view! {
        <section class="card mt-6" data-testid="booking-money">
            <h2 class="mb-2 font-semibold">{tr("Payment")}</h2>
            <dl class="divide-y divide-slate-100 text-sm">
                {row(tr("Price (to the traveler)"), money.price.to_string(), "money-price")}
                {(side == Side::Sender).then(|| view! {
                    {row(tr("Service fee"), money.fee.to_string(), "money-fee")}
                    {money.protected.then(|| row(tr("Protection"), money.protection.to_string(), "money-protection"))}
                    {row(tr("Total for the sender"), money.total.to_string(), "money-total")}
                })}
                {row(tr("Held in escrow"), money.held.to_string(), "money-held")}
            </dl>
            <p class="mt-2 text-sm text-slate-600">
                {match (status, side) {
                    (BookingStatus::Pending, Side::Sender) if money.held.minor > 0 => tr("Your payment waits in escrow. It comes back at once if the request is declined, withdrawn or expires."),
                    (BookingStatus::Pending, Side::Sender) => tr("You pay into escrow when you accept or counter."),
                    (BookingStatus::Completed, Side::Traveler) => tr("Paid: the price is in your wallet."),
                    (BookingStatus::Completed, Side::Sender) => tr("Completed: the traveler was paid from escrow."),
                    (_, Side::Traveler) if !pending => tr("The sender's payment is held in escrow until delivery is confirmed; then the price goes to your wallet."),
                    _ => "",
                }}
            </p>
        </section>
    }
}

/// The conversation of the booking's parcel and trip, continuing on its page.
#[component]
fn BookingChat(
    parcel: crate::types::ParcelId,
    trip: crate::types::TripId,
    booking: crate::types::BookingId,
    conversation: Option<crate::types::chat::ConversationId>,
) -> impl IntoView {
    use crate::pages::chat::conversation::{AskQuestion, ConversationPanel};
    view! {
        <section class="mt-6" data-testid="booking-chat">
            <h2 class="mb-2 font-semibold">{tr("Messages")}</h2>
            {match conversation {
                Some(c) => view! { <ConversationPanel id=c back=format!("/bookings/{booking}")/> }.into_any(),
                None => view! {
                    <div class="card">
                        <p class="mb-2 text-sm text-slate-600">{tr("No message yet between you.")}</p>
                        <AskQuestion parcel trip/>
                    </div>
                }.into_any(),
            }}
        </section>
    }
}
