//! Masking contact details (PRODUCT §8): until a booking between the two is accepted, phone
//! numbers, email addresses (written plainly or spelled out) and links are shown masked, since
//! the platform's escrow protects both sides only on the platform. Messages are stored as
//! written; this runs when they are shown. Prices, dates, times, weights and flight numbers stay.

use regex::Regex;
use std::sync::LazyLock;

/// What a masked part is shown as.
pub const MASK: &str = "[hidden until booked]";

fn rx(pattern: &str) -> Regex {
    Regex::new(pattern).expect("the patterns of this file are valid (its tests use each)")
}

static LINK: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"(?i)\b(?:https?://|www\.)\S+|\b(?:wa\.me|t\.me|m\.me|telegram\.me|signal\.me|bit\.ly|tinyurl\.com|instagram\.com|facebook\.com|fb\.com|snapchat\.com|linktr\.ee)(?:/\S*)?|\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|net|org|io|me|co|app|info|biz|link|fr|uk|de|es|it|nl|be|ch|sn|ng|ke|gh|ma|in|us|ca)\b(?:/\S*)?",
    )
});

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"(?i)[a-z0-9._%+-]+\s*(?:@|[\(\[\{<]\s*at\s*[\)\]\}>]|\s+at\s+)\s*[a-z0-9-]+(?:\s*(?:\.|[\(\[\{<]\s*dot\s*[\)\]\}>]|\s+dot\s+)\s*[a-z0-9-]+)*\s*(?:\.|[\(\[\{<]\s*dot\s*[\)\]\}>]|\s+dot\s+)\s*[a-z]{2,6}\b",
    )
});

/// A run of digits with the separators phone numbers are written with.
static DIGITS: LazyLock<Regex> = LazyLock::new(|| rx(r"\+?\(?\d[\d\s().\-/]{5,}\d"));

/// Dates and times that look like digit runs: 2026-12-01, 01/12/2026, 1.12.2026, 14:30.
static DATE: LazyLock<Regex> =
    LazyLock::new(|| rx(r"^(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})$"));

/// `text` as shown before a booking is accepted, and whether anything was masked.
pub fn mask(text: &str) -> (String, bool) {
    // Addresses first: their domain part would otherwise be taken for a link.
    let e = EMAIL.replace_all(text, MASK).into_owned();
    let out = LINK.replace_all(&e, MASK).into_owned();
    let mut masked = out != text;
    let p = DIGITS
        .replace_all(&out, |c: &regex::Captures<'_>| {
            let run = c[0].trim_end_matches(['.', '-', '/', ' ', '(', ')']);
            let digits = run.chars().filter(char::is_ascii_digit).count();
            if (8..=15).contains(&digits) && !DATE.is_match(run.trim()) {
                MASK.to_string()
            } else {
                c[0].to_string()
            }
        })
        .into_owned();
    masked |= p != out;
    (p, masked)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hidden(text: &str) -> bool {
        let (shown, masked) = mask(text);
        masked && shown.contains(MASK)
    }

    #[test]
    fn contact_details_are_masked_in_real_world_formats() {
        for t in [
            "call me on +44 20 7946 0958",
            "mon numéro: 0033 6 12 34 56 78",
            "06 12 34 56 78",
            "+221 77 123 45 67",
            "(020) 7946-0958",
            "+1-202-555-0143",
            "0612345678",
            "write to john.doe@gmail.com",
            "john.doe (at) gmail dot com",
            "john.doe [at] gmail [dot] com",
            "jane at example dot org",
            "ping me wa.me/447700900123",
            "t.me/someone",
            "https://example.org/pay",
            "www.example.com",
            "my shop: carry-deals.com/offer",
            "instagram.com/traveler",
        ] {
            assert!(hidden(t), "{t:?} shown as {:?}", mask(t).0);
        }
        let (shown, _) = mask("Call +44 20 7946 0958 or mail a@b.co, thanks!");
        assert_eq!(shown, format!("Call {MASK} or mail {MASK}, thanks!"));
    }

    #[test]
    fn prices_dates_times_and_flights_stay() {
        for t in [
            "25 EUR for 2 kg",
            "1 500 XOF",
            "1,234.50 EUR",
            "I land on 2026-12-01 at 14:30",
            "on 01/12/2026",
            "le 1.12.2026",
            "flight AF 1234, seat 23C",
            "BA2490 then EK 7",
            "40 x 30 x 20 cm",
            "Box of 12 chocolates, 3.5 kg",
            "see you at the station at 9.15",
            "I am at the airport",
            "e.g. the blue bag",
        ] {
            let (shown, masked) = mask(t);
            assert!(!masked && shown == t, "{t:?} became {shown:?}");
        }
    }
}
