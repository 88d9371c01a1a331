//! Money in integer minor units with its currency, and weights in whole grams. Never floats.

use crate::i18n::tr;
use serde::{Deserialize, Serialize};

/// Currencies the marketplace accepts, with their minor-unit exponent (ISO 4217).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Currency {
    Eur,
    Usd,
    Gbp,
    Chf,
    Cad,
    Aed,
    Mad,
    Ngn,
    Kes,
    Ghs,
    Inr,
    Xof,
}

impl Currency {
    pub const ALL: [Currency; 12] = [
        Currency::Eur,
        Currency::Usd,
        Currency::Gbp,
        Currency::Chf,
        Currency::Cad,
        Currency::Aed,
        Currency::Mad,
        Currency::Ngn,
        Currency::Kes,
        Currency::Ghs,
        Currency::Inr,
        Currency::Xof,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Currency::Eur => "EUR",
            Currency::Usd => "USD",
            Currency::Gbp => "GBP",
            Currency::Chf => "CHF",
            Currency::Cad => "CAD",
            Currency::Aed => "AED",
            Currency::Mad => "MAD",
            Currency::Ngn => "NGN",
            Currency::Kes => "KES",
            Currency::Ghs => "GHS",
            Currency::Inr => "INR",
            Currency::Xof => "XOF",
        }
    }

    /// Digits after the decimal point (XOF has none).
    pub fn exponent(self) -> u32 {
        match self {
            Currency::Xof => 0,
            _ => 2,
        }
    }

    pub fn parse(code: &str) -> Option<Currency> {
        let code = code.trim().to_ascii_uppercase();
        Currency::ALL.into_iter().find(|c| c.code() == code)
    }

    /// How many minor units make one major unit (100 cents in a euro).
    pub fn unit(self) -> i64 {
        10i64.pow(self.exponent())
    }
}

crate::types::words::text_sql_type!(Currency);

/// An amount in a currency's minor unit (cents). Never a float.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

impl Money {
    pub fn new(minor: i64, currency: Currency) -> Self {
        Money { minor, currency }
    }

    /// Parses what a user types: "12", "12.5", "12.50", "1,234.50". At most the currency's
    /// number of decimals; no sign; no exponent.
    pub fn parse(input: &str, currency: Currency) -> Result<Money, &'static str> {
        // In French the comma is the decimal mark ("12,50"); a point is still understood.
        let french = crate::i18n::current() == crate::i18n::Locale::Fr && input.contains(',');
        let s: String = input
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
            .filter(|c| if french { *c != '.' } else { *c != ',' })
            .map(|c| if c == ',' { '.' } else { c })
            .collect();
        if s.is_empty() {
            return Err(tr("Enter an amount."));
        }
        let (whole, frac) = match s.split_once('.') {
            Some((w, f)) => (w, f),
            None => (s.as_str(), ""),
        };
        let digits_only = |p: &str| p.chars().all(|c| c.is_ascii_digit());
        if whole.is_empty() && frac.is_empty()
            || !digits_only(whole)
            || !digits_only(frac)
            || (s.contains('.') && frac.is_empty())
        {
            return Err(tr("Enter an amount such as 12.50."));
        }
        let exp = currency.exponent() as usize;
        if frac.len() > exp {
            return Err(if exp == 0 {
                tr("This currency has no decimals.")
            } else {
                tr("Use at most two decimals.")
            });
        }
        if whole.len() > 9 {
            return Err(tr("That amount is too large."));
        }
        let whole: i64 = if whole.is_empty() {
            0
        } else {
            whole
                .parse()
                .map_err(|_| tr("Enter an amount such as 12.50."))?
        };
        let mut frac_val: i64 = if frac.is_empty() {
            0
        } else {
            frac.parse()
                .map_err(|_| tr("Enter an amount such as 12.50."))?
        };
        for _ in frac.len()..exp {
            frac_val *= 10;
        }
        Ok(Money::new(whole * currency.unit() + frac_val, currency))
    }

    /// "12.50" (no currency code).
    pub fn amount(&self) -> String {
        let exp = self.currency.exponent();
        if exp == 0 {
            return group(self.minor);
        }
        let unit = self.currency.unit();
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.abs();
        format!(
            "{sign}{}.{:0width$}",
            group(abs / unit),
            abs % unit,
            width = exp as usize
        )
    }

    /// The amount typed back into a form field ("12.50", no thousands separator).
    pub fn input_value(&self) -> String {
        self.amount().replace(',', "")
    }
}

