//! Pieces the pages share: option lists, status badges, listing cards, score breakdowns.

use crate::types::matching::ScorePart;
use crate::types::parcels::ParcelCard;
use crate::types::trips::TripCard;
use crate::types::{BookingStatus, Currency, ParcelStatus, TripStatus};
use leptos::prelude::*;

pub fn currency_options() -> Vec<(String, String)> {
    Currency::ALL
        .iter()
        .map(|c| (c.code().to_string(), c.code().to_string()))
        .collect()
}

fn badge_class(tone: &str) -> &'static str {
    match tone {
        "ok" => {
            "inline-block rounded-full bg-teal-100 px-2 py-0.5 text-xs font-medium text-teal-800"
        }
        "warn" => {
            "inline-block rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-900"
        }
        "bad" => {
            "inline-block rounded-full bg-red-100 px-2 py-0.5 text-xs font-medium text-red-800"
        }
        _ => {
            "inline-block rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-700"
        }
    }
}

#[component]
pub fn Badge(tone: &'static str, #[prop(into)] text: String) -> impl IntoView {
    view! { <span class=badge_class(tone) data-testid="status">{text}</span> }
}

pub fn trip_badge(s: TripStatus) -> impl IntoView {
    let tone = match s {
        TripStatus::Published => "ok",
        TripStatus::Cancelled | TripStatus::Expired => "bad",
        _ => "",
    };
    view! { <Badge tone text=s.label()/> }
}

pub fn parcel_badge(s: ParcelStatus) -> impl IntoView {
    let tone = match s {
        ParcelStatus::Open | ParcelStatus::Booked => "ok",
        ParcelStatus::InReview => "warn",
        ParcelStatus::Rejected | ParcelStatus::Cancelled | ParcelStatus::Expired => "bad",
        _ => "",
    };
    view! { <Badge tone text=s.label()/> }
}

pub fn booking_badge(s: BookingStatus) -> impl IntoView {
    let tone = match s {
        BookingStatus::Accepted | BookingStatus::Completed => "ok",
        BookingStatus::Pending => "warn",
        BookingStatus::Declined
        | BookingStatus::Expired
        | BookingStatus::Cancelled
        | BookingStatus::Withdrawn
        | BookingStatus::Closed => "bad",
        _ => "",
    };
    view! { <Badge tone text=s.label()/> }
}

/// A trip in a list: route, dates, room and price.
#[component]
pub fn TripRow(trip: TripCard, #[prop(optional)] children: Option<Children>) -> impl IntoView {
    let href = format!("/trips/{}", trip.id);
    view! {
        <li class="card" data-testid="trip-card">
            <div class="flex flex-wrap items-start justify-between gap-2">
                <div>
                    <a class="link font-semibold" href=href>{trip.origin.clone()}" → "{trip.destination.clone()}</a>
                    <p class="text-sm text-slate-600">{trip.mode.label()}" · departs "{trip.departs.clone()}" · arrives "{trip.arrives.clone()}</p>
                    <p class="text-sm text-slate-600">
                        {trip.remaining.clone()}" free of "{trip.capacity.clone()}" · "
                        <strong>{trip.price_per_kg.to_string()}</strong>" per kg · "
                        // Each optional piece in its own element: adjacent text nodes would merge in
                        // the browser and throw hydration off.
                        <span>{trip.traveler.display_name.clone()}</span>
                        {trip.traveler.rating.clone().map(|r| view! { <span>{format!(" ★ {r}")}</span> })}
                        {trip.confirmed_traveler.then(|| view! { <span class="badge-ok ml-1" data-testid="badge-confirmed">"Confirmed traveler"</span> })}
                    </p>
                </div>
                {trip_badge(trip.status)}
            </div>
            {children.map(|c| c())}
        </li>
    }
}

/// A parcel in a list.
#[component]
pub fn ParcelRow(
    parcel: ParcelCard,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let href = format!("/parcels/{}", parcel.id);
    view! {
        <li class="card" data-testid="parcel-card">
            <div class="flex flex-wrap items-start justify-between gap-2">
                <div class="flex gap-3">
                    {parcel.thumbnail.clone().map(|t| view! { <img src=t alt="" class="h-16 w-16 rounded object-cover" loading="lazy"/> })}
                    <div>
                        <a class="link font-semibold" href=href>{parcel.title.clone()}</a>
                        <p class="text-sm text-slate-600">{parcel.from.clone()}" → "{parcel.to.clone()}</p>
                        <p class="text-sm text-slate-600">
                            {parcel.category.label()}" · "{parcel.weight.clone()}" · ready "{parcel.ready_from.clone()}
                            " · by "{parcel.deliver_by.clone()}" · reward "<strong>{parcel.reward.to_string()}</strong>
                        </p>
                    </div>
                </div>
                {parcel_badge(parcel.status)}
            </div>
            {children.map(|c| c())}
        </li>
    }
}

/// Why a result matched: the score and its two strongest reasons, every part on demand.
#[component]
pub fn ScoreBreakdown(score: i32, parts: Vec<ScorePart>) -> impl IntoView {
    let mut strongest: Vec<&ScorePart> = parts.iter().filter(|p| p.points > 0).collect();
    strongest.sort_by_key(|p| std::cmp::Reverse(p.points));
    let summary = strongest
        .iter()
        .take(2)
        .map(|p| p.why.clone())
        .collect::<Vec<_>>()
        .join(" · ");
    view! {
        <div class="mt-2 text-sm" data-testid="match-reason">
            <p class="text-slate-700"><strong class="text-teal-800">"Match "{score}"/100"</strong>
                {(!summary.is_empty()).then(|| format!(" — {summary}"))}</p>
            <details class="text-slate-700">
                <summary class="inline-flex min-h-11 cursor-pointer items-center text-teal-800">"Why this score"</summary>
                <ul class="mt-1 space-y-0.5">
                    {parts
                        .into_iter()
                        .map(|p| view! { <li><strong>{p.name}</strong>" "{p.points}"/"{p.max}": "{p.why}</li> })
                        .collect_view()}
                </ul>
            </details>
        </div>
    }
}

/// Shown while a page's data loads.
pub fn loading() -> impl IntoView {
    view! { <p class="text-slate-500">"Loading…"</p> }
}
