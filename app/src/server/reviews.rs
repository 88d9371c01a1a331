//! Reviews and reputation (PRODUCT §10). After completion each side may review the other once,
//! within the review window: stars, optional sub-scores, a comment. Double-blind: a review is
//! hidden from everyone until both sides have reviewed or the window closes (a job scheduled at
//! completion publishes what was written). Publishing recomputes the member's rating in that
//! role, which the match score and the search's "min rating" read.

use crate::error::{printable, AppError};
use crate::i18n::tr;
use crate::server::notifications::{self, Note};
use crate::server::{settings, time};
use crate::types::reviews::{BookingReviews, Reputation, ReviewView, RoleReputation};
use crate::types::{BookingId, BookingStatus, NotificationKind, Side, UserId};
use ::time::{Duration, OffsetDateTime};
use sqlx::{PgConnection, PgPool};

pub const MAX_COMMENT: usize = 2000;

/// What a member writes, as typed.
#[derive(Debug, Clone, Default)]
pub struct ReviewInput {
    pub stars: String,
    pub communication: String,
    pub punctuality: String,
    pub care: String,
    pub comment: String,
}

struct Valid {
    stars: i16,
    communication: Option<i16>,
    punctuality: Option<i16>,
    care: Option<i16>,
    comment: String,
}

fn score(v: &str) -> Result<Option<i16>, ()> {
    let v = v.trim();
    if v.is_empty() {
        return Ok(None);
    }
    match v.parse::<i16>() {
        Ok(n) if (1..=5).contains(&n) => Ok(Some(n)),
        _ => Err(()),
    }
}

fn validate(i: &ReviewInput) -> Result<Valid, AppError> {
    let mut p = crate::error::Problems::default();
    let stars = match score(&i.stars) {
        Ok(Some(n)) => n,
        _ => {
            p.add("stars", tr("Choose from 1 to 5 stars."));
            0
        }
    };
    let mut sub = |field: &str, v: &str| match score(v) {
        Ok(n) => n,
        Err(()) => {
            p.add(
                field,
                crate::i18n::tr("Choose from 1 to 5, or leave it empty."),
            );
            None
        }
    };
    let communication = sub("communication", &i.communication);
    let punctuality = sub("punctuality", &i.punctuality);
    let care = sub("care", &i.care);
    let comment = i.comment.trim().to_string();
    if !printable(&comment, true) {
        p.add(
            "comment",
            crate::i18n::tr("This has characters we can't show; type it again."),
        );
    } else if comment.chars().count() > MAX_COMMENT {
        p.add("comment", tr("A comment can be at most 2,000 characters."));
    }
    p.into_result().map_err(|e| {
        e.with_values(&[
            ("stars", &i.stars),
            ("communication", &i.communication),
            ("punctuality", &i.punctuality),
            ("care", &i.care),
            ("comment", &i.comment),
        ])
    })?;
    Ok(Valid {
        stars,
        communication,
        punctuality,
        care,
        comment,
    })
}

/// The booking as reviews need it, locked: its sides, status and completion time.
struct Locked {
    sender: UserId,
    traveler: UserId,
    status: BookingStatus,
    completed_at: Option<OffsetDateTime>,
}

