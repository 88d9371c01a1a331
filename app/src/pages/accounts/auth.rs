//! Sign-up, login, password reset and email confirmation.

use crate::api::accounts::{
    LogIn, LogInWithCode, RequestPasswordReset, ResetPassword, SignUp, VerifyEmail,
};
use crate::components::form::{action_error, ActionForm, Field, FormError, Submit};
use crate::components::layout::{Notice, PageHeader};
use crate::i18n::tr;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

fn query(name: &'static str) -> Memo<Option<String>> {
    let q = use_query_map();
    Memo::new(move |_| q.read().get(name))
}

#[component]
pub fn SignUpPage() -> impl IntoView {
    let action = ServerAction::<SignUp>::new();
    let error = action_error(action);
    let sent = query("sent");
    view! {
        <div class="mx-auto max-w-md">
            <PageHeader title=tr("Create your account") lead=tr("Free to join. Send parcels, or earn on trips you already make.")/>
            <Show
                when=move || sent.get().is_none()
                fallback=|| view! {
                    <Notice>
                        <span data-testid="signup-sent">{tr("Check your inbox: we sent you a link to confirm your address and finish signing up. It works for 24 hours.")}</span>
                    </Notice>
                    <p class="text-sm text-slate-600">{tr("Nothing arrived? Look in your spam folder, or ")}<a class="link" href="/signup">{tr("try again")}</a>{tr(". Already a member? ")}<a class="link" href="/login">{tr("Log in")}</a>"."</p>
                }
            >
                <div class="card">
                    <ActionForm action=action>
                        <FormError error/>
                        <Field label=tr("Email") name="email" kind="email" autocomplete="email" required=true error/>
                        <Field label=tr("Display name") name="display_name" autocomplete="name" required=true maxlength=60 hint=tr("Shown to other members.") error/>
                        <Field label=tr("Password") name="password" kind="password" autocomplete="new-password" required=true hint=tr("At least 10 characters. Avoid common passwords.") error/>
                        <Submit label=tr("Create account") pending=action.pending().into()/>
                    </ActionForm>
                </div>
                <p class="mt-4 text-center text-sm text-slate-600">{tr("Already a member? ")}<a class="link" href="/login">{tr("Log in")}</a></p>
            </Show>
        </div>
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<LogIn>::new();
    let error = action_error(action);
    let next = query("next");
    let reset = query("reset");
    view! {
        <div class="mx-auto max-w-md">
            <PageHeader title=tr("Log in")/>
            <Show when=move || reset.get().is_some()>
                <Notice>{tr("Your password was changed and you were logged out everywhere. Log in with the new password.")}</Notice>
            </Show>
            <div class="card">
                <ActionForm action=action>
                    <FormError error/>
                    <input type="hidden" name="next" value=move || next.get().unwrap_or_else(|| "/".into())/>
                    <Field label=tr("Email") name="email" kind="email" autocomplete="email" required=true error/>
                    <Field label=tr("Password") name="password" kind="password" autocomplete="current-password" required=true error/>
                    <Submit label=tr("Log in") pending=action.pending().into()/>
                </ActionForm>
                <div class="mt-4 text-sm"><a class="link" href="/forgot-password">{tr("Forgot your password?")}</a></div>
            </div>
            <p class="mt-4 text-center text-sm text-slate-600">{tr("New to Carry? ")}<a class="link" href="/signup">{tr("Create an account")}</a></p>
        </div>
    }
}

/// The second step of a login with two-factor on. The password was right; this page allows
/// nothing but entering a code, for 5 minutes.
#[component]
pub fn LoginCodePage() -> impl IntoView {
    let action = ServerAction::<LogInWithCode>::new();
    let error = action_error(action);
    let next = query("next");
    view! {
        <div class="mx-auto max-w-md">
            <PageHeader title=tr("Enter your code") lead=tr("Open your authenticator app and enter the 6-digit code it shows for Carry.")/>
            <div class="card">
                <ActionForm action=action>
                    <FormError error/>
                    <input type="hidden" name="next" value=move || next.get().unwrap_or_else(|| "/".into())/>
                    <Field label=tr("Code") name="code" autocomplete="one-time-code" required=true maxlength=32 hint=tr("Lost your phone? Enter one of your recovery codes instead.") error/>
                    <Submit label=tr("Log in") pending=action.pending().into()/>
                </ActionForm>
                <div class="mt-4 text-sm"><a class="link" href="/login">{tr("Log in again")}</a></div>
            </div>
        </div>
    }
}

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let action = ServerAction::<RequestPasswordReset>::new();
    let error = action_error(action);
    let sent = query("sent");
    view! {
        <div class="mx-auto max-w-md">
            <PageHeader title=tr("Reset your password") lead=tr("We'll email you a link to choose a new password.")/>
            <Show when=move || sent.get().is_some()>
                <Notice>{tr("If an account uses that email, a reset link is on its way. It works once, for 1 hour.")}</Notice>
            </Show>
            <div class="card">
                <ActionForm action=action>
                    <FormError error/>
                    <Field label=tr("Email") name="email" kind="email" autocomplete="email" required=true error/>
                    <Submit label=tr("Send reset link") pending=action.pending().into()/>
                </ActionForm>
            </div>
        </div>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let action = ServerAction::<ResetPassword>::new();
    let error = action_error(action);
    let token = query("token");
    view! {
        <div class="mx-auto max-w-md">
            <PageHeader title=tr("Choose a new password") lead=tr("You will be logged out of every device.")/>
            <Show
                when=move || token.get().is_some()
                fallback=|| view! {
                    <div class="card" role="alert">{tr("This page needs the link from your reset email. ")}<a class="link" href="/forgot-password">{tr("Ask for a new link")}</a>"."</div>
                }
            >
                <div class="card">
                    <ActionForm action=action>
                        <FormError error/>
                        <input type="hidden" name="token" value=move || token.get().unwrap_or_default()/>
                        <Field label=tr("New password") name="password" kind="password" autocomplete="new-password" required=true hint=tr("At least 10 characters.") error/>
                        <Submit label=tr("Save new password") pending=action.pending().into()/>
                    </ActionForm>
                </div>
            </Show>
        </div>
    }
}

#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    let action = ServerAction::<VerifyEmail>::new();
    let error = action_error(action);
    let token = query("token");
    let done = query("done");
    view! {
        <div class="mx-auto max-w-md">
            <PageHeader title=tr("Confirm your email")/>
            <Show
                when=move || done.get().is_none()
                fallback=|| view! {
                    <Notice><span data-testid="email-verified">{tr("Your email address is confirmed. Thank you!")}</span></Notice>
                    <a href="/account" class="btn-primary inline-block">{tr("Go to your account")}</a>
                }
            >
                <Show
                    when=move || token.get().is_some()
                    fallback=|| view! { <div class="card">{tr("Open the link from the email we sent you to confirm your address.")}</div> }
                >
                    <div class="card">
                        <ActionForm action=action>
                            <FormError error/>
                            <input type="hidden" name="token" value=move || token.get().unwrap_or_default()/>
                            <p class="mb-4 text-slate-700">{tr("Confirm that this email address is yours.")}</p>
                            <Submit label=tr("Confirm my email") pending=action.pending().into()/>
                        </ActionForm>
                    </div>
                </Show>
            </Show>
        </div>
    }
}
