//! The member's data: download a copy of everything (made by the job queue; they are told when
//! it is ready), and delete the account.

use crate::api::accounts::{my_privacy, DeleteAccount, RequestDataExport};
use crate::components::form::{action_error, ActionForm, Field, FormError, Submit};
use crate::components::layout::{Notice, PageHeader};
use crate::components::resource::resource;
use crate::i18n::tr;
use crate::pages::errors::page_error;
use crate::types::accounts::Privacy;
use crate::url::query_flag as flag;
use leptos::prelude::*;

#[component]
pub fn PrivacyPage() -> impl IntoView {
    let export = ServerAction::<RequestDataExport>::new();
    let delete = ServerAction::<DeleteAccount>::new();
    let page = resource(|| (), |_| my_privacy());
    let requested = flag("requested");
    view! {
        <PageHeader title=tr("Your data") lead=tr("Download a copy of everything Carry holds about you, or delete your account.")/>
        <Show when=move || requested.get()>
            <Notice>{tr("We are preparing your data. You will get a notification (and an email) when it is ready, usually within a minute.")}</Notice>
        </Show>
        <Suspense fallback=|| view! { <p>{tr("Loading…")}</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(p) => view! { <PrivacyView p export delete/> }.into_any(),
                    Err(e) => page_error(e),
                }
            })}
        </Suspense>
    }
}

#[component]
fn PrivacyView(
    p: Privacy,
    export: ServerAction<RequestDataExport>,
    delete: ServerAction<DeleteAccount>,
) -> impl IntoView {
    let (export_error, delete_error) = (action_error(export), action_error(delete));
    view! {
        <section class="card mb-6" aria-labelledby="export-h" data-testid="data-export">
            <h2 id="export-h" class="mb-2 text-lg font-semibold">{tr("Download my data")}</h2>
            <p class="mb-3 text-slate-700">{tr("One JSON file: your profile, sessions, trips, parcels, bookings with their timelines, the messages you sent, reviews, notifications, wallet history and receipts, ID checks. Photos are links that work for an hour after you download it.")}</p>
            <FormError error=export_error/>
            <ActionForm action=export>
                <button type="submit" class="btn-primary">{tr("Prepare a copy of my data")}</button>
            </ActionForm>
            {(!p.exports.is_empty()).then(|| view! {
                <ul class="mt-4 space-y-2">
                    {p.exports.into_iter().map(|e| view! {
                        <li class="flex flex-wrap items-center justify-between gap-2 rounded-md border border-slate-200 p-3" data-testid="export">
                            <span class="text-sm text-slate-700">{crate::trf!("Asked for {}", e.requested)}</span>
                            {match (e.ready, e.expired) {
                                (Some(_), true) => view! { <span class="text-sm text-slate-500">{tr("Expired")}</span> }.into_any(),
                                (Some(_), false) => view! {
                                    <a class="btn-secondary" href=format!("/account/export/{}.json", e.id) download="carry-data.json" data-testid="export-download">
                                        {crate::trf!("Download (until {})", e.expires.unwrap_or_default())}
                                    </a>
                                }.into_any(),
                                (None, _) => view! { <span class="text-sm text-amber-800" data-testid="export-pending">{tr("Being prepared…")}</span> }.into_any(),
                            }}
                        </li>
                    }).collect_view()}
                </ul>
            })}
        </section>
        <section class="card border-red-200" aria-labelledby="delete-h" data-testid="delete-account">
            <h2 id="delete-h" class="mb-2 text-lg font-semibold text-red-800">{tr("Delete my account")}</h2>
            <p class="mb-2 text-slate-700">{tr("Your name, email, phone, profile, photos and documents are erased, your open listings withdrawn, your messages emptied, and you are logged out everywhere. Payments, receipts and reviews stay, under “Deleted member”, because money records must. This cannot be undone.")}</p>
            {(!p.balances_left.is_empty()).then(|| view! {
                <p class="mb-2 text-sm text-amber-900" data-testid="balance-left">{crate::trf!("Your wallet holds {}. Withdraw it first: after deletion it cannot be paid out.", p.balances_left.join(", "))}</p>
            })}
            {match p.cannot_delete {
                Some(why) => view! { <p class="rounded-md bg-amber-50 p-3 text-amber-900" data-testid="cannot-delete">{why}</p> }.into_any(),
                None => view! {
                    <ActionForm action=delete attr:class="mt-3">
                        <FormError error=delete_error/>
                        <Field label=tr("Your password") name="password" kind="password" autocomplete="current-password" required=true error=delete_error/>
                        <Field label=tr("Type DELETE to confirm") name="confirm" required=true maxlength=20 error=delete_error/>
                        <Submit label=tr("Delete my account for good") pending=delete.pending().into()/>
                    </ActionForm>
                }.into_any(),
            }}
        </section>
    }
}
