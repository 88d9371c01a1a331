//! The match score (PRODUCT §5): a pure function of one parcel–trip pair that passed the hard
//! filters, made of named parts so every result can say why it matched. 100 points at most.

use crate::i18n::{key, tr};
use crate::types::matching::ScorePart;
use crate::types::Money;

/// What the score looks at for one pair.
#[derive(Debug, Clone)]
pub struct Pair {
    /// Distance between the parcel's pickup and the trip's origin, and between the delivery
    /// place and the trip's destination (km).
    pub origin_km: f64,
    pub destination_km: f64,
    /// Whether each end lies in the same metro area (an airport and its city).
    pub origin_same_metro: bool,
    pub destination_same_metro: bool,
    pub radius_km: f64,
    /// Days between the trip's arrival and the parcel's deadline.
    pub slack_days: i64,
    pub weight_g: i32,
    pub remaining_g: i32,
    /// What the traveler asks for this parcel (price per kg × weight) and what the sender offers.
    pub ask: Money,
    pub reward: Money,
    pub traveler_rating_x100: Option<i32>,
    pub completed: i32,
    pub on_time: i32,
    pub strikes: i32,
    pub email_verified: bool,
    pub id_verified: bool,
    /// An admin checked the traveler's ticket for this trip.
    pub ticket_confirmed: bool,
}

pub const ROUTE_MAX: i32 = 30;
pub const DATES_MAX: i32 = 15;
pub const CAPACITY_MAX: i32 = 10;
pub const PRICE_MAX: i32 = 20;
pub const REPUTATION_MAX: i32 = 15;
pub const BADGES_MAX: i32 = 10;

fn end_fit(km: f64, same_metro: bool, radius: f64) -> f64 {
    if km <= 5.0 {
        1.0
    } else if same_metro {
        0.9
    } else {
        (1.0 - km / (2.0 * radius.max(1.0))).clamp(0.0, 1.0)
    }
}

fn part(name: &'static str, points: f64, max: i32, why: String) -> ScorePart {
    ScorePart {
        name: tr(name).to_string(),
        points: whole_points(points, max),
        max,
        why,
    }
}

/// `points` rounded, between 0 and `max`.
#[allow(clippy::cast_possible_truncation)] // Clamped to 0..=max first.
fn whole_points(points: f64, max: i32) -> i32 {
    points.round().clamp(0.0, f64::from(max)) as i32
}

fn place_why(distance: f64, same_metro: bool, pickup: bool) -> String {
    #[allow(clippy::cast_possible_truncation)] // A distance on Earth: well within i64.
    let km = crate::i18n::number(distance.round() as i64);
    match (distance <= 5.0, same_metro, pickup) {
        (true, _, true) => tr("same pickup").to_string(),
        (true, _, false) => tr("same drop-off").to_string(),
        (false, true, true) => crate::trf!("pickup in the same city area ({} km)", km),
        (false, true, false) => crate::trf!("drop-off in the same city area ({} km)", km),
        (false, false, true) => crate::trf!("pickup {} km away", km),
        (false, false, false) => crate::trf!("drop-off {} km away", km),
    }
}

