//! The home page and the about page.

use crate::api::bookings::home_summary;
use crate::components::cards::{loading, ParcelRow, TripRow};
use crate::components::layout::AuthState;
use crate::components::resource::resource;
use crate::i18n::tr;
use crate::pages::bookings::list::BookingRow;
use crate::types::bookings::Home;
use leptos::prelude::*;

/// A visitor sees what Carry is; a member sees what is next for them.
#[component]
pub fn HomePage() -> impl IntoView {
    let auth = AuthState::get();
    let home = resource(
        || (),
        |_| async move { home_summary().await.ok().flatten() },
    );
    let deleted = crate::url::query_flag("deleted");
    view! {
        <leptos_meta::Title text=""/>
        <Show when=move || deleted.get()>
            <crate::components::layout::Notice>
                <span data-testid="account-deleted">{tr("Your account was deleted. Thank you for carrying with us.")}</span>
            </crate::components::layout::Notice>
        </Show>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match (auth.user.await, home.await) {
                    (Some(user), Some(home)) => view! { <MemberHome name=user.display_name home/> }.into_any(),
                    _ => view! { <VisitorHome/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn MemberHome(name: String, home: Home) -> impl IntoView {
    let Home {
        next_trip,
        next_parcel,
        waiting,
        more_waiting,
    } = home;
    let nothing = next_trip.is_none() && next_parcel.is_none() && waiting.is_empty();
    view! {
        <section class="py-4" data-testid="member-home">
            <h1 class="text-2xl font-bold tracking-tight sm:text-3xl">{tr("Welcome back, ")}{name}</h1>
            <div class="mt-4 grid grid-cols-2 gap-3 sm:flex">
                <a href="/parcels/new" class="btn-primary text-center">{tr("Send a parcel")}</a>
                <a href="/trips/new" class="btn-primary text-center">{tr("Post a trip")}</a>
            </div>
        </section>
        {(!waiting.is_empty()).then(|| view! {
            <section class="py-4" aria-labelledby="waiting-h" data-testid="waiting">
                <h2 id="waiting-h" class="mb-3 text-xl font-bold">{tr("Waiting for your answer")}</h2>
                <ul class="space-y-3">{waiting.into_iter().map(|b| view! { <BookingRow b/> }).collect_view()}</ul>
                {(more_waiting > 0).then(|| view! {
                    <a href="/bookings" class="link mt-3 inline-block">{format!("{more_waiting} more in your bookings")}</a>
                })}
            </section>
        })}
        {next_trip.map(|trip| view! {
            <section class="py-4" aria-labelledby="next-trip-h" data-testid="next-trip">
                <h2 id="next-trip-h" class="mb-3 text-xl font-bold">{tr("Your next trip")}</h2>
                <ul><TripRow trip/></ul>
            </section>
        })}
        {next_parcel.map(|parcel| view! {
            <section class="py-4" aria-labelledby="next-parcel-h" data-testid="next-parcel">
                <h2 id="next-parcel-h" class="mb-3 text-xl font-bold">{tr("Your next parcel")}</h2>
                <ul><ParcelRow parcel/></ul>
            </section>
        })}
        {nothing.then(|| view! {
            <p class="py-4 text-slate-600">{tr("Nothing waits for you yet. Send a parcel, post a trip you are making, or look at what others have posted.")}</p>
        })}
        <section class="py-4" aria-label=tr("Search")>
            <div class="grid grid-cols-2 gap-3 sm:flex">
                <a href="/search/trips" class="btn-secondary text-center">{tr("Find a traveler")}</a>
                <a href="/search/parcels" class="btn-secondary text-center">{tr("Find parcels to carry")}</a>
            </div>
        </section>
    }
}

#[component]
fn VisitorHome() -> impl IntoView {
    view! {
        <section class="py-6 sm:py-12">
            <h1 class="text-3xl font-extrabold tracking-tight sm:text-5xl">
                {tr("Send parcels with people ")}<span class="text-teal-700">{tr("already making the trip")}</span>"."
            </h1>
            <p class="mt-4 max-w-2xl text-lg text-slate-600">
                {tr("Travelers sell the spare space in their luggage. Senders pay them to carry a parcel. ")}
                {tr("Carry holds the money until the parcel arrives and proves every handoff with a code.")}
            </p>
            <div class="mt-8 flex flex-col gap-3 sm:flex-row">
                <a href="/parcels/new" class="btn-primary text-center">{tr("Send a parcel")}</a>
                <a href="/trips/new" class="btn-primary text-center">{tr("Post a trip")}</a>
                <a href="/search/trips" class="btn-secondary text-center">{tr("Find a traveler")}</a>
                <a href="/search/parcels" class="btn-secondary text-center">{tr("Find parcels to carry")}</a>
            </div>
            <p class="mt-4 text-sm text-slate-600">
                {tr("New here? ")}<a href="/signup" class="link">{tr("Create a free account")}</a>" · "<a href="/login" class="link">{tr("Log in")}</a>
            </p>
        </section>
        <section class="grid gap-6 py-6 md:grid-cols-2" aria-label=tr("How Carry works")>
            <div class="card">
                <h2 class="text-xl font-bold">{tr("For senders")}</h2>
                <ol class="mt-3 list-decimal space-y-2 pl-5 text-slate-700">
                    <li>{tr("Describe your parcel: what it is, its weight, where it goes and by when.")}</li>
                    <li>{tr("We match it with travelers on that route and show why each one fits.")}</li>
                    <li>{tr("Pay into escrow. The traveler is paid only when the parcel is delivered.")}</li>
                    <li>{tr("Show the traveler your pickup code; the recipient gives them the delivery code.")}</li>
                </ol>
            </div>
            <div class="card">
                <h2 class="text-xl font-bold">{tr("For travelers")}</h2>
                <ol class="mt-3 list-decimal space-y-2 pl-5 text-slate-700">
                    <li>{tr("Post a trip you are already making, with the kilos you can spare and your price.")}</li>
                    <li>{tr("Accept parcels that fit, and chat with their senders before you agree.")}</li>
                    <li>{tr("Inspect each parcel at pickup: you never carry anything you haven't checked.")}</li>
                    <li>{tr("Deliver, enter the recipient's code, and the reward lands in your wallet.")}</li>
                </ol>
            </div>
        </section>
        <section class="py-6">
            <h2 class="text-xl font-bold">{tr("Safe by design")}</h2>
            <ul class="mt-3 grid gap-3 text-slate-700 sm:grid-cols-3">
                <li class="card">{tr("Money waits in escrow until delivery is confirmed.")}</li>
                <li class="card">{tr("Verified emails and IDs, ratings on both sides.")}</li>
                <li class="card">{tr("Prohibited items are screened and every parcel is inspected.")}</li>
            </ul>
        </section>
    }
}

#[component]
pub fn AboutPage() -> impl IntoView {
    view! {
        <crate::components::layout::PageHeader title=tr("About Carry")/>
        <div class="card space-y-3 text-slate-700">
            <p>{crate::BRAND}{tr(" is a crowdshipping marketplace: travelers carry parcels for senders on trips they already make.")}</p>
            <p>{tr("Place data: GeoNames (geonames.org), licensed CC BY 4.0. Airport data: the airportsdata package, MIT licence.")}</p>
        </div>
    }
}
