use super::errors::page_error;
use crate::api::bookings::{get_booking, my_bookings, AnswerBooking};
use crate::api::money::{PickUp, SettleBooking};
use crate::components::form::{action_error, FormError};
use crate::components::layout::{query_flag, query_value, route_id, Notice, PageHeader};
use crate::components::market::{booking_badge, loading};
use crate::error::AppError;
use crate::market::{BookingDetail, BookingStatus, Side};
use crate::money::{BookingMoney, Handoff};
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
    let acts = Acts {
        pick_up: ServerAction::<PickUp>::new(),
        settle: ServerAction::<SettleBooking>::new(),
    };
    let booking = Resource::new(
        move || {
            (
                id,
                answer.version().get() + acts.pick_up.version().get() + acts.settle.version().get(),
            )
        },
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
                    Ok(b) => view! { <BookingView booking=b answer acts/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The handoff actions of a booking page.
#[derive(Clone, Copy)]
struct Acts {
    pick_up: ServerAction<PickUp>,
    settle: ServerAction<SettleBooking>,
}

#[component]
fn BookingView(
    booking: BookingDetail,
    answer: ServerAction<AnswerBooking>,
    acts: Acts,
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
                <input type="checkbox" name="protect" class="h-4 w-4"/>"Add protection ("{p.to_string()}")"
            </label>
        })
    };
    let accept_label = if sender_turn {
        format!("Accept and pay {}", money.total)
    } else {
        format!("Accept at {}", booking.summary.price)
    };
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
                        <ActionForm action=answer attr:class="flex flex-wrap items-center gap-2">
                            <input type="hidden" name="id" value=id.to_string()/>{hidden("accept")}
                            {protect_box()}
                            <button type="submit" class="btn-primary">{accept_label.clone()}</button>
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
                        {protect_box()}
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
        <MoneyPanel money=b.money.clone() side=s.my_side status=s.status/>
        {b.handoff.clone().map(|h| view! { <HandoffPanel handoff=h id side=s.my_side acts money=b.money.clone()/> })}
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
            <h2 class="mb-2 font-semibold">"Payment"</h2>
            <dl class="divide-y divide-slate-100 text-sm">
                {row("Price (to the traveler)", money.price.to_string(), "money-price")}
                {(side == Side::Sender).then(|| view! {
                    {row("Service fee", money.fee.to_string(), "money-fee")}
                    {money.protected.then(|| row("Protection", money.protection.to_string(), "money-protection"))}
                    {row("Total for the sender", money.total.to_string(), "money-total")}
                })}
                {row("Held in escrow", money.held.to_string(), "money-held")}
            </dl>
            <p class="mt-2 text-sm text-slate-600">
                {match (status, side) {
                    (BookingStatus::Pending, Side::Sender) if money.held.minor > 0 => "Your payment waits in escrow. It comes back at once if the request is declined, withdrawn or expires.",
                    (BookingStatus::Pending, Side::Sender) => "You pay into escrow when you accept or counter.",
                    (BookingStatus::Completed, Side::Traveler) => "Paid: the price is in your wallet.",
                    (BookingStatus::Completed, Side::Sender) => "Completed: the traveler was paid from escrow.",
                    (_, Side::Traveler) if !pending => "The sender's payment is held in escrow until delivery is confirmed; then the price goes to your wallet.",
                    _ => "",
                }}
            </p>
        </section>
    }
}

