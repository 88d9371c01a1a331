//! The page frame: who is logged in (shared by every page), the navigation, the footer, page
//! headings and confirmation notices.

use crate::api::accounts::{get_current_user, LogOut};
use crate::components::form::ActionForm;
use crate::components::resource::resource;
use crate::i18n::tr;
use crate::types::accounts::CurrentUser;
use leptos::prelude::*;
use leptos_router::components::A;

/// Who is logged in, shared by every page the server renders.
#[derive(Clone, Copy)]
pub struct AuthState {
    pub user: crate::components::resource::PageResource<Option<CurrentUser>>,
}

impl AuthState {
    pub fn provide() {
        let user = resource(
            || (),
            |_| async move { get_current_user().await.ok().flatten() },
        );
        provide_context(AuthState { user });
    }

    pub fn get() -> AuthState {
        expect_context::<AuthState>()
    }
}

#[component]
pub fn NavBar() -> impl IntoView {
    let auth = AuthState::get();
    let unread = resource(
        || (),
        |_| async move {
            crate::api::notifications::unread_counts()
                .await
                .unwrap_or_default()
        },
    );
    view! {
        <header class="border-b border-slate-200 bg-white">
            <nav class="mx-auto flex max-w-5xl items-center justify-between gap-2 px-4 py-1" aria-label=tr("Main")>
                <A href="/" attr:class="flex items-center gap-2 text-lg font-bold text-teal-700">
                    <span aria-hidden="true" class="inline-block h-6 w-6 rounded-md bg-teal-600"></span>
                    {crate::BRAND}
                </A>
                <div class="flex items-center gap-x-1 text-sm sm:gap-x-3">
                    <a href="/search/trips" class="nav-link hidden sm:inline-flex">{tr("Find trips")}</a>
                    <a href="/search/parcels" class="nav-link hidden sm:inline-flex">{tr("Find parcels")}</a>
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            match auth.user.await {
                                Some(user) => {
                                    let unread = unread.await;
                                    let account_zone = user.time_zone.clone();
                                    view! {
                                        <UserMenu user unread/>
                                        <crate::components::zone::ZoneReport member=true account_zone/>
                                    }.into_any()
                                }
                                None => view! {
                                    <crate::components::zone::ZoneReport member=false account_zone=None/>
                                    <A href="/login" attr:class="nav-link">{tr("Log in")}</A>
                                    <A href="/signup" attr:class="btn-primary">{tr("Sign up")}</A>
                                    <Menu label=view! { <MenuIcon/><span class="sr-only">{tr("Menu")}</span> }.into_any() phone_only=true>
                                        <SearchLinks/>
                                    </Menu>
                                }.into_any(),
                            }
                        })}
                    </Transition>
                </div>
            </nav>
        </header>
    }
}

/// The two searches, in the menu on a phone (the bar shows them on wider screens).
#[component]
fn SearchLinks() -> impl IntoView {
    view! {
        <a href="/search/trips" class="menu-link sm:hidden">{tr("Find trips")}</a>
        <a href="/search/parcels" class="menu-link sm:hidden">{tr("Find parcels")}</a>
    }
}

/// A disclosure menu (no JavaScript: a choice in it loads the next page, where it is closed).
#[component]
fn Menu(label: AnyView, #[prop(optional)] phone_only: bool, children: Children) -> impl IntoView {
    let class = if phone_only {
        "relative sm:hidden"
    } else {
        "relative"
    };
    view! {
        <details class=class>
            <summary class="nav-link cursor-pointer list-none gap-1" aria-haspopup="true">{label}</summary>
            <div class="absolute right-0 z-30 mt-1 flex w-60 max-w-[calc(100vw-2rem)] flex-col rounded-md border border-slate-200 bg-white p-1 shadow-lg">
                {children()}
            </div>
        </details>
    }
}

#[component]
fn UserMenu(user: CurrentUser, unread: crate::types::notifications::Unread) -> impl IntoView {
    let logout = ServerAction::<LogOut>::new();
    let profile = format!("/u/{}", user.id);
    let label = view! {
        <MenuIcon/>
        <span class="sr-only">{tr("Menu for ")}</span>
        <span class="max-w-24 truncate sm:max-w-40" data-testid="nav-user">{user.display_name.clone()}</span>
    }
    .into_any();
    view! {
        <a href="/bookings" class="nav-link hidden lg:inline-flex">{tr("Bookings")}</a>
        <a href="/wallet" class="nav-link hidden lg:inline-flex">{tr("Wallet")}</a>
        <UnreadLinks unread/>
        <Menu label>
            <SearchLinks/>
            {user.is_admin().then(|| view! { <A href="/admin" attr:class="menu-link">{tr("Admin")}</A> })}
            <a href="/bookings" class="menu-link lg:hidden">{tr("Bookings")}</a>
            <a href="/wallet" class="menu-link lg:hidden">{tr("Wallet")}</a>
            <a href="/trips" class="menu-link">{tr("My trips")}</a>
            <a href="/parcels" class="menu-link">{tr("My parcels")}</a>
            <a href="/alerts" class="menu-link">{tr("Route alerts")}</a>
            <A href="/account" attr:class="menu-link">{tr("Account")}</A>
            <a href=profile class="menu-link">{tr("Public profile")}</a>
            <ActionForm action=logout attr:class="contents">
                <button type="submit" class="menu-link text-left">{tr("Log out")}</button>
            </ActionForm>
        </Menu>
    }
}

