//! A trip's page: what anyone sees, what its traveler can change, the private ticket, and the
//! ways to book it or the parcels it could carry.

use crate::api::bookings::get_booking_terms;
use crate::api::matching::trip_matches;
use crate::api::moderation::Report;
use crate::api::parcels::my_parcels;
use crate::api::trips::{get_trip, CancelTrip};
use crate::components::cards::{loading, trip_badge};
use crate::components::deferred::deferred;
use crate::components::form::{action_error, ActionForm, FormError};
use crate::components::layout::Notice;
use crate::components::report::ReportBox;
use crate::components::resource::resource;
use crate::error::AppError;
use crate::i18n::tr;
use crate::pages::bookings::request::RequestThisTrip;
use crate::pages::errors::page_error;
use crate::pages::matching::lists::ParcelsForTrip;
use crate::types::bookings::BookingTerms;
use crate::types::matching::ParcelMatch;
use crate::types::parcels::ParcelCard;
use crate::types::trips::TripDetail;
use crate::types::{ReportSubject, TicketStatus, TripId, TripStatus};
use crate::url::{query_flag, route_id};
use leptos::prelude::*;

#[component]
pub fn TripPage() -> impl IntoView {
    let id = route_id();
    let cancel = ServerAction::<CancelTrip>::new();
    let report = ServerAction::<Report>::new();
    let trip = resource(
        move || id,
        |id| async move {
            match id {
                Some(id) => get_trip(id).await,
                None => Err(AppError::NotFound(tr("This trip does not exist.").into())),
            }
        },
    );
    // Made here, before anything renders, like every resource of a page (see the booking page):
    // the matches for the traveler, the member's parcels and the terms for anyone else.
    let matches = resource(
        move || id,
        |id| async move {
            match id {
                Some(id) => trip_matches(id).await,
                None => Ok(Vec::new()),
            }
        },
    );
    let parcels = resource(|| (), |_| my_parcels());
    let terms = resource(|| (), |_| get_booking_terms());
    view! {
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match trip.await {
                    Err(e) => page_error(e),
                    Ok(t) => {
                        let side = if t.is_owner {
                            Side::Traveler(matches.await)
                        } else {
                            Side::Other(parcels.await.unwrap_or_default(), terms.await.unwrap_or_default())
                        };
                        deferred(move || view! { <TripView trip=t cancel report side/> }.into_any())
                    }
                }
            })}
        </Suspense>
    }
}

/// What the trip's page shows below the trip: its matches to its traveler, a request form to
/// anyone else.
enum Side {
    Traveler(Result<Vec<ParcelMatch>, AppError>),
    Other(Vec<ParcelCard>, BookingTerms),
}

