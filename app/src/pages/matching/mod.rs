//! Search and matching pages: the two searches (`search`), and the match lists shown on a
//! listing's page (`lists`).

pub mod lists;
pub mod search;
