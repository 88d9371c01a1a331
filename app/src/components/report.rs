//! "Report this …": a folded form under a trip, a parcel or a member's profile. It works
//! without JavaScript (a plain post, redirected back with `?reported=1`).

use crate::api::moderation::Report;
use crate::components::form::{action_error, ActionForm, FormError, Select, TextArea};
use crate::components::layout::Notice;
use crate::i18n::tr;
use crate::types::{ReportReason, ReportSubject};
use crate::url::query_flag;
use leptos::prelude::*;
use uuid::Uuid;

#[component]
pub fn ReportBox(action: ServerAction<Report>, subject: ReportSubject, id: Uuid) -> impl IntoView {
    let error = action_error(action);
    let reported = query_flag("reported");
    let what = match subject {
        ReportSubject::Member => tr("Report this member"),
        ReportSubject::Trip => tr("Report this trip"),
        ReportSubject::Parcel => tr("Report this parcel"),
    };
    view! {
        <Show when=move || reported.get()>
            <div class="mt-6"><Notice>{tr("Thank you: an admin will look at your report.")}</Notice></div>
        </Show>
        <details class="mt-6 text-sm" data-testid="report-box">
            <summary class="inline-flex min-h-11 cursor-pointer items-center text-slate-600 underline">{what}</summary>
            <ActionForm action attr:class="card mt-2 max-w-lg">
                <p class="mb-3 text-slate-600">{tr("Tell us what is wrong. Admins read every report; the member does not learn who reported them.")}</p>
                <FormError error/>
                <input type="hidden" name="subject" value=subject.code()/>
                <input type="hidden" name="id" value=id.to_string()/>
                <Select label=tr("Reason") name="reason" error options=ReportReason::options() id="report-reason"/>
                <TextArea label=tr("What happened (optional)") name="note" error maxlength=2000/>
                <button type="submit" class="btn-secondary text-red-700">{tr("Send the report")}</button>
            </ActionForm>
        </details>
    }
}
