use super::errors::page_error;
use crate::api::bookings::{get_booking, my_bookings, AnswerBooking};
use crate::components::form::{action_error, FormError};
use crate::components::layout::{query_flag, route_id, Notice, PageHeader};
use crate::components::market::{booking_badge, loading};
use crate::error::AppError;
use crate::market::{BookingDetail, Side};
use leptos::prelude::*;

#[component]
pub fn MyBookingsPage() -> impl IntoView {
    let list = Resource::new(|| (), |_| my_bookings());
    view! {
        <PageHeader title="Bookings" lead="Requests and offers on your parcels and trips."/>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match list.await {
                    Err(e) => page_error(e),
                    Ok(list) if list.is_empty() => view! { <p class="text-slate-600">"No bookings yet. Request a trip from one of your parcels, or offer to carry a parcel from one of your trips."</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="space-y-3">
                            {list.into_iter().map(|b| view! {
                                <li class="card flex flex-wrap items-start justify-between gap-2" data-testid="booking-row">
                                    <div>
                                        <a class="link font-semibold" href=format!("/bookings/{}", b.id)>{b.parcel_title.clone()}</a>
                                        <p class="text-sm text-slate-600">{b.route.clone()}" · departs "{b.departs.clone()}</p>
                                        <p class="text-sm text-slate-600">"You are the "{b.my_side.label().to_lowercase()}" · "{b.price.to_string()}</p>
                                    </div>
                                    <div class="flex items-center gap-2">
                                        {b.my_turn.then(|| view! { <span class="text-sm font-medium text-amber-800">"Your answer"</span> })}
                                        {booking_badge(b.status)}
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
pub fn BookingPage() -> impl IntoView {
    let id = route_id();
    let answer = ServerAction::<AnswerBooking>::new();
    let booking = Resource::new(
        move || (id, answer.version().get()),
        |(id, _)| async move {
            match id {
                Some(id) => get_booking(id).await,
                None => Err(AppError::NotFound("This booking does not exist.".into())),
            }
        },
    );
    view! {
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match booking.await {
                    Err(e) => page_error(e),
                    Ok(b) => view! { <BookingView booking=b answer/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn BookingView(booking: BookingDetail, answer: ServerAction<AnswerBooking>) -> impl IntoView {
    let error = action_error(answer);
    let sent = query_flag("sent");
    let b = booking.clone();
    let s = b.summary.clone();
    let id = s.id;
    let hidden = |v: &'static str| view! { <input type="hidden" name="answer" value=v/> };
    let other_role = match s.my_side {
        Side::Sender => "Traveler",
        Side::Traveler => "Sender",
    };
    view! {
        <leptos_meta::Title text=format!("Booking: {}", s.parcel_title)/>
        <Show when=move || sent.get()><Notice>"Your request was sent. You will see the answer here."</Notice></Show>
        <div class="mb-6 flex flex-wrap items-start justify-between gap-3">
            <div>
                <h1 class="text-2xl font-bold tracking-tight sm:text-3xl">{s.parcel_title.clone()}</h1>
                <p class="mt-1 text-slate-600">{s.route.clone()}" · departs "{s.departs.clone()}</p>
            </div>
            <span data-testid="booking-status">{booking_badge(s.status)}</span>
        </div>
        <div class="grid gap-6 md:grid-cols-3">
            <div class="card space-y-2 md:col-span-2">
                <p><strong>"Price: "</strong><span data-testid="booking-price">{s.price.to_string()}</span>" for "{b.weight.clone()}</p>
                <p class="text-sm text-slate-600">
                    {match b.initiator { Side::Sender => "Requested by the sender", Side::Traveler => "Offered by the traveler" }}
                    " · "{b.counters}" of "{b.max_counters}" counter-offers used"
                </p>
                {b.expires.clone().map(|e| view! { <p class="text-sm text-slate-600">"Waiting for an answer until "{e}</p> })}
                <p class="text-sm"><a class="link" href=format!("/parcels/{}", b.parcel_id)>"The parcel"</a>" · "<a class="link" href=format!("/trips/{}", b.trip_id)>"The trip"</a></p>
                <FormError error/>
                {b.can_accept.then(|| view! {
                    <div class="flex flex-wrap gap-2 pt-2">
                        <ActionForm action=answer>
                            <input type="hidden" name="id" value=id.to_string()/>{hidden("accept")}
                            <button type="submit" class="btn-primary">"Accept at "{s.price.to_string()}</button>
                        </ActionForm>
                        <ActionForm action=answer>
                            <input type="hidden" name="id" value=id.to_string()/>{hidden("decline")}
                            <button type="submit" class="btn-secondary">"Decline"</button>
                        </ActionForm>
                    </div>
                })}
                {b.can_counter.then(|| view! {
                    <ActionForm action=answer attr:class="flex flex-wrap items-end gap-2 pt-2">
                        <input type="hidden" name="id" value=id.to_string()/>{hidden("counter")}
                        <label class="text-sm">"Propose another price ("{s.price.currency.code()}")"
                            <input name="price" required class="ml-1 w-28 rounded-md border border-slate-300 px-2 py-1"/>
                        </label>
                        <button type="submit" class="btn-secondary">"Counter"</button>
                    </ActionForm>
                })}
                {b.can_withdraw.then(|| view! {
                    <ActionForm action=answer attr:class="pt-2">
                        <input type="hidden" name="id" value=id.to_string()/>{hidden("withdraw")}
                        <button type="submit" class="btn-secondary text-red-700">"Withdraw request"</button>
                    </ActionForm>
                })}
                {(s.status == crate::market::BookingStatus::Pending && !s.my_turn).then(|| view! {
                    <p class="text-sm text-slate-600">"Waiting for the other side to answer."</p>
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
                        <p><strong>"Pickup: "</strong>{p.pickup_address}</p>
                        <p><strong>"Delivery: "</strong>{p.delivery_address}</p>
                        <p><strong>"Recipient: "</strong>{p.recipient}" "{p.recipient_contact}</p>
                    </div>
                })}
            </div>
        </div>
        <section class="card mt-6">
            <h2 class="mb-2 font-semibold">"Timeline"</h2>
            <ol class="space-y-1 text-sm" data-testid="timeline">
                {b.events.iter().map(|e| view! {
                    <li><span class="text-slate-500">{e.at.clone()}</span>" — "<strong>{e.actor.clone()}</strong>" "{e.what.clone()}</li>
                }).collect_view()}
            </ol>
        </section>
    }
}
