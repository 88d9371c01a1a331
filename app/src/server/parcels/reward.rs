//! The suggested reward (PRODUCT §4), shown while the sender types: from weight and distance,
//! blended with what similar bookings paid.

use super::form::{MAX_WEIGHT_G, MIN_WEIGHT_G};
use crate::error::AppError;
use crate::server::places;
use crate::server::settings::{self, Rates};
use crate::types::parcels::RewardSuggestion;
use crate::types::{format_kg, parse_kg, Currency, Money};
use sqlx::PgPool;

/// The suggested reward for a parcel of this weight between these places: a base plus a
/// per-kg rate that grows with distance, blended with what accepted bookings on the same route
/// paid per kg, in the parcel's currency.
pub async fn suggest(
    pool: &PgPool,
    from: &str,
    to: &str,
    weight_kg: &str,
    currency: &str,
) -> Result<Option<RewardSuggestion>, AppError> {
    let (Some(a), Some(b)) = (
        places::resolve(pool, from).await?,
        places::resolve(pool, to).await?,
    ) else {
        return Ok(None);
    };
    let Ok(weight_g) = parse_kg(weight_kg) else {
        return Ok(None);
    };
    if !(MIN_WEIGHT_G..=MAX_WEIGHT_G).contains(&weight_g) || a.metro_id == b.metro_id {
        return Ok(None);
    }
    let currency = Currency::parse(currency).unwrap_or(Currency::Eur);
    let km = places::distance_km_rounded(&a, &b);
    let paid = sqlx::query_scalar!(
        r#"SELECT percentile_cont(0.5) WITHIN GROUP
                (ORDER BY b.price_minor::float8 * 1000 / b.weight_g)::bigint AS "per_kg"
           FROM bookings b JOIN parcels p ON p.id = b.parcel_id
           WHERE p.pickup_metro_id = $1 AND p.delivery_metro_id = $2 AND b.currency = $3
             AND b.status IN ('accepted', 'picked_up', 'delivered', 'completed')"#,
        a.metro_id,
        b.metro_id,
        currency as Currency
    )
    .fetch_one(pool)
    .await?;
    let rates = settings::current(pool).await?.rates;
    Ok(Some(reward_formula(weight_g, km, currency, paid, &rates)))
}

/// The pure part of the suggestion (unit-tested).
pub fn reward_formula(
    weight_g: i32,
    km: i32,
    currency: Currency,
    paid_per_kg_minor: Option<i64>,
    rates: &Rates,
) -> RewardSuggestion {
    // 5 + (2 + 1.5 per 1,000 km) per kg, set in euro cents, read in the parcel's currency.
    let per_kg_cents = 200 + 300 * i64::from(km) / 2000;
    let base = rates.euros(5, currency).minor;
    let per_kg = rates.euro_cents(per_kg_cents, currency).minor;
    let formula = base
        + rates
            .euro_cents(per_kg_cents * i64::from(weight_g) / 1000, currency)
            .minor;
    let mut explanation = vec![
        crate::trf!("Base {}", Money::new(base, currency)),
        format!(
            "{} × {} per kg (the rate for {} km)",
            format_kg(weight_g),
            Money::new(per_kg, currency),
            km
        ),
    ];
    let amount = match paid_per_kg_minor {
        Some(p) if p > 0 => {
            let market = p * i64::from(weight_g) / 1000;
            explanation.push(crate::trf!(
                "Averaged with what senders paid on this route ({} per kg)",
                Money::new(p, currency)
            ));
            (formula + market) / 2
        }
        _ => formula,
    };
    // Round up to a whole unit of the currency.
    let unit = currency.unit();
    let rounded = (amount + unit - 1) / unit * unit;
    RewardSuggestion {
        amount: Money::new(rounded, currency),
        distance_km: km,
        explanation,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reward_formula(w: i32, km: i32, c: Currency, paid: Option<i64>) -> RewardSuggestion {
        super::reward_formula(w, km, c, paid, &Rates::default())
    }

    #[test]
    fn the_reward_grows_with_weight_and_distance() {
        let near = reward_formula(1_000, 300, Currency::Eur, None);
        assert_eq!(
            near.amount.minor, 800,
            "5 + (2 + 0.45) × 1 kg = 7.45, rounded up to 8"
        );
        let far = reward_formula(1_000, 6_000, Currency::Eur, None);
        assert!(far.amount.minor > near.amount.minor);
        let heavy = reward_formula(5_000, 300, Currency::Eur, None);
        assert!(heavy.amount.minor > near.amount.minor);
        assert_eq!(near.explanation.len(), 2);
        let market = reward_formula(1_000, 300, Currency::Eur, Some(1_500));
        assert_eq!(market.amount.minor, 1_200, "(7.45 + 15) / 2 = 11.225 → 12");
        assert_eq!(market.explanation.len(), 3);
        // The same euros in francs CFA (no minor unit): 7.45 EUR is 4,887 XOF, not 7 or 745.
        let xof = reward_formula(1_000, 300, Currency::Xof, None);
        assert_eq!(xof.amount.minor, 4_888);
    }
}
