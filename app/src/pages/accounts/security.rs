//! The member's security: two-factor login (turn on with a QR code or a key, recovery codes
//! shown once, turn off with the password and a code) and personal API tokens.

use crate::api::accounts::{get_two_factor, ConfirmTwoFactor, DisableTwoFactor, StartTwoFactor};
use crate::components::form::{action_error, ActionForm, Field, FormError, Submit};
use crate::components::layout::{Notice, PageHeader};
use crate::components::resource::resource;
use crate::i18n::tr;
use crate::pages::errors::page_error;
use crate::types::accounts::TwoFactorState;
use crate::url::query_flag as flag;
use leptos::prelude::*;

#[component]
pub fn SecurityPage() -> impl IntoView {
    let start = ServerAction::<StartTwoFactor>::new();
    let confirm = ServerAction::<ConfirmTwoFactor>::new();
    let disable = ServerAction::<DisableTwoFactor>::new();
    let state = resource(|| (), |_| get_two_factor());
    let (enabled, disabled) = (flag("enabled"), flag("disabled"));
    view! {
        <PageHeader title=tr("Security") lead=tr("Two-factor login and API tokens.")/>
        <Show when=move || enabled.get()><Notice>{tr("Two-factor login is on. Next time you log in, we will ask for a code.")}</Notice></Show>
        <Show when=move || disabled.get()><Notice>{tr("Two-factor login is off.")}</Notice></Show>
        <Suspense fallback=|| view! { <p>{tr("Loading…")}</p> }>
            {move || Suspend::new(async move {
                match state.await {
                    Ok(s) => view! { <TwoFactorPanel s start confirm disable/> }.into_any(),
                    Err(e) => page_error(e),
                }
            })}
        </Suspense>
        <super::tokens::ApiTokens/>
    }
}

#[component]
fn TwoFactorPanel(
    s: TwoFactorState,
    start: ServerAction<StartTwoFactor>,
    confirm: ServerAction<ConfirmTwoFactor>,
    disable: ServerAction<DisableTwoFactor>,
) -> impl IntoView {
    let (start_error, confirm_error, disable_error) = (
        action_error(start),
        action_error(confirm),
        action_error(disable),
    );
    let codes = s.new_recovery_codes.clone().map(|codes| view! {
        <div class="mb-4 rounded-md border border-amber-300 bg-amber-50 p-4" role="status">
            <h3 class="font-semibold text-amber-900">{tr("Save your recovery codes now")}</h3>
            <p class="mt-1 text-sm text-amber-900">{tr("Each one logs you in once if you lose your phone. This is the only time we show them: print them or keep them in a password manager.")}</p>
            <ul class="mt-3 grid grid-cols-2 gap-2 font-mono text-base" data-testid="recovery-codes">
                {codes.into_iter().map(|c| view! { <li data-testid="recovery-code">{c}</li> }).collect_view()}
            </ul>
        </div>
    });
    let body = if s.enabled {
        view! {
            <p class="badge-ok" data-testid="two-factor-on">{tr("On")}</p>
            <p class="mt-2 text-slate-700">{crate::trf!("Each login asks for a code from your app. Recovery codes left: {}.", s.recovery_codes_left)}</p>
            <h3 class="mt-6 font-semibold">{tr("Turn two-factor login off")}</h3>
            <ActionForm action=disable attr:class="mt-2">
                <FormError error=disable_error/>
                <Field label=tr("Password") name="password" kind="password" autocomplete="current-password" required=true error=disable_error/>
                <Field label=tr("Code from your app") name="code" id="off-code" autocomplete="one-time-code" required=true maxlength=32 error=disable_error/>
                <Submit label=tr("Turn off") pending=disable.pending().into()/>
            </ActionForm>
        }
        .into_any()
    } else if let (Some(key), Some(svg)) = (s.key.clone(), s.qr_svg.clone()) {
        view! {
            <ol class="list-decimal space-y-3 pl-5 text-slate-700">
                <li>{tr("Scan this code with an authenticator app (Google Authenticator, 1Password, Aegis…):")}
                    <div class="mt-2 w-48 max-w-full rounded bg-white p-2" data-testid="totp-qr" inner_html=svg></div>
                </li>
                <li>{tr("Or type this key into the app: ")}<code class="break-all rounded bg-slate-100 px-1 font-mono" data-testid="totp-key">{key}</code></li>
                <li>{tr("Enter the 6-digit code the app shows:")}</li>
            </ol>
            <ActionForm action=confirm attr:class="mt-3">
                <FormError error=confirm_error/>
                <Field label=tr("Code from your app") name="code" autocomplete="one-time-code" required=true maxlength=32 error=confirm_error/>
                <Submit label=tr("Turn on two-factor login") pending=confirm.pending().into()/>
            </ActionForm>
        }
        .into_any()
    } else {
        view! {
            <p class="text-slate-700">{tr("Off. With two-factor login, a stolen password is not enough: each login also asks for a code from an app on your phone.")}</p>
            <ActionForm action=start attr:class="mt-3">
                <FormError error=start_error/>
                <button type="submit" class="btn-primary">{tr("Set up two-factor login")}</button>
            </ActionForm>
        }
        .into_any()
    };
    view! {
        <section class="card mb-6" aria-labelledby="two-factor-h" data-testid="two-factor">
            <h2 id="two-factor-h" class="mb-3 text-lg font-semibold">{tr("Two-factor login")}</h2>
            {codes}
            {body}
        </section>
    }
}
