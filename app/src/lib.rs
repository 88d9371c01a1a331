//! Carry: components, pages and server functions shared by the server and the browser, with the
//! route table grouped by product area. Server-only domain code is `server` (feature `ssr`).
#![recursion_limit = "256"]

pub mod api;
pub mod components;
pub mod error;
pub mod i18n;
pub mod pages;
pub mod types;
pub mod url;

#[cfg(feature = "ssr")]
pub mod server;

use components::layout::{AuthState, DemoBanner, Footer, NavBar};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, Meta, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
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
pub(crate) fn page_title(t: String) -> String {
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
                        <Route path=path!("/signup") view=accounts::auth::SignUpPage ssr=SsrMode::Async/>
                        <Route path=path!("/login") view=accounts::auth::LoginPage ssr=SsrMode::Async/>
                        <Route path=path!("/login/code") view=accounts::auth::LoginCodePage ssr=SsrMode::Async/>
                        <Route path=path!("/forgot-password") view=accounts::auth::ForgotPasswordPage ssr=SsrMode::Async/>
                        <Route path=path!("/reset-password") view=accounts::auth::ResetPasswordPage ssr=SsrMode::Async/>
                        <Route path=path!("/verify-email") view=accounts::auth::VerifyEmailPage ssr=SsrMode::Async/>
                        <Route path=path!("/account") view=accounts::settings::AccountPage ssr=SsrMode::Async/>
                        <Route path=path!("/account/password") view=accounts::settings::ChangePasswordPage ssr=SsrMode::Async/>
                        <Route path=path!("/account/sessions") view=accounts::settings::SessionsPage ssr=SsrMode::Async/>
                        <Route path=path!("/account/security") view=accounts::security::SecurityPage ssr=SsrMode::Async/>
                        <Route path=path!("/account/privacy") view=accounts::privacy::PrivacyPage ssr=SsrMode::Async/>
                        <Route path=path!("/account/verification") view=accounts::verification::VerificationPage ssr=SsrMode::Async/>
                        <Route path=path!("/u/:id") view=accounts::profile::PublicProfilePage ssr=SsrMode::Async/>
                        // trips
                        <Route path=path!("/trips") view=trips::list::MyTripsPage ssr=SsrMode::Async/>
                        <Route path=path!("/trips/new") view=trips::form::NewTripPage ssr=SsrMode::Async/>
                        <Route path=path!("/trips/:id") view=trips::view::TripPage ssr=SsrMode::Async/>
                        <Route path=path!("/trips/:id/edit") view=trips::form::EditTripPage ssr=SsrMode::Async/>
                        // parcels
                        <Route path=path!("/parcels") view=parcels::list::MyParcelsPage ssr=SsrMode::Async/>
                        <Route path=path!("/parcels/new") view=parcels::form::NewParcelPage ssr=SsrMode::Async/>
                        <Route path=path!("/parcels/:id") view=parcels::view::ParcelPage ssr=SsrMode::Async/>
                        <Route path=path!("/parcels/:id/edit") view=parcels::form::EditParcelPage ssr=SsrMode::Async/>
                        // matching
                        <Route path=path!("/search/trips") view=matching::search::SearchTripsPage ssr=SsrMode::Async/>
                        <Route path=path!("/search/parcels") view=matching::search::SearchParcelsPage ssr=SsrMode::Async/>
                        // bookings
                        <Route path=path!("/bookings") view=bookings::list::MyBookingsPage ssr=SsrMode::Async/>
                        <Route path=path!("/bookings/:id") view=bookings::view::BookingPage ssr=SsrMode::Async/>
                        <Route path=path!("/track") view=bookings::track::TrackPage ssr=SsrMode::Async/>
                        // wallet
                        <Route path=path!("/wallet") view=wallet::overview::WalletPage ssr=SsrMode::Async/>
                        // chat, notifications, alerts
                        <Route path=path!("/messages") view=chat::inbox::InboxPage ssr=SsrMode::Async/>
                        <Route path=path!("/messages/:id") view=chat::conversation::ConversationPage ssr=SsrMode::Async/>
                        <Route path=path!("/notifications") view=notifications::NotificationsPage ssr=SsrMode::Async/>
                        <Route path=path!("/account/notifications") view=notifications::NotificationPrefsPage ssr=SsrMode::Async/>
                        <Route path=path!("/alerts") view=matching::alerts::AlertsPage ssr=SsrMode::Async/>
                        <Route path=path!("/wallet/receipts/:kind/:id") view=wallet::receipt::ReceiptPage ssr=SsrMode::Async/>
                        // admin
                        <Route path=path!("/admin") view=admin::dashboard::AdminPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/parcels/review") view=admin::queues::ReviewQueuePage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/payouts") view=admin::queues::PayoutsPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/verifications") view=admin::queues::VerificationsPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/ledger") view=admin::ledger::LedgerPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/attention") view=admin::attention::AttentionPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/reports") view=admin::reports::ReportsPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/disputes") view=admin::disputes::DisputesPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/tickets") view=admin::tickets::TicketsPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/audit") view=admin::audit::AuditPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/users") view=admin::users::UsersPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/emails") view=admin::outbox::AdminEmailsPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/settings") view=admin::settings::SettingsPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/bookings") view=admin::inspect::BookingInspectorPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/ledger/transactions") view=admin::inspect::LedgerExplorerPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/users/:id") view=admin::users::MemberPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/disputes/:id") view=admin::disputes::AdminDisputePage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/conversations/:id") view=admin::reports::AdminConversationPage ssr=SsrMode::Async/>
                        <Route path=path!("/dev/outbox") view=admin::outbox::OutboxPage ssr=SsrMode::Async/>
                    </Routes>
                </main>
                <Footer/>
            </div>
        </Router>
    }
}
