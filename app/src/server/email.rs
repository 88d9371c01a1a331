//! Email goes through an outbox table, written in the same transaction as the change it reports.
//! A sender task delivers it by SMTP when configured; in development the outbox page shows it.

use super::config::SmtpConfig;
use super::time;
use crate::error::AppError;
use crate::i18n::tr;
use crate::types::admin::OutboxEmail;
use sqlx::{PgExecutor, PgPool};

/// Stands for the site's address in a stored email (`{{site}}/bookings/…`); filled in with
/// `PUBLIC_URL` when the email is sent or shown.
pub const SITE: &str = "{{site}}";

/// An email's text as sent: `SITE` replaced by the site's address.
pub fn expand(text: &str, public_url: &str) -> String {
    text.replace(SITE, public_url)
}

pub async fn enqueue(
    db: impl PgExecutor<'_>,
    to: &str,
    subject: &str,
    body: &str,
    kind: &str,
) -> Result<(), AppError> {
    sqlx::query!(
        "INSERT INTO email_outbox (to_email, subject, body_text, kind) VALUES ($1, $2, $3, $4)",
        to,
        subject,
        body,
        kind
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The newest emails first, optionally only those to one address.
pub async fn list(
    pool: &PgPool,
    to: Option<&str>,
    limit: i64,
    public_url: &str,
) -> Result<Vec<OutboxEmail>, AppError> {
    let to = to
        .map(|t| t.trim().to_lowercase())
        .filter(|t| !t.is_empty());
    let rows = sqlx::query!(
        "SELECT id, to_email, subject, body_text, kind, created_at, sent_at IS NOT NULL AS \"sent!\"
         FROM email_outbox WHERE ($1::text IS NULL OR to_email = $1)
         ORDER BY id DESC LIMIT $2",
        to,
        limit
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| OutboxEmail {
            id: r.id,
            to_email: r.to_email,
            subject: r.subject,
            body_text: expand(&r.body_text, public_url),
            kind: r.kind,
            created_at: time::datetime(r.created_at),
            sent: r.sent,
        })
        .collect())
}

/// The outbox for admins, newest first: every email with its sending status, not its body.
pub async fn outbox(
    pool: &PgPool,
    to: &str,
    tz: &str,
) -> Result<Vec<crate::types::admin::OutboxItem>, AppError> {
    let to = to.trim().to_lowercase();
    let rows = sqlx::query!(
        r#"SELECT id, to_email, subject, kind, created_at, sent_at, attempts, last_error
           FROM email_outbox WHERE ($1 = '' OR to_email = $1)
           ORDER BY id DESC LIMIT 200"#,
        to
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let failed = r.sent_at.is_none() && r.attempts >= MAX_ATTEMPTS;
            let status = match (r.sent_at, r.attempts) {
                (Some(_), _) => tr("Sent"),
                (None, _) if failed => tr("Failed"),
                (None, 0) => tr("Waiting"),
                (None, _) => tr("Retrying"),
            };
            crate::types::admin::OutboxItem {
                id: r.id,
                to_email: r.to_email,
                subject: r.subject,
                kind: r.kind,
                created_at: time::datetime_in(r.created_at, tz),
                status: status.into(),
                attempts: r.attempts,
                last_error: r.last_error.unwrap_or_default(),
                can_retry: failed,
            }
        })
        .collect())
}

