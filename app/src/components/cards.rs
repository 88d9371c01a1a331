//! Pieces the pages share: option lists, status badges, listing cards, score breakdowns.

use crate::i18n::tr;
use crate::types::accounts::UserBrief;
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

/// Who posted a listing, as people compare them: name, rating (or "New"), deliveries, badges.
#[component]
fn Member(who: UserBrief, #[prop(optional)] confirmed_traveler: bool) -> impl IntoView {
    // Each piece in its own element: adjacent text nodes would merge in the browser and throw
    // hydration off.
    let UserBrief {
        display_name,
        rating,
        completed_deliveries,
        id_verified,
        ..
    } = who;
    let rating = match rating {
        Some(r) => view! {
            <span class="font-semibold text-amber-800" data-testid="rating">{format!("★ {r}")}</span>
        }
        .into_any(),
        None => view! { <span class="text-slate-600">{tr("New member")}</span> }.into_any(),
    };
    view! {
        <p class="mt-2 flex flex-wrap items-center gap-x-2 gap-y-1 text-sm">
            <span class="font-medium text-slate-900">{display_name}</span>
            {rating}
            {(completed_deliveries > 0).then(|| view! {
                <span class="text-slate-600">{crate::trf!("{} completed", completed_deliveries)}</span>
            })}
            {id_verified.then(|| view! { <span class="badge-ok" data-testid="badge-id">{tr("ID verified")}</span> })}
            {confirmed_traveler.then(|| view! { <span class="badge-ok" data-testid="badge-confirmed">{tr("Confirmed traveler")}</span> })}
        </p>
    }
}

/// A trip in a list. What people compare comes first and largest: the date and the price, then
/// the traveler's rating and badges; the route, room and arrival after.
#[component]
pub fn TripRow(trip: TripCard, #[prop(optional)] children: Option<Children>) -> impl IntoView {
    // Moved out, not cloned: twenty cards a page.
    let TripCard {
        id,
        origin,
        destination,
        departs,
        arrives,
        mode,
        remaining,
        capacity,
        price_per_kg,
        status,
        confirmed_traveler,
        traveler,
        ..
    } = trip;
    let href = format!("/trips/{id}");
    view! {
        <li class="card" data-testid="trip-card">
            <div class="flex items-start justify-between gap-3">
                <div class="min-w-0">
                    <p class="font-semibold text-slate-900" data-testid="trip-date">{departs}</p>
                    <a class="link font-semibold" href=href>{origin}" → "{destination}</a>
                </div>
                <p class="shrink-0 text-right">
                    <span class="block text-xl font-bold text-teal-800" data-testid="trip-price">{price_per_kg.to_string()}</span>
                    <span class="text-xs text-slate-600">{tr("per kg")}</span>
                </p>
            </div>
            <Member who=traveler confirmed_traveler/>
            <p class="mt-1 flex flex-wrap items-center gap-x-2 text-xs text-slate-600">
                <span>{mode.label()}{tr(" · arrives ")}{arrives}</span>
                <span>{remaining}{tr(" free of ")}{capacity}</span>
                {(status != TripStatus::Published).then(|| trip_badge(status))}
            </p>
            {children.map(|c| c())}
        </li>
    }
}

/// A parcel in a list: the reward and the deadline first and largest, then the sender's rating,
/// the route and what it is.
#[component]
pub fn ParcelRow(
    parcel: ParcelCard,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    // Moved out, not cloned: twenty cards a page.
    let ParcelCard {
        id,
        title,
        category,
        weight,
        from,
        to,
        ready_from,
        deliver_by,
        reward,
        status,
        thumbnail,
        sender,
        ..
    } = parcel;
    let href = format!("/parcels/{id}");
    view! {
        <li class="card" data-testid="parcel-card">
            <div class="flex gap-3">
                {thumbnail.map(|t| view! { <img src=t alt="" class="h-16 w-16 shrink-0 rounded object-cover" loading="lazy"/> })}
                <div class="min-w-0 flex-1">
                    <div class="flex items-start justify-between gap-3">
                        <div class="min-w-0">
                            <p class="font-semibold text-slate-900" data-testid="parcel-dates">{tr("By ")}{deliver_by}</p>
                            <a class="link font-semibold" href=href>{title}</a>
                        </div>
                        <p class="shrink-0 text-right">
                            <span class="block text-xl font-bold text-teal-800" data-testid="parcel-reward">{reward.to_string()}</span>
                            <span class="text-xs text-slate-600">{tr("reward")}</span>
                        </p>
                    </div>
                    <Member who=sender/>
                    <p class="mt-1 flex flex-wrap items-center gap-x-2 text-xs text-slate-600">
                        <span>{from}" → "{to}</span>
                        <span>{category.label()}" · "{weight}{tr(" · ready ")}{ready_from}</span>
                        {(status != ParcelStatus::Open).then(|| parcel_badge(status))}
                    </p>
                </div>
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
            <p class="text-slate-700"><strong class="text-teal-800">{tr("Match ")}{score}"/100"</strong>
                {(!summary.is_empty()).then(|| format!(" — {summary}"))}</p>
            <details class="text-slate-700">
                <summary class="inline-flex min-h-11 cursor-pointer items-center text-teal-800">{tr("Why this score")}</summary>
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
    view! { <p class="text-slate-500">{tr("Loading…")}</p> }
}