/// Messages and the bell, with their unread counts: an island, so the counts stay live (fetched
/// again on every live event); `unread` is what the server counted.
#[island]
fn UnreadLinks(unread: crate::types::notifications::Unread) -> impl IntoView {
    let live = crate::components::live::Live::get();
    let counts = RwSignal::new(unread);
    // Fetched again after each live event (the effect never runs on the server).
    Effect::new(move |first: Option<()>| {
        let _ = (live.messages.get(), live.notifications.get());
        if first.is_some() {
            leptos::task::spawn_local(async move {
                if let Ok(now) = crate::api::notifications::unread_counts().await {
                    counts.set(now);
                }
            });
        }
    });
    let badge = move |n: i64, id: &'static str| {
        (n > 0).then(|| {
            view! { <span class="ml-1 rounded-full bg-teal-600 px-1.5 text-xs font-semibold text-white" data-testid=id>{n}</span> }
        })
    };
    let messages = move || crate::trf!("Messages: {} unread", counts.get().messages);
    let label = move || crate::trf!("Notifications: {} unread", counts.get().notifications);
    view! {
        <a href="/messages" class="nav-link" aria-label=messages data-testid="nav-messages">
            <span class="sm:hidden"><ChatIcon/></span><span class="hidden sm:inline">{tr("Messages")}</span>
            {move || badge(counts.get().messages, "unread-messages")}
        </a>
        <a href="/notifications" class="nav-link" aria-label=label data-testid="bell"><BellIcon/>{move || badge(counts.get().notifications, "unread-notifications")}</a>
    }
}

/// Three lines: the menu (decorative: the button has its own name).
#[component]
fn MenuIcon() -> impl IntoView {
    view! {
        <svg aria-hidden="true" viewBox="0 0 24 24" class="h-5 w-5 shrink-0" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round">
            <path d="M4 6h16M4 12h16M4 18h16"/>
        </svg>
    }
}

/// A speech bubble (decorative: the link has its own name).
#[component]
fn ChatIcon() -> impl IntoView {
    view! {
        <svg aria-hidden="true" viewBox="0 0 24 24" class="h-5 w-5" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
            <path d="M21 12a8 8 0 0 1-11.6 7.1L4 20l1.1-4.4A8 8 0 1 1 21 12z"/>
        </svg>
    }
}

/// A bell (decorative: the link has its own name).
#[component]
fn BellIcon() -> impl IntoView {
    view! {
        <svg aria-hidden="true" viewBox="0 0 24 24" class="h-5 w-5" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
            <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9"/>
            <path d="M13.7 21a2 2 0 0 1-3.4 0"/>
        </svg>
    }
}

#[component]
pub fn Footer() -> impl IntoView {
    view! {
        <footer class="border-t border-slate-200 bg-white">
            <div class="mx-auto flex max-w-5xl flex-col gap-2 px-4 py-6 text-sm text-slate-500 sm:flex-row sm:justify-between">
                <p>{crate::BRAND}{tr(" — parcels travel with people already making the trip.")}</p>
                <div class="flex flex-wrap items-center gap-4">
                    <a class="underline" href="/track">{tr("Track a parcel")}</a>
                    <a class="underline" href="/about">{tr("About and credits")}</a>
                    <LanguageSwitch/>
                </div>
            </div>
        </footer>
    }
}

/// English or French: a plain form, so the page loads again in the chosen language (with or
/// without JavaScript) and comes back to where it was.
#[component]
fn LanguageSwitch() -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    let here = move || format!("{}{}", location.pathname.get(), location.search.get());
    let now = crate::i18n::current();
    view! {
        <form method="post" action="/api/language" class="flex items-center gap-1" data-testid="language-switch">
            <input type="hidden" name="next" prop:value=here value=here/>
            <span class="sr-only">{tr("Language")}</span>
            {crate::i18n::Locale::ALL.map(|l| {
                let current = l == now;
                view! {
                    <button type="submit" name="lang" value=l.code() lang=l.code()
                        class="rounded px-2 py-1 underline-offset-2 hover:underline aria-[current=true]:font-semibold aria-[current=true]:text-slate-900"
                        aria-current=current.then_some("true")>
                        {l.name()}
                    </button>
                }
            })}
        </form>
    }
}

/// On a demo deployment, every page says that money is simulated.
#[component]
pub fn DemoBanner() -> impl IntoView {
    let demo = resource(|| (), |_| crate::api::wallet::demo_deployment());
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                demo.await.unwrap_or(false).then(|| view! {
                    <p role="note" class="bg-amber-100 px-4 py-2 text-center text-sm text-amber-950" data-testid="demo-banner">
                        {tr("This is a demo: payments are simulated and no real money moves.")}
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
            <Notice>{tr("Money added to your wallet. You can go ahead now.")}</Notice>
        </Show>
    }
}
