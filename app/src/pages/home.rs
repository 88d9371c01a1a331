//! The home page and the about page.

use leptos::prelude::*;

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <leptos_meta::Title text=""/>
        <section class="py-6 sm:py-12">
            <h1 class="text-3xl font-extrabold tracking-tight sm:text-5xl">
                "Send parcels with people "<span class="text-teal-700">"already making the trip"</span>"."
            </h1>
            <p class="mt-4 max-w-2xl text-lg text-slate-600">
                "Travelers sell the spare space in their luggage. Senders pay them to carry a parcel. "
                "Carry holds the money until the parcel arrives and proves every handoff with a code."
            </p>
            <div class="mt-8 flex flex-col gap-3 sm:flex-row">
                <a href="/parcels/new" class="btn-primary text-center">"Send a parcel"</a>
                <a href="/trips/new" class="btn-primary text-center">"Post a trip"</a>
                <a href="/search/trips" class="btn-secondary text-center">"Find a traveler"</a>
                <a href="/search/parcels" class="btn-secondary text-center">"Find parcels to carry"</a>
            </div>
            <p class="mt-4 text-sm text-slate-600">
                "New here? "<a href="/signup" class="link">"Create a free account"</a>" · "<a href="/login" class="link">"Log in"</a>
            </p>
        </section>
        <section class="grid gap-6 py-6 md:grid-cols-2" aria-label="How Carry works">
            <div class="card">
                <h2 class="text-xl font-bold">"For senders"</h2>
                <ol class="mt-3 list-decimal space-y-2 pl-5 text-slate-700">
                    <li>"Describe your parcel: what it is, its weight, where it goes and by when."</li>
                    <li>"We match it with travelers on that route and show why each one fits."</li>
                    <li>"Pay into escrow. The traveler is paid only when the parcel is delivered."</li>
                    <li>"Show the traveler your pickup code; the recipient gives them the delivery code."</li>
                </ol>
            </div>
            <div class="card">
                <h2 class="text-xl font-bold">"For travelers"</h2>
                <ol class="mt-3 list-decimal space-y-2 pl-5 text-slate-700">
                    <li>"Post a trip you are already making, with the kilos you can spare and your price."</li>
                    <li>"Accept parcels that fit, and chat with their senders before you agree."</li>
                    <li>"Inspect each parcel at pickup: you never carry anything you haven't checked."</li>
                    <li>"Deliver, enter the recipient's code, and the reward lands in your wallet."</li>
                </ol>
            </div>
        </section>
        <section class="py-6">
            <h2 class="text-xl font-bold">"Safe by design"</h2>
            <ul class="mt-3 grid gap-3 text-slate-700 sm:grid-cols-3">
                <li class="card">"Money waits in escrow until delivery is confirmed."</li>
                <li class="card">"Verified emails and IDs, ratings on both sides."</li>
                <li class="card">"Prohibited items are screened and every parcel is inspected."</li>
            </ul>
        </section>
    }
}

#[component]
pub fn AboutPage() -> impl IntoView {
    view! {
        <crate::components::layout::PageHeader title="About Carry"/>
        <div class="card space-y-3 text-slate-700">
            <p>{crate::BRAND}" is a crowdshipping marketplace: travelers carry parcels for senders on trips they already make."</p>
            <p>"Place data: GeoNames (geonames.org), licensed CC BY 4.0. Airport data: the airportsdata package, MIT licence."</p>
        </div>
    }
}