#[component]
fn HandoffPanel(
    handoff: Handoff,
    id: uuid::Uuid,
    side: Side,
    acts: Acts,
    money: BookingMoney,
) -> impl IntoView {
    let scanned_pickup = query_value("pickup");
    let scanned_delivery = query_value("delivery");
    let pick_error = action_error(acts.pick_up);
    let deliver_error = query_value("deliver_error");
    let settle_error = action_error(acts.settle);
    let h = handoff;
    let flag = |name: &str| !query_value(name).is_empty();
    let notice = {
        if flag("picked_up") {
            Some("Picked up. Deliver it, then enter the recipient's delivery code.")
        } else if flag("delivered") {
            Some("Delivered. The sender confirms receipt, or it completes by itself.")
        } else if flag("confirm") {
            Some("Thank you: the booking is complete and the traveler was paid.")
        } else if flag("cancel") {
            Some("The booking was cancelled and the refund is in the sender's wallet.")
        } else if flag("refuse") {
            Some("You refused the parcel; the sender was refunded in full.")
        } else {
            None
        }
    };
    view! {
        <section class="card mt-6 space-y-4" data-testid="handoff">
            <h2 class="font-semibold">"Handoff"</h2>
            {notice.map(|n| view! { <Notice>{n}</Notice> })}
            {h.tracking_no.clone().map(|t| view! {
                <p class="text-sm">"Tracking number: "<a class="link font-mono" data-testid="tracking-no" href=format!("/track?number={t}")>{t.clone()}</a>" (share it with the recipient)"</p>
            })}
            {h.pickup_code.clone().map(|c| view! {
                <div class="rounded-md bg-slate-50 p-3">
                    <p class="text-sm text-slate-700">"Pickup code: show it to the traveler when you hand the parcel over (or let them scan it)."</p>
                    <p class="my-2 font-mono text-3xl font-bold tracking-widest" data-testid="pickup-code">{c}</p>
                    {h.pickup_qr.clone().map(|svg| view! { <div class="w-40" inner_html=svg></div> })}
                    {h.pickup_valid_until.clone().map(|u| view! { <p class="text-xs text-slate-500">"Valid until "{u}</p> })}
                </div>
            })}
            {h.delivery_code.clone().map(|c| view! {
                <div class="rounded-md bg-slate-50 p-3">
                    <p class="text-sm text-slate-700">"Delivery code: you are the recipient; give it to the traveler when you receive the parcel."</p>
                    <p class="my-2 font-mono text-3xl font-bold tracking-widest" data-testid="delivery-code">{c}</p>
                    {h.delivery_qr.clone().map(|svg| view! { <div class="w-40" inner_html=svg></div> })}
                </div>
            })}
            {h.delivery_code_sent_to.clone().map(|to| view! {
                <p class="text-sm text-slate-700">"The delivery code was emailed to the recipient ("{to}"). They give it to the traveler on delivery."</p>
            })}
            {h.locked.clone().map(|l| view! { <p class="rounded-md bg-red-50 p-2 text-sm text-red-800" data-testid="code-locked">{l}</p> })}
            {h.can_pick_up.then(|| view! {
                <ActionForm action=acts.pick_up attr:class="space-y-2" attr:data-testid="pickup-form">
                    <FormError error=pick_error/>
                    <input type="hidden" name="id" value=id.to_string()/>
                    <p class="text-sm font-medium">"Inspect the parcel before you take it:"</p>
                    <label class="flex items-center gap-2 text-sm"><input type="checkbox" name="contents_match" class="h-4 w-4"/>"The contents match the listing"</label>
                    <label class="flex items-center gap-2 text-sm"><input type="checkbox" name="nothing_prohibited" class="h-4 w-4"/>"Nothing prohibited is inside"</label>
                    <label class="flex items-center gap-2 text-sm"><input type="checkbox" name="electronics_power_on" class="h-4 w-4"/>"Electronics power on (if any)"</label>
                    <label class="block text-sm">"Pickup code from the sender"
                        <input name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="6" value=scanned_pickup required
                            class="mt-1 block w-40 rounded-md border border-slate-300 px-3 py-2 font-mono text-lg tracking-widest"/>
                    </label>
                    <p class="text-sm text-red-700" data-field-error="code">{move || pick_error.get().and_then(|e| e.field("code"))}</p>
                    <button type="submit" class="btn-primary">"Confirm pickup"</button>
                </ActionForm>
                <ActionForm action=acts.settle attr:class="flex flex-wrap items-end gap-2 border-t border-slate-100 pt-3">
                    <input type="hidden" name="id" value=id.to_string()/>
                    <input type="hidden" name="what" value="refuse"/>
                    <label class="text-sm">"Something wrong? Reason "
                        <input name="reason" class="ml-1 rounded-md border border-slate-300 px-2 py-1" maxlength="500"/>
                    </label>
                    <button type="submit" class="btn-secondary text-red-700">"Refuse the parcel"</button>
                </ActionForm>
            })}
            {h.can_deliver.then(|| view! {
                // A plain multipart form: the optional photo travels with the code.
                <form method="post" action=format!("/bookings/{id}/deliver") enctype="multipart/form-data" class="space-y-2" data-testid="deliver-form">
                    {(!deliver_error.is_empty()).then(|| view! {
                        <div role="alert" class="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800" data-testid="deliver-error">{deliver_error.clone()}</div>
                    })}
                    <label class="block text-sm">"Delivery code from the recipient"
                        <input name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="6" value=scanned_delivery.clone() required
                            class="mt-1 block w-40 rounded-md border border-slate-300 px-3 py-2 font-mono text-lg tracking-widest"/>
                    </label>
                    <label class="block text-sm">"Photo of the delivered parcel (optional)"
                        <input type="file" name="photo" accept="image/jpeg,image/png,image/webp" capture="environment" class="mt-1 block w-full text-sm"/>
                    </label>
                    {h.delivery_valid_until.clone().map(|u| view! { <p class="text-xs text-slate-500">"The code is valid until "{u}</p> })}
                    <button type="submit" class="btn-primary">"Confirm delivery"</button>
                </form>
            })}
            {h.delivery_photo.clone().map(|src| view! {
                <p class="text-sm"><a class="link" data-testid="delivery-photo" href=src>"Photo taken at delivery"</a></p>
            })}
            {h.can_confirm.then(|| view! {
                <ActionForm action=acts.settle attr:class="space-y-2">
                    <FormError error=settle_error/>
                    <input type="hidden" name="id" value=id.to_string()/>
                    <input type="hidden" name="what" value="confirm"/>
                    <p class="text-sm">"Did the parcel arrive in good order? Confirming pays the traveler."</p>
                    {h.auto_complete_at.clone().map(|a| view! { <p class="text-xs text-slate-500">"Without an answer it completes by itself on "{a}"."</p> })}
                    <button type="submit" class="btn-primary">"Confirm receipt"</button>
                </ActionForm>
            })}
            {h.can_cancel.then(|| view! {
                <details class="border-t border-slate-100 pt-3">
                    <summary class="cursor-pointer text-sm text-red-700">"Cancel this booking"</summary>
                    <ActionForm action=acts.settle attr:class="mt-2 space-y-2">
                        <FormError error=settle_error/>
                        <input type="hidden" name="id" value=id.to_string()/>
                        <input type="hidden" name="what" value="cancel"/>
                        <p class="text-sm text-slate-700">
                            {match side {
                                Side::Sender => format!("You get back {}. More than 24 hours before departure the refund is full; later, the service fee is kept.", money.cancel_refund.map(|m| m.to_string()).unwrap_or_default()),
                                Side::Traveler => "The sender gets a full refund, and cancelling counts against your reliability.".to_string(),
                            }}
                        </p>
                        <label class="block text-sm">"Reason (shown to the other side)"
                            <input name="reason" class="mt-1 block w-full rounded-md border border-slate-300 px-2 py-1" maxlength="500"/>
                        </label>
                        <button type="submit" class="btn-secondary text-red-700">"Cancel booking"</button>
                    </ActionForm>
                </details>
            })}
        </section>
    }
}
