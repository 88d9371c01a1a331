//! The traveler's own trips.

use crate::api::trips::my_trips;
use crate::components::cards::{loading, TripRow};
use crate::components::layout::PageHeader;
use crate::components::resource::resource;
use crate::i18n::tr;
use crate::pages::errors::page_error;
use leptos::prelude::*;

#[component]
pub fn MyTripsPage() -> impl IntoView {
    let trips = resource(|| (), |_| my_trips());
    view! {
        <div class="mb-6 flex flex-wrap items-center justify-between gap-3">
            <PageHeader title=tr("My trips")/>
            <a class="btn-primary" href="/trips/new">{tr("Post a trip")}</a>
        </div>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match trips.await {
                    Err(e) => page_error(e),
                    Ok(list) if list.is_empty() => view! { <p class="text-slate-600">{tr("You have not posted a trip yet.")}</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="space-y-3">{list.into_iter().map(|t| view! { <TripRow trip=t/> }).collect_view()}</ul>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
