//! Reports about members, listings and messages, and the conversations they involve (an admin may read a conversation only
//! because of a report; each read is written to the audit log).

use crate::api::chat::{admin_conversation, message_reports, ResolveReport};
use crate::api::moderation::{listing_reports, DecideReport};
use crate::components::cards::loading;
use crate::components::decision::ModerationFields;
use crate::components::form::{action_error, ActionForm, FormError};
use crate::components::layout::Notice;
use crate::components::layout::PageHeader;
use crate::components::resource::resource;
use crate::i18n::tr;
use crate::pages::errors::{page_error, NotFound};
use crate::types::chat::ConversationId;
use crate::types::moderation::ReportItem;
use crate::types::ReportSubject;
use crate::url::query_flag;
use crate::url::route_id;
use leptos::prelude::*;

#[component]
pub fn ReportsPage() -> impl IntoView {
    let resolve = ServerAction::<ResolveReport>::new();
    let decide = ServerAction::<DecideReport>::new();
    let error = action_error(resolve);
    let decide_error = action_error(decide);
    let done = query_flag("done");
    let list = resource(|| (), |_| message_reports());
    let listings = resource(|| (), |_| listing_reports());
    view! {
        <PageHeader title=tr("Reports") lead=tr("Members, trips, parcels and messages that members reported. Decide each: dismiss, warn, remove the listing, suspend or ban. The member reads your reason; the reporter is told it was handled.")/>
        <Show when=move || done.get()><Notice>{tr("Report handled.")}</Notice></Show>
        <h2 class="mb-2 mt-4 text-lg font-semibold">{tr("Members and listings")}</h2>
        <FormError error=decide_error/>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match listings.await {
                    Err(e) => page_error(e),
                    Ok(items) if items.is_empty() => view! { <p class="text-slate-600" data-testid="listing-reports-empty">{tr("No report is waiting.")}</p> }.into_any(),
                    Ok(items) => view! {
                        <ul class="space-y-3">
                            {items.into_iter().map(|r| view! { <ListingReport r decide/> }).collect_view()}
                        </ul>
                    }.into_any(),
                }
            })}
        </Suspense>
        <h2 class="mb-2 mt-8 text-lg font-semibold">{tr("Messages")}</h2>
        <FormError error/>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match list.await {
                    Err(e) => page_error(e),
                    Ok(items) if items.is_empty() => view! { <p class="text-slate-600" data-testid="queue-empty">{tr("No report is waiting.")}</p> }.into_any(),
                    Ok(items) => view! {
                        <ul class="space-y-3">
                            {items.into_iter().map(|r| view! {
                                <li class="card" data-testid="report">
                                    <p class="text-sm text-slate-500">{r.at.clone()}{tr(" · reported by ")}{r.reporter.clone()}</p>
                                    <p class="mt-1"><strong>{r.author.clone()}": "</strong><span class="whitespace-pre-line">{r.message.clone()}</span></p>
                                    <p class="mt-1 text-sm text-red-800">{tr("Reason: ")}{r.reason.clone()}</p>
                                    <div class="mt-2 flex flex-wrap items-center gap-3">
                                        <a class="link" href=format!("/admin/conversations/{}", r.conversation)>{tr("Read the conversation")}</a>
                                        <ActionForm action=resolve>
                                            <input type="hidden" name="id" value=r.id.to_string()/>
                                            <button type="submit" class="btn-secondary">{tr("Mark handled")}</button>
                                        </ActionForm>
                                    </div>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// A report about a member or a listing, with the decision form.
#[component]
fn ListingReport(r: ReportItem, decide: ServerAction<DecideReport>) -> impl IntoView {
    let listing = r.subject != ReportSubject::Member;
    view! {
        <li class="card" data-testid="listing-report">
            <p class="text-sm text-slate-500">{r.at.clone()}{tr(" · reported by ")}{r.reporter.clone()}</p>
            <p class="mt-1">
                <span class="inline-block rounded-full bg-slate-100 px-2 py-0.5 text-xs font-semibold text-slate-700">{r.subject.label()}</span>" "
                <a class="link font-semibold" href=r.subject_link.clone()>{r.subject_title.clone()}</a>
            </p>
            <p class="mt-1 text-sm">
                {tr("Member: ")}<a class="link" href=format!("/admin/users/{}", r.member)>{r.member_name.clone()}</a>
                " · "<span data-testid="member-standing">{r.member_status.clone()}</span>
                {(r.upheld_before > 0).then(|| crate::trf!(" · {} earlier report(s) upheld", r.upheld_before))}
            </p>
            <p class="mt-1 text-sm text-red-800">{tr("Reason: ")}{r.reason.label()}</p>
            {(!r.note.is_empty()).then(|| view! { <p class="mt-1 whitespace-pre-line text-sm">{r.note.clone()}</p> })}
            <ActionForm action=decide attr:class="mt-3 border-t border-slate-200 pt-3">
                <input type="hidden" name="id" value=r.id.to_string()/>
                <ModerationFields key=r.id.to_string() listing dismiss=true/>
            </ActionForm>
        </li>
    }
}

#[component]
pub fn AdminConversationPage() -> impl IntoView {
    let Some(id) = route_id::<ConversationId>() else {
        return view! { <NotFound/> }.into_any();
    };
    let conv = resource(move || id, admin_conversation);
    view! {
        <div class="mb-4 text-sm"><a class="link" href="/admin/reports">{tr("← Reports")}</a></div>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match conv.await {
                    Err(e) => page_error(e),
                    Ok(c) => view! {
                        <leptos_meta::Title text=crate::trf!("Conversation: {}", c.parcel_title)/>
                        <section class="card" data-testid="admin-conversation">
                            <h1 class="text-xl font-bold">{c.other_name.clone()}</h1>
                            <p class="mb-3 text-sm text-slate-600">{c.parcel_title.clone()}" · "{c.route.clone()}</p>
                            <ol class="space-y-2">
                                {c.messages.into_iter().map(|m| view! {
                                    <li class="rounded-md bg-slate-50 p-2" data-testid="message">
                                        <p class="text-xs text-slate-500">{m.author.clone()}" · "{m.at.clone()}</p>
                                        <p class="whitespace-pre-line">{m.body.clone()}</p>
                                        {m.image.clone().map(|src| view! { <img src=src alt=tr("Photo sent in the conversation") class="mt-1 max-h-48 rounded"/> })}
                                    </li>
                                }).collect_view()}
                            </ol>
                        </section>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}