async fn lock(conn: &mut PgConnection, id: BookingId) -> Result<Locked, AppError> {
    sqlx::query_as!(
        Locked,
        r#"SELECT sender_id AS "sender: UserId", traveler_id AS "traveler: UserId",
                  status AS "status: BookingStatus", completed_at
           FROM bookings WHERE id = $1 FOR UPDATE"#,
        id as BookingId
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(not_found)
}

fn not_found() -> AppError {
    AppError::NotFound(tr("This booking does not exist, or it is not yours.").into())
}

/// When the review window of a booking completed at `at` closes.
fn window_end(at: OffsetDateTime, days: i64) -> OffsetDateTime {
    at + Duration::days(days)
}

/// Writes `author`'s review of the other side. Once both have written, both are published.
#[tracing::instrument(skip(pool, input))]
pub async fn write(
    pool: &PgPool,
    author: UserId,
    booking: BookingId,
    input: &ReviewInput,
) -> Result<(), AppError> {
    let v = validate(input)?;
    let s = settings::current(pool).await?;
    let mut tx = pool.begin().await?;
    let b = lock(&mut tx, booking).await?;
    let (subject, role) = if author == b.sender {
        (b.traveler, Side::Traveler)
    } else if author == b.traveler {
        (b.sender, Side::Sender)
    } else {
        return Err(not_found());
    };
    let Some(done) = b
        .completed_at
        .filter(|_| b.status == BookingStatus::Completed)
    else {
        return Err(AppError::Conflict(
            tr("You can review once the booking is completed.").into(),
        ));
    };
    if OffsetDateTime::now_utc() > window_end(done, s.review_window_days) {
        return Err(AppError::Conflict(crate::trf!(
            "Reviews close {} days after completion; this one has closed.",
            s.review_window_days
        )));
    }
    let inserted = sqlx::query!(
        "INSERT INTO reviews (booking_id, author_id, subject_id, subject_role, stars,
            communication, punctuality, care, comment)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (booking_id, author_id) DO NOTHING",
        booking as BookingId,
        author as UserId,
        subject as UserId,
        role as Side,
        v.stars,
        v.communication,
        v.punctuality,
        v.care,
        v.comment
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if inserted == 0 {
        return Err(AppError::Conflict(
            tr("You have already reviewed this booking.").into(),
        ));
    }
    let written = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM reviews WHERE booking_id = $1"#,
        booking as BookingId
    )
    .fetch_one(&mut *tx)
    .await?;
    if written == 2 {
        publish_locked(&mut tx, booking).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The window closed (the job scheduled at completion): whatever was written is published.
pub async fn publish(conn: &mut PgConnection, booking: BookingId) -> Result<u64, AppError> {
    lock(conn, booking).await?;
    publish_locked(conn, booking).await
}

async fn publish_locked(conn: &mut PgConnection, booking: BookingId) -> Result<u64, AppError> {
    let published = sqlx::query!(
        r#"UPDATE reviews SET published_at = now()
           WHERE booking_id = $1 AND published_at IS NULL
           RETURNING subject_id AS "subject: UserId", subject_role AS "role: Side", stars"#,
        booking as BookingId
    )
    .fetch_all(&mut *conn)
    .await?;
    for r in &published {
        recompute(conn, r.subject).await?;
        let link = format!("/bookings/{booking}");
        notifications::notify(conn, r.subject, || {
            let (title, body) = (
                tr("A review about you is published").to_string(),
                crate::trf!(
                    "You received {} out of 5 as a {}. It is on your public profile.",
                    r.stars,
                    r.role.label().to_lowercase()
                ),
            );
            Note {
                kind: NotificationKind::Review,
                title,
                body,
                link,
                dedupe: None,
            }
        })
        .await?;
    }
    Ok(published.len() as u64)
}

/// A member's ratings in both roles, from their published reviews (×100, rounded).
pub async fn recompute(conn: &mut PgConnection, user: UserId) -> Result<(), AppError> {
    sqlx::query!(
        r#"UPDATE users SET
             traveler_rating_x100 = (SELECT round(avg(stars) * 100)::int FROM reviews
                 WHERE subject_id = $1 AND subject_role = 'traveler' AND published_at IS NOT NULL),
             sender_rating_x100 = (SELECT round(avg(stars) * 100)::int FROM reviews
                 WHERE subject_id = $1 AND subject_role = 'sender' AND published_at IS NOT NULL)
           WHERE id = $1"#,
        user as UserId
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

struct ReviewRow {
    author_id: UserId,
    author: String,
    stars: i16,
    communication: Option<i16>,
    punctuality: Option<i16>,
    care: Option<i16>,
    comment: String,
    created_at: OffsetDateTime,
    published_at: Option<OffsetDateTime>,
}

impl ReviewRow {
    fn view(self, tz: &str) -> ReviewView {
        ReviewView {
            author: self.author,
            stars: self.stars,
            communication: self.communication,
            punctuality: self.punctuality,
            care: self.care,
            comment: self.comment,
            at: time::datetime_in(self.published_at.unwrap_or(self.created_at), tz),
        }
    }
}

/// The reviews of a booking as `viewer` (one of its sides) sees them.
pub async fn for_booking(
    pool: &PgPool,
    viewer: UserId,
    booking: BookingId,
    tz: &str,
) -> Result<BookingReviews, AppError> {
    let b = sqlx::query!(
        r#"SELECT b.sender_id AS "sender: UserId", b.traveler_id AS "traveler: UserId",
                  b.status AS "status: BookingStatus", b.completed_at,
                  s.display_name AS sender_name, t.display_name AS traveler_name
           FROM bookings b JOIN users s ON s.id = b.sender_id JOIN users t ON t.id = b.traveler_id
           WHERE b.id = $1"#,
        booking as BookingId
    )
    .fetch_optional(pool)
    .await?
    .filter(|b| b.sender == viewer || b.traveler == viewer)
    .ok_or_else(not_found)?;
    let other_name = if viewer == b.sender {
        b.traveler_name
    } else {
        b.sender_name
    };
    let s = settings::current(pool).await?;
    let rows = sqlx::query_as!(
        ReviewRow,
        r#"SELECT r.author_id AS "author_id: UserId", u.display_name AS author, r.stars,
                  r.communication, r.punctuality, r.care, r.comment, r.created_at, r.published_at
           FROM reviews r JOIN users u ON u.id = r.author_id WHERE r.booking_id = $1"#,
        booking as BookingId
    )
    .fetch_all(pool)
    .await?;
    let (mut mine, mut theirs, mut theirs_waiting) = (None, None, false);
    for r in rows {
        if r.author_id == viewer {
            mine = Some(r.view(tz));
        } else if r.published_at.is_some() {
            theirs = Some(r.view(tz));
        } else {
            theirs_waiting = true;
        }
    }
    let end = b
        .completed_at
        .filter(|_| b.status == BookingStatus::Completed)
        .map(|at| window_end(at, s.review_window_days));
    let open = end.is_some_and(|e| OffsetDateTime::now_utc() <= e);
    Ok(BookingReviews {
        other_name,
        can_write: open && mine.is_none(),
        window_ends: end.filter(|_| open).map(|e| time::datetime_in(e, tz)),
        mine,
        theirs,
        theirs_waiting,
    })
}

/// "4.5" from an average.
fn one_decimal(avg: Option<f64>) -> Option<String> {
    avg.map(|a| format!("{a:.1}"))
}

fn percent(part: i64, whole: i64) -> Option<String> {
    (whole > 0).then(|| format!("{}%", (part * 100 + whole / 2) / whole))
}

/// "within 3 hours", "within 25 minutes", "within 2 days".
pub fn response_time(secs: f64) -> String {
    let mins = (secs / 60.0).ceil().max(1.0);
    if mins <= 1.0 {
        tr("within a minute").into()
    } else if mins < 60.0 {
        crate::trf!("within {} minutes", format!("{mins:.0}"))
    } else if mins < 48.0 * 60.0 {
        let h = (mins / 60.0).ceil();
        if h <= 1.0 {
            tr("within an hour").into()
        } else {
            crate::trf!("within {} hours", format!("{h:.0}"))
        }
    } else {
        crate::trf!("within {} days", format!("{:.0}", (mins / 1440.0).ceil()))
    }
}

/// A member's reputation in `role`: ratings, deliveries, cancellations, how they answer.
async fn role_reputation(
    pool: &PgPool,
    user: UserId,
    role: Side,
    tz: &str,
) -> Result<RoleReputation, AppError> {
    let r = sqlx::query!(
        r#"SELECT count(*) AS "n!", avg(stars)::float8 AS stars,
                  avg(communication)::float8 AS communication,
                  avg(punctuality)::float8 AS punctuality, avg(care)::float8 AS care
           FROM reviews WHERE subject_id = $1 AND subject_role = $2 AND published_at IS NOT NULL"#,
        user as UserId,
        role as Side
    )
    .fetch_one(pool)
    .await?;
    let d = sqlx::query!(
        r#"SELECT count(*) FILTER (WHERE b.status = 'completed') AS "completed!",
                  count(*) FILTER (WHERE b.status = 'completed'
                                   AND b.delivered_at::date <= p.deliver_by) AS "on_time!",
                  count(*) FILTER (WHERE EXISTS (SELECT 1 FROM booking_events e
                      WHERE e.booking_id = b.id AND e.kind = 'cancelled' AND e.actor_id = $1))
                      AS "cancelled!"
           FROM bookings b JOIN parcels p ON p.id = b.parcel_id
           WHERE CASE WHEN $2 = 'traveler' THEN b.traveler_id ELSE b.sender_id END = $1"#,
        user as UserId,
        role as Side
    )
    .fetch_one(pool)
    .await?;
    // What this member was asked to answer: requests or offers (once no longer pending), and
    // conversations the other side opened (once answered, or a day old). The time to answer
    // is to the member's first event on the booking, or first message after the other's.
    let a = sqlx::query!(
        r#"WITH asked AS (
             SELECT b.created_at AS asked_at, first.at AS answered_at
             FROM bookings b
             LEFT JOIN LATERAL (SELECT min(e.created_at) AS at FROM booking_events e
                                WHERE e.booking_id = b.id AND e.actor_id = $1) first ON true
             WHERE b.status <> 'pending'
               AND CASE WHEN $2 = 'traveler' THEN b.traveler_id ELSE b.sender_id END = $1
               AND b.initiator <> $2
             UNION ALL
             SELECT theirs.at, mine.at
             FROM conversations c
             CROSS JOIN LATERAL (SELECT min(m.created_at) AS at FROM messages m
                                 WHERE m.conversation_id = c.id AND m.author_id <> $1) theirs
             LEFT JOIN LATERAL (SELECT min(m.created_at) AS at FROM messages m
                                WHERE m.conversation_id = c.id AND m.author_id = $1) mine ON true
             WHERE CASE WHEN $2 = 'traveler' THEN c.traveler_id ELSE c.sender_id END = $1
               AND theirs.at IS NOT NULL
               AND (mine.at IS NULL OR mine.at > theirs.at)
               AND (mine.at IS NOT NULL OR theirs.at < now() - interval '1 day'))
           SELECT count(*) AS "asked!", count(answered_at) AS "answered!",
                  percentile_cont(0.5) WITHIN GROUP
                      (ORDER BY extract(epoch FROM answered_at - asked_at)) AS median_secs
           FROM asked"#,
        user as UserId,
        role as Side
    )
    .fetch_one(pool)
    .await?;
    let reviews = sqlx::query_as!(
        ReviewRow,
        r#"SELECT r.author_id AS "author_id: UserId", u.display_name AS author, r.stars,
                  r.communication, r.punctuality, r.care, r.comment, r.created_at, r.published_at
           FROM reviews r JOIN users u ON u.id = r.author_id
           WHERE r.subject_id = $1 AND r.subject_role = $2 AND r.published_at IS NOT NULL
           ORDER BY r.published_at DESC LIMIT 20"#,
        user as UserId,
        role as Side
    )
    .fetch_all(pool)
    .await?;
    Ok(RoleReputation {
        rating: one_decimal(r.stars),
        reviews_count: r.n,
        communication: one_decimal(r.communication),
        punctuality: one_decimal(r.punctuality),
        care: one_decimal(r.care),
        completed: d.completed,
        on_time_rate: (role == Side::Traveler)
            .then(|| percent(d.on_time, d.completed))
            .flatten(),
        cancellations: d.cancelled,
        response_rate: percent(a.answered, a.asked),
        response_time: a.median_secs.map(response_time),
        reviews: reviews.into_iter().map(|r| r.view(tz)).collect(),
    })
}

/// A member's public reputation, in both roles.
pub async fn reputation(pool: &PgPool, user: UserId, tz: &str) -> Result<Reputation, AppError> {
    Ok(Reputation {
        as_traveler: role_reputation(pool, user, Side::Traveler, tz).await?,
        as_sender: role_reputation(pool, user, Side::Sender, tz).await?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_are_one_to_five_or_empty() {
        assert_eq!(score(""), Ok(None));
        assert_eq!(score(" 4 "), Ok(Some(4)));
        for bad in ["0", "6", "-1", "4.5", "9223372036854775807", "x"] {
            assert_eq!(score(bad), Err(()), "{bad}");
        }
    }

    #[test]
    fn response_times_read_naturally() {
        assert_eq!(response_time(30.0), "within a minute");
        assert_eq!(response_time(25.0 * 60.0), "within 25 minutes");
        assert_eq!(response_time(3.0 * 3600.0 - 1.0), "within 3 hours");
        assert_eq!(response_time(3600.0), "within an hour");
        assert_eq!(response_time(3.0 * 86400.0), "within 3 days");
    }
}
