//! Account pages: sign-up, login and recovery (`auth`), the member's settings, password and
//! sessions (`settings`), public profiles (`profile`), ID verification (`verification`).

pub mod auth;
pub mod profile;
pub mod settings;
pub mod verification;
