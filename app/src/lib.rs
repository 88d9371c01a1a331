//! Carry: components, pages and server functions shared by the server and the browser, with the
//! route table grouped by product area. Server-only domain code is `server` (feature `ssr`).
#![recursion_limit = "256"]

pub mod api;
pub mod components;
pub mod error;
pub mod i18n;
pub mod pages;
mod routes;
pub mod types;
pub mod url;

#[cfg(feature = "ssr")]
pub mod server;

use components::layout::{AuthState, DemoBanner, Footer, NavBar};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, Meta, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, Lazy, SsrMode,
};
use pages::*;

// The French of the pages' texts (`app/locales/ui/`), compiled into the server. The browser's
// bundle does not carry it: a page in French fetches it as JSON (`i18n::browser_texts_path`,
// `i18n::load_browser_texts`).
#[cfg(feature = "ssr")]
rust_i18n::i18n!("locales/ui");

/// The product's name, in one place.
pub const BRAND: &str = "Carry";

pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    server::csp::provide_request_nonce();
    view! {
        <!DOCTYPE html>
        <html lang=i18n::current().code()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <AutoReload options=options.clone()/>
                <components::assets::Stylesheet options=options.clone()/>
                <components::assets::HydrateOnIdle options/>
                <MetaTags/>
            </head>
            <body class="min-h-screen bg-slate-50 text-slate-900 antialiased">
                <App/>
            </body>
        </html>
    }
}

/// The document title of a page. The server writes it into `<title>` as it is (leptos_meta does
/// not escape it), so it is escaped here for the server; the browser sets `document.title`,
/// which is plain text.
fn page_title(t: String) -> String {
    let full = if t.is_empty() {
        BRAND.to_string()
    } else {
        format!("{t} · {BRAND}")
    };
    #[cfg(feature = "ssr")]
    let full = escape_html(&full);
    full
}

/// Text made safe to write into HTML.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    AuthState::provide();
    components::live::Live::provide();
    components::zone::report();
    view! {
        <Link rel="icon" href="/favicon.svg"/>
        <Meta name="description" content="Carry: send parcels with travelers already making the trip."/>
        <Title formatter=page_title/>
        <Router>
            <div class="flex min-h-screen flex-col">
                <DemoBanner/>
                <NavBar/>
                <main class="mx-auto w-full max-w-5xl flex-1 px-4 py-6 sm:py-10">
                    <components::layout::TopUpNotice/>
                    <Routes fallback=pages::errors::NotFound>
                        <Route path=path!("") view=home::HomePage ssr=SsrMode::Async/>
                        <Route path=path!("/about") view=home::AboutPage ssr=SsrMode::Async/>
                        // accounts
                        <Route path=path!("/signup") view={Lazy::<routes::SignUpRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/login") view={Lazy::<routes::LoginRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/login/code") view={Lazy::<routes::LoginCodeRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/forgot-password") view={Lazy::<routes::ForgotPasswordRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/reset-password") view={Lazy::<routes::ResetPasswordRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/verify-email") view={Lazy::<routes::VerifyEmailRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/account") view={Lazy::<routes::AccountRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/account/password") view={Lazy::<routes::ChangePasswordRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/account/sessions") view={Lazy::<routes::SessionsRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/account/security") view={Lazy::<routes::SecurityRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/account/privacy") view={Lazy::<routes::PrivacyRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/account/verification") view={Lazy::<routes::VerificationRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/u/:id") view={Lazy::<routes::PublicProfileRoute>::new()} ssr=SsrMode::Async/>
                        // trips
                        <Route path=path!("/trips") view={Lazy::<routes::MyTripsRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/trips/new") view={Lazy::<routes::NewTripRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/trips/:id") view={Lazy::<routes::TripRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/trips/:id/edit") view={Lazy::<routes::EditTripRoute>::new()} ssr=SsrMode::Async/>
                        // parcels
                        <Route path=path!("/parcels") view={Lazy::<routes::MyParcelsRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/parcels/new") view={Lazy::<routes::NewParcelRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/parcels/:id") view=parcels::view::ParcelPage ssr=SsrMode::Async/>
                        <Route path=path!("/parcels/:id/edit") view={Lazy::<routes::EditParcelRoute>::new()} ssr=SsrMode::Async/>
                        // matching
                        <Route path=path!("/search/trips") view=matching::search::SearchTripsPage ssr=SsrMode::Async/>
                        <Route path=path!("/search/parcels") view=matching::search::SearchParcelsPage ssr=SsrMode::Async/>
                        // bookings
                        <Route path=path!("/bookings") view={Lazy::<routes::MyBookingsRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/bookings/:id") view={Lazy::<routes::BookingRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/track") view={Lazy::<routes::TrackRoute>::new()} ssr=SsrMode::Async/>
                        // wallet
                        <Route path=path!("/wallet") view={Lazy::<routes::WalletRoute>::new()} ssr=SsrMode::Async/>
                        // chat, notifications, alerts
                        <Route path=path!("/messages") view={Lazy::<routes::InboxRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/messages/:id") view={Lazy::<routes::ConversationRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/notifications") view={Lazy::<routes::NotificationsRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/account/notifications") view={Lazy::<routes::NotificationPrefsRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/alerts") view={Lazy::<routes::AlertsRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/wallet/receipts/:kind/:id") view={Lazy::<routes::ReceiptRoute>::new()} ssr=SsrMode::Async/>
                        // admin
                        <Route path=path!("/admin") view={Lazy::<routes::AdminRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/admin/parcels/review") view={Lazy::<routes::ReviewQueueRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/admin/payouts") view={Lazy::<routes::PayoutsRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/admin/verifications") view={Lazy::<routes::VerificationsRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/admin/ledger") view={Lazy::<routes::LedgerRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/admin/attention") view={Lazy::<routes::AttentionRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/admin/reports") view={Lazy::<routes::ReportsRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/admin/disputes") view={Lazy::<routes::DisputesRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/admin/tickets") view={Lazy::<routes::TicketsRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/admin/audit") view={Lazy::<routes::AuditRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/admin/users") view={Lazy::<routes::UsersRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/admin/emails") view={Lazy::<routes::AdminEmailsRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/admin/settings") view={Lazy::<routes::SettingsRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/admin/bookings") view={Lazy::<routes::BookingInspectorRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/admin/ledger/transactions") view={Lazy::<routes::LedgerExplorerRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/admin/users/:id") view={Lazy::<routes::MemberRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/admin/disputes/:id") view={Lazy::<routes::AdminDisputeRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/admin/conversations/:id") view={Lazy::<routes::AdminConversationRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/dev/outbox") view={Lazy::<routes::OutboxRoute>::new()} ssr=SsrMode::Async/>
                    </Routes>
                </main>
                <Footer/>
            </div>
        </Router>
    }
}
