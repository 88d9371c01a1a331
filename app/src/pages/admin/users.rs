//! Members, for admins: search by email or name; one member's account, sessions (revoke),
//! bookings, balances, moderation history, role, and warn / suspend / ban.

use crate::api::admin::{
    get_member, search_members, ResetMemberTwoFactor, RevokeMemberSession, SetMemberRole,
};
use crate::api::moderation::ModerateMember;
use crate::components::cards::loading;
use crate::components::decision::ModerationFields;
use crate::components::form::{action_error, ActionForm, FormError};
use crate::components::layout::{Notice, PageHeader};
use crate::components::resource::resource;
use crate::i18n::tr;
use crate::pages::errors::{page_error, NotFound};
use crate::types::admin::MemberAdmin;
use crate::types::{Role, UserId};
use crate::url::{query_flag, route_id};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn UsersPage() -> impl IntoView {
    let q = use_query_map();
    let query = move || q.read().get("q").unwrap_or_default();
    let found = resource(query, search_members);
    let initial = query();
    view! {
        <PageHeader title=tr("Members") lead=tr("Find a member by email or name.")/>
        <form method="get" class="mb-6 flex flex-col gap-2 sm:flex-row sm:items-end" role="search">
            <label class="grow text-sm">{tr("Email or name")}
                <input name="q" type="search" value=initial maxlength="200" class="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2"/>
            </label>
            <button type="submit" class="btn-secondary">{tr("Search")}</button>
        </form>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match found.await {
                    Err(e) => page_error(e),
                    Ok(list) if list.is_empty() => view! { <p class="text-slate-600">{tr("No member matches.")}</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="space-y-2" data-testid="members">
                            {list.into_iter().map(|m| view! {
                                <li class="card flex flex-wrap items-center justify-between gap-2" data-testid="member-row">
                                    <div>
                                        <a class="link font-semibold" href=format!("/admin/users/{}", m.id)>{m.name}</a>
                                        <p class="text-sm text-slate-600">{m.email}{tr(" · joined ")}{m.joined}</p>
                                    </div>
                                    <p class="text-sm">{m.role.label()}" · "{m.standing}</p>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn MemberPage() -> impl IntoView {
    let Some(id) = route_id::<UserId>() else {
        return view! { <NotFound/> }.into_any();
    };
    let moderate = ServerAction::<ModerateMember>::new();
    let revoke = ServerAction::<RevokeMemberSession>::new();
    let role = ServerAction::<SetMemberRole>::new();
    let reset = ServerAction::<ResetMemberTwoFactor>::new();
    let member = resource(|| (), move |_| get_member(id));
    view! {
        <div class="mb-4 text-sm"><a class="link" href="/admin/users">{tr("← Members")}</a></div>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match member.await {
                    Err(e) => page_error(e),
                    Ok(m) => view! { <Member m moderate revoke role reset/> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

#[component]
fn Member(
    m: MemberAdmin,
    moderate: ServerAction<ModerateMember>,
    revoke: ServerAction<RevokeMemberSession>,
    role: ServerAction<SetMemberRole>,
    reset: ServerAction<ResetMemberTwoFactor>,
) -> impl IntoView {
    let (done, revoked, role_done, reset_done) = (
        query_flag("done"),
        query_flag("revoked"),
        query_flag("role"),
        query_flag("two_factor"),
    );
    let reset_error = action_error(reset);
    let (mod_error, revoke_error, role_error) = (
        action_error(moderate),
        action_error(revoke),
        action_error(role),
    );
    let id = m.member.id;
    let other_role = match m.member.role {
        Role::Admin => Role::User,
        Role::User => Role::Admin,
    };
    view! {
        <leptos_meta::Title text=m.member.name.clone()/>
        <Show when=move || done.get()><Notice>{tr("Decision applied; the member was told why.")}</Notice></Show>
        <Show when=move || revoked.get()><Notice>{tr("Session ended.")}</Notice></Show>
        <Show when=move || role_done.get()><Notice>{tr("Role changed.")}</Notice></Show>
        <Show when=move || reset_done.get()><Notice>{tr("Two-factor login is off for this member; their sessions ended.")}</Notice></Show>
        <section class="card" data-testid="member">
            <h1 class="text-2xl font-bold">{m.member.name.clone()}</h1>
            <p class="text-slate-600">{m.member.email.clone()}</p>
            <p class="mt-2 text-sm">
                {m.member.role.label()}" · "<span data-testid="standing">{m.member.standing.clone()}</span>
                {tr(" · joined ")}{m.member.joined.clone()}
                {m.email_verified.then_some(tr(" · email confirmed"))}
                {m.id_verified.then_some(tr(" · ID verified"))}
            </p>
            <p class="mt-2 text-sm"><a class="link" href=format!("/u/{id}")>{tr("Public profile")}</a></p>
        </section>

        {(!m.is_me && !m.banned).then(|| view! {
            <section class="card mt-6" data-testid="moderate">
                <h2 class="mb-2 font-semibold">{tr("Warn, suspend or ban")}</h2>
                <FormError error=mod_error/>
                <ActionForm action=moderate>
                    <input type="hidden" name="member" value=id.to_string()/>
                    <ModerationFields key="member".to_string() listing=false dismiss=false/>
                </ActionForm>
            </section>
        })}

        <section class="card mt-6">
            <h2 class="mb-2 font-semibold">{tr("Sessions")}</h2>
            <FormError error=revoke_error/>
            {if m.sessions.is_empty() {
                view! { <p class="text-sm text-slate-600" data-testid="no-sessions">{tr("No active session.")}</p> }.into_any()
            } else {
                view! {
                    <ul class="space-y-2" data-testid="sessions">
                        {m.sessions.into_iter().map(|s| view! {
                            <li class="flex flex-wrap items-center justify-between gap-2 text-sm">
                                <span>{s.device}" · "{s.ip}{tr(" · last seen ")}{s.last_seen_at}</span>
                                <ActionForm action=revoke>
                                    <input type="hidden" name="member" value=id.to_string()/>
                                    <input type="hidden" name="session" value=s.id.to_string()/>
                                    <button type="submit" class="btn-secondary">{tr("End session")}</button>
                                </ActionForm>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>

        <section class="card mt-6">
            <h2 class="mb-2 font-semibold">{tr("Wallet")}</h2>
            {if m.balances.is_empty() {
                view! { <p class="text-sm text-slate-600">{tr("No money yet.")}</p> }.into_any()
            } else {
                view! {
                    <ul class="text-sm">
                        {m.balances.into_iter().map(|b| view! {
                            <li>{b.available.to_string()}{tr(" available · ")}{b.in_escrow.to_string()}{tr(" in escrow · ")}{b.pending_withdrawals.to_string()}{tr(" being withdrawn")}</li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>

        <section class="card mt-6">
            <h2 class="mb-2 font-semibold">{tr("Bookings")}</h2>
            {if m.bookings.is_empty() {
                view! { <p class="text-sm text-slate-600">{tr("No booking.")}</p> }.into_any()
            } else {
                view! {
                    <ul class="space-y-1 text-sm">
                        {m.bookings.into_iter().map(|b| view! {
                            <li>
                                <a class="link" href=format!("/admin/bookings?q={}", b.id)>{b.parcel_title}</a>
                                " · "{b.route}" · "{b.my_side.label()}" · "{b.status.label()}" · "{b.price.to_string()}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>

        <section class="card mt-6">
            <h2 class="mb-2 font-semibold">{tr("Moderation history")}</h2>
            {if m.history.is_empty() {
                view! { <p class="text-sm text-slate-600">{tr("Nothing recorded.")}</p> }.into_any()
            } else {
                view! {
                    <ul class="space-y-1 text-sm" data-testid="history">
                        {m.history.into_iter().map(|h| view! {
                            <li>{h.at}" · "<strong>{h.action}</strong>{tr(" by ")}{h.by}{(!h.reason.is_empty()).then(|| format!(": {}", h.reason))}</li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>

        {(m.two_factor && !m.is_me).then(|| view! {
            <section class="card mt-6" data-testid="member-two-factor">
                <h2 class="mb-2 font-semibold">{tr("Two-factor login: on")}</h2>
                <p class="mb-3 text-sm text-slate-600">{tr("If the member lost their phone and their recovery codes, and you have checked who they are, turn it off: they log in with their password and may set it up again.")}</p>
                <FormError error=reset_error/>
                <ActionForm action=reset>
                    <input type="hidden" name="member" value=id.to_string()/>
                    <button type="submit" class="btn-secondary">{tr("Turn two-factor login off")}</button>
                </ActionForm>
            </section>
        })}

        {(!m.is_me && !m.banned).then(|| view! {
            <section class="card mt-6">
                <h2 class="mb-2 font-semibold">{tr("Role")}</h2>
                <FormError error=role_error/>
                <ActionForm action=role>
                    <input type="hidden" name="member" value=id.to_string()/>
                    <input type="hidden" name="role" value=other_role.code()/>
                    <button type="submit" class="btn-secondary">{match other_role { Role::Admin => tr("Make admin"), Role::User => tr("Remove the admin role") }}</button>
                </ActionForm>
            </section>
        })}
    }
}
