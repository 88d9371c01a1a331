//! The handoff panel of an accepted booking: the codes for the sender, the pickup inspection
//! and the delivery form for the traveler, confirmation, and cancellation before pickup.

use super::view::Acts;
use crate::components::form::{action_error, ActionForm, FormError};
use crate::components::layout::Notice;
use crate::i18n::tr;
use crate::types::bookings::{BookingMoney, Handoff};
use crate::types::{BookingId, Side};
use crate::url::query_value;
use leptos::prelude::*;

#[component]
pub fn HandoffPanel(
    handoff: Handoff,
    id: BookingId,
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
            Some(tr(tr(
                "Picked up. Deliver it, then enter the recipient's delivery code.",
            )))
        } else if flag("delivered") {
            Some(tr(tr(
                "Delivered. The sender confirms receipt, or it completes by itself.",
            )))
        } else if flag("confirm") {
            Some(tr(tr(
                "Thank you: the booking is complete and the traveler was paid.",
            )))
        } else if flag("cancel") {
            Some(tr(tr(
                "The booking was cancelled and the refund is in the sender's wallet.",
            )))
        } else if flag("refuse") {
            Some(tr(tr(
                "You refused the parcel; the sender was refunded in full.",
            )))
        } else {
            None
        }
    };
    view! {
        <section class="card mt-6 space-y-4" data-testid="handoff">
            <h2 class="font-semibold">{tr("Handoff")}</h2>
            {notice.map(|n| view! { <Notice>{n}</Notice> })}
            {h.tracking_no.clone().map(|t| view! {
                <p class="text-sm">{tr("Tracking number: ")}<a class="link font-mono" data-testid="tracking-no" href=format!("/track?number={t}")>{t.clone()}</a>{tr(" (share it with the recipient)")}</p>
            })}
            {h.pickup_code.clone().map(|c| view! {
                <div class="rounded-md bg-slate-50 p-3">
                    <p class="text-sm text-slate-700">{tr("Pickup code: show it to the traveler when you hand the parcel over (or let them scan it).")}</p>
                    <p class="my-2 font-mono text-3xl font-bold tracking-widest" data-testid="pickup-code">{c}</p>
                    {h.pickup_qr.clone().map(|svg| view! { <div class="w-40" inner_html=svg></div> })}
                    {h.pickup_valid_until.clone().map(|u| view! { <p class="text-xs text-slate-500">{tr("Valid until ")}{u}</p> })}
                </div>
            })}
            {h.overdue.clone().map(|o| view! {
                <p class="rounded-md bg-amber-50 p-3 text-sm text-amber-900" data-testid="overdue">{o}</p>
            })}
            {h.delivery_code.clone().map(|c| {
                let recipient = h.recipient.clone();
                let intro = match &recipient {
                    None => tr("Delivery code: you are the recipient; give it to the traveler when you receive the parcel.").to_string(),
                    Some(r) => crate::trf!("Delivery code for {}: pass it on to them. They give it to the traveler only when they have the parcel in their hands.", r.name),
                };
                view! {
                    <div class="rounded-md bg-slate-50 p-3">
                        <p class="text-sm text-slate-700">{intro}</p>
                        <p class="my-2 font-mono text-3xl font-bold tracking-widest" data-testid="delivery-code">{c}</p>
                        {h.delivery_qr.clone().map(|svg| view! { <div class="w-40" inner_html=svg></div> })}
                        {recipient.map(|r| view! { <RecipientForward r/> })}
                    </div>
                }
            })}
            {h.locked.clone().map(|l| view! { <p class="rounded-md bg-red-50 p-2 text-sm text-red-800" data-testid="code-locked">{l}</p> })}
            {h.can_pick_up.then(|| view! {
                <ActionForm action=acts.pick_up attr:class="space-y-2" attr:data-testid="pickup-form">
                    <FormError error=pick_error/>
                    <input type="hidden" name="id" value=id.to_string()/>
                    <p class="text-sm font-medium">{tr("Inspect the parcel before you take it:")}</p>
                    <label class="flex items-center gap-2 text-sm"><input type="checkbox" name="contents_match" class="h-4 w-4"/>{tr("The contents match the listing")}</label>
                    <label class="flex items-center gap-2 text-sm"><input type="checkbox" name="nothing_prohibited" class="h-4 w-4"/>{tr("Nothing prohibited is inside")}</label>
                    <label class="flex items-center gap-2 text-sm"><input type="checkbox" name="electronics_power_on" class="h-4 w-4"/>{tr("Electronics power on (if any)")}</label>
                    <label class="block text-sm">{tr("Pickup code from the sender")}
                        <input name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="6" value=scanned_pickup required
                            class="mt-1 block w-40 rounded-md border border-slate-300 px-3 py-2 font-mono text-lg tracking-widest"/>
                    </label>
                    <p class="text-sm text-red-700" data-field-error="code">{move || pick_error.get().and_then(|e| e.field("code"))}</p>
                    <button type="submit" class="btn-primary">{tr("Confirm pickup")}</button>
                </ActionForm>
                <ActionForm action=acts.settle attr:class="flex flex-wrap items-end gap-2 border-t border-slate-100 pt-3">
                    <input type="hidden" name="id" value=id.to_string()/>
                    <input type="hidden" name="what" value="refuse"/>
                    <label class="text-sm">{tr("Something wrong? Reason ")}
                        <input name="reason" class="ml-1 rounded-md border border-slate-300 px-2 py-1" maxlength="500"/>
                    </label>
                    <button type="submit" class="btn-secondary text-red-700">{tr("Refuse the parcel")}</button>
                </ActionForm>
            })}
            {h.can_deliver.then(|| view! {
                // A plain multipart form: the optional photo travels with the code.
                <form method="post" action=format!("/bookings/{id}/deliver") enctype="multipart/form-data" class="space-y-2" data-testid="deliver-form">
                    {(!deliver_error.is_empty()).then(|| view! {
                        <div role="alert" class="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800" data-testid="deliver-error">{deliver_error.clone()}</div>
                    })}
                    <label class="block text-sm">{tr("Delivery code from the recipient")}
                        <input name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="6" value=scanned_delivery.clone() required
                            class="mt-1 block w-40 rounded-md border border-slate-300 px-3 py-2 font-mono text-lg tracking-widest"/>
                    </label>
                    <label class="block text-sm">{tr("Photo of the delivered parcel (optional)")}
                        <input type="file" name="photo" accept="image/jpeg,image/png,image/webp" capture="environment" class="mt-1 block w-full text-sm"/>
                    </label>
                    {h.delivery_valid_until.clone().map(|u| view! { <p class="text-xs text-slate-500">{tr("The code is valid until ")}{u}</p> })}
                    <button type="submit" class="btn-primary">{tr("Confirm delivery")}</button>
                </form>
            })}
            {h.delivery_photo.clone().map(|src| view! {
                <div class="text-sm"><a class="link" data-testid="delivery-photo" href=src>{tr("Photo taken at delivery")}</a></div>
            })}
            {h.can_confirm.then(|| view! {
                <ActionForm action=acts.settle attr:class="space-y-2">
                    <FormError error=settle_error/>
                    <input type="hidden" name="id" value=id.to_string()/>
                    <input type="hidden" name="what" value="confirm"/>
                    <p class="text-sm">{tr("Did the parcel arrive in good order? Confirming pays the traveler.")}</p>
                    {h.auto_complete_at.clone().map(|a| view! { <p class="text-xs text-slate-500">{tr("Without an answer it completes by itself on ")}{a}"."</p> })}
                    <button type="submit" class="btn-primary">{tr("Confirm receipt")}</button>
                </ActionForm>
            })}
            {h.can_cancel.then(|| view! {
                <details class="border-t border-slate-100 pt-3">
                    <summary class="cursor-pointer text-sm text-red-700">{tr("Cancel this booking")}</summary>
                    <ActionForm action=acts.settle attr:class="mt-2 space-y-2">
                        <FormError error=settle_error/>
                        <input type="hidden" name="id" value=id.to_string()/>
                        <input type="hidden" name="what" value="cancel"/>
                        <p class="text-sm text-slate-700">
                            {match side {
                                Side::Sender => crate::trf!("You get back {}. More than 24 hours before departure the refund is full; later, the service fee is kept.", money.cancel_refund.map(|m| m.to_string()).unwrap_or_default()),
                                Side::Traveler => tr("The sender gets a full refund, and cancelling counts against your reliability.").to_string(),
                            }}
                        </p>
                        <label class="block text-sm">{tr("Reason (shown to the other side)")}
                            <input name="reason" class="mt-1 block w-full rounded-md border border-slate-300 px-2 py-1" maxlength="500"/>
                        </label>
                        <button type="submit" class="btn-secondary text-red-700">{tr("Cancel booking")}</button>
                    </ActionForm>
                </details>
            })}
        </section>
    }
}

