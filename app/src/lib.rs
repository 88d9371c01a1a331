//! Carry: components, pages and server functions shared by the server and the browser.
#![recursion_limit = "256"]

pub mod api;
pub mod components;
pub mod error;
pub mod market;
pub mod money;
pub mod pages;
pub mod types;

#[cfg(feature = "ssr")]
pub mod server;

use components::layout::{AuthState, Footer, NavBar};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, Meta, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};
use pages::*;

/// The product's name, in one place.
pub const BRAND: &str = "Carry";

pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    server::csp::provide_request_nonce();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body class="min-h-screen bg-slate-50 text-slate-900 antialiased">
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    AuthState::provide();
    // Effects run only in the browser: this marks the page as hydrated (the browser tests wait for it).
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        <Stylesheet id="leptos" href="/pkg/carry.css"/>
        <Link rel="icon" href="/favicon.svg"/>
        <Meta name="description" content="Carry: send parcels with travelers already making the trip."/>
        <Title formatter=|t: String| if t.is_empty() { BRAND.to_string() } else { format!("{t} · {BRAND}") }/>
        <Router>
            <div class="flex min-h-screen flex-col">
                <NavBar/>
                <main class="mx-auto w-full max-w-5xl flex-1 px-4 py-6 sm:py-10">
                    <components::layout::TopUpNotice/>
                    <Routes fallback=pages::errors::NotFound>
                        <Route path=path!("") view=home::HomePage ssr=SsrMode::Async/>
                        <Route path=path!("/signup") view=auth::SignUpPage ssr=SsrMode::Async/>
                        <Route path=path!("/login") view=auth::LoginPage ssr=SsrMode::Async/>
                        <Route path=path!("/forgot-password") view=auth::ForgotPasswordPage ssr=SsrMode::Async/>
                        <Route path=path!("/reset-password") view=auth::ResetPasswordPage ssr=SsrMode::Async/>
                        <Route path=path!("/verify-email") view=auth::VerifyEmailPage ssr=SsrMode::Async/>
                        <Route path=path!("/account") view=account::AccountPage ssr=SsrMode::Async/>
                        <Route path=path!("/account/password") view=account::ChangePasswordPage ssr=SsrMode::Async/>
                        <Route path=path!("/account/sessions") view=account::SessionsPage ssr=SsrMode::Async/>
                        <Route path=path!("/u/:id") view=profile::PublicProfilePage ssr=SsrMode::Async/>
                        <Route path=path!("/admin") view=admin::AdminPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/parcels/review") view=admin::ReviewQueuePage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/payouts") view=admin::PayoutsPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/verifications") view=admin::VerificationsPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/ledger") view=admin::LedgerPage ssr=SsrMode::Async/>
                        <Route path=path!("/wallet") view=wallet::WalletPage ssr=SsrMode::Async/>
                        <Route path=path!("/wallet/receipts/:kind/:id") view=wallet::ReceiptPage ssr=SsrMode::Async/>
                        <Route path=path!("/account/verification") view=wallet::VerificationPage ssr=SsrMode::Async/>
                        <Route path=path!("/track") view=wallet::TrackPage ssr=SsrMode::Async/>
                        <Route path=path!("/trips") view=trips::MyTripsPage ssr=SsrMode::Async/>
                        <Route path=path!("/trips/new") view=trips::NewTripPage ssr=SsrMode::Async/>
                        <Route path=path!("/trips/:id") view=trips::TripPage ssr=SsrMode::Async/>
                        <Route path=path!("/trips/:id/edit") view=trips::EditTripPage ssr=SsrMode::Async/>
                        <Route path=path!("/parcels") view=parcels::MyParcelsPage ssr=SsrMode::Async/>
                        <Route path=path!("/parcels/new") view=parcels::NewParcelPage ssr=SsrMode::Async/>
                        <Route path=path!("/parcels/:id") view=parcels::ParcelPage ssr=SsrMode::Async/>
                        <Route path=path!("/parcels/:id/edit") view=parcels::EditParcelPage ssr=SsrMode::Async/>
                        <Route path=path!("/search/trips") view=search::SearchTripsPage ssr=SsrMode::Async/>
                        <Route path=path!("/search/parcels") view=search::SearchParcelsPage ssr=SsrMode::Async/>
                        <Route path=path!("/bookings") view=bookings::MyBookingsPage ssr=SsrMode::Async/>
                        <Route path=path!("/bookings/:id") view=bookings::BookingPage ssr=SsrMode::Async/>
                        <Route path=path!("/dev/outbox") view=dev::OutboxPage ssr=SsrMode::Async/>
                        <Route path=path!("/about") view=home::AboutPage ssr=SsrMode::Async/>
                    </Routes>
                </main>
                <Footer/>
            </div>
        </Router>
    }
}
