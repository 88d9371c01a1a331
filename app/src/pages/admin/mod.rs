//! Admin pages (admins only): the dashboard, the queues, the ledger check, and the development
//! outbox.

pub mod dashboard;
pub mod ledger;
pub mod outbox;
pub mod queues;