/// How the sender passes the delivery code on to someone else: the message, and links that open
/// it in a text message or an email, ready to send.
#[component]
fn RecipientForward(r: crate::types::bookings::RecipientShare) -> impl IntoView {
    use crate::url::urlencode;
    let phone: String = r
        .phone
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    let sms = (!phone.is_empty()).then(|| format!("sms:{phone}?body={}", urlencode(&r.message)));
    let mail = (!r.email.is_empty()).then(|| {
        format!(
            "mailto:{}?subject={}&body={}",
            urlencode(&r.email),
            urlencode(tr("Your Carry delivery code")),
            urlencode(&r.message)
        )
    });
    let emailed = (!r.email.is_empty()).then(|| r.email.clone());
    view! {
        <div class="mt-3 space-y-2 border-t border-slate-200 pt-3" data-testid="recipient-forward">
            {emailed.map(|to| view! { <p class="text-sm text-slate-700">{tr("We also emailed it to ")}{to}"."</p> })}
            <p class="select-all rounded border border-slate-200 bg-white p-2 text-sm" data-testid="forward-message">{r.message.clone()}</p>
            <div class="flex flex-wrap gap-2">
                {sms.map(|href| view! { <a class="btn-secondary" href=href data-testid="forward-sms">{tr("Send by text message")}</a> })}
                {mail.map(|href| view! { <a class="btn-secondary" href=href data-testid="forward-email">{tr("Send by email")}</a> })}
            </div>
        </div>
    }
}
