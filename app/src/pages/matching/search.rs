//! Search pages: plain GET forms, so results have an address, work without JavaScript, and the
//! back button behaves.

use crate::api::matching::{search_parcels, search_trips, SaveAlert};
use crate::components::cards::{currency_options, loading, ParcelRow, TripRow};
use crate::components::deferred::deferred;
use crate::components::form::{action_error, ActionForm, FormError};
use crate::components::form::{Field, PlaceInput, Select};
use crate::components::layout::PageHeader;
use crate::components::resource::resource;
use crate::error::AppError;
use crate::i18n::tr;
use crate::pages::errors::page_error;
use crate::types::matching::AlertKind;
use crate::types::matching::SearchQuery;
use crate::types::Category;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

fn query() -> Memo<(SearchQuery, String)> {
    let q = use_query_map();
    Memo::new(move |_| {
        let m = q.read();
        let get = |k: &str| m.get(k).unwrap_or_default();
        (
            SearchQuery {
                from: get("from"),
                to: get("to"),
                date_from: get("date_from"),
                date_to: get("date_to"),
                category: get("category"),
                max_price: get("max_price"),
                currency: get("currency"),
                min_rating: get("min_rating"),
                verified: m.get("verified").is_some(),
                sort: get("sort"),
                page: get("page").parse().unwrap_or(1),
            },
            get("max_weight"),
        )
    })
}

fn page_link(base: &str, q: &SearchQuery, extra: &str, page: u32) -> String {
    use crate::url::urlencode as e;
    format!(
        "{base}?from={}&to={}&date_from={}&date_to={}&category={}&max_price={}&currency={}&min_rating={}{}&sort={}{extra}&page={page}",
        e(&q.from), e(&q.to), e(&q.date_from), e(&q.date_to), e(&q.category), e(&q.max_price),
        e(&q.currency), e(&q.min_rating), if q.verified { "&verified=on" } else { "" }, e(&q.sort)
    )
}

/// What was searched, in one line: "Paris, France → London, United Kingdom · from 12 Dec".
fn summary(q: &SearchQuery) -> String {
    let place = |p: &str| {
        if p.trim().is_empty() {
            tr("Anywhere").to_string()
        } else {
            p.trim().to_string()
        }
    };
    let mut s = format!("{} → {}", place(&q.from), place(&q.to));
    match (q.date_from.trim(), q.date_to.trim()) {
        ("", "") => {}
        (a, "") => s.push_str(&crate::trf!(" · from {}", a)),
        ("", b) => s.push_str(&crate::trf!(" · until {}", b)),
        (a, b) => s.push_str(&crate::trf!(" · {} to {}", a, b)),
    }
    s
}

/// Whether the address holds a search (then the results come first and the form folds away).
fn searched(q: &SearchQuery) -> bool {
    !(q.from.trim().is_empty() && q.to.trim().is_empty())
}

/// The search form; after a search, folded into a one-line summary with "Change search", so
/// the results come first on a phone (a disclosure: it opens without JavaScript too).
#[component]
fn Filters(
    q: SearchQuery,
    price_label: &'static str,
    traveler: bool,
    max_weight: String,
) -> impl IntoView {
    if searched(&q) {
        let line = summary(&q);
        view! {
            <details class="card mb-4 !p-0" data-testid="search-summary">
                <summary class="bare flex min-h-11 w-full cursor-pointer flex-wrap items-baseline gap-x-3 gap-y-1 px-4 py-2 sm:px-6">
                    <span class="font-semibold text-slate-900">{line}</span>
                    <span class="whitespace-nowrap font-medium text-teal-800 underline underline-offset-2">{tr("Change search")}</span>
                </summary>
                <div class="border-t border-slate-200">
                    <FilterForm q price_label traveler max_weight/>
                </div>
            </details>
        }
        .into_any()
    } else {
        view! { <div class="card mb-6"><FilterForm q price_label traveler max_weight/></div> }
            .into_any()
    }
}

