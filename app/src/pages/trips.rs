use super::errors::page_error;
use crate::api::bookings::ProposeBooking;
use crate::api::money::booking_terms;
use crate::api::parcels::my_parcels;
use crate::api::trips::{get_trip, my_trips, trip_matches, CancelTrip, CreateTrip, UpdateTrip};
use crate::components::form::{
    action_error, CheckGroup, Field, FormError, IdemKey, PlaceInput, Select, Submit, TextArea,
};
use crate::components::layout::{query_flag, route_id, Notice, PageHeader};
use crate::components::market::{
    category_options, currency_options, loading, mode_options, ParcelRow, ScoreBreakdown, TripRow,
};
use crate::error::AppError;
use crate::market::{ParcelStatus, TripDetail, TripForm};
use leptos::prelude::*;
use uuid::Uuid;

/// The fields of the trip form, for creating and editing.
#[component]
fn TripFields(form: TripForm, error: Signal<Option<AppError>>, locked: bool) -> impl IntoView {
    let currency = if form.currency.is_empty() {
        "EUR".to_string()
    } else {
        form.currency.clone()
    };
    view! {
        <FormError error/>
        {locked.then(|| view! {
            <p class="mb-4 rounded-md bg-amber-50 p-3 text-sm text-amber-900">
                "A booking is accepted on this trip: its route and dates can no longer change. Notes, price, categories and capacity can."
            </p>
        })}
        <div class="grid gap-x-4 sm:grid-cols-2">
            <PlaceInput label="From" name="origin" value=form.origin.clone() required=true error/>
            <PlaceInput label="To" name="destination" value=form.destination.clone() required=true error/>
        </div>
        <Field label="Stopovers (optional)" name="stopovers" value=form.stopovers.clone() hint="Separate several with a semicolon." maxlength=400 error/>
        <div class="grid gap-x-4 sm:grid-cols-2">
            <Field label="Departure (local time at the origin)" name="departs_at" kind="datetime-local" value=form.departs_at.clone() required=true error/>
            <Field label="Arrival (local time at the destination)" name="arrives_at" kind="datetime-local" value=form.arrives_at.clone() required=true error/>
        </div>
        <div class="grid gap-x-4 sm:grid-cols-3">
            <Select label="Travelling by" name="mode" options=mode_options() value=form.mode.clone() error/>
            <Field label="Space for parcels (kg)" name="capacity_kg" value=form.capacity_kg.clone() hint="0.5 to 50 kg." required=true error/>
            <Select label="Currency" name="currency" options=currency_options() value=currency error/>
        </div>
        <Field label="Price per kg" name="price_per_kg" value=form.price_per_kg.clone() hint="What a sender pays you for each kilo." required=true error/>
        <CheckGroup legend="Parcels you accept" name="categories" options=category_options() checked=form.categories.clone() error/>
        <TextArea label="Notes (optional)" name="notes" value=form.notes.clone() maxlength=2000 hint="Where you can meet, what you won't carry…" error/>
    }
}

