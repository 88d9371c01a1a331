//! A printable receipt for a payment, a payout or any other movement of the wallet.

use crate::api::wallet::get_receipt;
use crate::components::cards::loading;
use crate::components::resource::resource;
use crate::i18n::tr;
use crate::pages::errors::page_error;
use crate::types::ReceiptKind;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// A printable receipt for a payment, a payout or any other movement of the wallet.
#[component]
pub fn ReceiptPage() -> impl IntoView {
    let params = use_params_map();
    let kind = params
        .read_untracked()
        .get("kind")
        .and_then(|k| ReceiptKind::parse(&k));
    let id = params
        .read_untracked()
        .get("id")
        .and_then(|s| uuid::Uuid::parse_str(&s).ok());
    let receipt = resource(
        move || (kind, id),
        |(kind, id)| async move {
            match (kind, id) {
                (Some(kind), Some(id)) => get_receipt(kind, id).await,
                _ => Err(crate::error::AppError::NotFound(
                    tr("This receipt does not exist.").into(),
                )),
            }
        },
    );
    view! {
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match receipt.await {
                    Err(e) => page_error(e),
                    Ok(r) => view! {
                        <leptos_meta::Title text=format!("{} receipt {}", r.kind, r.number)/>
                        <article class="card mx-auto max-w-xl" data-testid="receipt">
                            <header class="mb-4 flex items-start justify-between">
                                <div>
                                    <p class="text-lg font-bold text-teal-700">{crate::BRAND}</p>
                                    <h1 class="text-xl font-semibold">{r.kind.clone()}{tr(" receipt")}</h1>
                                </div>
                                <p class="text-right text-sm text-slate-600">{tr("No. ")}{r.number}<br/>{r.at}</p>
                            </header>
                            <p class="text-sm">{r.name}<br/>{r.email}</p>
                            <dl class="mt-4 divide-y divide-slate-100 text-sm">
                                {r.lines.into_iter().map(|(k, v)| view! {
                                    <div class="flex justify-between gap-4 py-1"><dt class="text-slate-600">{k}</dt><dd class="text-right">{v}</dd></div>
                                }).collect_view()}
                                <div class="flex justify-between py-1"><dt class="text-slate-600">{tr("Method")}</dt><dd>{r.method}</dd></div>
                                <div class="flex justify-between py-1"><dt class="text-slate-600">{tr("Status")}</dt><dd data-testid="receipt-status">{r.status}</dd></div>
                                <div class="flex justify-between py-2 text-base font-semibold"><dt>{tr("Total")}</dt><dd data-testid="receipt-amount">{r.amount.to_string()}</dd></div>
                            </dl>
                            <footer class="mt-4 border-t border-slate-200 pt-3 text-xs text-slate-500" data-testid="receipt-issuer">
                                {r.issuer.into_iter().map(|l| view! { <p>{l}</p> }).collect_view()}
                            </footer>
                            <PrintButton/>
                        </article>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The print button: an island, shown once it runs (without JavaScript, the browser's own Print
/// works).
#[island]
fn PrintButton() -> impl IntoView {
    let running = RwSignal::new(false);
    Effect::new(move |_| running.set(true));
    view! {
        <Show when=move || running.get()>
            <button type="button" class="btn-secondary mt-4 print:hidden" on:click=|_| { let _ = window().print(); }>{tr("Print")}</button>
        </Show>
    }
}