#[component]
fn TripView(
    trip: TripDetail,
    cancel: ServerAction<CancelTrip>,
    report: ServerAction<Report>,
    side: Side,
) -> impl IntoView {
    let cancel_error = action_error(cancel);
    let (created, saved, cancelled) = (
        query_flag("created"),
        query_flag("saved"),
        query_flag("cancelled"),
    );
    let c = trip.card.clone();
    let id = c.id;
    let published = c.status == TripStatus::Published;
    let title = format!("{} → {}", c.origin, c.destination);
    view! {
        <leptos_meta::Title text=title.clone()/>
        <Show when=move || created.get()><Notice>{tr("Your trip is published. Matching parcels are listed below.")}</Notice></Show>
        <Show when=move || saved.get()><Notice>{tr("Your changes were saved.")}</Notice></Show>
        <Show when=move || cancelled.get()><Notice>{tr("The trip was cancelled.")}</Notice></Show>
        <div class="mb-6 flex flex-wrap items-start justify-between gap-3">
            <div>
                <h1 class="text-2xl font-bold tracking-tight sm:text-3xl">{title}</h1>
                <p class="mt-1 text-slate-600">{c.mode.label()}" · "{crate::i18n::number(trip.distance_km)}{tr(" km")}</p>
            </div>
            {trip_badge(c.status)}
        </div>
        <div class="grid gap-6 md:grid-cols-3">
            <div class="card space-y-2 md:col-span-2">
                <p><strong>{tr("Departs: ")}</strong>{c.departs.clone()}{tr(" (local time)")}</p>
                <p><strong>{tr("Arrives: ")}</strong>{c.arrives.clone()}{tr(" (local time)")}</p>
                {(!trip.stopovers.is_empty()).then(|| view! { <p><strong>{tr("Stopovers: ")}</strong>{trip.stopovers.join(", ")}</p> })}
                <p><strong>{tr("Space left: ")}</strong><span data-testid="remaining">{c.remaining.clone()}</span>{tr(" of ")}{c.capacity.clone()}</p>
                <p><strong>{tr("Price: ")}</strong>{c.price_per_kg.to_string()}{tr(" per kg")}</p>
                <p><strong>{tr("Accepts: ")}</strong>{c.categories.iter().map(|c| c.label()).collect::<Vec<_>>().join(", ")}</p>
                {(!trip.notes.is_empty()).then(|| view! { <p class="whitespace-pre-line text-slate-700">{trip.notes.clone()}</p> })}
            </div>
            <div class="card space-y-3">
                <h2 class="font-semibold">{tr("Traveler")}</h2>
                <a class="link" href=format!("/u/{}", c.traveler.id)>{c.traveler.display_name.clone()}</a>
                <p class="text-sm text-slate-600">
                    {c.traveler.rating.clone().map(|r| format!("★ {r} · ")).unwrap_or_default()}
                    {c.traveler.completed_deliveries}{tr(" completed deliveries")}
                    {c.traveler.email_verified.then_some(tr(" · email confirmed"))}
                </p>
                {(trip.is_owner && published).then(|| view! {
                    <div class="flex flex-wrap gap-2">
                        <a class="btn-secondary" href=format!("/trips/{id}/edit")>{tr("Edit")}</a>
                        <ActionForm action=cancel>
                            <input type="hidden" name="id" value=id.to_string()/>
                            <button type="submit" class="btn-secondary text-red-700">{tr("Cancel trip")}</button>
                        </ActionForm>
                    </div>
                    <FormError error=cancel_error/>
                })}
            </div>
        </div>
        {(trip.is_owner && published).then(|| view! { <TicketBox id status=trip.ticket_status/> })}
        {match side {
            Side::Traveler(matches) if published => view! { <ParcelsForTrip id matches/> }.into_any(),
            Side::Other(parcels, terms) if published => view! { <RequestThisTrip id parcels terms/> }.into_any(),
            _ => ().into_any(),
        }}
        {(!trip.is_owner).then(|| view! { <ReportBox action=report subject=ReportSubject::Trip id=id.0/> })}
    }
}

/// The traveler's private ticket or boarding pass, for the confirmed-traveler badge.
#[component]
fn TicketBox(id: TripId, status: Option<TicketStatus>) -> impl IntoView {
    let q = leptos_router::hooks::use_query_map();
    let error = Memo::new(move |_| q.read().get("ticket_error"));
    let added = query_flag("ticket");
    let text = match status {
        Some(TicketStatus::Submitted) => tr("Submitted: an admin will check it for the confirmed-traveler badge."),
        Some(TicketStatus::Confirmed) => tr("Checked: you are a confirmed traveler on this trip."),
        Some(TicketStatus::Rejected) => tr("Not accepted: add a clearer ticket or boarding pass."),
        _ => tr("Optional. Add your ticket or boarding pass (PDF or photo) to earn the confirmed-traveler badge. Only you and our team can see it."),
    };
    let has = status.is_some_and(|s| s != TicketStatus::None);
    view! {
        <section class="card mt-6">
            <h2 class="mb-1 font-semibold">{tr("Ticket (private)")}</h2>
            <Show when=move || added.get()><Notice>{tr("Your ticket was added.")}</Notice></Show>
            {move || error.get().map(|e| view! { <p role="alert" class="mb-2 text-sm text-red-700" data-testid="ticket-error">{e}</p> })}
            <p class="mb-2 text-sm text-slate-600" data-testid="ticket-status">{text}</p>
            {has.then(|| view! { <div class="mb-2 text-sm"><a class="link" href=format!("/trips/{id}/ticket")>{tr("View your ticket")}</a></div> })}
            <form method="post" action=format!("/trips/{id}/ticket") enctype="multipart/form-data" class="flex flex-wrap items-center gap-2">
                <input type="file" name="ticket" accept="application/pdf,image/jpeg,image/png,image/webp" class="text-sm" aria-label=tr("Your ticket (PDF or photo)")/>
                <button type="submit" class="btn-secondary">{if has { tr("Replace ticket") } else { tr("Add ticket") }}</button>
            </form>
        </section>
    }
}
