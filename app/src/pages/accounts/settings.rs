//! The member's account: profile, email confirmation, password, devices and sessions.

use crate::api::accounts::{
    my_profile, my_sessions, ChangePassword, ResendVerification, RevokeSession, UpdateProfile,
};
use crate::components::form::{
    action_error, ActionForm, CheckGroup, Field, FormError, PlaceInput, Submit, TextArea,
};
use crate::components::layout::{Notice, PageHeader};
use crate::components::resource::resource;
use crate::i18n::tr;
use crate::pages::errors::page_error;
use crate::types::accounts::{Profile, SessionInfo, LANGUAGES};
use leptos::prelude::*;

use crate::url::query_flag as flag;

#[component]
pub fn AccountPage() -> impl IntoView {
    let update = ServerAction::<UpdateProfile>::new();
    let profile = resource(|| (), |_| my_profile());
    view! {
        <Suspense fallback=|| view! { <p>{tr("Loading…")}</p> }>
            {move || Suspend::new(async move {
                match profile.await {
                    Ok(p) => view! { <AccountView profile=p update/> }.into_any(),
                    Err(e) => page_error(e),
                }
            })}
        </Suspense>
    }
}

#[component]
fn AccountView(profile: Profile, update: ServerAction<UpdateProfile>) -> impl IntoView {
    let error = action_error(update);
    let resend = ServerAction::<ResendVerification>::new();
    let resend_error = action_error(resend);
    let (welcome, saved, resent) = (flag("welcome"), flag("saved"), flag("resent"));
    let verified = profile.email_verified;
    view! {
        <PageHeader title=tr("Your account")/>
        <Show when=move || welcome.get()>
            <Notice><span data-testid="welcome">{tr("Welcome to Carry! Your email address is confirmed: you can book and carry.")}</span></Notice>
        </Show>
        <Show when=move || saved.get()>
            <Notice>{tr("Your profile was saved.")}</Notice>
        </Show>
        <Show when=move || resent.get()>
            <Notice>{tr("A new confirmation link is on its way.")}</Notice>
        </Show>
        <div class="grid gap-6 md:grid-cols-3">
            <div class="space-y-4 md:col-span-1">
                <div class="card">
                    <h2 class="font-semibold">{tr("Email")}</h2>
                    <p class="mt-1 break-all text-slate-700">{profile.email.clone()}</p>
                    {if verified {
                        view! { <p class="badge-ok mt-2" data-testid="verified-badge">{tr("Confirmed")}</p> }.into_any()
                    } else {
                        view! {
                            <p class="mt-2 text-sm text-amber-800" data-testid="unverified">
                                {tr("Not confirmed yet. Until you confirm it you can browse and draft, but not book, pay or carry.")}
                            </p>
                            <ActionForm action=resend attr:class="mt-3">
                                <FormError error=resend_error/>
                                <button type="submit" class="btn-secondary">{tr("Send a new link")}</button>
                            </ActionForm>
                        }.into_any()
                    }}
                </div>
                <AvatarCard avatar=profile.avatar.clone() name=profile.display_name.clone()/>
                <nav class="card flex flex-col gap-2" aria-label=tr("Account")>
                    <a class="link" href="/account/password">{tr("Change password")}</a>
                    <a class="link" href="/account/sessions">{tr("Devices and sessions")}</a>
                    <a class="link" href="/account/security">{tr("Two-factor login and API tokens")}</a>
                    <a class="link" href="/account/privacy">{tr("Your data and deleting your account")}</a>
                </nav>
            </div>
            <div class="card md:col-span-2">
                <h2 class="mb-4 text-lg font-semibold">{tr("Profile")}</h2>
                <ActionForm action=update>
                    <FormError error/>
                    <Field label=tr("Display name") name="display_name" value=profile.display_name.clone() required=true maxlength=60 error/>
                    <PlaceInput label=tr("Home city") name="home_city" value=profile.home_city.clone() hint=tr("Choose from the suggestions.") error/>
                    <Field label=tr("Phone (shown to the other side of an accepted booking)") name="phone" kind="tel" autocomplete="tel" value=profile.phone.clone() maxlength=40 hint=tr("With the country code, e.g. +33 6 12 34 56 78.") error/>
                    <CheckGroup legend=tr("Languages you speak") name="languages" options=LANGUAGES.iter().map(|(c, n)| (c.to_string(), tr(n).to_string())).collect() checked=profile.languages.clone() error/>
                    <TextArea label=tr("About you") name="bio" value=profile.bio.clone() maxlength=2000 hint=tr("What you carry or send, how to reach you on the day.") error/>
                    <Submit label=tr("Save profile") pending=update.pending().into()/>
                </ActionForm>
            </div>
        </div>
    }
}

