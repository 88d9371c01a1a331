//! Requesting a trip for one of the member's open parcels, from the trip's page.

use crate::api::bookings::ProposeBooking;
use crate::components::form::{
    action_error, ActionForm, Field, FormError, IdemKey, Select, Submit,
};
use crate::i18n::tr;
use crate::types::bookings::BookingTerms;
use crate::types::parcels::ParcelCard;
use crate::types::{ParcelStatus, TripId};
use leptos::prelude::*;

/// Another user's view: request this trip for one of their open parcels. The trip's page loads the member's parcels and the terms (a signed-out visitor has none).
#[component]
pub fn RequestThisTrip(id: TripId, parcels: Vec<ParcelCard>, terms: BookingTerms) -> impl IntoView {
    let request = ServerAction::<ProposeBooking>::new();
    let error = action_error(request);
    let open: Vec<_> = parcels
        .into_iter()
        .filter(|p| p.status == ParcelStatus::Open)
        .collect();
    if open.is_empty() {
        view! { <p class="mt-6 text-slate-600">{tr("Have a parcel for this route? ")}<a class="link" href="/parcels/new">{tr("Post it")}</a>{tr(" and request this trip from its page.")}</p> }.into_any()
    } else {
        view! {
                        <section class="card mt-6">
                            <h2 class="mb-3 font-semibold">{tr("Send a parcel on this trip")}</h2>
                            <ActionForm action=request>
                                <FormError error/>
                                <input type="hidden" name="side" value="sender"/>
                                <IdemKey version=request.version()/>
                                <input type="hidden" name="trip_id" value=id.to_string()/>
                                <Select label=tr("Your parcel") name="parcel_id" options=open.iter().map(|p| (p.id.to_string(), p.title.clone())).collect() error/>
                                <Field label=tr("Price (leave empty for the traveler's price)") name="price" error/>
                                <p class="mb-3 text-sm text-slate-600" data-testid="booking-terms">{tr("You pay the price plus ")}{terms.fee}{tr(" from your wallet into escrow now. It comes back at once if the traveler declines or does not answer.")}</p>
                                <label class="mb-4 flex items-center gap-2 text-sm">
                                    <input type="checkbox" name="protect" class="h-4 w-4"/>{tr("Add protection: ")}{terms.protection}
                                </label>
                                <Submit label=tr("Request this trip") pending=request.pending().into()/>
                            </ActionForm>
                        </section>
                    }.into_any()
    }
}
