use super::errors::page_error;
use crate::api::bookings::ProposeBooking;
use crate::api::money::booking_terms;
use crate::api::parcels::{
    get_parcel, my_parcels, parcel_matches, suggest_reward, CancelParcel, SaveParcel,
};
use crate::components::form::{
    action_error, Checkbox, Field, FormError, IdemKey, PlaceInput, Select, Submit, TextArea,
};
use crate::components::layout::{query_flag, route_id, Notice, PageHeader};
use crate::components::market::{
    category_options, currency_options, loading, parcel_badge, ParcelRow, ScoreBreakdown, TripRow,
};
use crate::error::AppError;
use crate::market::{ParcelDetail, ParcelForm, ParcelStatus};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use uuid::Uuid;

/// The parcel form, for creating and editing. The suggested reward follows what is typed.
#[component]
fn ParcelFields(form: ParcelForm, error: Signal<Option<AppError>>) -> impl IntoView {
    let currency = if form.currency.is_empty() {
        "EUR".to_string()
    } else {
        form.currency.clone()
    };
    let other = form.recipient == "other";
    // Inputs the suggestion depends on, read from the form as the user types (hydrated only).
    let inputs = RwSignal::new((
        form.pickup_place.clone(),
        form.delivery_place.clone(),
        form.weight_kg.clone(),
        currency.clone(),
    ));
    // Filled in the browser only (the effect never runs on the server), so the first render
    // matches the server's.
    let suggestion = RwSignal::new(None::<crate::market::RewardSuggestion>);
    Effect::new(move |_| {
        let (from, to, w, c) = inputs.get();
        if from.is_empty() || to.is_empty() || w.is_empty() {
            suggestion.set(None);
            return;
        }
        leptos::task::spawn_local(async move {
            suggestion.set(suggest_reward(from, to, w, c).await.ok().flatten());
        });
    });
    // Reads the form the changed field belongs to (events bubble up to the wrapper).
    let on_change = move |ev: leptos::ev::Event| {
        use leptos::wasm_bindgen::JsCast;
        use leptos::web_sys::{Element, HtmlInputElement, HtmlSelectElement};
        let Some(form) = ev
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|e| e.closest("form").ok().flatten())
        else {
            return;
        };
        let field = |name: &str| {
            form.query_selector(&format!("[name={name}]"))
                .ok()
                .flatten()
        };
        let input = |name: &str| {
            field(name)
                .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
                .map(|i| i.value())
                .unwrap_or_default()
        };
        let currency = field("currency")
            .and_then(|e| e.dyn_into::<HtmlSelectElement>().ok())
            .map(|s| s.value())
            .unwrap_or_default();
        inputs.set((
            input("pickup_place"),
            input("delivery_place"),
            input("weight_kg"),
            currency,
        ));
    };
    view! {
        <div on:change=on_change>
            <FormError error/>
            <Field label="Title" name="title" value=form.title.clone() required=true maxlength=100 hint="What is it? e.g. \"Two books for my sister\"" error/>
            <TextArea label="Description" name="description" value=form.description.clone() maxlength=2000 error/>
            <div class="grid gap-x-4 sm:grid-cols-2">
                <Select label="Category" name="category" options=category_options() value=form.category.clone() placeholder="Choose…" error/>
                <Field label="Weight (kg)" name="weight_kg" value=form.weight_kg.clone() hint="0.1 to 30 kg." required=true error/>
            </div>
            <div class="grid grid-cols-3 gap-x-4">
                <Field label="Length (cm)" name="length_cm" kind="number" value=form.length_cm.clone() required=true error/>
                <Field label="Width (cm)" name="width_cm" kind="number" value=form.width_cm.clone() required=true error/>
                <Field label="Height (cm)" name="height_cm" kind="number" value=form.height_cm.clone() required=true error/>
            </div>
            <div class="grid gap-x-4 sm:grid-cols-2">
                <Field label="Declared value" name="declared_value" value=form.declared_value.clone() required=true error/>
                <Select label="Currency" name="currency" options=currency_options() value=currency error/>
            </div>
            <Checkbox label="Fragile" name="fragile" checked=form.fragile error/>
            <div class="grid gap-x-4 sm:grid-cols-2">
                <PlaceInput label="Pickup city or airport" name="pickup_place" value=form.pickup_place.clone() required=true error/>
                <PlaceInput label="Delivery city or airport" name="delivery_place" value=form.delivery_place.clone() required=true error/>
                <Field label="Pickup address (private)" name="pickup_address" value=form.pickup_address.clone() required=true maxlength=300 hint="Shown only to the traveler once you accept a booking." error/>
                <Field label="Delivery address (private)" name="delivery_address" value=form.delivery_address.clone() required=true maxlength=300 error/>
                <Field label="Ready from" name="ready_from" kind="date" value=form.ready_from.clone() required=true error/>
                <Field label="Deliver by" name="deliver_by" kind="date" value=form.deliver_by.clone() required=true hint="At most 90 days from today." error/>
            </div>
            <Field label="Reward you offer" name="reward" value=form.reward.clone() required=true error/>
            <div class="mb-4 rounded-md bg-slate-50 p-3 text-sm text-slate-700" data-testid="reward-suggestion" aria-live="polite">
                {move || match suggestion.get() {
                    Some(s) => view! {
                        <p><strong>"Suggested reward: "{s.amount.to_string()}</strong>" ("{s.distance_km}" km)"</p>
                        <ul class="list-inside list-disc">{s.explanation.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ul>
                    }.into_any(),
                    None => view! { <p>"Enter the places and weight to see a suggested reward."</p> }.into_any(),
                }}
            </div>
            <fieldset class="mb-4">
                <legend class="mb-1 text-sm font-medium text-slate-800">"Who receives it?"</legend>
                <label class="mr-4 text-sm"><input type="radio" name="recipient" value="me" checked=!other class="mr-1"/>"Me"</label>
                <label class="text-sm"><input type="radio" name="recipient" value="other" checked=other class="mr-1"/>"Someone else"</label>
            </fieldset>
            <div class="grid gap-x-4 sm:grid-cols-3">
                <Field label="Recipient's name" name="recipient_name" value=form.recipient_name.clone() maxlength=100 error/>
                <Field label="Recipient's phone" name="recipient_phone" kind="tel" value=form.recipient_phone.clone() maxlength=40 error/>
                <Field label="Recipient's email" name="recipient_email" kind="email" value=form.recipient_email.clone() maxlength=254 error/>
            </div>
            <div class="mb-4 rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
                <p class="font-medium">"Never send: "</p>
                <p>"weapons, ammunition, explosives, drugs, counterfeit goods, currency, live animals, hazardous materials, loose lithium batteries, aerosols, flammable liquids, or anything illegal at the origin, the destination or in transit."</p>
            </div>
            <Checkbox label="I confirm the parcel holds nothing prohibited and its contents are legal." name="declared_legal" error/>
        </div>
    }
}

