//! The settings editor: every number of the rules (fees, windows, limits, thresholds, exchange
//! rates for euro amounts), each validated and audited; a change takes effect at once.

use crate::api::admin::{list_settings, ChangeSetting};
use crate::components::cards::loading;
use crate::components::form::{action_error, FormError};
use crate::components::layout::{Notice, PageHeader};
use crate::pages::errors::page_error;
use crate::url::query_flag;
use leptos::prelude::*;

#[component]
pub fn SettingsPage() -> impl IntoView {
    let change = ServerAction::<ChangeSetting>::new();
    let error = action_error(change);
    let saved = query_flag("saved");
    let items = Resource::new(move || change.version().get(), |_| list_settings());
    view! {
        <PageHeader title="Settings" lead="The numbers of the rules. A change takes effect at once on every server and is written to the audit log."/>
        <Show when=move || saved.get()><Notice>"Setting saved."</Notice></Show>
        <FormError error/>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match items.await {
                    Err(e) => page_error(e),
                    Ok(list) => view! {
                        <ul class="space-y-2" data-testid="settings">
                            {list.into_iter().map(|s| {
                                let id = format!("setting-{}", s.key.replace('.', "-"));
                                let (key, hint) = (s.key.clone(), format!("{} · default {} · {} to {}", s.key, s.default, s.min, s.max));
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
                                            <button type="submit" class="btn-secondary">"Save"</button>
                                        </ActionForm>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
