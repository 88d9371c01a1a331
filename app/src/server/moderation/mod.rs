//! Reports and moderation (PRODUCT §11). Members report a member, a trip or a parcel; admins
//! decide: dismiss, warn, remove the listing, suspend for some days, or ban. A suspended member
//! cannot log in (every session ends) and their listings are hidden from search and matching
//! until the suspension is over (`in_good_standing` in SQL); a banned member's open listings are
//! withdrawn, their pending requests refunded and closed, and their accepted bookings cancelled
//! under the cancellation rules of their side. Every decision tells the member why, tells the
//! reporter it was handled, and is written to the audit log in the same transaction.

use crate::error::{printable, AppError};
use crate::i18n::tr;
use crate::server::accounts::sessions;
use crate::server::bookings::withdraw;
use crate::server::notifications::{self, Note};
use crate::server::parcels::store as parcels;
use crate::server::{audit, time};
use crate::types::moderation::ReportItem;
use crate::types::{
    ModerationAction, NotificationKind, ParcelId, ReportReason, ReportSubject, Role, TripId,
    UserId, UserStatus,
};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// The longest suspension, in days.
pub const MAX_SUSPENSION_DAYS: i64 = 365;
const MAX_TEXT: usize = 2000;

/// What a report is about, resolved: the member, and the listing if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    Trip(TripId),
    Parcel(ParcelId),
}

fn text(field: &str, raw: &str, required: Option<&str>) -> Result<String, AppError> {
    let t = raw.trim().to_string();
    if !printable(&t, true) {
        return Err(AppError::validation(
            field,
            crate::i18n::tr("This has characters we can't show; type it again."),
        ));
    }
    if t.chars().count() > MAX_TEXT {
        return Err(AppError::validation(
            field,
            crate::i18n::tr("This can be at most 2,000 characters."),
        ));
    }
    if let (Some(message), true) = (required, t.is_empty()) {
        return Err(AppError::validation(field, message));
    }
    Ok(t)
}

/// The page a report's subject is shown on.
pub fn link(subject: ReportSubject, id: Uuid) -> String {
    match subject {
        ReportSubject::Member => format!("/u/{id}"),
        ReportSubject::Trip => format!("/trips/{id}"),
        ReportSubject::Parcel => format!("/parcels/{id}"),
    }
}

/// A member reports a member, a trip or a parcel. Reporting the same thing again while the
/// first report waits changes nothing. Returns the page of what was reported.
#[tracing::instrument(skip(pool, note))]
pub async fn report(
    pool: &PgPool,
    reporter: UserId,
    subject: ReportSubject,
    id: Uuid,
    reason: ReportReason,
    note: &str,
) -> Result<String, AppError> {
    let note = text("note", note, None)?;
    let (member, listing) = match subject {
        ReportSubject::Member => {
            let member = sqlx::query_scalar!(
                r#"SELECT id AS "id: UserId" FROM users WHERE id = $1 AND status <> 'banned'"#,
                id
            )
            .fetch_optional(pool)
            .await?
            .ok_or_else(|| AppError::NotFound(tr("This member does not exist.").into()))?;
            (member, None)
        }
        ReportSubject::Trip => {
            let owner = sqlx::query_scalar!(
                r#"SELECT traveler_id AS "id: UserId" FROM trips WHERE id = $1"#,
                id
            )
            .fetch_optional(pool)
            .await?
            .ok_or_else(|| AppError::NotFound(tr("This trip does not exist.").into()))?;
            (owner, Some(Listing::Trip(TripId(id))))
        }
        ReportSubject::Parcel => {
            let row = parcels::row(pool, ParcelId(id)).await?;
            // A parcel in review or rejected is its sender's and the admins' only.
            if !parcels::is_public(row.status) && row.sender_id != reporter {
                return Err(parcels::not_found());
            }
            (row.sender_id, Some(Listing::Parcel(ParcelId(id))))
        }
    };
    if member == reporter {
        return Err(AppError::Conflict(tr("You cannot report yourself.").into()));
    }
    let (trip, parcel) = match listing {
        Some(Listing::Trip(t)) => (Some(t), None),
        Some(Listing::Parcel(p)) => (None, Some(p)),
        None => (None, None),
    };
    sqlx::query!(
        "INSERT INTO reports (reporter_id, member_id, trip_id, parcel_id, reason, note)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
        reporter as UserId,
        member as UserId,
        trip as Option<TripId>,
        parcel as Option<ParcelId>,
        reason as ReportReason,
        note
    )
    .execute(pool)
    .await?;
    Ok(link(subject, id))
}

