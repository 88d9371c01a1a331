//! The page frame: who is logged in (shared by every page), the navigation, the footer, page
//! headings and confirmation notices.

use crate::api::accounts::{get_current_user, LogOut};
use crate::types::accounts::CurrentUser;
use leptos::prelude::*;
use leptos_router::components::A;

/// Who is logged in, shared by every page. `refresh` is bumped after login, logout or sign-up.
#[derive(Clone, Copy)]
pub struct AuthState {
    pub user: Resource<Option<CurrentUser>>,
    pub refresh: RwSignal<u32>,
}

impl AuthState {
    pub fn provide() {
        let refresh = RwSignal::new(0u32);
        let user = Resource::new(
            move || refresh.get(),
            |_| async move { get_current_user().await.ok().flatten() },
        );
        provide_context(AuthState { user, refresh });
    }

    pub fn get() -> AuthState {
        expect_context::<AuthState>()
    }

    pub fn bump(&self) {
        self.refresh.update(|n| *n += 1);
    }

    /// Reloads the navigation's user once `action` succeeds (login, logout, sign-up, profile...).
    /// Without JavaScript the page reloads anyway.
    pub fn refresh_after<S>(action: ServerAction<S>)
    where
        S: leptos::server_fn::ServerFn<Error = crate::error::AppError, Output = ()>
            + Clone
            + Send
            + Sync
            + 'static,
    {
        let auth = Self::get();
        Effect::new(move |_| {
            if let Some(Ok(())) = action.value().get() {
                auth.bump();
            }
        });
    }
}

#[component]
pub fn NavBar() -> impl IntoView {
    let auth = AuthState::get();
    let live = crate::components::live::Live::get();
    // Created here, beside the user, so the server and the browser make it in the same place.
    let unread = Resource::new(
        move || {
            (
                live.messages.get(),
                live.notifications.get(),
                auth.refresh.get(),
            )
        },
        |_| async move {
            crate::api::notifications::unread_counts()
                .await
                .unwrap_or_default()
        },
    );
    view! {
        <header class="border-b border-slate-200 bg-white">
            <nav class="mx-auto flex max-w-5xl flex-wrap items-center justify-between gap-x-4 gap-y-2 px-4 py-3" aria-label="Main">
                <A href="/" attr:class="flex items-center gap-2 text-lg font-bold text-teal-700">
                    <span aria-hidden="true" class="inline-block h-6 w-6 rounded-md bg-teal-600"></span>
                    {crate::BRAND}
                </A>
                <div class="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm sm:gap-x-4">
                    <a href="/search/trips" class="nav-link">"Find trips"</a>
                    <a href="/search/parcels" class="nav-link">"Find parcels"</a>
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            match auth.user.await {
                                Some(user) => {
                                    let unread = unread.await;
                                    view! { <UserMenu user unread/> }.into_any()
                                }
                                None => view! {
                                    <A href="/login" attr:class="nav-link">"Log in"</A>
                                    <A href="/signup" attr:class="btn-primary">"Sign up"</A>
                                }.into_any(),
                            }
                        })}
                    </Transition>
                </div>
            </nav>
        </header>
    }
}

#[component]
fn UserMenu(user: CurrentUser, unread: crate::types::notifications::Unread) -> impl IntoView {
    let logout = ServerAction::<LogOut>::new();
    AuthState::refresh_after(logout);
    let profile = format!("/u/{}", user.id);
    view! {
        {user.is_admin().then(|| view! { <A href="/admin" attr:class="nav-link">"Admin"</A> })}
        <a href="/trips" class="nav-link">"My trips"</a>
        <a href="/parcels" class="nav-link">"My parcels"</a>
        <a href="/bookings" class="nav-link">"Bookings"</a>
        <a href="/wallet" class="nav-link">"Wallet"</a>
        <UnreadLinks unread/>
        <A href="/account" attr:class="nav-link" attr:data-testid="nav-user">{user.display_name.clone()}</A>
        <a href=profile class="nav-link">"Public profile"</a>
        <ActionForm action=logout attr:class="inline">
            <button type="submit" class="nav-link">"Log out"</button>
        </ActionForm>
    }
}

/// Messages and the bell, with their unread counts (live: the counts are fetched again on every
/// live event).
#[component]
fn UnreadLinks(unread: crate::types::notifications::Unread) -> impl IntoView {
    let badge = |n: i64, id: &'static str| {
        (n > 0).then(|| {
            view! { <span class="ml-1 rounded-full bg-teal-600 px-1.5 text-xs font-semibold text-white" data-testid=id>{n}</span> }
        })
    };
    let label = format!("Notifications ({} unread)", unread.notifications);
    view! {
        <a href="/messages" class="nav-link" data-testid="nav-messages">"Messages"{badge(unread.messages, "unread-messages")}</a>
        <a href="/notifications" class="nav-link" aria-label=label data-testid="bell">"🔔"{badge(unread.notifications, "unread-notifications")}</a>
    }
}

#[component]
pub fn Footer() -> impl IntoView {
    view! {
        <footer class="border-t border-slate-200 bg-white">
            <div class="mx-auto flex max-w-5xl flex-col gap-2 px-4 py-6 text-sm text-slate-500 sm:flex-row sm:justify-between">
                <p>{crate::BRAND}" — parcels travel with people already making the trip."</p>
                <p class="flex gap-4"><a class="underline" href="/track">"Track a parcel"</a><a class="underline" href="/about">"About and credits"</a></p>
            </div>
        </footer>
    }
}

/// On a demo deployment, every page says that money is simulated.
#[component]
pub fn DemoBanner() -> impl IntoView {
    let demo = Resource::new(|| (), |_| crate::api::wallet::demo_deployment());
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                demo.await.unwrap_or(false).then(|| view! {
                    <p role="note" class="bg-amber-100 px-4 py-2 text-center text-sm text-amber-950" data-testid="demo-banner">
                        "This is a demo: payments are simulated and no real money moves."
                    </p>
                })
            })}
        </Transition>
    }
}

/// A page heading with an optional lead paragraph.
#[component]
pub fn PageHeader(title: &'static str, #[prop(optional)] lead: &'static str) -> impl IntoView {
    view! {
        <leptos_meta::Title text=title/>
        <div class="mb-6">
            <h1 class="text-2xl font-bold tracking-tight sm:text-3xl">{title}</h1>
            {(!lead.is_empty()).then(|| view! { <p class="mt-2 text-slate-600">{lead}</p> })}
        </div>
    }
}

/// A green confirmation box.
#[component]
pub fn Notice(children: Children) -> impl IntoView {
    view! {
        <div role="status" class="mb-4 rounded-md border border-teal-200 bg-teal-50 p-3 text-teal-900">
            {children()}
        </div>
    }
}

/// After a top-up that was offered to pay for something, back on that page: say so, so the user
/// knows their money arrived and the action can go ahead. (The wallet page has its own notice.)
#[component]
pub fn TopUpNotice() -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    let topped_up = crate::url::query_flag("topped_up");
    let show = move || topped_up.get() && location.pathname.get() != "/wallet";
    view! {
        <Show when=show>
            <Notice>"Money added to your wallet. You can go ahead now."</Notice>
        </Show>
    }
}
