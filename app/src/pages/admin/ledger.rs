//! The ledger check: every invariant, run on demand, and the platform's own balances.

use crate::api::admin::get_ledger_report;
use crate::components::cards::loading;
use crate::components::layout::PageHeader;
use crate::components::resource::resource;
use crate::i18n::tr;
use crate::pages::errors::page_error;
use leptos::prelude::*;

/// Runs the ledger's invariant check and shows the platform's own balances.
#[component]
pub fn LedgerPage() -> impl IntoView {
    let report = resource(|| (), |_| get_ledger_report());
    view! {
        <leptos_meta::Title text=tr("Ledger check")/>
        <PageHeader title=tr("Ledger check") lead=tr("Every load runs the full check against the database.")/>
        <div class="mb-4 text-sm"><a class="link" href="/admin/ledger/transactions">{tr("Browse transactions and entries")}</a></div>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match report.await {
                    Err(e) => page_error(e),
                    Ok(r) => {
                        let all_ok = r.checks.iter().all(|c| c.ok);
                        view! {
                            <p class=if all_ok { "mb-4 font-semibold text-teal-800" } else { "mb-4 font-semibold text-red-800" } data-testid="ledger-verdict">
                                {if all_ok { tr("All invariants hold.") } else { tr("Some invariants are broken.") }}{tr(" Checked ")}{r.at.clone()}
                            </p>
                            <ul class="card mb-6 space-y-2 text-sm" data-testid="ledger-checks">
                                {r.checks.into_iter().map(|c| view! {
                                    <li><span class=if c.ok { "text-teal-700" } else { "text-red-700" }>{if c.ok { "✔ " } else { "✘ " }}</span>
                                        <strong>{c.check}</strong>{(!c.detail.is_empty()).then(|| format!(" — {}", c.detail))}</li>
                                }).collect_view()}
                            </ul>
                            <h2 class="mb-2 text-lg font-semibold">{tr("Platform accounts")}</h2>
                            <table class="card w-full text-sm" data-testid="system-balances">
                                <tbody>
                                    {r.system.into_iter().map(|(kind, m)| view! {
                                        <tr data-testid=format!("system-{kind}-{}", m.currency.code())><td class="py-1">{kind.replace('_', " ")}</td><td class="py-1 text-right font-mono">{m.to_string()}</td></tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}