/// The open reports, oldest first.
pub async fn queue(pool: &PgPool, tz: &str) -> Result<Vec<ReportItem>, AppError> {
    let rows = sqlx::query!(
        r#"SELECT r.id, r.created_at, rp.display_name AS reporter, r.member_id AS "member: UserId",
                  m.display_name AS member_name, m.status AS "status: UserStatus",
                  m.suspended_until, r.trip_id, r.parcel_id,
                  r.reason AS "reason: ReportReason", r.note,
                  (SELECT o.label || ' → ' || d.label FROM trips t
                     JOIN places o ON o.id = t.origin_id JOIN places d ON d.id = t.destination_id
                    WHERE t.id = r.trip_id) AS route,
                  (SELECT p.title FROM parcels p WHERE p.id = r.parcel_id) AS parcel_title,
                  (SELECT count(*) FROM reports e WHERE e.member_id = r.member_id
                     AND e.action IS NOT NULL AND e.action <> 'dismiss') AS "upheld!"
           FROM reports r
           JOIN users rp ON rp.id = r.reporter_id
           JOIN users m ON m.id = r.member_id
           WHERE r.decided_at IS NULL
           ORDER BY r.created_at, r.id LIMIT 200"#
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let (subject, id, title) = match (r.trip_id, r.parcel_id) {
                (Some(t), _) => (ReportSubject::Trip, t, r.route.unwrap_or_default()),
                (None, Some(p)) => (ReportSubject::Parcel, p, r.parcel_title.unwrap_or_default()),
                (None, None) => (ReportSubject::Member, r.member.0, r.member_name.clone()),
            };
            ReportItem {
                id: r.id,
                at: time::datetime_in(r.created_at, tz),
                reporter: r.reporter,
                member: r.member,
                member_status: standing(r.status, r.suspended_until, tz),
                member_name: r.member_name,
                subject,
                subject_title: title,
                subject_link: link(subject, id),
                reason: r.reason,
                note: r.note,
                upheld_before: r.upheld,
            }
        })
        .collect())
}

/// A member's standing in words.
pub fn standing(status: UserStatus, until: Option<::time::OffsetDateTime>, tz: &str) -> String {
    match (status, until) {
        (UserStatus::Suspended, Some(u)) if u > ::time::OffsetDateTime::now_utc() => {
            crate::trf!("Suspended until {}", time::datetime_in(u, tz))
        }
        (UserStatus::Suspended, _) => tr("Active (suspension over)").into(),
        (s, _) => s.label().into(),
    }
}

/// An admin decides a report. Deciding twice is refused (the first decision stands).
#[tracing::instrument(skip(pool, reason))]
pub async fn decide(
    pool: &PgPool,
    admin: UserId,
    report: i64,
    action: ModerationAction,
    days: &str,
    reason: &str,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let r = sqlx::query!(
        r#"SELECT reporter_id AS "reporter: UserId", member_id AS "member: UserId",
                  trip_id AS "trip: TripId", parcel_id AS "parcel: ParcelId", decided_at
           FROM reports WHERE id = $1 FOR UPDATE"#,
        report
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::NotFound(tr("This report does not exist.").into()))?;
    if r.decided_at.is_some() {
        return Err(AppError::Conflict(
            tr("This report was already decided.").into(),
        ));
    }
    let listing = match (r.trip, r.parcel) {
        (Some(t), _) => Some(Listing::Trip(t)),
        (None, Some(p)) => Some(Listing::Parcel(p)),
        _ => None,
    };
    let reason = apply(&mut tx, admin, r.member, listing, action, days, reason).await?;
    sqlx::query!(
        "UPDATE reports SET decided_at = now(), decided_by = $2, action = $3, decision_reason = $4
         WHERE id = $1",
        report,
        admin as UserId,
        action as ModerationAction,
        reason
    )
    .execute(&mut *tx)
    .await?;
    notifications::notify(&mut tx, r.reporter, || Note {
        kind: NotificationKind::Moderation,
        title: tr("Your report was handled").to_string(),
        body: tr(
            "Thank you for your report: an admin looked at it and took the action they \
                   judged right. For privacy we do not share the details.",
        )
        .to_string(),
        link: String::new(),
        dedupe: None,
    })
    .await?;
    tx.commit().await?;
    Ok(())
}