#[component]
fn FilterForm(
    q: SearchQuery,
    price_label: &'static str,
    traveler: bool,
    max_weight: String,
) -> impl IntoView {
    // The form shows what the address asked for; errors come back with the results.
    let no_error = Signal::derive(|| None::<AppError>);
    // The secondary filters stay folded away unless one is in use.
    let more_open = !(q.category.is_empty()
        && q.max_price.is_empty()
        && q.min_rating.is_empty()
        && max_weight.is_empty()
        && !q.verified);
    let sort_options = vec![
        ("soonest".to_string(), tr("Soonest").to_string()),
        (
            "cheapest".to_string(),
            if traveler {
                tr("Best paid").to_string()
            } else {
                tr("Cheapest").to_string()
            },
        ),
        ("best".to_string(), tr("Best rated").to_string()),
    ];
    view! {
        <form method="get" class="p-4 sm:p-6" role="search">
            <div class="grid gap-x-4 sm:grid-cols-2">
                <PlaceInput label=tr("From") name="from" value=q.from.clone() error=no_error/>
                <PlaceInput label=tr("To") name="to" value=q.to.clone() error=no_error/>
            </div>
            <div class="grid grid-cols-2 gap-x-4">
                <Field label=tr("Earliest date") name="date_from" kind="date" value=q.date_from.clone() error=no_error/>
                <Field label=tr("Latest date") name="date_to" kind="date" value=q.date_to.clone() error=no_error/>
            </div>
            <details class="mb-2" open=more_open>
                <summary class="mb-3 cursor-pointer text-sm font-medium text-teal-800">{tr("More filters")}</summary>
                <div class="grid gap-x-4 sm:grid-cols-4">
                    <Select label=tr("Category") name="category" options=Category::options() value=q.category.clone() placeholder=tr("Any") error=no_error/>
                    <Field label=price_label name="max_price" value=q.max_price.clone() error=no_error/>
                    <Select label=tr("Currency") name="currency" options=currency_options() value=q.currency.clone() error=no_error/>
                    <Field label=tr("Minimum rating (1–5)") name="min_rating" value=q.min_rating.clone() error=no_error/>
                </div>
                {traveler.then(|| view! { <Field label=tr("Maximum weight (kg)") name="max_weight" value=max_weight.clone() error=no_error/> })}
                <label class="mb-4 flex items-center gap-2 text-sm"><input type="checkbox" name="verified" checked=q.verified/>{tr("ID-verified members only")}</label>
            </details>
            <div class="flex flex-wrap items-end gap-4">
                <Select label=tr("Sort by") name="sort" options=sort_options value=q.sort.clone() error=no_error/>
                <button type="submit" class="btn-primary mb-4">{tr("Search")}</button>
            </div>
        </form>
    }
}

fn search_error(e: AppError) -> AnyView {
    match e {
        AppError::Validation { fields, message, .. } => view! {
            <div role="alert" class="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800" data-testid="search-error">
                {if fields.is_empty() { message } else { fields.into_iter().map(|f| f.message).collect::<Vec<_>>().join(" ") }}
            </div>
        }.into_any(),
        other => page_error(other),
    }
}

#[component]
pub fn SearchTripsPage() -> impl IntoView {
    let q = query();
    let results = resource(move || q.get().0, search_trips);
    view! {
        {move || if searched(&q.get().0) {
            view! { <PageHeader title=tr("Find a traveler")/> }.into_any()
        } else {
            view! { <PageHeader title=tr("Find a traveler") lead=tr("Trips with space for your parcel, by route and date.")/> }.into_any()
        }}
        {move || view! { <Filters q=q.get().0 price_label=tr("Max price per kg") traveler=false max_weight=String::new()/> }}
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                let (sq, _) = q.get_untracked();
                match results.await {
                    Err(e) => search_error(e),
                    Ok(page) if page.items.is_empty() => view! { <p class="text-slate-600" data-testid="no-results">{tr("No trip matches. Try a wider date window or a nearby city.")}</p> }.into_any(),
                    // Built once, when rendered (see `deferred`).
                    Ok(page) => deferred(move || view! {
                        <ul class="space-y-3" data-testid="results">{page.items.into_iter().map(|t| view! { <TripRow trip=t/> }).collect_view()}</ul>
                        <Pager base="/search/trips" q=sq extra=String::new() page=page.page has_next=page.has_next/>
                    }.into_any()),
                }
            })}
        </Suspense>
        {move || view! { <AlertMe kind=AlertKind::Trips q=q.get().0 max_weight=String::new()/> }}
    }
}

