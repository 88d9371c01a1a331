//! Reviews on a completed booking's page, and a member's reputation on their public profile.

use crate::api::reviews::WriteReview;
use crate::components::form::{action_error, ActionForm, FormError, Select, TextArea};
use crate::i18n::tr;
use crate::types::reviews::{BookingReviews, ReviewView, RoleReputation};
use crate::types::BookingId;
use leptos::prelude::*;

fn scores() -> Vec<(String, String)> {
    (1..=5)
        .rev()
        .map(|n| (n.to_string(), format!("{n} / 5")))
        .collect()
}

/// "★★★★☆" with the number for screen readers.
fn stars(n: i16) -> impl IntoView {
    let n = usize::try_from(n.clamp(0, 5)).unwrap_or(0);
    view! {
        <span class="text-amber-600" aria-hidden="true">{"★".repeat(n)}{"☆".repeat(5 - n)}</span>
        <span class="sr-only">{crate::trf!("{} out of 5 stars", n)}</span>
    }
}

#[component]
pub fn ReviewItem(r: ReviewView) -> impl IntoView {
    let subs: Vec<String> = [
        (tr("Communication"), r.communication),
        (tr("Punctuality"), r.punctuality),
        (tr("Care"), r.care),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.map(|v| format!("{k} {v}/5")))
    .collect();
    view! {
        <li class="py-3" data-testid="review">
            <p class="text-sm">{stars(r.stars)}" "<strong>{r.author}</strong>" · "<span class="text-slate-500">{r.at}</span></p>
            {(!subs.is_empty()).then(|| view! { <p class="text-xs text-slate-600">{subs.join(" · ")}</p> })}
            {(!r.comment.is_empty()).then(|| view! { <p class="mt-1 whitespace-pre-line text-slate-800">{r.comment}</p> })}
        </li>
    }
}

/// A completed booking's reviews: the form while the window is open, then both reviews once
/// published (each side sees the other's only when both have written or the window closed).
#[component]
pub fn ReviewPanel(
    booking: BookingId,
    r: BookingReviews,
    write: ServerAction<WriteReview>,
) -> impl IntoView {
    let error = action_error(write);
    let other = r.other_name.clone();
    let form = view! {
        {r.can_write.then(|| view! {
            <ActionForm action=write attr:class="space-y-2" attr:data-testid="review-form">
                <FormError error/>
                <input type="hidden" name="booking_id" value=booking.to_string()/>
                <p class="text-sm text-slate-700">
                    {crate::trf!("How was it with {}? ", other)}
                    {tr("Your review stays hidden until they have written theirs or the window closes")}
                    {r.window_ends.clone().map(|w| format!(" ({w})"))}"."
                </p>
                <Select label=tr("Stars") name="stars" options=scores() placeholder=tr("Choose") error/>
                <div class="grid gap-x-4 sm:grid-cols-3">
                    <Select label=tr("Communication (optional)") name="communication" options=scores() placeholder="—" error/>
                    <Select label=tr("Punctuality (optional)") name="punctuality" options=scores() placeholder="—" error/>
                    <Select label=tr("Care (optional)") name="care" options=scores() placeholder="—" error/>
                </div>
                <TextArea label=tr("Comment (optional)") name="comment" maxlength=2000 error/>
                <button type="submit" class="btn-primary">{tr("Publish review")}</button>
            </ActionForm>
        })}
        {r.mine.clone().map(|m| view! {
            <div data-testid="my-review">
                <h3 class="text-sm font-semibold">{tr("Your review")}</h3>
                <ul><ReviewItem r=m/></ul>
            </div>
        })}
        {r.theirs.clone().map(|t| view! {
            <div data-testid="their-review">
                <h3 class="text-sm font-semibold">{crate::trf!("{}'s review of you", r.other_name)}</h3>
                <ul><ReviewItem r=t/></ul>
            </div>
        })}
        {(r.theirs_waiting && r.mine.is_none()).then(|| view! {
            <p class="text-sm text-slate-600" data-testid="their-review-waiting">{format!("{} has reviewed you: you will see it once you have written yours, or when the window closes.", r.other_name)}</p>
        })}
        {(r.theirs_waiting && r.mine.is_some()).then(|| view! {
            <p class="text-sm text-slate-600">{tr("Both reviews appear in a moment.")}</p>
        })}
        {(!r.can_write && r.mine.is_none() && r.theirs.is_none()).then(|| view! {
            <p class="text-sm text-slate-600">{tr("The review window has closed.")}</p>
        })}
    };
    view! {
        <section class="card mt-6" data-testid="reviews" aria-labelledby="reviews-h">
            <h2 id="reviews-h" class="mb-2 text-lg font-semibold">{tr("Reviews")}</h2>
            {form}
        </section>
    }
}

/// A member's record in one role, on their public profile.
#[component]
pub fn RoleRecord(title: &'static str, rep: RoleReputation, testid: &'static str) -> impl IntoView {
    let mut facts: Vec<String> = Vec::new();
    facts.push(match &rep.rating {
        Some(r) if rep.reviews_count == 1 => format!("★ {r} from 1 review"),
        Some(r) => format!("★ {r} from {} reviews", rep.reviews_count),
        None => tr("No reviews yet").into(),
    });
    facts.push(format!("{} completed", rep.completed));
    if let Some(o) = &rep.on_time_rate {
        facts.push(format!("{o} on time"));
    }
    facts.push(format!("{} cancelled", rep.cancellations));
    if let Some(r) = &rep.response_rate {
        facts.push(format!(
            "answers {r} of requests{}",
            rep.response_time
                .as_ref()
                .map(|t| format!(", {t}"))
                .unwrap_or_default()
        ));
    }
    let subs: Vec<String> = [
        (tr("Communication"), &rep.communication),
        (tr("Punctuality"), &rep.punctuality),
        (tr("Care"), &rep.care),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k} {v}")))
    .collect();
    view! {
        <section class="card mt-4" data-testid=testid>
            <h2 class="text-lg font-semibold">{title}</h2>
            <p class="mt-1 text-sm text-slate-700" data-testid="record">{facts.join(" · ")}</p>
            {(!subs.is_empty()).then(|| view! { <p class="text-sm text-slate-600">{subs.join(" · ")}</p> })}
            {(!rep.reviews.is_empty()).then(|| view! {
                <ul class="mt-2 divide-y divide-slate-100">
                    {rep.reviews.into_iter().map(|r| view! { <ReviewItem r/> }).collect_view()}
                </ul>
            })}
        </section>
    }
}
