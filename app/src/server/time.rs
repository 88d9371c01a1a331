//! Times. Trip times are typed and shown in the local time zone of each place (a departure in
//! Paris time, an arrival in Nairobi time) and stored as instants; other times a member reads
//! are shown in the viewer's own zone (`datetime_in`), times for admins and emails in UTC. All
//! are formatted on the server so the server and the browser render the same text.

use crate::i18n::tr;
use crate::i18n::{Locale, FR_MONTHS, FR_MONTHS_LONG, FR_WEEKDAYS};
use jiff::{civil, tz::TimeZone, Timestamp};
use time::{macros::format_description, Date, OffsetDateTime};

/// "2026-12-01 09:30 UTC".
pub fn datetime(t: OffsetDateTime) -> String {
    let f = format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    t.to_offset(time::UtcOffset::UTC)
        .format(&f)
        .unwrap_or_default()
}

/// "2026-12-01 10:30 CET": an instant in the viewer's zone (UTC when the zone is unknown).
pub fn datetime_in(t: OffsetDateTime, tz: &str) -> String {
    zoned(t, tz).strftime("%Y-%m-%d %H:%M %Z").to_string()
}

/// The IANA name when it names a zone we know ("Europe/Paris"), else `None`.
pub fn valid_zone(tz: &str) -> Option<String> {
    (!tz.is_empty()
        && tz.len() <= 64
        && tz
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '-' | '+'))
        && TimeZone::get(tz).is_ok())
    .then(|| tz.to_string())
}

/// "December 2026" ("décembre 2026").
pub fn month_year(t: OffsetDateTime) -> String {
    if french() {
        let m = FR_MONTHS_LONG[usize::from(u8::from(t.month())) - 1];
        return format!("{m} {}", t.year());
    }
    let f = format_description!("[month repr:long] [year]");
    t.format(&f).unwrap_or_default()
}

fn french() -> bool {
    crate::i18n::current() == Locale::Fr
}

fn zone(tz: &str) -> TimeZone {
    TimeZone::get(tz).unwrap_or(TimeZone::UTC)
}

/// "2026-12-01T10:30" typed for a place in `tz` → the instant. A time that does not exist
/// (skipped by a daylight-saving change) moves forward, as clocks do.
pub fn parse_local(input: &str, tz: &str) -> Result<OffsetDateTime, &'static str> {
    let input = input.trim();
    if input.is_empty() {
        return Err(tr("Enter a date and time."));
    }
    let dt: civil::DateTime = input
        .parse()
        .map_err(|_| tr("Enter a date and time such as 2026-12-01 10:30."))?;
    let zoned = dt
        .to_zoned(zone(tz))
        .map_err(|_| tr("That time does not exist there."))?;
    OffsetDateTime::from_unix_timestamp(zoned.timestamp().as_second())
        .map_err(|_| tr("That date is out of range."))
}

fn zoned(t: OffsetDateTime, tz: &str) -> jiff::Zoned {
    Timestamp::from_second(t.unix_timestamp())
        .unwrap_or(Timestamp::UNIX_EPOCH)
        .to_zoned(zone(tz))
}

/// "Tue 1 Dec 2026, 10:30" ("mar. 1 déc. 2026, 10:30") in the place's local time.
pub fn show(t: OffsetDateTime, tz: &str) -> String {
    let z = zoned(t, tz);
    if french() {
        let day = FR_WEEKDAYS[usize::from(z.weekday().to_monday_zero_offset().unsigned_abs())];
        let month = FR_MONTHS[usize::from(z.month().unsigned_abs()) - 1];
        return format!(
            "{day} {} {month} {}, {}",
            z.day(),
            z.year(),
            z.strftime("%H:%M")
        );
    }
    z.strftime("%a %-d %b %Y, %H:%M").to_string()
}

/// The value of a `datetime-local` input for this instant at this place.
pub fn input_value(t: OffsetDateTime, tz: &str) -> String {
    zoned(t, tz).strftime("%Y-%m-%dT%H:%M").to_string()
}

pub fn parse_date(input: &str) -> Result<Date, &'static str> {
    let input = input.trim();
    if input.is_empty() {
        return Err(tr("Enter a date."));
    }
    Date::parse(input, format_description!("[year]-[month]-[day]"))
        .map_err(|_| tr("Enter a date such as 2026-12-01."))
}

/// "1 Dec 2026" ("1 déc. 2026").
pub fn show_date(d: Date) -> String {
    if french() {
        let m = FR_MONTHS[usize::from(u8::from(d.month())) - 1];
        return format!("{} {m} {}", d.day(), d.year());
    }
    d.format(format_description!(
        "[day padding:none] [month repr:short] [year]"
    ))
    .unwrap_or_default()
}

pub fn date_input(d: Date) -> String {
    d.format(format_description!("[year]-[month]-[day]"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_times_use_the_place_zone() {
        let t = parse_local("2026-12-01T10:30", "Europe/Paris").unwrap();
        assert_eq!(t.unix_timestamp(), 1_796_117_400); // 09:30 UTC
        assert_eq!(show(t, "Europe/Paris"), "Tue 1 Dec 2026, 10:30");
        assert_eq!(show(t, "Africa/Nairobi"), "Tue 1 Dec 2026, 12:30");
        assert_eq!(input_value(t, "Europe/Paris"), "2026-12-01T10:30");
        assert!(parse_local("tomorrow", "Europe/Paris").is_err());
        assert!(parse_local("", "Europe/Paris").is_err());
    }

    #[test]
    fn dates_round_trip() {
        let d = parse_date("2026-12-01").unwrap();
        assert_eq!(show_date(d), "1 Dec 2026");
        assert_eq!(date_input(d), "2026-12-01");
        assert!(parse_date("01/12/2026").is_err());
    }

    #[test]
    fn french_dates() {
        let t = parse_local("2026-12-06T09:05", "Europe/Paris").unwrap();
        let (shown, day, month) = crate::i18n::within_sync(Locale::Fr, || {
            (show(t, "Europe/Paris"), show_date(t.date()), month_year(t))
        });
        assert_eq!(shown, "dim. 6 déc. 2026, 09:05");
        assert_eq!(day, "6 déc. 2026");
        assert_eq!(month, "décembre 2026");
        assert_eq!(show(t, "Europe/Paris"), "Sun 6 Dec 2026, 09:05");
    }
}

#[cfg(test)]
mod zone_tests {
    use super::*;

    #[test]
    fn an_instant_reads_in_the_viewers_zone() {
        let t = OffsetDateTime::from_unix_timestamp(1_796_117_400).unwrap(); // 2026-12-01 09:30 UTC
        assert_eq!(datetime(t), "2026-12-01 09:30 UTC");
        assert_eq!(datetime_in(t, "UTC"), "2026-12-01 09:30 UTC");
        assert_eq!(datetime_in(t, "Europe/Paris"), "2026-12-01 10:30 CET");
        assert_eq!(datetime_in(t, "Asia/Tokyo"), "2026-12-01 18:30 JST");
        assert_eq!(datetime_in(t, "Nowhere/Else"), "2026-12-01 09:30 UTC");
    }

    #[test]
    fn only_known_zone_names_are_kept() {
        assert_eq!(valid_zone("Africa/Dakar").as_deref(), Some("Africa/Dakar"));
        for bad in [
            "",
            "Mars/Olympus",
            "</script>",
            "Europe/Paris\r\n",
            &"A".repeat(100),
        ] {
            assert_eq!(valid_zone(bad), None, "{bad:?}");
        }
    }
}
