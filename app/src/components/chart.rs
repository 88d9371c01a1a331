//! A line chart drawn as SVG on the server (no chart JavaScript: it shows before and without
//! the WASM), with its numbers as a table for screen readers and anyone who wants them.

use crate::i18n::tr;
use crate::types::admin::Chart;
use crate::types::Money;
use leptos::prelude::*;

const W: i64 = 600;
const H: i64 = 140;

fn shown(chart: &Chart, v: i64) -> String {
    match chart.currency {
        Some(c) => Money::new(v, c).to_string(),
        None => v.to_string(),
    }
}

/// The polyline's points: x spread over the width, y scaled to the peak (integers: the SVG's
/// own units, no floats needed).
pub fn points(values: &[i64]) -> String {
    let peak = values.iter().copied().max().unwrap_or(0).max(1);
    let low = values.iter().copied().min().unwrap_or(0).min(0);
    let range = (peak - low).max(1);
    let last = i64::try_from(values.len().saturating_sub(1))
        .unwrap_or(1)
        .max(1);
    values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let i = i64::try_from(i).unwrap_or(0);
            let x = i * W / last;
            let y = H - 4 - (v - low).saturating_mul(H - 8) / range;
            format!("{x},{y}")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[component]
pub fn LineChart(chart: Chart, days: Vec<String>) -> impl IntoView {
    let peak = chart.points.iter().copied().max().unwrap_or(0);
    let last = chart.points.last().copied().unwrap_or(0);
    let total: i64 = chart.points.iter().sum();
    let balance = chart.balance;
    let summary = if balance {
        crate::trf!(
            "now {}, at most {}",
            shown(&chart, last),
            shown(&chart, peak)
        )
    } else {
        crate::trf!(
            "{} in total, at most {} a day",
            shown(&chart, total),
            shown(&chart, peak)
        )
    };
    let label = crate::trf!(
        "{} over the last {} days: {}.",
        chart.title,
        days.len(),
        summary
    );
    let line = points(&chart.points);
    let (first_day, last_day) = (
        days.first().cloned().unwrap_or_default(),
        days.last().cloned().unwrap_or_default(),
    );
    let rows: Vec<(String, String)> = days
        .iter()
        .zip(&chart.points)
        .map(|(d, v)| (d.clone(), shown(&chart, *v)))
        .collect();
    view! {
        <figure class="card" data-testid="chart">
            <figcaption class="mb-2">
                <span class="font-semibold">{chart.title.clone()}</span>
                <span class="ml-2 text-sm text-slate-600">{summary.clone()}</span>
            </figcaption>
            <svg viewBox=format!("0 0 {W} {H}") class="h-32 w-full" preserveAspectRatio="none" role="img" aria-label=label>
                <line x1="0" y1=H - 4 x2=W y2=H - 4 stroke="#cbd5e1" stroke-width="1"/>
                <polyline points=line fill="none" stroke="#0f766e" stroke-width="2" vector-effect="non-scaling-stroke"/>
            </svg>
            <div class="mt-1 flex justify-between text-xs text-slate-500"><span>{first_day}</span><span>{last_day}</span></div>
            <details class="mt-2 text-sm">
                <summary class="cursor-pointer text-slate-600">{tr("The numbers")}</summary>
                <table class="mt-2 w-full text-left">
                    <thead><tr><th scope="col">{tr("Day")}</th><th scope="col">{chart.title.clone()}</th></tr></thead>
                    <tbody>
                        {rows.into_iter().map(|(d, v)| view! { <tr><td>{d}</td><td>{v}</td></tr> }).collect_view()}
                    </tbody>
                </table>
            </details>
        </figure>
    }
}
