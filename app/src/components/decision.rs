//! Admin decisions. `DecisionForms`: approve or reject with a reason, shared by every queue.
//! `ModerationFields`: the fields of a moderation decision (PRODUCT §11), shared by the reports
//! queue and a member's admin page (the action, the days of a suspension, the reason the member
//! reads); the caller wraps them in its own `ActionForm` with the ids of what is decided.

use crate::components::form::ActionForm;
use crate::error::AppError;
use crate::i18n::tr;
use crate::types::ModerationAction;
use leptos::prelude::*;
use leptos::server_fn::codec::{PostUrl, Postcard};
use leptos::server_fn::{Http, ServerFn};
use serde::de::DeserializeOwned;

const INPUT: &str =
    "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-base";

#[component]
pub fn ModerationFields(
    /// Makes the element ids unique on a page with several forms.
    key: String,
    /// Offer "Remove the listing" (a report about a trip or a parcel).
    listing: bool,
    /// Offer "Dismiss" (a report; not a member's page).
    dismiss: bool,
) -> impl IntoView {
    let actions: Vec<ModerationAction> = ModerationAction::ALL
        .iter()
        .copied()
        .filter(|a| match a {
            ModerationAction::Dismiss => dismiss,
            ModerationAction::RemoveListing => listing,
            _ => true,
        })
        .collect();
    let (a_id, d_id, r_id) = (
        format!("mod-action-{key}"),
        format!("mod-days-{key}"),
        format!("mod-reason-{key}"),
    );
    view! {
        <div class="grid gap-3 sm:grid-cols-[1fr_8rem]">
            <label class="text-sm font-medium">{tr("Action")}
                <select id=a_id name="action" class=INPUT>
                    {actions.into_iter().map(|a| view! { <option value=a.code()>{a.label()}</option> }).collect_view()}
                </select>
            </label>
            <label class="text-sm font-medium">{tr("Days (suspension)")}
                <input id=d_id name="days" type="number" min="1" max="365" value="7" inputmode="numeric" class=INPUT/>
            </label>
        </div>
        <label class="mt-3 block text-sm font-medium">{tr("Reason (the member reads it; not needed to dismiss)")}
            <textarea id=r_id name="reason" rows="2" maxlength="2000" class=INPUT></textarea>
        </label>
        <button type="submit" class="btn-primary mt-3">{tr("Apply")}</button>
    }
}

/// The two answers every admin queue gives (parcel review, ID checks, payouts, tickets): yes
/// (`yes` is the decision sent: "approve", or "paid" for a payout), or reject with a reason the
/// member reads. One `Decision` type on the server for all of them.
#[component]
pub fn DecisionForms<ServFn>(
    action: ServerAction<ServFn>,
    /// The id of what is decided.
    id: String,
    yes_label: &'static str,
    #[prop(default = "approve")] yes: &'static str,
    #[prop(default = 500)] reason_max: u32,
    #[prop(default = "Reject")] no_label: &'static str,
) -> impl IntoView
where
    ServFn: ServerFn<Error = AppError, Protocol = Http<PostUrl, Postcard>>
        + Clone
        + Send
        + Sync
        + 'static,
    ServFn::Output: DeserializeOwned + Clone + Send + Sync + 'static,
{
    let reject_id = id.clone();
    view! {
        <div class="mt-3 flex flex-wrap items-end gap-2" data-testid="decision">
            <ActionForm action>
                <input type="hidden" name="id" value=id/>
                <input type="hidden" name="decision" value=yes/>
                <button type="submit" class="btn-primary">{yes_label}</button>
            </ActionForm>
            <ActionForm action attr:class="flex flex-wrap items-end gap-2">
                <input type="hidden" name="id" value=reject_id/>
                <input type="hidden" name="decision" value="reject"/>
                <label class="text-sm">{tr("Reason ")}
                    <input name="reason" class="ml-1 rounded-md border border-slate-300 px-2 py-1" maxlength=reason_max/>
                </label>
                <button type="submit" class="btn-secondary text-red-700">{no_label}</button>
            </ActionForm>
        </div>
    }
}
