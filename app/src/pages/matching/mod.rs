//! Search and matching pages: the two searches (`search`), the match lists shown on a listing's
//! page (`lists`), and route alerts (`alerts`).

pub mod alerts;
pub mod lists;
pub mod search;
