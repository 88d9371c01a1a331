//! A parcel's risk score: points from admin-editable rules (PRODUCT §4). At or above the review
//! threshold the parcel waits for an admin instead of being published.

use crate::server::settings::Rates;
use crate::types::parcels::RiskPart;
use crate::types::{Category, Money};
use sqlx::PgExecutor;

#[derive(Debug, Clone)]
pub struct Rule {
    pub code: String,
    pub label: String,
    pub points: i32,
    pub param: Option<i64>,
}

/// What the rules look at.
pub struct RiskInput<'a> {
    pub category: Category,
    pub pickup_country: &'a str,
    pub delivery_country: &'a str,
    pub declared_value: Money,
    /// How the `high_value` rule's amount (in euro cents) reads in the parcel's currency.
    pub rates: &'a Rates,
    pub weight_g: i32,
    pub sender_completed: i32,
    pub text: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    pub score: i32,
    pub parts: Vec<RiskPart>,
    pub flagged: Vec<String>,
}

/// Words of the text, lower-cased, separated by single spaces and padded: " a b c ".
fn words(text: &str) -> String {
    let mut out = String::from(" ");
    for w in text
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        out.push_str(w);
        out.push(' ');
    }
    out
}

/// The prohibited keywords the text mentions, as whole words (a keyword may be a phrase;
/// plural "guns" matches "gun").
pub fn screen(text: &str, keywords: &[String]) -> Vec<String> {
    let text = words(text);
    keywords
        .iter()
        .filter(|k| {
            let k = words(k);
            let k = k.trim();
            !k.is_empty()
                && (text.contains(&format!(" {k} "))
                    || text.contains(&format!(" {k}s "))
                    || text.contains(&format!(" {k}es ")))
        })
        .cloned()
        .collect()
}

/// The pure scoring: no database, so every rule is unit-tested.
pub fn assess(
    input: &RiskInput<'_>,
    rules: &[Rule],
    high_risk: &[String],
    keywords: &[String],
) -> Assessment {
    let flagged = screen(input.text, keywords);
    let mut parts = Vec::new();
    for rule in rules {
        let fires = match rule.code.as_str() {
            "international" => input.pickup_country != input.delivery_country,
            "high_risk_country" => [input.pickup_country, input.delivery_country]
                .iter()
                .any(|c| high_risk.iter().any(|h| h == c)),
            "receipt_category" => matches!(
                input.category,
                Category::Electronics
                    | Category::Medicine
                    | Category::Cosmetics
                    | Category::SealedFood
            ),
            "high_value" => {
                let at = rule.param.unwrap_or(50_000);
                input.declared_value.minor
                    >= input
                        .rates
                        .euro_cents(at, input.declared_value.currency)
                        .minor
            }
            "heavy" => i64::from(input.weight_g) >= rule.param.unwrap_or(10_000),
            "new_sender" => input.sender_completed == 0,
            "flagged_keyword" => !flagged.is_empty(),
            _ => false,
        };
        if fires {
            let label = if rule.code == "flagged_keyword" {
                format!("{} ({})", rule.label, flagged.join(", "))
            } else {
                rule.label.clone()
            };
            parts.push(RiskPart {
                label,
                points: rule.points,
            });
        }
    }
    Assessment {
        score: parts.iter().map(|p| p.points).sum::<i32>().min(100),
        parts,
        flagged,
    }
}

/// The rules, high-risk countries and keywords as they are in the database now.
pub async fn load(
    conn: &mut sqlx::PgConnection,
) -> Result<(Vec<Rule>, Vec<String>, Vec<String>), sqlx::Error> {
    let rules = sqlx::query_as!(
        Rule,
        "SELECT code, label, points, param FROM risk_rules WHERE enabled ORDER BY code"
    )
    .fetch_all(&mut *conn)
    .await?;
    let high_risk = sqlx::query_scalar!(r#"SELECT country::text AS "c!" FROM high_risk_countries"#)
        .fetch_all(&mut *conn)
        .await?;
    let keywords = keywords(&mut *conn).await?;
    Ok((rules, high_risk, keywords))
}

pub async fn keywords(db: impl PgExecutor<'_>) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!("SELECT keyword FROM prohibited_keywords ORDER BY keyword")
        .fetch_all(db)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> Vec<Rule> {
        let r = |code: &str, points, param| Rule {
            code: code.into(),
            label: code.into(),
            points,
            param,
        };
        vec![
            r("international", 15, None),
            r("high_risk_country", 15, None),
            r("receipt_category", 10, None),
            r("high_value", 15, Some(50_000)),
            r("heavy", 10, Some(10_000)),
            r("new_sender", 10, None),
            r("flagged_keyword", 50, None),
        ]
    }

    static RATES: std::sync::LazyLock<Rates> = std::sync::LazyLock::new(Rates::default);

    fn input(text: &str) -> RiskInput<'_> {
        RiskInput {
            category: Category::Books,
            pickup_country: "FR",
            delivery_country: "FR",
            declared_value: Money::new(2_000, crate::types::Currency::Eur),
            rates: &RATES,
            weight_g: 1_000,
            sender_completed: 3,
            text,
        }
    }

    #[test]
    fn a_plain_domestic_parcel_scores_nothing() {
        let a = assess(&input("Two novels"), &rules(), &[], &[]);
        assert_eq!(a.score, 0);
        assert!(a.parts.is_empty());
    }

    #[test]
    fn each_rule_adds_its_points() {
        let kw = vec!["gun".to_string(), "lithium battery".to_string()];
        let hr = vec!["SY".to_string()];
        let mut i = input("A toy guns set with a LITHIUM battery inside");
        i.delivery_country = "SY";
        i.category = Category::Electronics;
        i.declared_value = Money::new(60_000, crate::types::Currency::Eur);
        i.weight_g = 12_000;
        i.sender_completed = 0;
        let a = assess(&i, &rules(), &hr, &kw);
        assert_eq!(a.flagged, kw);
        assert_eq!(a.parts.len(), 7);
        assert_eq!(a.score, 100, "capped at 100");
        let i2 = RiskInput {
            delivery_country: "GB",
            ..input("Laptop")
        };
        let a2 = assess(&i2, &rules(), &hr, &kw);
        assert_eq!(a2.score, 15);
    }

    #[test]
    fn high_value_is_the_same_amount_in_every_currency() {
        let high = |minor: i64, c: crate::types::Currency| {
            let i = RiskInput {
                declared_value: Money::new(minor, c),
                ..input("Books")
            };
            assess(&i, &rules(), &[], &[]).score
        };
        use crate::types::Currency::{Eur, Xof};
        // 500 EUR is 327,979 XOF: the threshold, not 500 XOF (0.76 EUR) nor 50,000 XOF.
        assert_eq!(high(49_999, Eur), 0);
        assert_eq!(high(50_000, Eur), 15);
        assert_eq!(high(327_978, Xof), 0);
        assert_eq!(high(327_979, Xof), 15);
    }

    #[test]
    fn keywords_match_whole_words_only() {
        let kw = vec!["gun".to_string(), "cash".to_string()];
        assert_eq!(
            screen("Gunther's cashmere scarf", &kw),
            Vec::<String>::new()
        );
        assert_eq!(screen("cash, please", &kw), vec!["cash".to_string()]);
    }
}