#[component]
pub fn NewTripPage() -> impl IntoView {
    let action = ServerAction::<CreateTrip>::new();
    let error = action_error(action);
    let me = Resource::new(|| (), |_| my_trips());
    let form = TripForm {
        categories: vec![
            "documents".into(),
            "clothing".into(),
            "books".into(),
            "gifts".into(),
        ],
        ..TripForm::default()
    };
    view! {
        <Suspense fallback=loading>
            {move || {
                let form = form.clone();
                Suspend::new(async move {
                    match me.await {
                        Err(e) => page_error(e),
                        Ok(_) => view! {
                            <PageHeader title="Post a trip" lead="Tell senders where you are going and how much space you can sell."/>
                            <div class="card">
                                <ActionForm action=action>
                                    <TripFields form error locked=false/>
                                    <Submit label="Publish trip" pending=action.pending().into()/>
                                </ActionForm>
                            </div>
                        }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
pub fn EditTripPage() -> impl IntoView {
    let action = ServerAction::<UpdateTrip>::new();
    let error = action_error(action);
    let id = route_id();
    let trip = Resource::new(
        move || id,
        |id| async move {
            match id {
                Some(id) => get_trip(id).await,
                None => Err(AppError::NotFound("This trip does not exist.".into())),
            }
        },
    );
    view! {
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match trip.await {
                    Err(e) => page_error(e),
                    Ok(t) if !t.is_owner => page_error(AppError::Forbidden),
                    Ok(t) => view! {
                        <PageHeader title="Edit trip"/>
                        <div class="card">
                            <ActionForm action=action>
                                <input type="hidden" name="id" value=t.card.id.to_string()/>
                                <TripFields form=t.form.clone() error locked=t.route_locked/>
                                <Submit label="Save changes" pending=action.pending().into()/>
                            </ActionForm>
                        </div>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn TripPage() -> impl IntoView {
    let id = route_id();
    let cancel = ServerAction::<CancelTrip>::new();
    let trip = Resource::new(
        move || (id, cancel.version().get()),
        |(id, _)| async move {
            match id {
                Some(id) => get_trip(id).await,
                None => Err(AppError::NotFound("This trip does not exist.".into())),
            }
        },
    );
    view! {
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match trip.await {
                    Err(e) => page_error(e),
                    Ok(t) => view! { <TripView trip=t cancel/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn TripView(trip: TripDetail, cancel: ServerAction<CancelTrip>) -> impl IntoView {
    let cancel_error = action_error(cancel);
    let (created, saved, cancelled) = (
        query_flag("created"),
        query_flag("saved"),
        query_flag("cancelled"),
    );
    let c = trip.card.clone();
    let id = c.id;
    let published = c.status == crate::market::TripStatus::Published;
    let title = format!("{} → {}", c.origin, c.destination);
    view! {
        <leptos_meta::Title text=title.clone()/>
        <Show when=move || created.get()><Notice>"Your trip is published. Matching parcels are listed below."</Notice></Show>
        <Show when=move || saved.get()><Notice>"Your changes were saved."</Notice></Show>
        <Show when=move || cancelled.get()><Notice>"The trip was cancelled."</Notice></Show>
        <div class="mb-6 flex flex-wrap items-start justify-between gap-3">
            <div>
                <h1 class="text-2xl font-bold tracking-tight sm:text-3xl">{title}</h1>
                <p class="mt-1 text-slate-600">{c.mode.label()}" · "{trip.distance_km}" km"</p>
            </div>
            {crate::components::market::trip_badge(c.status)}
        </div>
        <div class="grid gap-6 md:grid-cols-3">
            <div class="card space-y-2 md:col-span-2">
                <p><strong>"Departs: "</strong>{c.departs.clone()}" (local time)"</p>
                <p><strong>"Arrives: "</strong>{c.arrives.clone()}" (local time)"</p>
                {(!trip.stopovers.is_empty()).then(|| view! { <p><strong>"Stopovers: "</strong>{trip.stopovers.join(", ")}</p> })}
                <p><strong>"Space left: "</strong><span data-testid="remaining">{c.remaining.clone()}</span>" of "{c.capacity.clone()}</p>
                <p><strong>"Price: "</strong>{c.price_per_kg.to_string()}" per kg"</p>
                <p><strong>"Accepts: "</strong>{c.categories.iter().map(|c| c.label()).collect::<Vec<_>>().join(", ")}</p>
                {(!trip.notes.is_empty()).then(|| view! { <p class="whitespace-pre-line text-slate-700">{trip.notes.clone()}</p> })}
            </div>
            <div class="card space-y-3">
                <h2 class="font-semibold">"Traveler"</h2>
                <a class="link" href=format!("/u/{}", c.traveler.id)>{c.traveler.display_name.clone()}</a>
                <p class="text-sm text-slate-600">
                    {c.traveler.rating.clone().map(|r| format!("★ {r} · ")).unwrap_or_default()}
                    {c.traveler.completed_deliveries}" completed deliveries"
                    {c.traveler.email_verified.then_some(" · email confirmed")}
                </p>
                {(trip.is_owner && published).then(|| view! {
                    <div class="flex flex-wrap gap-2">
                        <a class="btn-secondary" href=format!("/trips/{id}/edit")>"Edit"</a>
                        <ActionForm action=cancel>
                            <input type="hidden" name="id" value=id.to_string()/>
                            <button type="submit" class="btn-secondary text-red-700">"Cancel trip"</button>
                        </ActionForm>
                    </div>
                    <FormError error=cancel_error/>
                })}
            </div>
        </div>
        {(trip.is_owner && published).then(|| view! { <TicketBox id status=trip.ticket_status.clone().unwrap_or_default()/> })}
        {if trip.is_owner {
            if published { view! { <TripMatches id/> }.into_any() } else { ().into_any() }
        } else if published {
            view! { <RequestThisTrip id/> }.into_any()
        } else {
            ().into_any()
        }}
    }
}

/// The traveler's view: parcels this trip could carry, with an offer button each.
#[component]
fn TripMatches(id: Uuid) -> impl IntoView {
    let matches = Resource::new(move || id, trip_matches);
    let offer = ServerAction::<ProposeBooking>::new();
    let error = action_error(offer);
    view! {
        <section class="mt-8">
            <h2 class="mb-3 text-xl font-semibold">"Parcels you could carry"</h2>
            <FormError error/>
            <Suspense fallback=loading>
                {move || Suspend::new(async move {
                    match matches.await {
                        Err(e) => page_error(e),
                        Ok(list) if list.is_empty() => view! { <p class="text-slate-600" data-testid="no-matches">"No open parcel fits this trip yet. We'll list them here as senders post."</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="space-y-3">
                                {list.into_iter().map(|m| {
                                    let pid = m.parcel.id.to_string();
                                    let reward = m.parcel.reward.input_value();
                                    view! {
                                        <ParcelRow parcel=m.parcel>
                                            <ScoreBreakdown score=m.score parts=m.parts/>
                                            <ActionForm action=offer attr:class="mt-2 flex flex-wrap items-end gap-2">
                                                <input type="hidden" name="side" value="traveler"/>
                                                <IdemKey version=offer.version()/>
                                                <input type="hidden" name="parcel_id" value=pid/>
                                                <input type="hidden" name="trip_id" value=id.to_string()/>
                                                <label class="text-sm">"Your price "
                                                    <input name="price" value=reward class="ml-1 w-28 rounded-md border border-slate-300 px-2 py-1"/>
                                                </label>
                                                <button type="submit" class="btn-primary">"Offer to carry"</button>
                                            </ActionForm>
                                        </ParcelRow>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// Another user's view: request this trip for one of their open parcels.
#[component]
fn RequestThisTrip(id: Uuid) -> impl IntoView {
    let parcels = Resource::new(|| (), |_| my_parcels());
    let terms = Resource::new(|| (), |_| booking_terms());
    let request = ServerAction::<ProposeBooking>::new();
    let error = action_error(request);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let terms = terms.await.unwrap_or_default();
                let open: Vec<_> = parcels.await.unwrap_or_default().into_iter().filter(|p| p.status == ParcelStatus::Open).collect();
                if open.is_empty() {
                    view! { <p class="mt-6 text-slate-600">"Have a parcel for this route? "<a class="link" href="/parcels/new">"Post it"</a>" and request this trip from its page."</p> }.into_any()
                } else {
                    view! {
                        <section class="card mt-6">
                            <h2 class="mb-3 font-semibold">"Send a parcel on this trip"</h2>
                            <ActionForm action=request>
                                <FormError error/>
                                <input type="hidden" name="side" value="sender"/>
                                <IdemKey version=request.version()/>
                                <input type="hidden" name="trip_id" value=id.to_string()/>
                                <Select label="Your parcel" name="parcel_id" options=open.iter().map(|p| (p.id.to_string(), p.title.clone())).collect() error/>
                                <Field label="Price (leave empty for the traveler's price)" name="price" error/>
                                <p class="mb-3 text-sm text-slate-600" data-testid="booking-terms">"You pay the price plus "{terms.fee}" from your wallet into escrow now. It comes back at once if the traveler declines or does not answer."</p>
                                <label class="mb-4 flex items-center gap-2 text-sm">
                                    <input type="checkbox" name="protect" class="h-4 w-4"/>"Add protection: "{terms.protection}
                                </label>
                                <Submit label="Request this trip" pending=request.pending().into()/>
                            </ActionForm>
                        </section>
                    }.into_any()
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn MyTripsPage() -> impl IntoView {
    let trips = Resource::new(|| (), |_| my_trips());
    view! {
        <div class="mb-6 flex flex-wrap items-center justify-between gap-3">
            <PageHeader title="My trips"/>
            <a class="btn-primary" href="/trips/new">"Post a trip"</a>
        </div>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match trips.await {
                    Err(e) => page_error(e),
                    Ok(list) if list.is_empty() => view! { <p class="text-slate-600">"You have not posted a trip yet."</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="space-y-3">{list.into_iter().map(|t| view! { <TripRow trip=t/> }).collect_view()}</ul>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The traveler's private ticket or boarding pass, for the confirmed-traveler badge.
#[component]
fn TicketBox(id: Uuid, status: String) -> impl IntoView {
    let q = leptos_router::hooks::use_query_map();
    let error = Memo::new(move |_| q.read().get("ticket_error"));
    let added = query_flag("ticket");
    let text = match status.as_str() {
        "submitted" => "Submitted: an admin will check it for the confirmed-traveler badge.",
        "confirmed" => "Checked: you are a confirmed traveler on this trip.",
        "rejected" => "Not accepted: add a clearer ticket or boarding pass.",
        _ => "Optional. Add your ticket or boarding pass (PDF or photo) to earn the confirmed-traveler badge. Only you and our team can see it.",
    };
    let has = status != "none" && !status.is_empty();
    view! {
        <section class="card mt-6">
            <h2 class="mb-1 font-semibold">"Ticket (private)"</h2>
            <Show when=move || added.get()><Notice>"Your ticket was added."</Notice></Show>
            {move || error.get().map(|e| view! { <p role="alert" class="mb-2 text-sm text-red-700" data-testid="ticket-error">{e}</p> })}
            <p class="mb-2 text-sm text-slate-600" data-testid="ticket-status">{text}</p>
            {has.then(|| view! { <p class="mb-2 text-sm"><a class="link" href=format!("/trips/{id}/ticket")>"View your ticket"</a></p> })}
            <form method="post" action=format!("/trips/{id}/ticket") enctype="multipart/form-data" class="flex flex-wrap items-center gap-2">
                <input type="file" name="ticket" accept="application/pdf,image/jpeg,image/png,image/webp" class="text-sm"/>
                <button type="submit" class="btn-secondary">{if has { "Replace ticket" } else { "Add ticket" }}</button>
            </form>
        </section>
    }
}
