//! Parcel pages: post and edit (`form`), a parcel's page (`view`), the sender's list (`list`).

pub mod form;
pub mod list;
pub mod view;
