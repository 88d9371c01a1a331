//! Personal API tokens on the security page: make one (shown once), see them, revoke them.

use crate::api::accounts::{my_api_tokens, CreateApiToken, RevokeApiToken};
use crate::components::form::{action_error, ActionForm, Field, FormError, Submit};
use crate::components::layout::Notice;
use crate::components::resource::resource;
use crate::i18n::tr;
use crate::pages::errors::page_error;
use crate::types::accounts::{ApiTokenInfo, TokenScope};
use crate::url::query_flag as flag;
use leptos::prelude::*;

#[component]
pub fn ApiTokens() -> impl IntoView {
    let create = ServerAction::<CreateApiToken>::new();
    let revoke = ServerAction::<RevokeApiToken>::new();
    let tokens = resource(|| (), |_| my_api_tokens());
    let (create_error, revoke_error) = (action_error(create), action_error(revoke));
    let revoked = flag("revoked");
    let days = [
        ("30", "30 days"),
        ("90", "90 days"),
        ("365", "A year"),
        ("never", tr("No expiry")),
    ];
    view! {
        <section id="tokens" class="card" aria-labelledby="tokens-h" data-testid="api-tokens">
            <h2 id="tokens-h" class="mb-1 text-lg font-semibold">{tr("API tokens")}</h2>
            <p class="mb-4 text-sm text-slate-600">{tr("For apps that use Carry's API on your behalf (")}<a class="link" href="/api/docs">{tr("API documentation")}</a>{tr("). A token acts as you: keep it secret, and revoke it when you stop using the app.")}</p>
            <Show when=move || revoked.get()><Notice>{tr("The token was revoked.")}</Notice></Show>
            <FormError error=revoke_error/>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match tokens.await {
                        Err(e) => page_error(e),
                        Ok(t) => view! {
                            {t.new_token.map(|token| view! {
                                <div class="mb-4 rounded-md border border-amber-300 bg-amber-50 p-4" role="status">
                                    <h3 class="font-semibold text-amber-900">{tr("Copy your new token now")}</h3>
                                    <p class="mt-1 text-sm text-amber-900">{tr("This is the only time it is shown.")}</p>
                                    <code class="mt-2 block break-all rounded bg-white p-2 font-mono text-sm" data-testid="new-token">{token}</code>
                                </div>
                            })}
                            {if t.tokens.is_empty() {
                                view! { <p class="mb-4 text-slate-600" data-testid="no-tokens">{tr("No tokens yet.")}</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="mb-6 space-y-3">
                                        {t.tokens.into_iter().map(|t| view! { <TokenRow t revoke/> }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                        }.into_any(),
                    }
                })}
            </Suspense>
            <h3 class="mb-2 font-semibold">{tr("New token")}</h3>
            <ActionForm action=create>
                <FormError error=create_error/>
                <Field label=tr("Name") name="name" required=true maxlength=60 hint=tr("The app that will use it, e.g. “My delivery app”.") error=create_error/>
                <fieldset class="mb-4">
                    <legend class="text-sm font-medium">{tr("It may")}</legend>
                    <label class="mt-1 flex items-center gap-2 text-sm"><input type="checkbox" name="read" checked=true/>{tr("Read: your listings, bookings, wallet, messages")}</label>
                    <label class="flex items-center gap-2 text-sm"><input type="checkbox" name="write"/>{tr("Write: post, book, answer and send for you")}</label>
                </fieldset>
                <label class="mb-4 block text-sm font-medium" for="token-days">{tr("Lasts")}
                    <select id="token-days" name="days" class="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2">
                        {days.into_iter().map(|(v, l)| view! { <option value=v selected=v == "90">{l}</option> }).collect_view()}
                    </select>
                </label>
                <Submit label=tr("Make token") pending=create.pending().into()/>
            </ActionForm>
        </section>
    }
}

#[component]
fn TokenRow(t: ApiTokenInfo, revoke: ServerAction<RevokeApiToken>) -> impl IntoView {
    let scopes = t
        .scopes
        .iter()
        .map(|s| match s {
            TokenScope::Read => tr("read"),
            TokenScope::Write => tr("write"),
        })
        .collect::<Vec<_>>()
        .join(tr(" and "));
    let expiry = match (&t.expires, t.expired) {
        (_, true) => tr("expired").to_string(),
        (Some(e), false) => crate::trf!("until {}", e),
        (None, false) => tr("no expiry").to_string(),
    };
    view! {
        <li class="flex flex-col gap-2 rounded-md border border-slate-200 p-3 sm:flex-row sm:items-center sm:justify-between" data-testid="api-token">
            <div>
                <p class="font-medium">{t.name.clone()}" "<code class="text-xs text-slate-600">{format!("{}…", t.prefix)}</code></p>
                <p class="text-sm text-slate-600">{crate::trf!("May {} · made {} · {} · last used {}", scopes, t.created, expiry, t.last_used.clone().unwrap_or_else(|| tr("never").into()))}</p>
            </div>
            <ActionForm action=revoke>
                <input type="hidden" name="id" value=t.id.to_string()/>
                <button type="submit" class="btn-secondary">{tr("Revoke")}</button>
            </ActionForm>
        </li>
    }
}
