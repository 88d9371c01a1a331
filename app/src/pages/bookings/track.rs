//! The public tracking page: a tracking number shows the route and the timeline, nothing private.

use crate::api::bookings::track;
use crate::components::cards::{booking_badge, loading};
use crate::components::layout::PageHeader;
use crate::components::resource::resource;
use crate::i18n::tr;
use crate::url::query_value;
use leptos::prelude::*;

/// Look up a tracking number.
#[component]
pub fn TrackPage() -> impl IntoView {
    let number = query_value("number");
    let found = resource(
        move || number.clone(),
        |n| async move {
            if n.trim().is_empty() {
                Ok(None)
            } else {
                track(n).await.map(Some)
            }
        },
    );
    let initial = query_value("number");
    view! {
        <leptos_meta::Title text=tr("Track a parcel")/>
        <PageHeader title=tr("Track a parcel")/>
        <form method="get" action="/track" class="mb-6 flex flex-wrap gap-2">
            <label class="sr-only" for="track-number">{tr("Tracking number")}</label>
            <input id="track-number" name="number" value=initial placeholder=tr("CR-XXXXXXXXXX") required class="rounded-md border border-slate-300 px-3 py-2"/>
            <button type="submit" class="btn-primary">{tr("Track")}</button>
        </form>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match found.await {
                    Err(e) => view! { <p class="text-red-800" data-testid="track-error">{e.to_string()}</p> }.into_any(),
                    Ok(None) => ().into_any(),
                    Ok(Some(t)) => view! {
                        <section class="card" data-testid="tracking">
                            <div class="mb-3 flex flex-wrap items-center justify-between gap-2">
                                <div>
                                    <h2 class="text-lg font-semibold">{t.number}</h2>
                                    <p class="text-slate-600">{t.route}</p>
                                </div>
                                {booking_badge(t.status)}
                            </div>
                            <ol class="space-y-1 text-sm">
                                {t.events.into_iter().map(|(at, what)| view! { <li><span class="text-slate-500">{at}</span>" — "{what}</li> }).collect_view()}
                            </ol>
                        </section>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
