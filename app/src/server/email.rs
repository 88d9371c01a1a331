//! Email goes through an outbox table, written in the same transaction as the change it reports.
//! A sender task delivers it by SMTP when configured; in development the outbox page shows it.

use super::config::SmtpConfig;
use super::time;
use crate::error::AppError;
use crate::types::admin::OutboxEmail;
use sqlx::{PgExecutor, PgPool};

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
            body_text: r.body_text,
            kind: r.kind,
            created_at: time::datetime(r.created_at),
            sent: r.sent,
        })
        .collect())
}

/// Sends pending emails until the process stops. Safe on several instances at once: each batch
/// is claimed with `FOR UPDATE SKIP LOCKED`, so no email goes out twice.
pub async fn run_sender(pool: PgPool, smtp: SmtpConfig) {
    use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
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
    let mailer = builder.build();
    let from = match smtp.from.parse() {
        Ok(f) => f,
        Err(e) => {
            tracing::error!(error = %e, "SMTP_FROM is not a valid address; emails stay in the outbox");
            return;
        }
    };
    loop {
        match send_batch(&pool, &mailer, &from).await {
            Ok(0) => tokio::time::sleep(std::time::Duration::from_secs(5)).await,
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(error = %e, "email batch failed");
                tokio::time::sleep(std::time::Duration::from_secs(10)).await;
            }
        }
    }

    async fn send_batch(
        pool: &PgPool,
        mailer: &AsyncSmtpTransport<Tokio1Executor>,
        from: &lettre::message::Mailbox,
    ) -> Result<usize, sqlx::Error> {
        let mut tx = pool.begin().await?;
        let batch = sqlx::query!(
            "SELECT id, to_email, subject, body_text FROM email_outbox
             WHERE sent_at IS NULL AND attempts < 10
             ORDER BY id LIMIT 20 FOR UPDATE SKIP LOCKED"
        )
        .fetch_all(&mut *tx)
        .await?;
        let n = batch.len();
        for m in batch {
            let sent = match m.to_email.parse() {
                Ok(to) => Message::builder()
                    .from(from.clone())
                    .to(to)
                    .subject(m.subject)
                    .body(m.body_text)
                    .map_err(|e| e.to_string()),
                Err(e) => Err(format!("{e}")),
            };
            let result = match sent {
                Ok(msg) => mailer
                    .send(msg)
                    .await
                    .map(|_| ())
                    .map_err(|e| e.to_string()),
                Err(e) => Err(e),
            };
            match result {
                Ok(()) => {
                    sqlx::query!("UPDATE email_outbox SET sent_at = now(), attempts = attempts + 1 WHERE id = $1", m.id)
                        .execute(&mut *tx)
                        .await?;
                }
                Err(e) => {
                    tracing::warn!(email_id = m.id, error = %e, "email not sent");
                    sqlx::query!(
                        "UPDATE email_outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1",
                        m.id,
                        e
                    )
                    .execute(&mut *tx)
                    .await?;
                }
            }
        }
        tx.commit().await?;
        Ok(n)
    }
}
