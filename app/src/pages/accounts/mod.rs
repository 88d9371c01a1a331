//! Account pages: sign-up, login and recovery (`auth`), the member's settings, password and
//! sessions (`settings`), two-factor login and API tokens (`security`, `tokens`), public
//! profiles (`profile`), ID verification (`verification`), the member's data (`privacy`).

pub mod auth;
pub mod privacy;
pub mod profile;
pub mod security;
pub mod settings;
pub mod tokens;
pub mod verification;