fn group(n: i64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl Money {
    /// The amount written for `locale`: "1,234.56 EUR" in English, "1 234,56 €" in French
    /// (narrow no-break space between thousands, no-break space before the symbol).
    pub fn show_in(&self, locale: crate::i18n::Locale) -> String {
        match locale {
            crate::i18n::Locale::En => format!("{} {}", self.amount(), self.currency.code()),
            crate::i18n::Locale::Fr => {
                let digits = self.amount().replace(',', "");
                let symbol = match self.currency {
                    Currency::Eur => "€",
                    Currency::Gbp => "£",
                    Currency::Usd => "$",
                    other => other.code(),
                };
                format!(
                    "{}\u{a0}{symbol}",
                    crate::i18n::group_digits(locale, &digits)
                )
            }
        }
    }
}

impl std::fmt::Display for Money {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.show_in(crate::i18n::current()))
    }
}

/// Weights are whole grams; users type kilograms ("1.5").
pub fn parse_kg(input: &str) -> Result<i32, &'static str> {
    let s = input.trim().replace(',', ".");
    if s.is_empty() {
        return Err(tr("Enter a weight in kg."));
    }
    let (whole, frac) = s.split_once('.').unwrap_or((s.as_str(), ""));
    let ok = |p: &str| p.chars().all(|c| c.is_ascii_digit());
    if !ok(whole)
        || !ok(frac)
        || frac.len() > 3
        || whole.len() > 4
        || (whole.is_empty() && frac.is_empty())
    {
        return Err(tr("Enter a weight in kg, such as 1.5."));
    }
    let w: i32 = if whole.is_empty() {
        0
    } else {
        whole.parse().unwrap_or(0)
    };
    let mut f: i32 = if frac.is_empty() {
        0
    } else {
        frac.parse().unwrap_or(0)
    };
    for _ in frac.len()..3 {
        f *= 10;
    }
    Ok(w * 1000 + f)
}

/// "1.5 kg" from grams.
pub fn format_kg(grams: i32) -> String {
    let kg = grams / 1000;
    let rest = grams % 1000;
    if rest == 0 {
        format!("{kg} kg")
    } else {
        let frac = format!("{rest:03}");
        let mark = match crate::i18n::current() {
            crate::i18n::Locale::En => '.',
            crate::i18n::Locale::Fr => ',',
        };
        format!("{kg}{mark}{} kg", frac.trim_end_matches('0'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_parses_and_formats() {
        let eur = Currency::Eur;
        assert_eq!(Money::parse("12", eur).unwrap().minor, 1200);
        assert_eq!(Money::parse("12.5", eur).unwrap().minor, 1250);
        assert_eq!(Money::parse("1,234.56", eur).unwrap().minor, 123456);
        assert_eq!(Money::parse(".5", eur).unwrap().minor, 50);
        assert!(Money::parse("12.345", eur).is_err());
        assert!(Money::parse("-3", eur).is_err());
        assert!(Money::parse("1e5", eur).is_err());
        assert!(Money::parse("12.", eur).is_err());
        assert!(Money::parse("", eur).is_err());
        assert!(Money::parse("99999999999", eur).is_err());
        assert_eq!(Money::parse("500", Currency::Xof).unwrap().minor, 500);
        assert!(Money::parse("5.5", Currency::Xof).is_err());
        assert_eq!(Money::new(123456, eur).to_string(), "1,234.56 EUR");
        assert_eq!(Money::new(5, eur).amount(), "0.05");
        assert_eq!(Money::new(123456, eur).input_value(), "1234.56");
        assert_eq!(Money::new(1500, Currency::Xof).to_string(), "1,500 XOF");
    }

    #[test]
    fn kilograms_parse_to_grams() {
        assert_eq!(parse_kg("1.5"), Ok(1500));
        assert_eq!(parse_kg("0,25"), Ok(250));
        assert_eq!(parse_kg("30"), Ok(30000));
        assert!(parse_kg("1.2345").is_err());
        assert!(parse_kg("abc").is_err());
        assert!(parse_kg("").is_err());
        assert_eq!(format_kg(1500), "1.5 kg");
        assert_eq!(format_kg(2000), "2 kg");
        assert_eq!(format_kg(250), "0.25 kg");
    }
}
