//! Times are formatted on the server, in UTC, so the server and browser render the same text.

use time::{macros::format_description, OffsetDateTime};

pub fn datetime(t: OffsetDateTime) -> String {
    let f = format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    t.to_offset(time::UtcOffset::UTC)
        .format(&f)
        .unwrap_or_default()
}

pub fn month_year(t: OffsetDateTime) -> String {
    let f = format_description!("[month repr:long] [year]");
    t.format(&f).unwrap_or_default()
}
