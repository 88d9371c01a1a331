//! A parcel's page: what anyone may see, the private details for those allowed, the risk check
//! for its sender and admins, photos, and the trips that could carry it.

use crate::api::bookings::get_booking_terms;
use crate::api::matching::parcel_matches;
use crate::api::moderation::Report;
use crate::api::parcels::{get_parcel, CancelParcel};
use crate::components::cards::{loading, parcel_badge};
use crate::components::deferred::deferred;
use crate::components::form::{action_error, ActionForm, FormError};
use crate::components::layout::Notice;
use crate::components::report::ReportBox;
use crate::components::resource::resource;
use crate::error::AppError;
use crate::i18n::tr;
use crate::pages::errors::page_error;
use crate::pages::matching::lists::TripsForParcel;
use crate::types::bookings::BookingTerms;
use crate::types::matching::TripMatch;
use crate::types::parcels::ParcelDetail;
use crate::types::{ParcelStatus, ReportSubject};
use crate::url::{query_flag, route_id};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ParcelPage() -> impl IntoView {
    let id = route_id();
    let cancel = ServerAction::<CancelParcel>::new();
    let report = ServerAction::<Report>::new();
    let parcel = resource(
        move || id,
        |id| async move {
            match id {
                Some(id) => get_parcel(id).await,
                None => Err(AppError::NotFound(tr("This parcel does not exist.").into())),
            }
        },
    );
    // Made here, before anything renders, like every resource of a page (see the booking page).
    let matches = resource(
        move || id,
        |id| async move {
            match id {
                Some(id) => parcel_matches(id).await,
                None => Ok(Vec::new()),
            }
        },
    );
    let terms = resource(|| (), |_| get_booking_terms());
    view! {
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match parcel.await {
                    Err(e) => page_error(e),
                    Ok(p) => {
                        let matches = matches.await;
                        let terms = terms.await.unwrap_or_default();
                        deferred(move || view! { <ParcelView parcel=p cancel report matches terms/> }.into_any())
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn ParcelView(
    parcel: ParcelDetail,
    cancel: ServerAction<CancelParcel>,
    report: ServerAction<Report>,
    matches: Result<Vec<TripMatch>, AppError>,
    terms: BookingTerms,
) -> impl IntoView {
    let cancel_error = action_error(cancel);
    let (created, saved, cancelled, photos_added) = (
        query_flag("created"),
        query_flag("saved"),
        query_flag("cancelled"),
        query_flag("photos"),
    );
    let q = use_query_map();
    let photo_error = Memo::new(move |_| q.read().get("photo_error"));
    let c = parcel.card.clone();
    let id = c.id;
    let editable = parcel.is_owner && c.status.is_editable();
    view! {
        <leptos_meta::Title text=c.title.clone()/>
        <Show when=move || created.get()><Notice>{tr("Your parcel is saved. Add photos so travelers know what they carry.")}</Notice></Show>
        <Show when=move || saved.get()><Notice>{tr("Your changes were saved.")}</Notice></Show>
        <Show when=move || cancelled.get()><Notice>{tr("The parcel was cancelled.")}</Notice></Show>
        <Show when=move || photos_added.get()><Notice>{tr("Photos added.")}</Notice></Show>
        <div class="mb-6 flex flex-wrap items-start justify-between gap-3">
            <div>
                <h1 class="text-2xl font-bold tracking-tight sm:text-3xl">{c.title.clone()}</h1>
                <p class="mt-1 text-slate-600">{c.from.clone()}" → "{c.to.clone()}" · "{crate::i18n::number(parcel.distance_km)}{tr(" km")}</p>
            </div>
            {parcel_badge(c.status)}
        </div>
        {(parcel.is_owner && c.status == ParcelStatus::InReview).then(|| view! {
            <p class="mb-4 rounded-md bg-amber-50 p-3 text-amber-900" data-testid="in-review">
                {tr("Our team checks this parcel before travelers can see it. You will get an email when it is decided.")}
            </p>
        })}
        {parcel.review_note.clone().filter(|_| c.status == ParcelStatus::Rejected).map(|n| view! {
            <p class="mb-4 rounded-md bg-red-50 p-3 text-red-800">{tr("Not approved: ")}{n}{tr(" — edit the parcel to submit it again.")}</p>
        })}
        <div class="grid gap-6 md:grid-cols-3">
            <div class="card space-y-2 md:col-span-2">
                {(!parcel.photos.is_empty()).then(|| view! {
                    <div class="flex flex-wrap gap-2">
                        {parcel.photos.iter().map(|p| view! {
                            <a href=p.url.clone()><img src=p.thumb_url.clone() alt=tr("Parcel photo") class="h-24 w-24 rounded object-cover" data-testid="parcel-photo"/></a>
                        }).collect_view()}
                    </div>
                })}
                <p class="whitespace-pre-line">{parcel.description.clone()}</p>
                <p><strong>{tr("Category: ")}</strong>{c.category.label()}{parcel.fragile.then_some(tr(" · fragile"))}</p>
                <p><strong>{tr("Weight: ")}</strong>{c.weight.clone()}" · "{parcel.dimensions.clone()}</p>
                <p><strong>{tr("Declared value: ")}</strong>{parcel.declared_value.to_string()}</p>
                <p><strong>{tr("Ready from ")}</strong>{c.ready_from.clone()}<strong>{tr(" · deliver by ")}</strong>{c.deliver_by.clone()}</p>
                <p><strong>{tr("Reward: ")}</strong>{c.reward.to_string()}</p>
                {parcel.private.clone().map(|p| view! {
                    <div class="mt-3 rounded-md border border-slate-200 p-3" data-testid="private-details">
                        <h2 class="font-semibold">{tr("Private details")}</h2>
                        <p><strong>{tr("Pickup address: ")}</strong>{p.pickup_address}</p>
                        <p><strong>{tr("Delivery address: ")}</strong>{p.delivery_address}</p>
                        <p><strong>{tr("Recipient: ")}</strong>{p.recipient}" "{p.recipient_contact}</p>
                    </div>
                })}
            </div>
            <div class="card space-y-3">
                <h2 class="font-semibold">{tr("Sender")}</h2>
                <a class="link" href=format!("/u/{}", c.sender.id)>{c.sender.display_name.clone()}</a>
                {parcel.risk.clone().map(|(score, parts)| view! {
                    <div class="text-sm text-slate-600" data-testid="risk">
                        <p>{tr("Risk check: ")}{score}"/100"</p>
                        <ul class="list-inside list-disc">{parts.into_iter().map(|p| view! { <li>{p.label}" (+"{p.points}")"</li> }).collect_view()}</ul>
                    </div>
                })}
                {editable.then(|| view! {
                    <div class="flex flex-wrap gap-2">
                        <a class="btn-secondary" href=format!("/parcels/{id}/edit")>{tr("Edit")}</a>
                        <ActionForm action=cancel>
                            <input type="hidden" name="id" value=id.to_string()/>
                            <button type="submit" class="btn-secondary text-red-700">{tr("Cancel parcel")}</button>
                        </ActionForm>
                    </div>
                    <FormError error=cancel_error/>
                })}
            </div>
        </div>
        {editable.then(|| view! {
            <section class="card mt-6">
                <h2 class="mb-2 font-semibold">{tr("Photos")}</h2>
                {parcel.photos.is_empty().then(|| view! {
                    <p class="mb-2 rounded-md bg-amber-50 p-2 text-sm text-amber-900" data-testid="needs-photo">
                        {tr("Add at least one photo: travelers find and book your parcel once it has one.")}
                    </p>
                })}
                {move || photo_error.get().map(|e| view! { <p role="alert" class="mb-2 text-sm text-red-700" data-testid="photo-error">{e}</p> })}
                <form method="post" action=format!("/parcels/{id}/photos") enctype="multipart/form-data" class="flex flex-wrap items-center gap-2">
                    <input type="file" name="photos" accept="image/jpeg,image/png,image/webp" multiple class="text-sm" aria-label=tr("Photos of the parcel")/>
                    <button type="submit" class="btn-secondary">{tr("Upload")}</button>
                </form>
                <p class="mt-1 text-sm text-slate-500">{tr("1 to 5 photos, JPEG, PNG or WebP, up to 8 MB each. We remove location data.")}</p>
                {(!parcel.photos.is_empty()).then(|| view! {
                    <ul class="mt-3 flex flex-wrap gap-3">
                        {parcel.photos.iter().map(|p| view! {
                            <li class="text-center">
                                <img src=p.thumb_url.clone() alt="" class="h-16 w-16 rounded object-cover"/>
                                <form method="post" action=format!("/photos/{}/delete", p.id)>
                                    <button type="submit" class="text-xs text-red-700 underline">{tr("Remove")}</button>
                                </form>
                            </li>
                        }).collect_view()}
                    </ul>
                })}
            </section>
        })}
        {(parcel.is_owner && c.status == ParcelStatus::Open).then(|| view! { <TripsForParcel id matches terms/> })}
        {(!parcel.is_owner).then(|| view! { <ReportBox action=report subject=ReportSubject::Parcel id=id.0/> })}
    }
}
