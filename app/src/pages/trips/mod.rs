//! Trip pages: post and edit (`form`), a trip's page (`view`), the traveler's list (`list`).

pub mod form;
pub mod list;
pub mod view;