/// An admin acts on a member directly (from the member's admin page): warn, suspend or ban.
#[tracing::instrument(skip(pool, reason))]
pub async fn act(
    pool: &PgPool,
    admin: UserId,
    member: UserId,
    action: ModerationAction,
    days: &str,
    reason: &str,
) -> Result<(), AppError> {
    if matches!(
        action,
        ModerationAction::Dismiss | ModerationAction::RemoveListing
    ) {
        return Err(AppError::BadRequest(
            tr("Choose warn, suspend or ban for a member.").into(),
        ));
    }
    let mut tx = pool.begin().await?;
    apply(&mut tx, admin, member, None, action, days, reason).await?;
    tx.commit().await?;
    Ok(())
}

/// The decision's effects, the member told why, and the audit entry. Returns the reason.
async fn apply(
    conn: &mut PgConnection,
    admin: UserId,
    member: UserId,
    listing: Option<Listing>,
    action: ModerationAction,
    days: &str,
    reason: &str,
) -> Result<String, AppError> {
    let reason = text(
        "reason",
        reason,
        (action != ModerationAction::Dismiss)
            .then_some("Say why: the member reads it in the notification."),
    )?;
    let days = if action == ModerationAction::Suspend {
        match days.trim().parse::<i64>() {
            Ok(d) if (1..=MAX_SUSPENSION_DAYS).contains(&d) => d,
            _ => {
                return Err(AppError::validation(
                    "days",
                    tr("Suspend for 1 to 365 days."),
                ))
            }
        }
    } else {
        0
    };
    let m = sqlx::query!(
        r#"SELECT status AS "status: UserStatus", suspended_until, role AS "role: Role" FROM users
           WHERE id = $1 FOR UPDATE"#,
        member as UserId
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| AppError::NotFound(tr("This member does not exist.").into()))?;
    if member == admin && action != ModerationAction::Dismiss {
        return Err(AppError::Conflict(
            tr("You cannot act on your own account.").into(),
        ));
    }
    if m.role == Role::Admin && matches!(action, ModerationAction::Suspend | ModerationAction::Ban)
    {
        return Err(AppError::Conflict(
            tr("This member is an admin: take the admin role away first.").into(),
        ));
    }
    if m.status == UserStatus::Banned && action != ModerationAction::Dismiss {
        return Err(AppError::Conflict(
            tr("This member is already banned.").into(),
        ));
    }
    let before = serde_json::json!({
        "status": m.status.code(),
        "suspended_until": m.suspended_until.map(time::datetime),
    });
    // Told in the member's language, not the admin's.
    let locale = notifications::locale_of(conn, member).await?;
    let in_theirs = |f: &dyn Fn() -> (String, String)| crate::i18n::within_sync(locale, f);
    let (title, body, link) = match action {
        ModerationAction::Dismiss => {
            record(conn, admin, member, action, &before, &before).await?;
            return Ok(reason);
        }
        ModerationAction::Warn => {
            let (title, body) = in_theirs(&|| {
                (
            tr("A warning from Carry's moderators").to_string(),
            crate::trf!("An admin reviewed a report about you and is warning you. Reason: {}\n\nPlease \
                 follow Carry's rules: a further report may lead to a suspension or a ban.", reason))
            });
            (title, body, String::new())
        }
        ModerationAction::RemoveListing => {
            let note = crate::trf!("Removed by Carry's moderators. Reason: {}", reason);
            let link =
                match listing {
                    Some(Listing::Trip(t)) => {
                        withdraw::remove_trip(conn, t).await?;
                        format!("/trips/{t}")
                    }
                    Some(Listing::Parcel(p)) => {
                        withdraw::remove_parcel(conn, p, &note).await?;
                        format!("/parcels/{p}")
                    }
                    None => return Err(AppError::BadRequest(
                        crate::i18n::tr(
                            "This report is about a member, not a listing: choose another action.",
                        )
                        .into(),
                    )),
                };
            let (title, body) = in_theirs(&|| {
                (
                tr("Your listing was removed").to_string(),
                crate::trf!("An admin removed your listing from Carry after a report. Open requests for it \
                     were closed and their money returned. Reason: {}", reason))
            });
            (title, body, link)
        }
        ModerationAction::Suspend => {
            sqlx::query!(
                "UPDATE users SET status = 'suspended',
                        suspended_until = now() + make_interval(days => $2)
                 WHERE id = $1",
                member as UserId,
                i32::try_from(days).unwrap_or(1)
            )
            .execute(&mut *conn)
            .await?;
            sessions::revoke_all(&mut *conn, member, None).await?;
            let (title, body) = in_theirs(&|| {
                (
                    tr("Your Carry account is suspended").to_string(),
                    crate::trf!(
                        "An admin suspended your account for {} day{}: you cannot log in and your \
                     trips and parcels are hidden until then. Bookings already accepted stay as \
                     they are. Reason: {}",
                        days,
                        if days == 1 { "" } else { "s" },
                        reason
                    ),
                )
            });
            (title, body, String::new())
        }
        ModerationAction::Ban => {
            sqlx::query!(
                "UPDATE users SET status = 'banned', suspended_until = NULL WHERE id = $1",
                member as UserId
            )
            .execute(&mut *conn)
            .await?;
            sessions::revoke_all(&mut *conn, member, None).await?;
            let note = crate::trf!("The member was banned from Carry. Reason: {}", reason);
            withdraw::remove_member(conn, member, &note).await?;
            let (title, body) = in_theirs(&|| {
                (
                tr("Your Carry account is closed").to_string(),
                crate::trf!("An admin banned your account: you can no longer log in. Your open trips and \
                     parcels were withdrawn, pending requests refunded, and accepted bookings \
                     cancelled. Parcels already picked up must still be delivered. Money in your \
                     wallet stays yours: write to support to withdraw it. Reason: {}", reason))
            });
            (title, body, String::new())
        }
    };
    notifications::notify(conn, member, || Note {
        kind: NotificationKind::Moderation,
        title,
        body,
        link,
        dedupe: None,
    })
    .await?;
    let after = sqlx::query!(
        r#"SELECT status AS "status: UserStatus", suspended_until FROM users WHERE id = $1"#,
        member as UserId
    )
    .fetch_one(&mut *conn)
    .await?;
    let after = serde_json::json!({
        "status": after.status.code(),
        "suspended_until": after.suspended_until.map(time::datetime),
        "listing": listing.map(|l| match l {
            Listing::Trip(t) => format!("trip:{t}"),
            Listing::Parcel(p) => format!("parcel:{p}"),
        }),
        "reason": reason,
    });
    record(conn, admin, member, action, &before, &after).await?;
    Ok(reason)
}

async fn record(
    conn: &mut PgConnection,
    admin: UserId,
    member: UserId,
    action: ModerationAction,
    before: &serde_json::Value,
    after: &serde_json::Value,
) -> Result<(), AppError> {
    audit::record(
        conn,
        Some(admin),
        &format!("moderation.{}", action.code()),
        &format!("user:{member}"),
        Some(&before.to_string()),
        Some(&after.to_string()),
    )
    .await
}
