//! Accessible form pieces: labelled fields with their errors tied to them, and a form-level alert.
//! They read the error of the form's server action, which arrives encoded in the address the
//! plain form post is redirected back to (or, in an island, in the action's value).

use crate::error::AppError;
use crate::i18n::tr;
use leptos::prelude::*;
use leptos::server_fn::codec::{PostUrl, Postcard};
use leptos::server_fn::{Http, ServerFn};
use serde::de::DeserializeOwned;

/// The error the action's last call returned, if any.
pub fn action_error<S>(action: ServerAction<S>) -> Signal<Option<AppError>>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Signal::derive(move || action.value().get().and_then(|r| r.err()))
}

/// A form that posts to a server function. On a page it is a plain HTML form: the browser posts
/// its fields and follows the redirect the server answers with (back to the page, with the error
/// in the address when there is one). Inside an island (the conversation), once hydrated, it
/// sends the same body itself (the fields as the browser collected them, not read into the
/// function's arguments and written out again as Leptos's `ActionForm` does), reads the answer
/// as the function's own client would, sets the action's value and version, and follows a
/// redirect the function asks for. (The action's `pending` and `input` are not set: nothing reads
/// them.) The server function must take form fields and answer in postcard, as every one of ours
/// does (`api/mod.rs`).
#[component]
pub fn ActionForm<S>(
    /// The server function's action: its value and version change when the answer arrives.
    action: ServerAction<S>,
    /// The form's fields and buttons.
    children: Children,
) -> impl IntoView
where
    S: ServerFn<Error = AppError, Protocol = Http<PostUrl, Postcard>>
        + Clone
        + Send
        + Sync
        + 'static,
    S::Output: DeserializeOwned + Clone + Send + Sync + 'static,
{
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        if ev.default_prevented() {
            return;
        }
        ev.prevent_default();
        #[cfg(not(feature = "hydrate"))]
        let _ = action;
        #[cfg(feature = "hydrate")]
        {
            let body = leptos::form::form_data_from_event(&ev)
                .ok()
                .and_then(|data| {
                    web_sys::UrlSearchParams::new_with_str_sequence_sequence(&data).ok()
                })
                .and_then(|params| params.to_string().as_string())
                .unwrap_or_default();
            leptos::task::spawn_local(async move {
                let answer = post::<S>(body).await;
                action.value().set(Some(answer));
                action.version().update(|n| *n += 1);
            });
        }
    };
    view! {
        <form action=S::url() method="post" on:submit=on_submit>
            {children()}
        </form>
    }
}

/// Posts a form's fields (`application/x-www-form-urlencoded`, as a form without JavaScript
/// posts them) to the server function `S` and reads its answer as `S`'s own client would.
#[cfg(feature = "hydrate")]
async fn post<S>(body: String) -> Result<S::Output, AppError>
where
    S: ServerFn<Error = AppError>,
    S::Output: DeserializeOwned,
{
    use leptos::server_fn::client::{browser::BrowserClient, Client};
    use leptos::server_fn::codec::PostcardEncoding;
    use leptos::server_fn::error::FromServerFnError;
    use leptos::server_fn::request::ClientReq;
    use leptos::server_fn::response::ClientRes;
    use leptos::server_fn::ContentType;

    type Request = <BrowserClient as Client<AppError>>::Request;
    let request = Request::try_new_post(
        S::PATH,
        "application/x-www-form-urlencoded",
        PostcardEncoding::CONTENT_TYPE,
        body,
    )?;
    let response = <BrowserClient as Client<AppError>>::send(request).await?;
    type Response = <BrowserClient as Client<AppError>>::Response;
    let (status, location, redirect) = (
        <Response as ClientRes<AppError>>::status(&response),
        <Response as ClientRes<AppError>>::location(&response),
        <Response as ClientRes<AppError>>::has_redirect(&response),
    );
    let bytes = <Response as ClientRes<AppError>>::try_into_bytes(response).await?;
    if (400..=599).contains(&status) {
        return Err(AppError::de(bytes));
    }
    let output = postcard::from_bytes(&bytes).map_err(|e| {
        AppError::from_server_fn_error(leptos::server_fn::error::ServerFnErrorErr::Deserialization(
            e.to_string(),
        ))
    })?;
    if (300..=399).contains(&status) || redirect {
        leptos::server_fn::redirect::call_redirect_hook(&location);
    }
    Ok(output)
}

