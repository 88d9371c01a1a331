//! Route alerts: the member's saved searches, paused, resumed or deleted here.

use crate::api::matching::{my_alerts, ChangeAlert};
use crate::components::cards::loading;
use crate::components::form::{action_error, ActionForm, FormError};
use crate::components::layout::{Notice, PageHeader};
use crate::components::resource::resource;
use crate::i18n::tr;
use crate::pages::errors::page_error;
use crate::url::query_flag;
use leptos::prelude::*;

#[component]
pub fn AlertsPage() -> impl IntoView {
    let change = ServerAction::<ChangeAlert>::new();
    let error = action_error(change);
    let saved = query_flag("saved");
    let list = resource(|| (), |_| my_alerts());
    view! {
        <PageHeader title=tr("Route alerts") lead=tr("Saved searches: when a new trip or parcel matches one, you get a notification (and an email, if you chose).")/>
        <Show when=move || saved.get()><Notice>{tr("Alert saved. We will tell you about new listings that match it.")}</Notice></Show>
        <FormError error/>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match list.await {
                    Err(e) => page_error(e),
                    Ok(items) if items.is_empty() => view! {
                        <p class="text-slate-600" data-testid="no-alerts">{tr("No alert yet. Search for trips or parcels on a route, then choose “Alert me”.")}</p>
                    }.into_any(),
                    Ok(items) => view! {
                        <ul class="space-y-3" data-testid="alerts">
                            {items.into_iter().map(|a| {
                                let id = a.id.to_string();
                                let (id2, id3) = (id.clone(), id.clone());
                                view! {
                                    <li class="card" data-testid="alert">
                                        <p class="font-semibold">{a.label.clone()}</p>
                                        <p class="text-sm text-slate-600">
                                            {if a.paused { "Paused" } else { "Active" }}{tr(" · saved ")}{a.created.clone()}" · "{a.hits}{tr(" listings so far · ")}
                                            <a class="link" href=a.search.clone()>{tr("Open the search")}</a>
                                        </p>
                                        <div class="mt-2 flex flex-wrap gap-2">
                                            <ActionForm action=change>
                                                <input type="hidden" name="id" value=id/>
                                                <input type="hidden" name="what" value=if a.paused { "resume" } else { "pause" }/>
                                                <button type="submit" class="btn-secondary">{if a.paused { "Resume" } else { "Pause" }}</button>
                                            </ActionForm>
                                            <ActionForm action=change>
                                                <input type="hidden" name="id" value=id2/>
                                                <input type="hidden" name="what" value="delete"/>
                                                <button type="submit" class="btn-secondary text-red-700" data-id=id3>{tr("Delete")}</button>
                                            </ActionForm>
                                        </div>
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
