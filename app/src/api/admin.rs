//! The admin console: the dashboard, the queues (parcel review, ID checks, payouts), the ledger
//! check, the overdue deliveries and failed jobs, and the email outbox of development mode. Admins only, except the outbox.

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::i18n::tr;
use crate::types::accounts::VerificationItem;
use crate::types::admin::{AdminOverview, FailedJobItem, LedgerReport, OutboxEmail, OverdueItem};
use crate::types::parcels::ReviewItem;
use crate::types::wallet::WithdrawalItem;
use crate::types::{Decision, ParcelId};
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Postcard};
use uuid::Uuid;

#[cfg(feature = "ssr")]
use crate::server::{
    accounts::verification, admin, ctx, email, money::ledger, parcels::review, time,
    wallet::withdrawals,
};

#[server(prefix = "/api", endpoint = "admin/overview", output = Postcard)]
pub async fn get_admin_overview() -> Result<AdminOverview, AppError> {
    ctx::require_admin().await?;
    admin::overview(&ctx::pool()?).await
}

#[server(prefix = "/api", endpoint = "admin/parcels/review-queue", output = Postcard)]
pub async fn review_queue() -> Result<Vec<ReviewItem>, AppError> {
    ctx::require_admin().await?;
    review::queue(&ctx::pool()?).await
}

/// An admin approves or rejects (with a reason) a parcel in review.
#[server(prefix = "/api", endpoint = "admin/parcels/review", output = Postcard)]
pub async fn review_parcel(
    id: ParcelId,
    decision: Decision,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    let admin = ctx::require_admin().await?;
    review::decide(&ctx::pool()?, admin.user.id, id, decision, &reason).await?;
    leptos_axum::redirect("/admin/parcels/review?done=1");
    Ok(())
}

#[server(prefix = "/api", endpoint = "admin/payouts", input = GetUrl, output = Postcard)]
pub async fn payouts_queue() -> Result<Vec<WithdrawalItem>, AppError> {
    ctx::require_admin().await?;
    withdrawals::queue(&ctx::pool()?).await
}

/// Marks a withdrawal paid, or rejects it (with a reason) and returns the money.
#[server(prefix = "/api", endpoint = "admin/payouts/decide", output = Postcard)]
pub async fn decide_payout(
    id: Uuid,
    decision: Decision,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    let admin = ctx::require_admin().await?;
    withdrawals::decide(&ctx::pool()?, admin.user.id, id, decision, &reason).await?;
    leptos_axum::redirect("/admin/payouts?done=1");
    Ok(())
}

#[server(prefix = "/api", endpoint = "admin/verifications", input = GetUrl, output = Postcard)]
pub async fn verification_queue() -> Result<Vec<VerificationItem>, AppError> {
    ctx::require_admin().await?;
    verification::queue(&ctx::pool()?).await
}

/// Approves or rejects (with a reason) an ID check.
#[server(prefix = "/api", endpoint = "admin/verifications/decide", output = Postcard)]
pub async fn decide_verification(
    id: Uuid,
    decision: Decision,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    let admin = ctx::require_admin().await?;
    verification::decide(&ctx::pool()?, admin.user.id, id, decision, &reason).await?;
    leptos_axum::redirect("/admin/verifications?done=1");
    Ok(())
}

/// Trip tickets waiting for a check.
#[server(prefix = "/api", endpoint = "admin/tickets", input = GetUrl, output = Postcard)]
pub async fn ticket_queue() -> Result<Vec<crate::types::trips::TicketItem>, AppError> {
    let me = ctx::require_admin().await?;
    crate::server::trips::ticket::queue(&ctx::pool()?, &ctx::viewer_zone(Some(&me))).await
}

/// Confirms a trip's ticket (the confirmed-traveler badge) or rejects it with a reason.
#[server(prefix = "/api", endpoint = "admin/tickets/decide", output = Postcard)]
pub async fn decide_ticket(
    id: crate::types::TripId,
    decision: Decision,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    let admin = ctx::require_admin().await?;
    crate::server::trips::ticket::decide(&ctx::pool()?, admin.user.id, id, decision, &reason)
        .await?;
    leptos_axum::redirect("/admin/tickets?done=1");
    Ok(())
}

/// The audit log, newest first, filtered by an action prefix ("dispute.") and a subject.
#[server(prefix = "/api", endpoint = "admin/audit", input = GetUrl, output = Postcard)]
pub async fn audit_log(
    #[server(default)] action: String,
    #[server(default)] subject: String,
) -> Result<Vec<crate::types::admin::AuditItem>, AppError> {
    let me = ctx::require_admin().await?;
    let tz = ctx::viewer_zone(Some(&me));
    crate::server::audit::list(&ctx::pool()?, &action, &subject, &tz).await
}

/// Deliveries overdue: picked up and still undelivered 72 hours after the deadline.
#[server(prefix = "/api", endpoint = "admin/overdue", input = GetUrl, output = Postcard)]
pub async fn overdue_deliveries() -> Result<Vec<OverdueItem>, AppError> {
    ctx::require_admin().await?;
    admin::overdue(&ctx::pool()?).await
}