#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    let action = ServerAction::<ChangePassword>::new();
    let error = action_error(action);
    let saved = flag("saved");
    // Loads who is asking, so a visitor who is not logged in gets the log-in page.
    let me = resource(|| (), |_| my_profile());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match me.await {
                    Err(e) => page_error(e),
                    Ok(_) => view! {
                        <div class="mx-auto max-w-md">
                            <PageHeader title=tr("Change password") lead=tr("Your other devices will be logged out.")/>
                            <Show when=move || saved.get()>
                                <Notice>{tr("Your password was changed.")}</Notice>
                            </Show>
                            <div class="card">
                                <ActionForm action=action>
                                    <FormError error/>
                                    <Field label=tr("Current password") name="current_password" kind="password" autocomplete="current-password" required=true error/>
                                    <Field label=tr("New password") name="new_password" kind="password" autocomplete="new-password" required=true hint=tr("At least 10 characters.") error/>
                                    <Submit label=tr("Change password") pending=action.pending().into()/>
                                </ActionForm>
                            </div>
                        </div>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn SessionsPage() -> impl IntoView {
    let revoke = ServerAction::<RevokeSession>::new();
    let sessions = resource(|| (), |_| my_sessions());
    let error = action_error(revoke);
    let revoked = flag("revoked");
    view! {
        <PageHeader title=tr("Devices and sessions") lead=tr("Where your account is logged in. Log out any device you don't recognise.")/>
        <Show when=move || revoked.get()>
            <Notice>{tr("That device was logged out.")}</Notice>
        </Show>
        <FormError error/>
        <Suspense fallback=|| view! { <p>{tr("Loading…")}</p> }>
            {move || Suspend::new(async move {
                match sessions.await {
                    Ok(list) => view! {
                        <ul class="space-y-3" data-testid="sessions">
                            {list.into_iter().map(|s| view! { <SessionRow s revoke/> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => page_error(e),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SessionRow(s: SessionInfo, revoke: ServerAction<RevokeSession>) -> impl IntoView {
    let label = if s.current {
        tr("Log out")
    } else {
        tr("Log out this device")
    };
    view! {
        <li class="card flex flex-col gap-3 sm:flex-row sm:items-center sm:justify-between" data-testid="session" data-current=s.current.to_string()>
            <div>
                <p class="font-medium">
                    {s.device.clone()}
                    {s.current.then(|| view! { <span class="badge-ok ml-2">{tr("This device")}</span> })}
                </p>
                <p class="text-sm text-slate-600">{tr("IP ")}{s.ip.clone()}{tr(" · last active ")}{s.last_seen_at.clone()}{tr(" · since ")}{s.created_at.clone()}</p>
            </div>
            <ActionForm action=revoke>
                <input type="hidden" name="session_id" value=s.id.to_string()/>
                <button type="submit" class="btn-secondary">{label}</button>
            </ActionForm>
        </li>
    }
}

/// The avatar: the picture (or the initial), and a plain multipart form to change it (it works
/// without JavaScript; the upload route answers with a redirect back here).
#[component]
fn AvatarCard(avatar: Option<String>, name: String) -> impl IntoView {
    let q = leptos_router::hooks::use_query_map();
    let error = Memo::new(move |_| q.read().get("avatar_error"));
    let changed = flag("avatar");
    let initial = name
        .chars()
        .next()
        .unwrap_or('?')
        .to_uppercase()
        .to_string();
    let has = avatar.is_some();
    view! {
        <div class="card" data-testid="avatar-card">
            <h2 class="font-semibold">{tr("Profile picture")}</h2>
            <Show when=move || changed.get()><p class="mt-1 text-sm text-teal-800" role="status">{tr("Picture saved.")}</p></Show>
            <div class="mt-3 flex items-center gap-4">
                {match avatar {
                    Some(src) => view! { <img src=src alt=tr("Your profile picture") class="h-20 w-20 rounded-full object-cover" width="80" height="80" data-testid="my-avatar"/> }.into_any(),
                    None => view! { <div aria-hidden="true" class="flex h-20 w-20 items-center justify-center rounded-full bg-teal-100 text-3xl font-bold text-teal-800">{initial}</div> }.into_any(),
                }}
            </div>
            <form method="post" action="/account/avatar" enctype="multipart/form-data" class="mt-3">
                <label class="block text-sm font-medium" for="avatar-file">{tr("A photo of you (JPEG, PNG or WebP, up to 8 MB)")}</label>
                <input id="avatar-file" type="file" name="image" accept="image/jpeg,image/png,image/webp" required=true class="mt-1 block w-full text-sm"/>
                {move || error.get().map(|e| view! { <p class="mt-1 text-sm text-red-700" role="alert" data-testid="avatar-error">{e}</p> })}
                <button type="submit" class="btn-secondary mt-3">{tr("Upload picture")}</button>
            </form>
            {has.then(|| view! {
                <form method="post" action="/account/avatar/delete" class="mt-2">
                    <button type="submit" class="btn-secondary">{tr("Remove picture")}</button>
                </form>
            })}
        </div>
    }
}
