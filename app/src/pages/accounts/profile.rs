//! A member's public profile.

use crate::api::accounts::get_public_profile;
use crate::api::moderation::Report;
use crate::components::report::ReportBox;
use crate::components::resource::resource;
use crate::error::AppError;
use crate::i18n::tr;
use crate::pages::errors::page_error;
use crate::pages::reviews::RoleRecord;
use crate::types::{ReportSubject, UserId};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn PublicProfilePage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<UserId>().ok())
    };
    let report = ServerAction::<Report>::new();
    let profile = resource(id, |id| async move {
        match id {
            Some(id) => get_public_profile(id).await,
            None => Err(AppError::NotFound(
                tr("There is no member at this address.").into(),
            )),
        }
    });
    view! {
        <Suspense fallback=|| view! { <p>{tr("Loading…")}</p> }>
            {move || Suspend::new(async move {
                match profile.await {
                    Ok(p) => view! {
                        <leptos_meta::Title text=p.display_name.clone()/>
                        <section class="card" data-testid="public-profile">
                            <div class="flex items-center gap-4">
                                {match p.avatar.clone() {
                                    Some(src) => view! { <img src=src alt=format!("{}'s picture", p.display_name) class="h-20 w-20 rounded-full object-cover" width="80" height="80" data-testid="avatar"/> }.into_any(),
                                    None => view! {
                                        <div aria-hidden="true" class="flex h-16 w-16 items-center justify-center rounded-full bg-teal-100 text-2xl font-bold text-teal-800">
                                            {p.display_name.chars().next().unwrap_or('?').to_uppercase().to_string()}
                                        </div>
                                    }.into_any(),
                                }}
                                <div>
                                    <h1 class="text-2xl font-bold">{p.display_name.clone()}</h1>
                                    <p class="text-sm text-slate-600">
                                        {tr("Member since ")}{p.member_since.clone()}
                                        {(!p.home_city.is_empty()).then(|| format!(" · {}", p.home_city))}
                                    </p>
                                </div>
                            </div>
                            <ul class="mt-4 flex flex-wrap gap-2" aria-label=tr("Badges")>
                                {p.email_verified.then(|| view! { <li class="badge-ok">{tr("Email verified")}</li> })}
                                {p.id_verified.then(|| view! { <li class="badge-ok" data-testid="badge-id">{tr("ID verified")}</li> })}
                            </ul>
                            {(!p.languages.is_empty()).then(|| view! { <p class="mt-3 text-sm text-slate-700" data-testid="languages">{tr("Speaks ")}{p.languages.join(", ")}</p> })}
                            {(!p.bio.is_empty()).then(|| view! { <p class="mt-4 whitespace-pre-line text-slate-700">{p.bio.clone()}</p> })}
                        </section>
                        <RoleRecord title=tr("As a traveler") rep=p.reputation.as_traveler.clone() testid="as-traveler"/>
                        <RoleRecord title=tr("As a sender") rep=p.reputation.as_sender.clone() testid="as-sender"/>
                        {(!p.is_me).then(|| view! { <ReportBox action=report subject=ReportSubject::Member id=p.id.0/> })}
                    }.into_any(),
                    Err(e) => page_error(e),
                }
            })}
        </Suspense>
    }
}
