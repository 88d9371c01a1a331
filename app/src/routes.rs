//! The pages a first visit does not need, in groups the browser loads on demand. A group is one
//! split point (`cargo leptos build --split` makes it a WASM module of its own): its pages'
//! code, and what only they use, arrive when one of them is first visited. Groups follow how
//! people move through the site, so one visit rarely needs two. Home, search and a parcel's
//! page are in the main module (see `App`).

use crate::pages::*;
use leptos::prelude::*;
use leptos_router::LazyRoute;

/// A group of pages: a lazy function that renders the page a route names, and a route type per
/// page (`Lazy::<Route>::new()` in the route table) that asks the group for it.
macro_rules! lazy_group {
    ($group:ident, $preload:ident { $($route:ident => $page:path),+ $(,)? }) => {
        #[lazy]
        fn $group(route: &'static str) -> AnyView {
            match route {
                $(stringify!($route) => view! { <$page/> }.into_any(),)+
                _ => view! { <crate::pages::errors::NotFound/> }.into_any(),
            }
        }

        $(
            pub struct $route;

            impl LazyRoute for $route {
                fn data() -> Self {
                    $route
                }

                async fn view(_this: Self) -> AnyView {
                    $group(stringify!($route)).await
                }

                async fn preload() {
                    #[cfg(feature = "hydrate")]
                    $preload().await;
                }
            }
        )+
    };
}

// Signing up and logging in: often a visitor's second page, so kept apart from the settings.
lazy_group!(auth_pages, __preload_auth_pages {
    SignUpRoute => accounts::auth::SignUpPage,
    LoginRoute => accounts::auth::LoginPage,
    LoginCodeRoute => accounts::auth::LoginCodePage,
    ForgotPasswordRoute => accounts::auth::ForgotPasswordPage,
    ResetPasswordRoute => accounts::auth::ResetPasswordPage,
    VerifyEmailRoute => accounts::auth::VerifyEmailPage,
});

lazy_group!(account_pages, __preload_account_pages {
    AccountRoute => accounts::settings::AccountPage,
    ChangePasswordRoute => accounts::settings::ChangePasswordPage,
    SessionsRoute => accounts::settings::SessionsPage,
    SecurityRoute => accounts::security::SecurityPage,
    PrivacyRoute => accounts::privacy::PrivacyPage,
    VerificationRoute => accounts::verification::VerificationPage,
    PublicProfileRoute => accounts::profile::PublicProfilePage,
    NotificationPrefsRoute => notifications::NotificationPrefsPage,
});

lazy_group!(listing_pages, __preload_listing_pages {
    MyTripsRoute => trips::list::MyTripsPage,
    NewTripRoute => trips::form::NewTripPage,
    TripRoute => trips::view::TripPage,
    EditTripRoute => trips::form::EditTripPage,
    MyParcelsRoute => parcels::list::MyParcelsPage,
    NewParcelRoute => parcels::form::NewParcelPage,
    EditParcelRoute => parcels::form::EditParcelPage,
});

lazy_group!(booking_pages, __preload_booking_pages {
    MyBookingsRoute => bookings::list::MyBookingsPage,
    BookingRoute => bookings::view::BookingPage,
    TrackRoute => bookings::track::TrackPage,
    WalletRoute => wallet::overview::WalletPage,
    ReceiptRoute => wallet::receipt::ReceiptPage,
});

lazy_group!(message_pages, __preload_message_pages {
    InboxRoute => chat::inbox::InboxPage,
    ConversationRoute => chat::conversation::ConversationPage,
    NotificationsRoute => notifications::NotificationsPage,
    AlertsRoute => matching::alerts::AlertsPage,
});

lazy_group!(admin_pages, __preload_admin_pages {
    AdminRoute => admin::dashboard::AdminPage,
    ReviewQueueRoute => admin::queues::ReviewQueuePage,
    PayoutsRoute => admin::queues::PayoutsPage,
    VerificationsRoute => admin::queues::VerificationsPage,
    LedgerRoute => admin::ledger::LedgerPage,
    AttentionRoute => admin::attention::AttentionPage,
    ReportsRoute => admin::reports::ReportsPage,
    DisputesRoute => admin::disputes::DisputesPage,
    TicketsRoute => admin::tickets::TicketsPage,
    AuditRoute => admin::audit::AuditPage,
    UsersRoute => admin::users::UsersPage,
    AdminEmailsRoute => admin::outbox::AdminEmailsPage,
    SettingsRoute => admin::settings::SettingsPage,
    BookingInspectorRoute => admin::inspect::BookingInspectorPage,
    LedgerExplorerRoute => admin::inspect::LedgerExplorerPage,
    MemberRoute => admin::users::MemberPage,
    AdminDisputeRoute => admin::disputes::AdminDisputePage,
    AdminConversationRoute => admin::reports::AdminConversationPage,
    OutboxRoute => admin::outbox::OutboxPage,
});
