//! Live updates on every instance. A change that a member's open pages should show (a message,
//! a read receipt, a notification) publishes an event with `pg_notify` in the transaction that
//! makes the change, so it goes out on commit, never for a change rolled back. Every server
//! process listens on the channel and hands each event to the open `/api/events` streams of its
//! member. The database is the only shared component; a listener that lost its connection tells
//! every page to fetch again (`Resync`), so nothing is missed.

use crate::error::AppError;
use crate::types::notifications::LiveEvent;
use crate::types::UserId;
use serde::{Deserialize, Serialize};
use sqlx::postgres::PgListener;
use sqlx::{PgExecutor, PgPool};
use std::sync::Arc;
use tokio::sync::broadcast;

pub const CHANNEL: &str = "carry_live";

/// An event and whom it is for (`None`: everyone connected to this process).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Envelope {
    pub user: Option<UserId>,
    pub event: LiveEvent,
}

/// Publishes `event` to `user`'s open pages when the surrounding transaction commits.
pub async fn publish(
    db: impl PgExecutor<'_>,
    user: UserId,
    event: LiveEvent,
) -> Result<(), AppError> {
    let payload = serde_json::to_string(&Envelope {
        user: Some(user),
        event,
    })
    .map_err(AppError::internal)?;
    sqlx::query!("SELECT pg_notify($1, $2)", CHANNEL, payload)
        .execute(db)
        .await?;
    Ok(())
}

/// One process's side of the channel: the events it hears, for its open streams.
pub struct Hub {
    tx: broadcast::Sender<Envelope>,
}

impl Hub {
    pub fn new() -> Arc<Hub> {
        let (tx, _) = broadcast::channel(4096);
        Arc::new(Hub { tx })
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Envelope> {
        self.tx.subscribe()
    }

    /// Listens on the channel until the process stops, reconnecting after a failure (and then
    /// asking every open page to fetch again).
    pub async fn listen(self: Arc<Self>, pool: PgPool) {
        let mut first = true;
        loop {
            let listener = match PgListener::connect_with(&pool).await {
                Ok(mut l) => match l.listen(CHANNEL).await {
                    Ok(()) => Some(l),
                    Err(e) => {
                        tracing::warn!(error = %e, "live: cannot listen");
                        None
                    }
                },
                Err(e) => {
                    tracing::warn!(error = %e, "live: cannot connect");
                    None
                }
            };
            let Some(mut listener) = listener else {
                tokio::time::sleep(std::time::Duration::from_secs(2)).await;
                continue;
            };
            // Connected again after a failure: whatever was sent meanwhile is gone.
            if !first {
                let _ = self.tx.send(Envelope {
                    user: None,
                    event: LiveEvent::Resync,
                });
            }
            first = false;
            loop {
                // `try_recv` answers `None` when the connection was lost (and reconnects next
                // time); the events sent meanwhile are gone, so every page resyncs.
                match listener.try_recv().await {
                    Ok(Some(n)) => match serde_json::from_str::<Envelope>(n.payload()) {
                        Ok(e) => {
                            let _ = self.tx.send(e);
                        }
                        Err(e) => tracing::warn!(error = %e, "live: unreadable event"),
                    },
                    Ok(None) => {
                        let _ = self.tx.send(Envelope {
                            user: None,
                            event: LiveEvent::Resync,
                        });
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "live: listener failed");
                        break;
                    }
                }
            }
        }
    }
}