/// Puts an email that failed for good back in line. Answers whether it had failed.
pub async fn retry(conn: &mut sqlx::PgConnection, id: i64) -> Result<bool, AppError> {
    let done = sqlx::query!(
        "UPDATE email_outbox SET attempts = 0, next_attempt_at = now(), claimed_until = NULL
         WHERE id = $1 AND sent_at IS NULL AND attempts >= $2",
        id,
        MAX_ATTEMPTS
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Sending gives up on an email after this many attempts (it stays in the outbox, unsent).
pub const MAX_ATTEMPTS: i32 = 10;
/// How long a claimed email is left to its sender before another may try it.
const LEASE_SECS: f64 = 120.0;

/// An email claimed for sending.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub id: i64,
    pub to_email: String,
    pub subject: String,
    pub body_text: String,
    pub attempts: i32,
}

/// Something that delivers one email (SMTP in production, a stand-in in tests).
pub trait Mailer {
    fn send(&self, m: &Outgoing) -> impl std::future::Future<Output = Result<(), String>> + Send;
}

/// Sends one batch. Emails are claimed (leased for two minutes) and the claim committed before
/// anything is sent, so no transaction or row lock is held while SMTP talks; each is then
/// marked sent, or failed with a later next attempt (30 s, 1 min, 2 min … up to hours). Safe on
/// several instances at once: a claimed email is nobody else's until its lease ends. Answers
/// how many were tried.
pub async fn deliver_once<M: Mailer>(
    pool: &PgPool,
    mailer: &M,
    public_url: &str,
) -> Result<usize, AppError> {
    let batch = sqlx::query_as!(
        Outgoing,
        "UPDATE email_outbox SET claimed_until = now() + make_interval(secs => $1)
         WHERE id IN (SELECT id FROM email_outbox
                      WHERE sent_at IS NULL AND attempts < $2 AND next_attempt_at <= now()
                        AND (claimed_until IS NULL OR claimed_until < now())
                      ORDER BY id LIMIT 20 FOR UPDATE SKIP LOCKED)
         RETURNING id, to_email, subject, body_text, attempts",
        LEASE_SECS,
        MAX_ATTEMPTS
    )
    .fetch_all(pool)
    .await?;
    for m in &batch {
        let m = &Outgoing {
            body_text: expand(&m.body_text, public_url),
            ..m.clone()
        };
        match mailer.send(m).await {
            Ok(()) => {
                sqlx::query!(
                    "UPDATE email_outbox SET sent_at = now(), attempts = attempts + 1,
                        claimed_until = NULL, last_error = NULL WHERE id = $1",
                    m.id
                )
                .execute(pool)
                .await?;
            }
            Err(e) => {
                tracing::warn!(email_id = m.id, error = %e, "email not sent");
                let attempts = m.attempts + 1;
                sqlx::query!(
                    "UPDATE email_outbox SET attempts = $2, last_error = $3, claimed_until = NULL,
                        next_attempt_at = now() + make_interval(secs => $4)
                     WHERE id = $1",
                    m.id,
                    attempts,
                    e,
                    super::jobs::backoff(attempts).as_seconds_f64()
                )
                .execute(pool)
                .await?;
            }
        }
    }
    Ok(batch.len())
}

/// Sends pending emails until the process stops (`deliver_once` in a loop).
pub async fn run_sender(pool: PgPool, smtp: SmtpConfig, public_url: String) {
    use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
    struct Smtp {
        mailer: AsyncSmtpTransport<Tokio1Executor>,
        from: lettre::message::Mailbox,
    }
    impl Mailer for Smtp {
        async fn send(&self, m: &Outgoing) -> Result<(), String> {
            let to = m.to_email.parse().map_err(|e| format!("{e}"))?;
            let msg = Message::builder()
                .from(self.from.clone())
                .to(to)
                .subject(m.subject.clone())
                .body(m.body_text.clone())
                .map_err(|e| e.to_string())?;
            self.mailer
                .send(msg)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string())
        }
    }
    let builder = match smtp.security.as_str() {
        "tls" => AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host),
        "none" => Ok(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(
            &smtp.host,
        )),
        _ => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host),
    };
    let mut builder = match builder {
        Ok(b) => b.port(smtp.port),
        Err(e) => {
            tracing::error!(error = %e, "SMTP settings are not usable; emails stay in the outbox");
            return;
        }
    };
    if let (Some(u), Some(p)) = (smtp.username.clone(), smtp.password.clone()) {
        builder = builder.credentials(lettre::transport::smtp::authentication::Credentials::new(
            u, p,
        ));
    }
    let from = match smtp.from.parse() {
        Ok(f) => f,
        Err(e) => {
            tracing::error!(error = %e, "SMTP_FROM is not a valid address; emails stay in the outbox");
            return;
        }
    };
    let smtp = Smtp {
        mailer: builder.build(),
        from,
    };
    loop {
        match deliver_once(&pool, &smtp, &public_url).await {
            Ok(0) => tokio::time::sleep(std::time::Duration::from_secs(5)).await,
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(error = %e, "email batch failed");
                tokio::time::sleep(std::time::Duration::from_secs(10)).await;
            }
        }
    }
}
