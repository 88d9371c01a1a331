//! The member's bookings on both sides.

use crate::api::bookings::my_bookings;
use crate::components::cards::{booking_badge, loading};
use crate::components::layout::PageHeader;
use crate::components::resource::resource;
use crate::i18n::tr;
use crate::pages::errors::page_error;
use leptos::prelude::*;

#[component]
pub fn MyBookingsPage() -> impl IntoView {
    let list = resource(|| (), |_| my_bookings());
    view! {
        <PageHeader title=tr("Bookings") lead=tr("Requests and offers on your parcels and trips.")/>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match list.await {
                    Err(e) => page_error(e),
                    Ok(list) if list.is_empty() => view! { <p class="text-slate-600">{tr("No bookings yet. Request a trip from one of your parcels, or offer to carry a parcel from one of your trips.")}</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="space-y-3">
                            {list.into_iter().map(|b| view! { <BookingRow b/> }).collect_view()}
                        </ul>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// One booking in a list: the parcel, the route, the side, the price and whose turn it is.
#[component]
pub fn BookingRow(b: crate::types::bookings::BookingSummary) -> impl IntoView {
    view! {
        <li class="card flex flex-wrap items-start justify-between gap-2" data-testid="booking-row">
            <div>
                <a class="link font-semibold" href=format!("/bookings/{}", b.id)>{b.parcel_title.clone()}</a>
                <p class="text-sm text-slate-600">{b.route.clone()}{tr(" · departs ")}{b.departs.clone()}</p>
                <p class="text-sm text-slate-600">{tr("You are the ")}{b.my_side.label().to_lowercase()}" · "{b.price.to_string()}</p>
            </div>
            <div class="flex items-center gap-2">
                {b.my_turn.then(|| view! { <span class="text-sm font-medium text-amber-800">{tr("Your answer")}</span> })}
                {booking_badge(b.status)}
            </div>
        </li>
    }
}