const INPUT: &str = "block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-base shadow-sm focus:border-teal-600 focus:outline-none focus:ring-2 focus:ring-teal-600/30 aria-[invalid=true]:border-red-500";

#[component]
pub fn Field(
    label: &'static str,
    name: &'static str,
    error: Signal<Option<AppError>>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: &'static str,
    #[prop(optional, into)] value: String,
    #[prop(optional)] hint: &'static str,
    #[prop(optional)] required: bool,
    #[prop(optional)] maxlength: Option<u32>,
    /// The element id, when two forms on a page share a field name.
    #[prop(optional)]
    id: &'static str,
) -> impl IntoView {
    let id = if id.is_empty() {
        format!("f-{name}")
    } else {
        id.to_string()
    };
    let err_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    // Without JavaScript the page is rendered again after a failed post: show what was typed.
    let initial = error
        .get_untracked()
        .and_then(|e| e.value(name))
        .unwrap_or(value);
    let message = Signal::derive(move || error.get().and_then(|e| e.field(name)));
    let described = {
        let (err_id, hint_id) = (err_id.clone(), hint_id.clone());
        move || {
            let mut ids = Vec::new();
            if !hint.is_empty() {
                ids.push(hint_id.clone());
            }
            if message.get().is_some() {
                ids.push(err_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="mb-4">
            <label for=id.clone() class="mb-1 block text-sm font-medium text-slate-800">{label}</label>
            <input
                id=id
                name=name
                type=kind
                value=initial
                class=INPUT
                required=required
                maxlength=maxlength
                autocomplete=(!autocomplete.is_empty()).then_some(autocomplete)
                aria-invalid=move || message.get().is_some().to_string()
                aria-describedby=described
            />
            {(!hint.is_empty()).then(|| view! { <p id=hint_id class="mt-1 text-sm text-slate-500">{hint}</p> })}
            <p id=err_id class="mt-1 text-sm text-red-700" data-field-error=name>{move || message.get()}</p>
        </div>
    }
}

#[component]
pub fn TextArea(
    label: &'static str,
    name: &'static str,
    error: Signal<Option<AppError>>,
    #[prop(optional, into)] value: String,
    #[prop(optional)] hint: &'static str,
    #[prop(optional)] maxlength: Option<u32>,
) -> impl IntoView {
    let id = format!("f-{name}");
    let err_id = format!("{id}-error");
    let initial = error
        .get_untracked()
        .and_then(|e| e.value(name))
        .unwrap_or(value);
    // The renderer writes a textarea's text as it is (it treats it like a script's), so the
    // server escapes it here; in the browser it is a text node, safe as it is.
    #[cfg(feature = "ssr")]
    let initial = crate::escape_html(&initial);
    let message = Signal::derive(move || error.get().and_then(|e| e.field(name)));
    view! {
        <div class="mb-4">
            <label for=id.clone() class="mb-1 block text-sm font-medium text-slate-800">{label}</label>
            <textarea
                id=id
                name=name
                rows="4"
                class=INPUT
                maxlength=maxlength
                aria-invalid=move || message.get().is_some().to_string()
                aria-describedby=err_id.clone()
            >{initial}</textarea>
            {(!hint.is_empty()).then(|| view! { <p class="mt-1 text-sm text-slate-500">{hint}</p> })}
            <p id=err_id class="mt-1 text-sm text-red-700" data-field-error=name>{move || message.get()}</p>
        </div>
    }
}

/// The form's overall error: anything not tied to one field (wrong password, lock-out, expired link).
#[component]
pub fn FormError(error: Signal<Option<AppError>>) -> impl IntoView {
    let text = move || {
        error.get().and_then(|e| match &e {
            AppError::Validation { fields, .. } if !fields.is_empty() => {
                (fields.len() > 1).then(|| e.to_string())
            }
            _ => Some(e.to_string()),
        })
    };
    // Not enough money: offer the top-up of the difference, then come back here.
    let top_up = move || {
        error.get().and_then(|e| match e {
            AppError::InsufficientFunds { short, .. } => Some(short),
            _ => None,
        })
    };
    let here = StoredValue::new(crate::url::urlencode(&crate::url::page_address().0));
    view! {
        <Show when=move || text().is_some()>
            <div role="alert" class="mb-4 rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800" data-testid="form-error">
                {text}
                {move || top_up().map(|short| {
                    let next = here.get_value();
                    view! {
                        " "
                        <a class="font-semibold underline" data-testid="top-up-offer"
                            href=format!("/wallet?amount={}&currency={}&next={next}", short.input_value(), short.currency.code())>
                            {tr("Top up ")}{short.to_string()}{tr(" and continue")}
                        </a>
                    }
                })}
            </div>
        </Show>
    }
}

/// A fresh random key for a money-moving form: a retry of the same submission moves money
/// once. A new key is made each time the form's action runs.
pub fn fresh_key() -> String {
    #[cfg(feature = "ssr")]
    {
        uuid::Uuid::new_v4().to_string()
    }
    #[cfg(not(feature = "ssr"))]
    {
        web_sys::window()
            .and_then(|w| w.crypto().ok())
            .map(|c| c.random_uuid())
            .unwrap_or_default()
    }
}

/// The hidden idempotency-key field of a form, renewed after each run of `version`'s action.
#[component]
pub fn IdemKey(#[prop(into)] version: Signal<usize>) -> impl IntoView {
    view! {
        <input type="hidden" name="key" value=move || {
            version.track();
            fresh_key()
        }/>
    }
}

#[component]
pub fn Submit(label: &'static str, pending: Signal<bool>) -> impl IntoView {
    view! {
        <button type="submit" class="btn-primary w-full sm:w-auto" disabled=move || pending.get()>
            {move || if pending.get() { tr("Please wait…") } else { label }}
        </button>
    }
}

/// A drop-down. `options` are (value, label) pairs.
#[component]
pub fn Select(
    label: &'static str,
    name: &'static str,
    error: Signal<Option<AppError>>,
    options: Vec<(String, String)>,
    #[prop(optional, into)] value: String,
    #[prop(optional)] placeholder: &'static str,
    #[prop(optional)] id: &'static str,
) -> impl IntoView {
    let id = if id.is_empty() {
        format!("f-{name}")
    } else {
        id.to_string()
    };
    let err_id = format!("{id}-error");
    let initial = error
        .get_untracked()
        .and_then(|e| e.value(name))
        .unwrap_or(value);
    let message = Signal::derive(move || error.get().and_then(|e| e.field(name)));
    view! {
        <div class="mb-4">
            <label for=id.clone() class="mb-1 block text-sm font-medium text-slate-800">{label}</label>
            <select
                id=id
                name=name
                class=INPUT
                aria-invalid=move || message.get().is_some().to_string()
                aria-describedby=err_id.clone()
            >
                {(!placeholder.is_empty()).then(|| view! { <option value="">{placeholder}</option> })}
                {options
                    .into_iter()
                    .map(|(v, l)| {
                        let selected = v == initial;
                        view! { <option value=v selected=selected>{l}</option> }
                    })
                    .collect_view()}
            </select>
            <p id=err_id class="mt-1 text-sm text-red-700" data-field-error=name>{move || message.get()}</p>
        </div>
    }
}

/// One checkbox with its label.
#[component]
pub fn Checkbox(
    label: &'static str,
    name: &'static str,
    error: Signal<Option<AppError>>,
    #[prop(optional)] checked: bool,
) -> impl IntoView {
    let id = format!("f-{name}");
    let label_for = id.clone();
    // After a failed post without JavaScript, keep what was ticked.
    let initial = match error.get_untracked() {
        Some(AppError::Validation { values, .. }) if !values.is_empty() => {
            values.iter().any(|(k, v)| k == name && !v.is_empty())
        }
        _ => checked,
    };
    let message = Signal::derive(move || error.get().and_then(|e| e.field(name)));
    view! {
        <div class="mb-4">
            <label for=label_for class="flex items-start gap-2 text-sm text-slate-800">
                <input id=id type="checkbox" name=name value="on" checked=initial class="mt-1 h-4 w-4"
                    aria-invalid=move || message.get().is_some().to_string()/>
                <span>{label}</span>
            </label>
            <p class="mt-1 text-sm text-red-700" data-field-error=name>{move || message.get()}</p>
        </div>
    }
}

/// Several checkboxes sent as `name[i]` (a list for the server function).
#[component]
pub fn CheckGroup(
    legend: &'static str,
    name: &'static str,
    error: Signal<Option<AppError>>,
    options: Vec<(String, String)>,
    #[prop(optional)] checked: Vec<String>,
) -> impl IntoView {
    let echoed: Option<Vec<String>> = error
        .get_untracked()
        .and_then(|e| e.value(name))
        .map(|v| v.split(',').map(str::to_string).collect());
    let checked = echoed.unwrap_or(checked);
    let message = Signal::derive(move || error.get().and_then(|e| e.field(name)));
    view! {
        <fieldset class="mb-4" aria-invalid=move || message.get().is_some().to_string()>
            <legend class="mb-1 block text-sm font-medium text-slate-800">{legend}</legend>
            <div class="grid grid-cols-2 gap-2 sm:grid-cols-3">
                {options
                    .into_iter()
                    .enumerate()
                    .map(|(i, (v, l))| {
                        let on = checked.contains(&v);
                        view! {
                            <label class="flex items-center gap-2 text-sm">
                                <input type="checkbox" name=format!("{name}[{i}]") value=v checked=on class="h-4 w-4"/>
                                {l}
                            </label>
                        }
                    })
                    .collect_view()}
            </div>
            <p class="mt-1 text-sm text-red-700" data-field-error=name>{move || message.get()}</p>
        </fieldset>
    }
}

/// A place input: suggestions appear as the user types (names, IATA codes, countries); without
/// JavaScript the server resolves whatever was typed.
#[component]
pub fn PlaceInput(
    label: &'static str,
    name: &'static str,
    error: Signal<Option<AppError>>,
    #[prop(optional, into)] value: String,
    #[prop(optional)] hint: &'static str,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let id = format!("f-{name}");
    let list_id = format!("{id}-list");
    let err_id = format!("{id}-error");
    let initial = error
        .get_untracked()
        .and_then(|e| e.value(name))
        .unwrap_or(value);
    let message = Signal::derive(move || error.get().and_then(|e| e.field(name)));
    view! {
        <div class="mb-4">
            <label for=id.clone() class="mb-1 block text-sm font-medium text-slate-800">{label}</label>
            <input
                id=id
                name=name
                type="text"
                value=initial
                list=list_id
                autocomplete="off"
                required=required
                maxlength="200"
                class=INPUT
                placeholder=tr("City, airport or code (e.g. Paris, CDG)")
                aria-invalid=move || message.get().is_some().to_string()
                aria-describedby=err_id.clone()
            />
            <PlaceSuggestions name=name.to_string()/>
            {(!hint.is_empty()).then(|| view! { <p class="mt-1 text-sm text-slate-500">{hint}</p> })}
            <p id=err_id class="mt-1 text-sm text-red-700" data-field-error=name>{move || message.get()}</p>
        </div>
    }
}

/// The suggestions of the place input `f-{name}` (its `list`): an island, which asks the server
/// as the user types. The server renders the list empty, as the browser does at first.
#[island]
fn PlaceSuggestions(name: String) -> impl IntoView {
    let suggestions = RwSignal::new(Vec::<crate::types::places::PlaceSuggestion>::new());
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::closure::Closure;
        use wasm_bindgen::JsCast;
        if let Some(input) = document().get_element_by_id(&format!("f-{name}")) {
            let on_input = Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
                let q = event_target_value(&ev);
                if q.chars().count() < 2 {
                    suggestions.set(Vec::new());
                    return;
                }
                leptos::task::spawn_local(async move {
                    if let Ok(found) = crate::api::places::search_places(q).await {
                        suggestions.set(found);
                    }
                });
            });
            let _ =
                input.add_event_listener_with_callback("input", on_input.as_ref().unchecked_ref());
            on_input.forget();
        }
    }
    view! {
        <datalist id=format!("f-{name}-list") data-testid=format!("suggestions-{name}")>
            <For each=move || suggestions.get() key=|s| s.id let:s>
                <option value=s.label.clone()>{if s.airport { tr("Airport") } else { tr("City") }}</option>
            </For>
        </datalist>
    }
}
