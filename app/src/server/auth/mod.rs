//! Accounts: sign-up, email verification, log in with lock-out, sessions, password reset, profile.

pub mod password;
pub mod service;
pub mod sessions;
pub mod tokens;
pub mod validate;

pub use service::*;