#[component]
pub fn SearchParcelsPage() -> impl IntoView {
    let q = query();
    let results = resource(move || q.get(), |(sq, w)| search_parcels(sq, w));
    view! {
        {move || if searched(&q.get().0) {
            view! { <PageHeader title=tr("Find parcels to carry")/> }.into_any()
        } else {
            view! { <PageHeader title=tr("Find parcels to carry") lead=tr("Open parcels on your route, and what senders offer.")/> }.into_any()
        }}
        {move || { let (sq, w) = q.get(); view! { <Filters q=sq price_label=tr("Minimum reward") traveler=true max_weight=w/> } }}
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                let (sq, w) = q.get_untracked();
                match results.await {
                    Err(e) => search_error(e),
                    Ok(page) if page.items.is_empty() => view! { <p class="text-slate-600" data-testid="no-results">{tr("No parcel matches. Try a wider date window or a nearby city.")}</p> }.into_any(),
                    Ok(page) => deferred(move || view! {
                        <ul class="space-y-3" data-testid="results">{page.items.into_iter().map(|p| view! { <ParcelRow parcel=p/> }).collect_view()}</ul>
                        <Pager base="/search/parcels" q=sq extra=format!("&max_weight={}", crate::url::urlencode(&w)) page=page.page has_next=page.has_next/>
                    }.into_any()),
                }
            })}
        </Suspense>
        {move || { let (sq, w) = q.get(); view! { <AlertMe kind=AlertKind::Parcels q=sq max_weight=w/> } }}
    }
}

#[component]
fn Pager(
    base: &'static str,
    q: SearchQuery,
    extra: String,
    page: u32,
    has_next: bool,
) -> impl IntoView {
    view! {
        <nav class="mt-6 flex justify-between" aria-label=tr("Pages")>
            {(page > 1).then(|| view! { <a class="btn-secondary" href=page_link(base, &q, &extra, page - 1)>{tr("← Previous")}</a> })}
            <span class="text-sm text-slate-600">{tr("Page ")}{page}</span>
            {has_next.then(|| view! { <a class="btn-secondary" href=page_link(base, &q, &extra, page + 1)>{tr("Next →")}</a> })}
        </nav>
    }
}

/// "Alert me": saves this search (it needs a route) so new listings that match it are notified.
#[component]
fn AlertMe(kind: AlertKind, q: SearchQuery, max_weight: String) -> impl IntoView {
    if q.from.trim().is_empty() || q.to.trim().is_empty() {
        return ().into_any();
    }
    let save = ServerAction::<SaveAlert>::new();
    let error = action_error(save);
    let what = match kind {
        AlertKind::Trips => tr("Alert me about new trips on this route"),
        AlertKind::Parcels => tr("Alert me about new parcels on this route"),
    };
    let field = |k: &'static str, v: String| view! { <input type="hidden" name=format!("q[{k}]") value=v/> };
    view! {
        <ActionForm action=save attr:class="mt-6 flex flex-wrap items-center gap-3" attr:data-testid="alert-me">
            <input type="hidden" name="kind" value=kind.code()/>
            {field("from", q.from.clone())}
            {field("to", q.to.clone())}
            {field("date_from", q.date_from.clone())}
            {field("date_to", q.date_to.clone())}
            {field("category", q.category.clone())}
            {field("max_price", q.max_price.clone())}
            {field("currency", q.currency.clone())}
            {field("min_rating", q.min_rating.clone())}
            {field("verified", q.verified.to_string())}
            {field("sort", q.sort.clone())}
            {field("page", "1".to_string())}
            <input type="hidden" name="max_weight_kg" value=max_weight/>
            <button type="submit" class="btn-secondary">{what}</button>
            <FormError error/>
        </ActionForm>
    }
    .into_any()
}
