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
    /// The sender's other parcels, and how old the account is.
    pub sender_parcels: i64,
    pub account_age_days: i64,
    /// "I can show the receipt or the serial number".
    pub has_receipt: bool,
    /// The median declared value (minor units, same currency) of recent parcels of the same
    /// category, when there are enough of them to say.
    pub typical_value: Option<i64>,
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

/// Categories whose value a receipt or serial number proves.
pub fn needs_receipt(c: Category) -> bool {
    matches!(
        c,
        Category::Electronics | Category::Medicine | Category::Cosmetics | Category::SealedFood
    )
}

/// Parcels of a category the median is read from, and how many it needs.
const SIMILAR_WINDOW: i64 = 200;
const SIMILAR_MIN: i64 = 5;

/// The median declared value of the recent parcels of a category in a currency (other than
/// `except`), or `None` below five of them.
pub async fn typical_value(
    conn: &mut sqlx::PgConnection,
    category: Category,
    currency: crate::types::Currency,
    except: crate::types::ParcelId,
) -> Result<Option<i64>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT (percentile_cont(0.5) WITHIN GROUP (ORDER BY v))::bigint AS median,
                  count(*) AS "n!"
           FROM (SELECT declared_value_minor AS v FROM parcels
                 WHERE category = $1 AND currency = $2 AND id <> $3
                 ORDER BY created_at DESC LIMIT $4) recent"#,
        category as Category,
        currency as crate::types::Currency,
        except as crate::types::ParcelId,
        SIMILAR_WINDOW
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.median.filter(|_| row.n >= SIMILAR_MIN))
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
            "receipt_category" => needs_receipt(input.category),
            "no_receipt" => needs_receipt(input.category) && !input.has_receipt,
            "first_parcel" => {
                input.sender_parcels == 0 && input.account_age_days < rule.param.unwrap_or(30)
            }
            "value_outlier" => input.typical_value.is_some_and(|typical| {
                let times = rule.param.unwrap_or(3).max(1);
                typical > 0 && input.declared_value.minor >= typical.saturating_mul(times)
            }),
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
            r("first_parcel", 15, Some(30)),
            r("no_receipt", 15, None),
            r("value_outlier", 20, Some(3)),
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
            sender_parcels: 4,
            account_age_days: 400,
            has_receipt: false,
            typical_value: None,
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
        i.sender_parcels = 0;
        i.account_age_days = 2;
        i.typical_value = Some(20_000);
        let a = assess(&i, &rules(), &hr, &kw);
        assert_eq!(a.flagged, kw);
        assert_eq!(a.parts.len(), 10);
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
    fn the_new_rules_fire_only_when_they_should() {
        let score = |f: &dyn Fn(&mut RiskInput<'_>)| {
            let mut i = input("Phone");
            f(&mut i);
            assess(&i, &rules(), &[], &[]).score
        };
        assert_eq!(
            score(&|i| i.sender_parcels = 0),
            0,
            "an old account's first"
        );
        assert_eq!(
            score(&|i| {
                i.sender_parcels = 0;
                i.account_age_days = 3
            }),
            15
        );
        assert_eq!(score(&|i| i.account_age_days = 3), 0, "not its first");
        assert_eq!(score(&|i| i.category = Category::Electronics), 25);
        assert_eq!(
            score(&|i| {
                i.category = Category::Electronics;
                i.has_receipt = true
            }),
            10
        );
        assert_eq!(
            score(&|i| i.typical_value = Some(700)),
            0,
            "2,000 < 3 × 700"
        );
        assert_eq!(
            score(&|i| i.typical_value = Some(600)),
            20,
            "2,000 ≥ 3 × 600"
        );
        assert_eq!(score(&|i| i.typical_value = Some(0)), 0);
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
