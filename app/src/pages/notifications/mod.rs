//! The notification centre and the email preferences.

use crate::api::notifications::{
    my_notifications, notification_prefs, MarkNotificationsRead, SaveNotificationPrefs,
};
use crate::components::cards::loading;
use crate::components::form::{action_error, ActionForm, CheckGroup, FormError, Submit};
use crate::components::layout::{Notice, PageHeader};
use crate::components::resource::resource;
use crate::i18n::tr;
use crate::pages::errors::page_error;
use crate::types::NotificationKind;
use crate::url::query_flag;
use leptos::prelude::*;

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let read = ServerAction::<MarkNotificationsRead>::new();
    let list = resource(|| (), |_| my_notifications(1));
    view! {
        <PageHeader title=tr("Notifications") lead=tr("What happened on your bookings, messages and alerts, newest first.")/>
        <div class="mb-4 flex flex-wrap gap-3">
            <ActionForm action=read>
                <button type="submit" class="btn-secondary">{tr("Mark all as read")}</button>
            </ActionForm>
            <a class="btn-secondary" href="/account/notifications">{tr("Email settings")}</a>
        </div>
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                match list.await {
                    Err(e) => page_error(e),
                    Ok(items) if items.is_empty() => view! { <p class="text-slate-600" data-testid="no-notifications">{tr("Nothing yet.")}</p> }.into_any(),
                    Ok(items) => view! {
                        <ul class="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white" data-testid="notifications">
                            {items.into_iter().map(|n| {
                                let tone = if n.read { "" } else { "bg-teal-50" };
                                let id = n.id.to_string();
                                view! {
                                    <li class=format!("flex items-start justify-between gap-3 p-4 {tone}") data-testid="notification" data-read=n.read.to_string()>
                                        <div class="min-w-0">
                                            {if n.link.is_empty() {
                                                view! { <p class="font-semibold">{n.title.clone()}</p> }.into_any()
                                            } else {
                                                view! { <a class="font-semibold link" href=n.link.clone()>{n.title.clone()}</a> }.into_any()
                                            }}
                                            <p class="whitespace-pre-line text-sm text-slate-700">{n.body.clone()}</p>
                                            <p class="text-xs text-slate-500">{n.at.clone()}</p>
                                        </div>
                                        {(!n.read).then(|| view! {
                                            <ActionForm action=read>
                                                <input type="hidden" name="id" value=id/>
                                                <button type="submit" class="text-sm text-teal-800 underline">{tr("Mark read")}</button>
                                            </ActionForm>
                                        })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Which notifications also come by email.
#[component]
pub fn NotificationPrefsPage() -> impl IntoView {
    let save = ServerAction::<SaveNotificationPrefs>::new();
    let error = action_error(save);
    let saved = query_flag("saved");
    let prefs = resource(|| (), |_| notification_prefs());
    view! {
        <PageHeader title=tr("Email notifications") lead=tr("Every notification appears in Carry. Choose which ones also come by email.")/>
        <Show when=move || saved.get()><Notice>{tr("Your email settings are saved.")}</Notice></Show>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match prefs.await {
                    Err(e) => page_error(e),
                    Ok(list) => {
                        let checked: Vec<String> = list.iter().filter(|p| p.email).map(|p| p.kind.code().to_string()).collect();
                        view! {
                            <div class="card">
                                <ActionForm action=save>
                                    <FormError error/>
                                    <CheckGroup legend=tr("Email me about") name="emailed" options=NotificationKind::options() checked error/>
                                    <Submit label=tr("Save") pending=save.pending().into()/>
                                </ActionForm>
                            </div>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}
