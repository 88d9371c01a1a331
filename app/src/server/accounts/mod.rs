//! Accounts (PRODUCT §1): sign-up and email verification, login with the lock-out, sessions,
//! password reset, profiles, ID verification, and admin accounts.

pub mod admins;
pub mod api_tokens;
pub mod avatar;
pub mod erasure;
pub mod lockout;
pub mod login;
pub mod password;
pub mod privacy;
pub mod profile;
pub mod recovery;
pub mod sessions;
pub mod signup;
pub mod tokens;
pub mod two_factor;
pub mod validate;
pub mod verification;
