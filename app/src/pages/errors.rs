//! The error pages (404, 403, log in first) and the page shown when loading a page's data fails.

use crate::error::AppError;
use crate::i18n::tr;
use leptos::prelude::*;

fn status(code: u16) {
    #[cfg(feature = "ssr")]
    crate::server::ctx::set_page_status(code);
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}

#[component]
pub fn NotFound() -> impl IntoView {
    status(404);
    view! {
        <leptos_meta::Title text=tr("Page not found")/>
        <section class="mx-auto max-w-lg py-10 text-center" data-testid="not-found">
            <p class="text-sm font-semibold text-teal-700">"404"</p>
            <h1 class="mt-2 text-3xl font-bold">{tr("We couldn't find that page")}</h1>
            <p class="mt-3 text-slate-600">{tr("The address may be mistyped, or the page has moved.")}</p>
            <a href="/" class="btn-primary mt-6 inline-block">{tr("Go to the home page")}</a>
        </section>
    }
}

#[component]
pub fn Forbidden() -> impl IntoView {
    status(403);
    view! {
        <leptos_meta::Title text=tr("Not allowed")/>
        <section class="mx-auto max-w-lg py-10 text-center" data-testid="forbidden">
            <p class="text-sm font-semibold text-red-700">"403"</p>
            <h1 class="mt-2 text-3xl font-bold">{tr("You don't have access to this page")}</h1>
            <p class="mt-3 text-slate-600">{tr("If you think you should, contact the Carry team.")}</p>
            <a href="/" class="btn-primary mt-6 inline-block">{tr("Go to the home page")}</a>
        </section>
    }
}

#[component]
pub fn LoginRequired() -> impl IntoView {
    status(401);
    let (path, q) = crate::url::page_address();
    let target = if q.is_empty() {
        path
    } else {
        format!("{path}?{q}")
    };
    let next = format!("/login?next={}", crate::url::urlencode(&target));
    view! {
        <leptos_meta::Title text=tr("Log in")/>
        <section class="mx-auto max-w-lg py-10 text-center" data-testid="login-required">
            <h1 class="text-2xl font-bold">{tr("Log in to continue")}</h1>
            <p class="mt-3 text-slate-600">{tr("This page is only for members. Log in, or create a free account.")}</p>
            <div class="mt-6 flex justify-center gap-3">
                <a href=next class="btn-primary">{tr("Log in")}</a>
                <a href="/signup" class="btn-secondary">{tr("Sign up")}</a>
            </div>
        </section>
    }
}

/// The page to show when loading a page's data failed.
pub fn page_error(e: AppError) -> AnyView {
    match e {
        AppError::Unauthenticated => view! { <LoginRequired/> }.into_any(),
        AppError::Forbidden => view! { <Forbidden/> }.into_any(),
        AppError::NotFound(_) => view! { <NotFound/> }.into_any(),
        other => {
            status(other.status());
            view! {
                <section class="mx-auto max-w-lg py-10 text-center" data-testid="page-error">
                    <h1 class="text-2xl font-bold">{tr("Something went wrong")}</h1>
                    <p class="mt-3 text-slate-600">{other.to_string()}</p>
                </section>
            }
            .into_any()
        }
    }
}