#[component]
pub fn NewParcelPage() -> impl IntoView {
    let action = ServerAction::<SaveParcel>::new();
    let error = action_error(action);
    let me = Resource::new(|| (), |_| my_parcels());
    view! {
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match me.await {
                    Err(e) => page_error(e),
                    Ok(_) => view! {
                        <PageHeader title="Send a parcel" lead="Describe it, say where it goes, and offer a reward. You can add photos next."/>
                        <div class="card">
                            <ActionForm action=action>
                                <ParcelFields form=ParcelForm { recipient: "me".into(), ..ParcelForm::default() } error/>
                                <Submit label="Post parcel" pending=action.pending().into()/>
                            </ActionForm>
                        </div>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn EditParcelPage() -> impl IntoView {
    let action = ServerAction::<SaveParcel>::new();
    let error = action_error(action);
    let id = route_id();
    let parcel = Resource::new(
        move || id,
        |id| async move {
            match id {
                Some(id) => get_parcel(id).await,
                None => Err(AppError::NotFound("This parcel does not exist.".into())),
            }
        },
    );
    view! {
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match parcel.await {
                    Err(e) => page_error(e),
                    Ok(p) if !p.is_owner => page_error(AppError::Forbidden),
                    Ok(p) => view! {
                        <PageHeader title="Edit parcel" lead="Saving checks the parcel again; open requests for it are closed."/>
                        <div class="card">
                            <ActionForm action=action>
                                <input type="hidden" name="id" value=p.card.id.to_string()/>
                                <ParcelFields form=p.form.clone() error/>
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
pub fn ParcelPage() -> impl IntoView {
    let id = route_id();
    let cancel = ServerAction::<CancelParcel>::new();
    let parcel = Resource::new(
        move || (id, cancel.version().get()),
        |(id, _)| async move {
            match id {
                Some(id) => get_parcel(id).await,
                None => Err(AppError::NotFound("This parcel does not exist.".into())),
            }
        },
    );
    view! {
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match parcel.await {
                    Err(e) => page_error(e),
                    Ok(p) => view! { <ParcelView parcel=p cancel/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ParcelView(parcel: ParcelDetail, cancel: ServerAction<CancelParcel>) -> impl IntoView {
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
        <Show when=move || created.get()><Notice>"Your parcel is saved. Add photos so travelers know what they carry."</Notice></Show>
        <Show when=move || saved.get()><Notice>"Your changes were saved."</Notice></Show>
        <Show when=move || cancelled.get()><Notice>"The parcel was cancelled."</Notice></Show>
        <Show when=move || photos_added.get()><Notice>"Photos added."</Notice></Show>
        <div class="mb-6 flex flex-wrap items-start justify-between gap-3">
            <div>
                <h1 class="text-2xl font-bold tracking-tight sm:text-3xl">{c.title.clone()}</h1>
                <p class="mt-1 text-slate-600">{c.from.clone()}" → "{c.to.clone()}" · "{parcel.distance_km}" km"</p>
            </div>
            {parcel_badge(c.status)}
        </div>
        {(parcel.is_owner && c.status == ParcelStatus::InReview).then(|| view! {
            <p class="mb-4 rounded-md bg-amber-50 p-3 text-amber-900" data-testid="in-review">
                "Our team checks this parcel before travelers can see it. You will get an email when it is decided."
            </p>
        })}
        {parcel.review_note.clone().filter(|_| c.status == ParcelStatus::Rejected).map(|n| view! {
            <p class="mb-4 rounded-md bg-red-50 p-3 text-red-800">"Not approved: "{n}" — edit the parcel to submit it again."</p>
        })}
        <div class="grid gap-6 md:grid-cols-3">
            <div class="card space-y-2 md:col-span-2">
                {(!parcel.photos.is_empty()).then(|| view! {
                    <div class="flex flex-wrap gap-2">
                        {parcel.photos.iter().map(|p| view! {
                            <a href=p.url.clone()><img src=p.thumb_url.clone() alt="Parcel photo" class="h-24 w-24 rounded object-cover" data-testid="parcel-photo"/></a>
                        }).collect_view()}
                    </div>
                })}
                <p class="whitespace-pre-line">{parcel.description.clone()}</p>
                <p><strong>"Category: "</strong>{c.category.label()}{parcel.fragile.then_some(" · fragile")}</p>
                <p><strong>"Weight: "</strong>{c.weight.clone()}" · "{parcel.dimensions.clone()}</p>
                <p><strong>"Declared value: "</strong>{parcel.declared_value.to_string()}</p>
                <p><strong>"Ready from "</strong>{c.ready_from.clone()}<strong>" · deliver by "</strong>{c.deliver_by.clone()}</p>
                <p><strong>"Reward: "</strong>{c.reward.to_string()}</p>
                {parcel.private.clone().map(|p| view! {
                    <div class="mt-3 rounded-md border border-slate-200 p-3" data-testid="private-details">
                        <h2 class="font-semibold">"Private details"</h2>
                        <p><strong>"Pickup address: "</strong>{p.pickup_address}</p>
                        <p><strong>"Delivery address: "</strong>{p.delivery_address}</p>
                        <p><strong>"Recipient: "</strong>{p.recipient}" "{p.recipient_contact}</p>
                    </div>
                })}
            </div>
            <div class="card space-y-3">
                <h2 class="font-semibold">"Sender"</h2>
                <a class="link" href=format!("/u/{}", c.sender.id)>{c.sender.display_name.clone()}</a>
                {parcel.risk.clone().map(|(score, parts)| view! {
                    <div class="text-sm text-slate-600" data-testid="risk">
                        <p>"Risk check: "{score}"/100"</p>
                        <ul class="list-inside list-disc">{parts.into_iter().map(|p| view! { <li>{p.label}" (+"{p.points}")"</li> }).collect_view()}</ul>
                    </div>
                })}
                {editable.then(|| view! {
                    <div class="flex flex-wrap gap-2">
                        <a class="btn-secondary" href=format!("/parcels/{id}/edit")>"Edit"</a>
                        <ActionForm action=cancel>
                            <input type="hidden" name="id" value=id.to_string()/>
                            <button type="submit" class="btn-secondary text-red-700">"Cancel parcel"</button>
                        </ActionForm>
                    </div>
                    <FormError error=cancel_error/>
                })}
            </div>
        </div>
        {editable.then(|| view! {
            <section class="card mt-6">
                <h2 class="mb-2 font-semibold">"Photos"</h2>
                {move || photo_error.get().map(|e| view! { <p role="alert" class="mb-2 text-sm text-red-700" data-testid="photo-error">{e}</p> })}
                <form method="post" action=format!("/parcels/{id}/photos") enctype="multipart/form-data" class="flex flex-wrap items-center gap-2">
                    <input type="file" name="photos" accept="image/jpeg,image/png,image/webp" multiple class="text-sm"/>
                    <button type="submit" class="btn-secondary">"Upload"</button>
                </form>
                <p class="mt-1 text-sm text-slate-500">"1 to 5 photos, JPEG, PNG or WebP, up to 8 MB each. We remove location data."</p>
                {(!parcel.photos.is_empty()).then(|| view! {
                    <ul class="mt-3 flex flex-wrap gap-3">
                        {parcel.photos.iter().map(|p| view! {
                            <li class="text-center">
                                <img src=p.thumb_url.clone() alt="" class="h-16 w-16 rounded object-cover"/>
                                <form method="post" action=format!("/photos/{}/delete", p.id)>
                                    <button type="submit" class="text-xs text-red-700 underline">"Remove"</button>
                                </form>
                            </li>
                        }).collect_view()}
                    </ul>
                })}
            </section>
        })}
        {(parcel.is_owner && c.status == ParcelStatus::Open).then(|| view! { <ParcelMatches id/> })}
    }
}

/// The sender's view: the best trips for this parcel, each with the reasons and a request button.
#[component]
fn ParcelMatches(id: Uuid) -> impl IntoView {
    let matches = Resource::new(move || id, parcel_matches);
    let terms = Resource::new(|| (), |_| booking_terms());
    let request = ServerAction::<ProposeBooking>::new();
    let error = action_error(request);
    view! {
        <section class="mt-8">
            <h2 class="mb-3 text-xl font-semibold">"Trips that can carry it"</h2>
            <FormError error/>
            <Suspense fallback=loading>
                {move || Suspend::new(async move {
                    let terms = terms.await.unwrap_or_default();
                    let protect_label = format!("Add protection: {}", terms.protection);
                    match matches.await {
                        Err(e) => page_error(e),
                        Ok(list) if list.is_empty() => view! { <p class="text-slate-600" data-testid="no-matches">"No trip fits yet. Travelers post trips every day; check back soon."</p> }.into_any(),
                        Ok(list) => view! {
                            <p class="mb-3 text-sm text-slate-600" data-testid="booking-terms">"Requesting pays the price plus "{terms.fee.clone()}" from your wallet into escrow. It comes back at once if the traveler declines or does not answer."</p>
                            <ul class="space-y-3">
                                {list.into_iter().map(|m| {
                                    let protect_label = protect_label.clone();
                                    let tid = m.trip.id.to_string();
                                    let price = m.price.input_value();
                                    view! {
                                        <TripRow trip=m.trip>
                                            <ScoreBreakdown score=m.score parts=m.parts/>
                                            <ActionForm action=request attr:class="mt-2 flex flex-wrap items-end gap-2">
                                                <input type="hidden" name="side" value="sender"/>
                                                <IdemKey version=request.version()/>
                                                <input type="hidden" name="parcel_id" value=id.to_string()/>
                                                <input type="hidden" name="trip_id" value=tid/>
                                                <label class="text-sm">"Your price "
                                                    <input name="price" value=price class="ml-1 w-28 rounded-md border border-slate-300 px-2 py-1"/>
                                                </label>
                                                <label class="flex items-center gap-1 text-sm">
                                                    <input type="checkbox" name="protect" class="h-4 w-4"/>{protect_label}
                                                </label>
                                                <button type="submit" class="btn-primary">"Request this trip"</button>
                                            </ActionForm>
                                        </TripRow>
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

#[component]
pub fn MyParcelsPage() -> impl IntoView {
    let parcels = Resource::new(|| (), |_| my_parcels());
    view! {
        <div class="mb-6 flex flex-wrap items-center justify-between gap-3">
            <PageHeader title="My parcels"/>
            <a class="btn-primary" href="/parcels/new">"Send a parcel"</a>
        </div>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match parcels.await {
                    Err(e) => page_error(e),
                    Ok(list) if list.is_empty() => view! { <p class="text-slate-600">"You have not posted a parcel yet."</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="space-y-3">{list.into_iter().map(|p| view! { <ParcelRow parcel=p/> }).collect_view()}</ul>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
