//! The matches on a listing's own page: parcels a traveler's trip could carry (with an offer
//! form each), and trips that could carry a sender's parcel (with a request form each), every
//! one with the parts of its score.

use crate::api::bookings::ProposeBooking;
use crate::components::cards::{ParcelRow, ScoreBreakdown, TripRow};
use crate::components::form::{action_error, ActionForm, FormError, IdemKey};
use crate::error::AppError;
use crate::i18n::tr;
use crate::pages::chat::conversation::AskQuestion;
use crate::pages::errors::page_error;
use crate::types::bookings::BookingTerms;
use crate::types::matching::{ParcelMatch, TripMatch};
use crate::types::{ParcelId, TripId};
use leptos::prelude::*;

/// The traveler's view: parcels this trip could carry, with an offer button each.
#[component]
pub fn ParcelsForTrip(id: TripId, matches: Result<Vec<ParcelMatch>, AppError>) -> impl IntoView {
    let offer = ServerAction::<ProposeBooking>::new();
    let error = action_error(offer);
    view! {
        <section class="mt-8">
            <h2 class="mb-3 text-xl font-semibold">{tr("Parcels you could carry")}</h2>
            <FormError error/>
            {match matches {
                        Err(e) => page_error(e),
                        Ok(list) if list.is_empty() => view! { <p class="text-slate-600" data-testid="no-matches">{tr("No open parcel fits this trip yet. We'll list them here as senders post.")}</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="space-y-3">
                                {list.into_iter().map(|m| {
                                    let pid = m.parcel.id.to_string();
                                    let pparcel = m.parcel.id;
                                    let reward = m.parcel.reward.input_value();
                                    view! {
                                        <ParcelRow parcel=m.parcel>
                                            <ScoreBreakdown score=m.score parts=m.parts/>
                                            <ActionForm action=offer attr:class="mt-2 flex flex-wrap items-end gap-2">
                                                <input type="hidden" name="side" value="traveler"/>
                                                <IdemKey version=offer.version()/>
                                                <input type="hidden" name="parcel_id" value=pid/>
                                                <input type="hidden" name="trip_id" value=id.to_string()/>
                                                <label class="text-sm">{tr("Your price ")}
                                                    <input name="price" value=reward class="ml-1 w-28 rounded-md border border-slate-300 px-2 py-1"/>
                                                </label>
                                                <button type="submit" class="btn-primary">{tr("Offer to carry")}</button>
                                            </ActionForm>
                                            <div class="mt-2"><AskQuestion parcel=pparcel trip=id/></div>
                                        </ParcelRow>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                    }
            }
        </section>
    }
}

/// The sender's view: the best trips for this parcel, each with the reasons and a request button.
#[component]
pub fn TripsForParcel(
    id: ParcelId,
    matches: Result<Vec<TripMatch>, AppError>,
    terms: BookingTerms,
) -> impl IntoView {
    let request = ServerAction::<ProposeBooking>::new();
    let error = action_error(request);
    view! {
        <section class="mt-8">
            <h2 class="mb-3 text-xl font-semibold">{tr("Trips that can carry it")}</h2>
            <FormError error/>
            {
                    let protect_label = crate::trf!("Add protection: {}", terms.protection);
                    match matches {
                        Err(e) => page_error(e),
                        Ok(list) if list.is_empty() => view! { <p class="text-slate-600" data-testid="no-matches">{tr("No trip fits yet. Travelers post trips every day; check back soon.")}</p> }.into_any(),
                        Ok(list) => view! {
                            <p class="mb-3 text-sm text-slate-600" data-testid="booking-terms">{tr("Requesting pays the price plus ")}{terms.fee.clone()}{tr(" from your wallet into escrow. It comes back at once if the traveler declines or does not answer.")}</p>
                            <ul class="space-y-3">
                                {list.into_iter().map(|m| {
                                    let protect_label = protect_label.clone();
                                    let tid = m.trip.id.to_string();
                                    let ttrip = m.trip.id;
                                    let price = m.price.input_value();
                                    view! {
                                        <TripRow trip=m.trip>
                                            <ScoreBreakdown score=m.score parts=m.parts/>
                                            <ActionForm action=request attr:class="mt-2 flex flex-wrap items-end gap-2">
                                                <input type="hidden" name="side" value="sender"/>
                                                <IdemKey version=request.version()/>
                                                <input type="hidden" name="parcel_id" value=id.to_string()/>
                                                <input type="hidden" name="trip_id" value=tid/>
                                                <label class="text-sm">{tr("Your price ")}
                                                    <input name="price" value=price class="ml-1 w-28 rounded-md border border-slate-300 px-2 py-1"/>
                                                </label>
                                                <label class="flex items-center gap-1 text-sm">
                                                    <input type="checkbox" name="protect" class="h-4 w-4"/>{protect_label}
                                                </label>
                                                <button type="submit" class="btn-primary">{tr("Request this trip")}</button>
                                            </ActionForm>
                                            <div class="mt-2"><AskQuestion parcel=id trip=ttrip/></div>
                                        </TripRow>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                    }
            }
        </section>
    }
}
