//! Components the pages of every area share: form fields, the page frame, listing cards, live
//! updates.

pub mod assets;
pub mod cards;
pub mod chart;
pub mod decision;
pub mod deferred;
pub mod form;
pub mod layout;
pub mod live;
pub mod report;
pub mod resource;
pub mod zone;