pub fn score(p: &Pair) -> (i32, Vec<ScorePart>) {
    let half = f64::from(ROUTE_MAX) / 2.0;
    let route = part(
        key("Route"),
        half * end_fit(p.origin_km, p.origin_same_metro, p.radius_km)
            + half * end_fit(p.destination_km, p.destination_same_metro, p.radius_km),
        ROUTE_MAX,
        format!(
            "{}, {}",
            place_why(p.origin_km, p.origin_same_metro, true),
            place_why(p.destination_km, p.destination_same_metro, false)
        ),
    );

    let slack = p.slack_days.max(0);
    let dates = part(
        key("Dates"),
        f64::from(DATES_MAX) * (0.4 + 0.2 * f64::from(i32::try_from(slack.min(3)).unwrap_or(3))),
        DATES_MAX,
        match slack {
            0 => tr("arrives on the deadline day").to_string(),
            1 => tr("arrives 1 day before the deadline").to_string(),
            n => crate::trf!("arrives {} days before the deadline", n),
        },
    );

    let ratio = f64::from(p.weight_g) / f64::from(p.remaining_g.max(1));
    let capacity = part(
        key("Capacity"),
        if ratio <= 0.8 {
            f64::from(CAPACITY_MAX)
        } else {
            f64::from(CAPACITY_MAX) * 0.6
        },
        CAPACITY_MAX,
        crate::trf!(
            "uses {}% of the space left",
            format!("{:.0}", (ratio * 100.0).min(100.0))
        ),
    );

    let price = if p.ask.currency != p.reward.currency {
        part(
            key("Price"),
            f64::from(PRICE_MAX) / 2.0,
            PRICE_MAX,
            crate::trf!("asks {} (reward is in {})", p.ask, p.reward.currency.code()),
        )
    } else if p.ask.minor <= p.reward.minor {
        part(
            key("Price"),
            f64::from(PRICE_MAX),
            PRICE_MAX,
            crate::trf!("asks {}, within the {} reward", p.ask, p.reward),
        )
    } else {
        // The reward is below the ask here: the ratio in thousandths fits an i32.
        let thousandths = i32::try_from(p.reward.minor.max(0) * 1000 / p.ask.minor).unwrap_or(0);
        let fit = f64::from(thousandths) / 1000.0;
        part(
            key("Price"),
            f64::from(PRICE_MAX) * fit,
            PRICE_MAX,
            crate::trf!("asks {}, more than the {} reward", p.ask, p.reward),
        )
    };

    let rating_pts = match p.traveler_rating_x100 {
        Some(r) => 8.0 * f64::from(r) / 500.0,
        None => 4.0,
    };
    let done_pts = 5.0 * f64::from(p.completed.min(10)) / 10.0;
    let on_time_pts = if p.completed > 0 {
        2.0 * f64::from(p.on_time) / f64::from(p.completed)
    } else {
        1.0
    };
    let mut why = match p.traveler_rating_x100 {
        Some(r) => crate::trf!(
            "rated {}/5",
            crate::types::accounts::rating_label(Some(r)).unwrap_or_default()
        ),
        None => tr("not rated yet").to_string(),
    };
    why.push_str(&crate::trf!(
        ", {} completed deliveries",
        crate::i18n::number(p.completed)
    ));
    if p.strikes > 0 {
        why.push_str(&crate::trf!(", {} cancellations", p.strikes));
    }
    let reputation = part(
        key("Reputation"),
        rating_pts + done_pts + on_time_pts - 3.0 * f64::from(p.strikes),
        REPUTATION_MAX,
        why,
    );

    // Of the 10 points: a confirmed email 3, an ID check 4, a checked ticket for this trip 3.
    let mut held = Vec::new();
    let mut badge_pts = 0.0;
    if p.email_verified {
        held.push(tr("email confirmed"));
        badge_pts += 3.0;
    }
    if p.id_verified {
        held.push(tr("ID verified"));
        badge_pts += 4.0;
    }
    if p.ticket_confirmed {
        held.push(tr("confirmed traveler"));
        badge_pts += 3.0;
    }
    let badges = part(
        key("Badges"),
        badge_pts,
        BADGES_MAX,
        if held.is_empty() {
            tr("no badges yet").to_string()
        } else {
            held.join(", ")
        },
    );

    let parts = vec![route, dates, capacity, price, reputation, badges];
    (parts.iter().map(|p| p.points).sum(), parts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Currency;

    fn pair() -> Pair {
        Pair {
            origin_km: 0.0,
            destination_km: 0.0,
            origin_same_metro: true,
            destination_same_metro: true,
            radius_km: 50.0,
            slack_days: 5,
            weight_g: 1_000,
            remaining_g: 10_000,
            ask: Money::new(1_000, Currency::Eur),
            reward: Money::new(2_000, Currency::Eur),
            traveler_rating_x100: Some(500),
            completed: 10,
            on_time: 10,
            strikes: 0,
            email_verified: true,
            id_verified: false,
            ticket_confirmed: true,
        }
    }

    fn points(parts: &[ScorePart], name: &str) -> i32 {
        parts.iter().find(|p| p.name == name).unwrap().points
    }

    #[test]
    fn a_perfect_pair_scores_all_but_the_missing_id_badge() {
        let (total, parts) = score(&pair());
        assert_eq!(parts.len(), 6);
        assert_eq!(total, 100 - 4, "the ID badge is worth 4");
        assert_eq!(points(&parts, "Route"), ROUTE_MAX);
        assert_eq!(parts[0].why, "same pickup, same drop-off");
    }

    #[test]
    fn each_part_responds_to_its_input() {
        let base = score(&pair()).0;
        let airport = Pair {
            origin_km: 23.0,
            ..pair()
        };
        let (_, parts) = score(&airport);
        assert_eq!(points(&parts, "Route"), 29);
        assert_eq!(
            parts[0].why,
            "pickup in the same city area (23 km), same drop-off"
        );
        let far = Pair {
            origin_km: 40.0,
            origin_same_metro: false,
            ..pair()
        };
        let (s, parts) = score(&far);
        assert!(s < base);
        assert_eq!(parts[0].why, "pickup 40 km away, same drop-off");

        let tight = Pair {
            slack_days: 0,
            ..pair()
        };
        assert_eq!(points(&score(&tight).1, "Dates"), 6);

        let full = Pair {
            weight_g: 9_500,
            ..pair()
        };
        assert_eq!(points(&score(&full).1, "Capacity"), 6);

        let dear = Pair {
            ask: Money::new(4_000, Currency::Eur),
            ..pair()
        };
        assert_eq!(points(&score(&dear).1, "Price"), 10);

        let other_currency = Pair {
            ask: Money::new(4_000, Currency::Gbp),
            ..pair()
        };
        assert_eq!(points(&score(&other_currency).1, "Price"), 10);

        let newcomer = Pair {
            traveler_rating_x100: None,
            completed: 0,
            on_time: 0,
            strikes: 2,
            email_verified: false,
            id_verified: false,
            ticket_confirmed: false,
            ..pair()
        };
        let (_, parts) = score(&newcomer);
        assert_eq!(points(&parts, "Reputation"), 0);
        assert_eq!(points(&parts, "Badges"), 0);
        assert!(parts[4].why.contains("2 cancellations"));
    }

    #[test]
    fn parts_never_leave_their_range() {
        let worst = Pair {
            origin_km: 500.0,
            destination_km: 500.0,
            slack_days: -3,
            weight_g: 10_000,
            remaining_g: 0,
            reward: Money::new(0, Currency::Eur),
            strikes: 50,
            ..pair()
        };
        let (total, parts) = score(&worst);
        assert!(total >= 0);
        for p in parts {
            assert!(p.points >= 0 && p.points <= p.max, "{p:?}");
        }
    }
}
