//! The settings editor: every number of the rules (fees, windows, limits, thresholds, exchange
//! rates for euro amounts), the risk rules, the prohibited keywords and the high-risk countries,
//! each validated and audited; a change takes effect at once.

use crate::api::admin::{
    list_settings, risk_lists, ChangeCountry, ChangeKeyword, ChangeRiskRule, ChangeSetting,
};
use crate::components::cards::loading;
use crate::components::form::{action_error, ActionForm, FormError};
use crate::components::layout::{Notice, PageHeader};
use crate::components::resource::resource;
use crate::i18n::tr;
use crate::pages::errors::page_error;
use crate::types::admin::RiskRuleItem;
use crate::url::query_flag;
use leptos::prelude::*;

#[component]
pub fn SettingsPage() -> impl IntoView {
    let change = ServerAction::<ChangeSetting>::new();
    let error = action_error(change);
    let saved = query_flag("saved");
    let items = resource(|| (), |_| list_settings());
    let rule = ServerAction::<ChangeRiskRule>::new();
    let keyword = ServerAction::<ChangeKeyword>::new();
    let country = ServerAction::<ChangeCountry>::new();
    let risk = resource(|| (), |_| risk_lists());
    let (rule_error, keyword_error, country_error) = (
        action_error(rule),
        action_error(keyword),
        action_error(country),
    );
    view! {
        <PageHeader title=tr("Settings") lead=tr("The numbers of the rules. A change takes effect at once on every server and is written to the audit log.")/>
        <Show when=move || saved.get()><Notice>{tr("Setting saved.")}</Notice></Show>
        <FormError error/>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match items.await {
                    Err(e) => page_error(e),
                    Ok(list) => view! {
                        <ul class="space-y-2" data-testid="settings">
                            {list.into_iter().map(|s| {
                                let id = format!("setting-{}", s.key.replace('.', "-"));
                                let (key, hint) = (s.key.clone(), crate::trf!("{} · default {} · {} to {}", s.key, s.default, s.min, s.max));
                                view! {
                                    <li class="card" data-testid="setting" data-key=s.key.clone()>
                                        <ActionForm action=change attr:class="flex flex-col gap-2 sm:flex-row sm:items-end">
                                            <input type="hidden" name="key" value=key/>
                                            <label for=id.clone() class="grow text-sm">
                                                <span class="font-medium">{s.label.clone()}</span>
                                                <span class="block text-xs text-slate-500">{hint}</span>
                                            </label>
                                            <input id=id name="value" type="number" inputmode="numeric" min=s.min max=s.max value=s.value
                                                class="w-full rounded-md border border-slate-300 px-3 py-2 sm:w-40"/>
                                            <button type="submit" class="btn-secondary">{tr("Save")}</button>
                                        </ActionForm>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                }
            })}
        </Suspense>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match risk.await {
                    Err(e) => page_error(e),
                    Ok(r) => view! {
                        <h2 id="risk" class="mb-2 mt-10 text-lg font-semibold">{tr("Risk rules")}</h2>
                        <p class="mb-3 text-sm text-slate-600">{tr("Points added to a parcel's risk score; a parcel at the review threshold or above waits for an admin.")}</p>
                        <FormError error=rule_error/>
                        <ul class="space-y-2" data-testid="risk-rules">
                            {r.rules.into_iter().map(|x| {
                                let RiskRuleItem { code, label, points, param, enabled } = x;
                                let attr = code.clone();
                                view! {
                                    <li class="card" data-testid="risk-rule" data-code=attr>
                                        <ActionForm action=rule attr:class="flex flex-col gap-2 sm:flex-row sm:flex-wrap sm:items-end">
                                            <input type="hidden" name="code" value=code/>
                                            <p class="grow text-sm font-medium">{label}</p>
                                            <label class="text-sm">{tr("Points")}
                                                <input name="points" type="number" min="0" max="100" value=points class="mt-1 block w-24 rounded-md border border-slate-300 px-3 py-2"/>
                                            </label>
                                            {param.map(|v| view! {
                                                <label class="text-sm">{tr("Threshold")}
                                                    <input name="param" type="number" min="0" value=v class="mt-1 block w-36 rounded-md border border-slate-300 px-3 py-2"/>
                                                </label>
                                            })}
                                            <label class="flex items-center gap-2 text-sm">
                                                <input type="checkbox" name="enabled" value="on" checked=enabled/>{tr("Applies")}
                                            </label>
                                            <button type="submit" class="btn-secondary">{tr("Save")}</button>
                                        </ActionForm>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>

                        <h2 id="keywords" class="mb-2 mt-10 text-lg font-semibold">{tr("Prohibited keywords")}</h2>
                        <p class="mb-3 text-sm text-slate-600">{tr("A parcel whose title or description mentions one is flagged for review.")}</p>
                        <FormError error=keyword_error/>
                        <ActionForm action=keyword attr:class="mb-3 flex flex-col gap-2 sm:flex-row sm:items-end">
                            <input type="hidden" name="action" value="add"/>
                            <label for="new-keyword" class="text-sm">{tr("New keyword")}
                                <input id="new-keyword" name="keyword" maxlength="40" class="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 sm:w-64"/>
                            </label>
                            <button type="submit" class="btn-secondary">{tr("Add")}</button>
                        </ActionForm>
                        <ul class="flex flex-wrap gap-2" data-testid="keywords">
                            {r.keywords.into_iter().map(|k| view! {
                                <li class="flex items-center gap-1 rounded-full bg-slate-100 pl-3 text-sm" data-testid="keyword">
                                    {k.clone()}
                                    <ActionForm action=keyword>
                                        <input type="hidden" name="action" value="remove"/>
                                        <input type="hidden" name="keyword" value=k.clone()/>
                                        <button type="submit" class="rounded-full px-3 py-1 text-red-700" aria-label=crate::trf!("Remove {}", k)>"×"</button>
                                    </ActionForm>
                                </li>
                            }).collect_view()}
                        </ul>

                        <h2 id="countries" class="mb-2 mt-10 text-lg font-semibold">{tr("High-risk countries")}</h2>
                        <FormError error=country_error/>
                        <ActionForm action=country attr:class="mb-3 flex flex-col gap-2 sm:flex-row sm:items-end">
                            <input type="hidden" name="action" value="add"/>
                            <label for="new-country" class="text-sm">{tr("Country code (two letters)")}
                                <input id="new-country" name="country" maxlength="2" class="mt-1 block w-24 rounded-md border border-slate-300 px-3 py-2 uppercase"/>
                            </label>
                            <button type="submit" class="btn-secondary">{tr("Add")}</button>
                        </ActionForm>
                        <ul class="flex flex-wrap gap-2" data-testid="countries">
                            {r.countries.into_iter().map(|(code, name)| view! {
                                <li class="flex items-center gap-1 rounded-full bg-slate-100 pl-3 text-sm" data-testid="country">
                                    {format!("{name} ({code})")}
                                    <ActionForm action=country>
                                        <input type="hidden" name="action" value="remove"/>
                                        <input type="hidden" name="country" value=code.clone()/>
                                        <button type="submit" class="rounded-full px-3 py-1 text-red-700" aria-label=crate::trf!("Remove {}", name)>"×"</button>
                                    </ActionForm>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
