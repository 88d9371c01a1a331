//! Posting and editing a parcel: the form (with the suggested reward), shared by both pages.

use crate::api::parcels::{get_parcel, my_parcels, SaveParcel};
use crate::components::cards::{currency_options, loading};
use crate::components::form::{
    action_error, ActionForm, Checkbox, Field, FormError, PlaceInput, Select, Submit, TextArea,
};
use crate::components::layout::PageHeader;
use crate::components::resource::resource;
use crate::error::AppError;
use crate::i18n::tr;
use crate::pages::errors::page_error;
use crate::types::parcels::{ParcelForm, RewardSuggestion};
use crate::types::Category;
use crate::url::route_id;
use leptos::prelude::*;

/// The parcel form, for creating and editing. The suggested reward follows what is typed
/// (with JavaScript).
#[component]
fn ParcelFields(form: ParcelForm, error: Signal<Option<AppError>>) -> impl IntoView {
    let currency = if form.currency.is_empty() {
        "EUR".to_string()
    } else {
        form.currency.clone()
    };
    let other = form.recipient == "other";
    view! {
        <div>
            <FormError error/>
            <Field label=tr("Title") name="title" value=form.title.clone() required=true maxlength=100 hint=tr("What is it? e.g. \"Two books for my sister\"") error/>
            <TextArea label=tr("Description") name="description" value=form.description.clone() maxlength=2000 error/>
            <div class="grid gap-x-4 sm:grid-cols-2">
                <Select label=tr("Category") name="category" options=Category::options() value=form.category.clone() placeholder=tr("Choose…") error/>
                <Field label=tr("Weight (kg)") name="weight_kg" value=form.weight_kg.clone() hint=tr("0.1 to 30 kg.") required=true error/>
            </div>
            <div class="grid grid-cols-3 gap-x-4">
                <Field label=tr("Length (cm)") name="length_cm" kind="number" value=form.length_cm.clone() required=true error/>
                <Field label=tr("Width (cm)") name="width_cm" kind="number" value=form.width_cm.clone() required=true error/>
                <Field label=tr("Height (cm)") name="height_cm" kind="number" value=form.height_cm.clone() required=true error/>
            </div>
            <div class="grid gap-x-4 sm:grid-cols-2">
                <Field label=tr("Declared value") name="declared_value" value=form.declared_value.clone() required=true error/>
                <Select label=tr("Currency") name="currency" options=currency_options() value=currency error/>
            </div>
            <Checkbox label=tr("Fragile") name="fragile" checked=form.fragile error/>
            <Checkbox label=tr("I can show the receipt or the serial number (electronics, medicine, cosmetics, food)") name="has_receipt" checked=form.has_receipt error/>
            <div class="grid gap-x-4 sm:grid-cols-2">
                <PlaceInput label=tr("Pickup city or airport") name="pickup_place" value=form.pickup_place.clone() required=true error/>
                <PlaceInput label=tr("Delivery city or airport") name="delivery_place" value=form.delivery_place.clone() required=true error/>
                <Field label=tr("Pickup address (private)") name="pickup_address" value=form.pickup_address.clone() required=true maxlength=300 hint=tr("Shown only to the traveler once you accept a booking.") error/>
                <Field label=tr("Delivery address (private)") name="delivery_address" value=form.delivery_address.clone() required=true maxlength=300 error/>
                <Field label=tr("Ready from") name="ready_from" kind="date" value=form.ready_from.clone() required=true error/>
                <Field label=tr("Deliver by") name="deliver_by" kind="date" value=form.deliver_by.clone() required=true hint=tr("At most 90 days from today.") error/>
            </div>
            <Field label=tr("Reward you offer") name="reward" value=form.reward.clone() required=true error/>
            <RewardHint/>
            <fieldset class="mb-4">
                <legend class="mb-1 text-sm font-medium text-slate-800">{tr("Who receives it?")}</legend>
                <label class="mr-4 text-sm"><input type="radio" name="recipient" value="me" checked=!other class="mr-1"/>{tr("Me")}</label>
                <label class="text-sm"><input type="radio" name="recipient" value="other" checked=other class="mr-1"/>{tr("Someone else")}</label>
            </fieldset>
            <div class="grid gap-x-4 sm:grid-cols-3">
                <Field label=tr("Recipient's name") name="recipient_name" value=form.recipient_name.clone() maxlength=100 error/>
                <Field label=tr("Recipient's phone") name="recipient_phone" kind="tel" value=form.recipient_phone.clone() maxlength=40 error/>
                <Field label=tr("Recipient's email") name="recipient_email" kind="email" value=form.recipient_email.clone() maxlength=254 error/>
            </div>
            <div class="mb-4 rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
                <p class="font-medium">{tr("Never send: ")}</p>
                <p>{tr("weapons, ammunition, explosives, drugs, counterfeit goods, currency, live animals, hazardous materials, loose lithium batteries, aerosols, flammable liquids, or anything illegal at the origin, the destination or in transit.")}</p>
            </div>
            <Checkbox label=tr("I confirm the parcel holds nothing prohibited and its contents are legal.") name="declared_legal" error/>
        </div>
    }
}

