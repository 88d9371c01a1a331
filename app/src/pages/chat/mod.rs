//! Chat pages: the inbox, a conversation (also shown on its booking's page), and "Ask a
//! question" on the match lists.

pub mod conversation;
pub mod inbox;
