//! Posting and editing a trip: the form, shared by both pages.

use crate::api::trips::{get_trip, my_trips, CreateTrip, UpdateTrip};
use crate::components::cards::{currency_options, loading};
use crate::components::form::{
    action_error, ActionForm, CheckGroup, Field, FormError, PlaceInput, Select, Submit, TextArea,
};
use crate::components::layout::PageHeader;
use crate::components::resource::resource;
use crate::error::AppError;
use crate::i18n::tr;
use crate::pages::errors::page_error;
use crate::types::trips::TripForm;
use crate::types::{Category, Mode};
use crate::url::route_id;
use leptos::prelude::*;

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
                {tr("A booking is accepted on this trip: its route and dates can no longer change. Notes, price, categories and capacity can.")}
            </p>
        })}
        <div class="grid gap-x-4 sm:grid-cols-2">
            <PlaceInput label=tr("From") name="origin" value=form.origin.clone() required=true error/>
            <PlaceInput label=tr("To") name="destination" value=form.destination.clone() required=true error/>
        </div>
        <Field label=tr("Stopovers (optional)") name="stopovers" value=form.stopovers.clone() hint=tr("Separate several with a semicolon.") maxlength=400 error/>
        <div class="grid gap-x-4 sm:grid-cols-2">
            <Field label=tr("Departure (local time at the origin)") name="departs_at" kind="datetime-local" value=form.departs_at.clone() required=true error/>
            <Field label=tr("Arrival (local time at the destination)") name="arrives_at" kind="datetime-local" value=form.arrives_at.clone() required=true error/>
        </div>
        <div class="grid gap-x-4 sm:grid-cols-3">
            <Select label=tr("Travelling by") name="mode" options=Mode::options() value=form.mode.clone() error/>
            <Field label=tr("Space for parcels (kg)") name="capacity_kg" value=form.capacity_kg.clone() hint=tr("0.5 to 50 kg.") required=true error/>
            <Select label=tr("Currency") name="currency" options=currency_options() value=currency error/>
        </div>
        <Field label=tr("Price per kg") name="price_per_kg" value=form.price_per_kg.clone() hint=tr("What a sender pays you for each kilo.") required=true error/>
        <CheckGroup legend=tr("Parcels you accept") name="categories" options=Category::options() checked=form.categories.clone() error/>
        <TextArea label=tr("Notes (optional)") name="notes" value=form.notes.clone() maxlength=2000 hint=tr("Where you can meet, what you won't carry…") error/>
    }
}

#[component]
pub fn NewTripPage() -> impl IntoView {
    let action = ServerAction::<CreateTrip>::new();
    let error = action_error(action);
    let me = resource(|| (), |_| my_trips());
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
                            <PageHeader title=tr("Post a trip") lead=tr("Tell senders where you are going and how much space you can sell.")/>
                            <div class="card">
                                <ActionForm action=action>
                                    <TripFields form error locked=false/>
                                    <Submit label=tr("Publish trip") pending=action.pending().into()/>
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
    let trip = resource(
        move || id,
        |id| async move {
            match id {
                Some(id) => get_trip(id).await,
                None => Err(AppError::NotFound(tr("This trip does not exist.").into())),
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
                        <PageHeader title=tr("Edit trip")/>
                        <div class="card">
                            <ActionForm action=action>
                                <input type="hidden" name="id" value=t.card.id.to_string()/>
                                <TripFields form=t.form.clone() error locked=t.route_locked/>
                                <Submit label=tr("Save changes") pending=action.pending().into()/>
                            </ActionForm>
                        </div>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
