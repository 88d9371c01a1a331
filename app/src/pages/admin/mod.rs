//! Admin pages (admins only): the dashboard, the queues, what needs attention (overdue
//! deliveries, failed jobs), the ledger check, and the development outbox.

pub mod attention;
pub mod audit;
pub mod dashboard;
pub mod disputes;
pub mod inspect;
pub mod ledger;
pub mod outbox;
pub mod queues;
pub mod reports;
pub mod settings;
pub mod tickets;
pub mod users;
