//! The fields of a moderation decision (PRODUCT §11), shared by the reports queue and a
//! member's admin page: the action, the days of a suspension, and the reason the member reads.
//! The caller wraps them in its own `ActionForm` with the hidden ids of what is decided.

use crate::types::ModerationAction;
use leptos::prelude::*;

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
            <label class="text-sm font-medium">"Action"
                <select id=a_id name="action" class=INPUT>
                    {actions.into_iter().map(|a| view! { <option value=a.code()>{a.label()}</option> }).collect_view()}
                </select>
            </label>
            <label class="text-sm font-medium">"Days (suspension)"
                <input id=d_id name="days" type="number" min="1" max="365" value="7" inputmode="numeric" class=INPUT/>
            </label>
        </div>
        <label class="mt-3 block text-sm font-medium">"Reason (the member reads it; not needed to dismiss)"
            <textarea id=r_id name="reason" rows="2" maxlength="2000" class=INPUT></textarea>
        </label>
        <button type="submit" class="btn-primary mt-3">"Apply"</button>
    }
}