#[component]
pub fn NewParcelPage() -> impl IntoView {
    let action = ServerAction::<SaveParcel>::new();
    let error = action_error(action);
    let me = resource(|| (), |_| my_parcels());
    view! {
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match me.await {
                    Err(e) => page_error(e),
                    Ok(_) => view! {
                        <PageHeader title=tr("Send a parcel") lead=tr("Describe it, say where it goes, and offer a reward. You can add photos next.")/>
                        <div class="card">
                            <ActionForm action=action>
                                <ParcelFields form=ParcelForm { recipient: "me".into(), ..ParcelForm::default() } error/>
                                <Submit label=tr("Post parcel") pending=action.pending().into()/>
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
    let parcel = resource(
        move || id,
        |id| async move {
            match id {
                Some(id) => get_parcel(id).await,
                None => Err(AppError::NotFound(tr("This parcel does not exist.").into())),
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
                        <PageHeader title=tr("Edit parcel") lead=tr("Saving checks the parcel again; open requests for it are closed.")/>
                        <div class="card">
                            <ActionForm action=action>
                                <input type="hidden" name="id" value=p.card.id.to_string()/>
                                <ParcelFields form=p.form.clone() error/>
                                <Submit label=tr("Save changes") pending=action.pending().into()/>
                            </ActionForm>
                        </div>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The suggested reward, following the places, weight and currency typed into the form around
/// it: an island, which listens to the form's changes and asks the server. The server renders
/// the invitation to fill them in, as the browser does until it has an answer.
#[island]
fn RewardHint() -> impl IntoView {
    let suggestion = RwSignal::new(None::<RewardSuggestion>);
    let hint = NodeRef::<leptos::html::Div>::new();
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        use leptos::wasm_bindgen::closure::Closure;
        use leptos::wasm_bindgen::JsCast;
        use leptos::web_sys::{HtmlInputElement, HtmlSelectElement};
        let Some(form) = hint.get().and_then(|d| d.closest("form").ok().flatten()) else {
            return;
        };
        let ask = move || {
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
            let (from, to, w) = (
                input("pickup_place"),
                input("delivery_place"),
                input("weight_kg"),
            );
            if from.is_empty() || to.is_empty() || w.is_empty() {
                suggestion.set(None);
                return;
            }
            leptos::task::spawn_local(async move {
                let answer = crate::api::parcels::suggest_reward(from, to, w, currency).await;
                suggestion.set(answer.ok().flatten());
            });
        };
        ask();
        let on_change = Closure::<dyn FnMut()>::new(ask);
        if let Some(form) = hint.get().and_then(|d| d.closest("form").ok().flatten()) {
            let _ =
                form.add_event_listener_with_callback("change", on_change.as_ref().unchecked_ref());
        }
        on_change.forget();
    });
    view! {
        <div class="mb-4 rounded-md bg-slate-50 p-3 text-sm text-slate-700" data-testid="reward-suggestion" aria-live="polite" node_ref=hint>
            {move || match suggestion.get() {
                Some(s) => view! {
                    <p><strong>{tr("Suggested reward: ")}{s.amount.to_string()}</strong>" ("{crate::i18n::number(s.distance_km)}{tr(" km)")}</p>
                    <ul class="list-inside list-disc">{s.explanation.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ul>
                }.into_any(),
                None => view! { <p>{tr("Enter the places and weight to see a suggested reward.")}</p> }.into_any(),
            }}
        </div>
    }
}
