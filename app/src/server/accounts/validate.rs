//! Parse, don't validate: an `Email` or `NewPassword` that exists is a valid one.

use crate::error::Problems;
use crate::i18n::tr;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// Trimmed and lower-cased; one `@`, a dotted domain, no spaces, at most 254 characters.
    pub fn parse(raw: &str) -> Result<Email, &'static str> {
        let e = raw.trim().to_lowercase();
        if e.is_empty() {
            return Err(tr("Enter your email address."));
        }
        if e.len() > 254 {
            return Err(tr("That email address is too long."));
        }
        let Some((local, domain)) = e.split_once('@') else {
            return Err(tr("Enter a valid email address, like name@example.com."));
        };
        let ok = !local.is_empty()
            && !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !e.chars().any(|c| c.is_whitespace() || c.is_control());
        if ok {
            Ok(Email(e))
        } else {
            Err(tr("Enter a valid email address, like name@example.com."))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

pub const MIN_PASSWORD: usize = 10;
pub const MAX_PASSWORD: usize = 128;

/// The most common passwords long enough to pass the length rule (shorter ones fail it anyway).
const COMMON: &[&str] = &[
    "1234567890",
    "12345678910",
    "123456789012",
    "0987654321",
    "1111111111",
    "0000000000",
    "1q2w3e4r5t",
    "1q2w3e4r5t6y",
    "qwertyuiop",
    "qwerty1234",
    "qwerty12345",
    "qwerty123456",
    "password12",
    "password123",
    "password1234",
    "password12345",
    "passw0rd123",
    "p@ssw0rd123",
    "iloveyou12",
    "iloveyou123",
    "abc1234567",
    "abcd123456",
    "abcdefghij",
    "aaaaaaaaaa",
    "asdfghjkl1",
    "asdfghjkl;",
    "zxcvbnm123",
    "1qaz2wsx3edc",
    "qazwsxedc123",
    "letmein123",
    "welcome123",
    "welcome1234",
    "monkey1234",
    "dragon1234",
    "football123",
    "baseball123",
    "sunshine123",
    "princess123",
    "superman123",
    "starwars123",
    "trustno1234",
    "changeme123",
    "administrator",
    "qwertyuiop123",
    "1234qwerasdf",
    "123qweasdzxc",
    "mypassword1",
    "mypassword123",
    "carrycarry",
    "password!23",
    "passwordpassword",
    "11111111111",
    "123123123123",
    "12341234",
    "9876543210",
    "987654321012",
    "loveyou1234",
    "secret1234",
    "computer123",
    "internet123",
    "whatever123",
    "freedom1234",
    "michael123456",
    "jennifer123",
    "charlie1234",
    "shadow12345",
    "master12345",
    "hello12345",
    "hello123456",
    "test123456",
    "testtest12",
    "summer2024!",
    "summer2025!",
    "summer2026!",
    "winter2026!",
    "spring2026!",
];

#[derive(Debug, Clone)]
pub struct NewPassword(String);

impl NewPassword {
    /// At least 10 characters, at most 128, not a common password, not the email or name.
    pub fn parse(raw: &str, email: &str, name: &str) -> Result<NewPassword, &'static str> {
        let n = raw.chars().count();
        if n < MIN_PASSWORD {
            return Err(tr("Use at least 10 characters."));
        }
        if n > MAX_PASSWORD {
            return Err(tr("Use at most 128 characters."));
        }
        let lower = raw.to_lowercase();
        if COMMON.contains(&lower.as_str())
            || lower
                .chars()
                .all(|c| c == lower.chars().next().unwrap_or(' '))
        {
            return Err(tr(
                "That password is too common. Choose something harder to guess.",
            ));
        }
        let email = email.trim().to_lowercase();
        let local = email.split('@').next().unwrap_or("");
        if lower == email
            || (!local.is_empty() && lower == local)
            || lower == name.trim().to_lowercase()
        {
            return Err(tr("Don't use your email or name as your password."));
        }
        Ok(NewPassword(raw.to_string()))
    }
    pub fn into_inner(self) -> String {
        self.0
    }
}

#[derive(Debug, Clone)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(raw: &str) -> Result<DisplayName, &'static str> {
        let n = raw.trim();
        if n.is_empty() {
            return Err(tr("Enter the name other members will see."));
        }
        if n.chars().count() > 60 {
            return Err(tr("Keep your name to 60 characters."));
        }
        if n.chars().any(|c| c.is_control()) {
            return Err(tr("Your name has characters we can't show."));
        }
        Ok(DisplayName(n.to_string()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Runs a parser, recording its message under `field`; gives back the value when it parsed.
pub fn field<T>(p: &mut Problems, field: &str, r: Result<T, &'static str>) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(m) => {
            p.add(field, m);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse("  Ann@Example.COM ").unwrap().as_str(),
            "ann@example.com"
        );
        for bad in [
            "",
            "ann",
            "ann@",
            "@example.com",
            "ann@example",
            "a b@example.com",
            "a@b@c.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn passwords_follow_the_rules() {
        assert!(NewPassword::parse("short", "a@b.co", "Ann").is_err());
        assert!(NewPassword::parse("password123", "a@b.co", "Ann").is_err());
        assert!(NewPassword::parse("zzzzzzzzzzzz", "a@b.co", "Ann").is_err());
        assert!(NewPassword::parse("annabelle1", "annabelle1@b.co", "Ann").is_err());
        assert!(NewPassword::parse(&"x".repeat(129), "a@b.co", "Ann").is_err());
        assert!(NewPassword::parse("correct horse battery", "a@b.co", "Ann").is_ok());
    }

    #[test]
    fn display_names_are_trimmed_and_bounded() {
        assert_eq!(DisplayName::parse("  Ann  ").unwrap().as_str(), "Ann");
        assert!(DisplayName::parse("   ").is_err());
        assert!(DisplayName::parse(&"a".repeat(61)).is_err());
    }
}
