//! ID verification: upload an ID photo and a selfie (a plain multipart form).

use crate::api::wallet::get_wallet;
use crate::components::cards::loading;
use crate::components::layout::{Notice, PageHeader};
use crate::components::resource::resource;
use crate::i18n::tr;
use crate::pages::errors::page_error;
use crate::types::accounts::VerificationState;
use crate::url::{query_flag, query_value};
use leptos::prelude::*;

/// ID verification: upload an ID photo and a selfie (a plain multipart form).
#[component]
pub fn VerificationPage() -> impl IntoView {
    let wallet = resource(|| (), |_| get_wallet());
    let error = query_value("error");
    let submitted = query_flag("submitted");
    view! {
        <leptos_meta::Title text=tr("Verify your identity")/>
        <PageHeader title=tr("Verify your identity") lead=tr("Needed to withdraw money and to carry or send valuable parcels. An admin checks your photos, usually within a day; only admins ever see them.")/>
        <Show when=move || submitted.get()><Notice>{tr("Thank you: your photos are waiting for a check. We will email you the result.")}</Notice></Show>
        {(!error.is_empty()).then(|| view! { <div role="alert" class="mb-4 rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800" data-testid="form-error">{error.clone()}</div> })}
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match wallet.await {
                    Err(e) => page_error(e),
                    Ok(w) => match w.id_verification {
                        VerificationState::Approved => view! { <p class="card" data-testid="id-state">{tr("Your identity is verified.")}</p> }.into_any(),
                        VerificationState::Pending => view! { <p class="card" data-testid="id-state">{tr("Your photos are waiting for a check.")}</p> }.into_any(),
                        state => view! {
                            {match state { VerificationState::Rejected(r) => Some(view! { <p class="mb-4 text-red-800" data-testid="id-state">{tr("Your last photos were not accepted: ")}{r}</p> }), _ => None }}
                            <form class="card space-y-4" method="post" action="/account/verification" enctype="multipart/form-data">
                                <label class="block text-sm font-medium">{tr("Photo of your passport, ID card or driving licence")}
                                    <input type="file" name="id_doc" accept="image/jpeg,image/png,image/webp" required class="mt-1 block w-full text-sm"/>
                                </label>
                                <label class="block text-sm font-medium">{tr("A selfie, your face clearly visible")}
                                    <input type="file" name="selfie" accept="image/jpeg,image/png,image/webp" capture="user" required class="mt-1 block w-full text-sm"/>
                                </label>
                                <p class="text-sm text-slate-600">{tr("JPEG, PNG or WebP, up to 8 MB each. We remove location data from the files.")}</p>
                                <button type="submit" class="btn-primary">{tr("Send for checking")}</button>
                            </form>
                        }.into_any(),
                    },
                }
            })}
        </Suspense>
    }
}