/// Background jobs that failed every attempt.
#[server(prefix = "/api", endpoint = "admin/jobs/failed", input = GetUrl, output = Postcard)]
pub async fn failed_jobs() -> Result<Vec<FailedJobItem>, AppError> {
    ctx::require_admin().await?;
    admin::failed_jobs(&ctx::pool()?).await
}

/// Puts a failed job back in the queue.
#[server(prefix = "/api", endpoint = "admin/jobs/retry", output = Postcard)]
pub async fn retry_job(id: i64) -> Result<(), AppError> {
    let admin = ctx::require_admin().await?;
    admin::retry_job(&ctx::pool()?, admin.user.id, id).await?;
    leptos_axum::redirect("/admin/attention?retried=1");
    Ok(())
}

/// Runs the full ledger invariant check now.
#[server(prefix = "/api", endpoint = "admin/ledger", input = GetUrl, output = Postcard)]
pub async fn get_ledger_report() -> Result<LedgerReport, AppError> {
    ctx::require_admin().await?;
    let pool = ctx::pool()?;
    let checks = ledger::check(&pool)
        .await?
        .into_iter()
        .map(|f| crate::types::admin::LedgerCheck {
            check: f.check.to_string(),
            ok: f.ok,
            detail: f.detail,
        })
        .collect();
    Ok(LedgerReport {
        checks,
        system: ledger::system_balances(&pool).await?,
        at: time::datetime(::time::OffsetDateTime::now_utc()),
    })
}

/// What would have been emailed, newest first. Development only: absent in production.
#[server(prefix = "/api", endpoint = "dev/outbox", output = Postcard)]
pub async fn dev_outbox(to: Option<String>) -> Result<Vec<OutboxEmail>, AppError> {
    let state = ctx::state()?;
    if !state.config.dev {
        return Err(AppError::NotFound(tr("This page does not exist.").into()));
    }
    email::list(&state.pool, to.as_deref(), 100, &state.config.public_url).await
}

/// Members whose email or name contains `q`.
#[server(prefix = "/api", endpoint = "admin/users", input = GetUrl, output = Postcard)]
pub async fn search_members(
    #[server(default)] q: String,
) -> Result<Vec<crate::types::admin::MemberRow>, AppError> {
    let me = ctx::require_admin().await?;
    admin::users::search(&ctx::pool()?, &q, &ctx::viewer_zone(Some(&me))).await
}

/// One member's account, sessions, bookings, balances and moderation history.
#[server(prefix = "/api", endpoint = "admin/users/get", input = GetUrl, output = Postcard)]
pub async fn get_member(
    id: crate::types::UserId,
) -> Result<crate::types::admin::MemberAdmin, AppError> {
    let me = ctx::require_admin().await?;
    let tz = ctx::viewer_zone(Some(&me));
    admin::users::member(&ctx::pool()?, me.user.id, id, &tz).await
}

/// Ends one of a member's sessions.
#[server(prefix = "/api", endpoint = "admin/users/revoke-session", output = Postcard)]
pub async fn revoke_member_session(
    member: crate::types::UserId,
    session: Uuid,
) -> Result<(), AppError> {
    let me = ctx::require_admin().await?;
    admin::users::revoke_session(&ctx::pool()?, me.user.id, member, session).await?;
    leptos_axum::redirect(&format!("/admin/users/{member}?revoked=1"));
    Ok(())
}

/// Turns two-factor login off for a member who lost their phone and codes (audited; their
/// sessions end).
#[server(prefix = "/api", endpoint = "admin/users/two-factor-reset", output = Postcard)]
pub async fn reset_member_two_factor(member: crate::types::UserId) -> Result<(), AppError> {
    let me = ctx::require_admin().await?;
    crate::server::accounts::two_factor::admin_reset(&ctx::pool()?, me.user.id, member).await?;
    leptos_axum::redirect(&format!("/admin/users/{member}?two_factor=1"));
    Ok(())
}

/// Makes a member an admin, or an admin a member.
#[server(prefix = "/api", endpoint = "admin/users/role", output = Postcard)]
pub async fn set_member_role(
    member: crate::types::UserId,
    role: crate::types::Role,
) -> Result<(), AppError> {
    let me = ctx::require_admin().await?;
    admin::users::set_role(&ctx::pool()?, me.user.id, member, role).await?;
    leptos_axum::redirect(&format!("/admin/users/{member}?role=1"));
    Ok(())
}

/// The dashboard's charts over the last `days` (30 or 90).
#[server(prefix = "/api", endpoint = "admin/charts", input = GetUrl, output = Postcard)]
pub async fn dashboard_charts(
    #[server(default)] days: i64,
) -> Result<crate::types::admin::Charts, AppError> {
    ctx::require_admin().await?;
    admin::charts::charts(&ctx::pool()?, days).await
}

/// Every email Carry sent or will send, with its status (not its body), for admins.
#[server(prefix = "/api", endpoint = "admin/emails", input = GetUrl, output = Postcard)]
pub async fn admin_outbox(
    #[server(default)] to: String,
) -> Result<Vec<crate::types::admin::OutboxItem>, AppError> {
    let me = ctx::require_admin().await?;
    email::outbox(&ctx::pool()?, &to, &ctx::viewer_zone(Some(&me))).await
}

