pub mod account;
pub mod admin;
pub mod auth;
pub mod dev;
pub mod errors;
pub mod home;
pub mod profile;
