//! The sender's own parcels.

use crate::api::parcels::my_parcels;
use crate::components::cards::{loading, ParcelRow};
use crate::components::layout::PageHeader;
use crate::components::resource::resource;
use crate::i18n::tr;
use crate::pages::errors::page_error;
use leptos::prelude::*;

#[component]
pub fn MyParcelsPage() -> impl IntoView {
    let parcels = resource(|| (), |_| my_parcels());
    view! {
        <div class="mb-6 flex flex-wrap items-center justify-between gap-3">
            <PageHeader title=tr("My parcels")/>
            <a class="btn-primary" href="/parcels/new">{tr("Send a parcel")}</a>
        </div>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match parcels.await {
                    Err(e) => page_error(e),
                    Ok(list) if list.is_empty() => view! { <p class="text-slate-600">{tr("You have not posted a parcel yet.")}</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="space-y-3">{list.into_iter().map(|p| view! { <ParcelRow parcel=p/> }).collect_view()}</ul>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