/// Sends again an email that failed every attempt.
#[server(prefix = "/api", endpoint = "admin/emails/retry", output = Postcard)]
pub async fn retry_email(id: i64) -> Result<(), AppError> {
    let me = ctx::require_admin().await?;
    admin::retry_email(&ctx::pool()?, me.user.id, id).await?;
    leptos_axum::redirect("/admin/emails?retried=1");
    Ok(())
}

/// Every editable setting with its value.
#[server(prefix = "/api", endpoint = "admin/settings", input = GetUrl, output = Postcard)]
pub async fn list_settings() -> Result<Vec<crate::types::admin::SettingItem>, AppError> {
    ctx::require_admin().await?;
    admin::settings::list(&ctx::pool()?).await
}

/// Changes one setting: a whole number in its range.
#[server(prefix = "/api", endpoint = "admin/settings/set", output = Postcard)]
pub async fn change_setting(
    #[server(default)] key: String,
    #[server(default)] value: String,
) -> Result<(), AppError> {
    let me = ctx::require_admin().await?;
    admin::settings::set(&ctx::pool()?, me.user.id, &key, &value).await?;
    leptos_axum::redirect("/admin/settings?saved=1");
    Ok(())
}

/// Ledger transactions and their entries, by booking (id or tracking number), member email,
/// account kind and dates (YYYY-MM-DD), newest first.
#[server(prefix = "/api", endpoint = "admin/ledger/transactions", input = GetUrl, output = Postcard)]
pub async fn ledger_transactions(
    #[server(default)] booking: String,
    #[server(default)] email: String,
    #[server(default)] account: String,
    #[server(default)] from: String,
    #[server(default)] to: String,
) -> Result<Vec<crate::types::admin::TxItem>, AppError> {
    let me = ctx::require_admin().await?;
    let f = admin::inspect::LedgerFilter {
        booking,
        email,
        account,
        from,
        to,
    };
    admin::inspect::transactions(&ctx::pool()?, &f, &ctx::viewer_zone(Some(&me))).await
}

/// Any booking, by id or tracking number: parties, timeline, escrow and ledger transactions.
#[server(prefix = "/api", endpoint = "admin/bookings/inspect", input = GetUrl, output = Postcard)]
pub async fn inspect_booking(
    #[server(default)] q: String,
) -> Result<crate::types::admin::BookingInspect, AppError> {
    let me = ctx::require_admin().await?;
    admin::inspect::booking(&ctx::pool()?, &q, &ctx::viewer_zone(Some(&me))).await
}

/// The latest paid and rejected withdrawals.
#[server(prefix = "/api", endpoint = "admin/payouts/history", input = GetUrl, output = Postcard)]
pub async fn payouts_history() -> Result<Vec<WithdrawalItem>, AppError> {
    let me = ctx::require_admin().await?;
    withdrawals::decided(&ctx::pool()?, &ctx::viewer_zone(Some(&me))).await
}

/// The risk rules, prohibited keywords and high-risk countries.
#[server(prefix = "/api", endpoint = "admin/settings/risk", input = GetUrl, output = Postcard)]
pub async fn risk_lists() -> Result<crate::types::admin::RiskLists, AppError> {
    ctx::require_admin().await?;
    admin::settings::risk_lists(&ctx::pool()?).await
}

/// Changes a risk rule's points, threshold and whether it applies.
#[server(prefix = "/api", endpoint = "admin/settings/risk-rule", output = Postcard)]
pub async fn change_risk_rule(
    #[server(default)] code: String,
    #[server(default)] points: String,
    #[server(default)] param: String,
    #[server(default)] enabled: Option<String>,
) -> Result<(), AppError> {
    let me = ctx::require_admin().await?;
    let on = enabled.is_some();
    admin::settings::set_risk_rule(&ctx::pool()?, me.user.id, &code, &points, &param, on).await?;
    leptos_axum::redirect("/admin/settings?saved=1#risk");
    Ok(())
}

/// Adds or removes a prohibited keyword (`action`: "add" or "remove").
#[server(prefix = "/api", endpoint = "admin/settings/keyword", output = Postcard)]
pub async fn change_keyword(
    #[server(default)] keyword: String,
    #[server(default)] action: String,
) -> Result<(), AppError> {
    let me = ctx::require_admin().await?;
    let add = action != "remove";
    admin::settings::set_keyword(&ctx::pool()?, me.user.id, &keyword, add).await?;
    leptos_axum::redirect("/admin/settings?saved=1#keywords");
    Ok(())
}

/// Adds or removes a high-risk country (`action`: "add" or "remove").
#[server(prefix = "/api", endpoint = "admin/settings/country", output = Postcard)]
pub async fn change_country(
    #[server(default)] country: String,
    #[server(default)] action: String,
) -> Result<(), AppError> {
    let me = ctx::require_admin().await?;
    let add = action != "remove";
    admin::settings::set_country(&ctx::pool()?, me.user.id, &country, add).await?;
    leptos_axum::redirect("/admin/settings?saved=1#countries");
    Ok(())
}
