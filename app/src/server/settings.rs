//! Run-time settings (PRODUCT's "(setting)" numbers), kept in the `settings` table so an admin
//! can change them without a deploy. The services take them as a value, so a rule and its test
//! see the same numbers. `load` reads them fresh (inside a transaction that moves money);
//! `current` serves them from memory on an instance that `watch`es for changes.

use crate::i18n::tr;
use crate::types::{Currency, Money};
use sqlx::{PgExecutor, PgPool};

/// Units of each currency per euro, ×1000 (settings `fx.XOF` = 655957 …). The money rules are
/// set in euros (thresholds, minimums, caps, sanity limits, the reward formula, the risk rule's
/// value); this is the one way they become amounts in a parcel's, a booking's or a wallet's
/// currency. It never converts anyone's money.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rates([i64; Currency::ALL.len()]);

impl Default for Rates {
    fn default() -> Self {
        Rates(Currency::ALL.map(|c| match c {
            Currency::Eur => 1_000,
            Currency::Usd => 1_080,
            Currency::Gbp => 850,
            Currency::Chf => 950,
            Currency::Cad => 1_500,
            Currency::Aed => 3_970,
            Currency::Mad => 10_800,
            Currency::Ngn => 1_650_000,
            Currency::Kes => 140_000,
            Currency::Ghs => 16_000,
            Currency::Inr => 92_000,
            Currency::Xof => 655_957,
        }))
    }
}

impl Rates {
    fn slot(c: Currency) -> usize {
        Currency::ALL.iter().position(|x| *x == c).unwrap_or(0)
    }

    /// Units of `c` per euro, ×1000.
    pub fn per_euro_x1000(&self, c: Currency) -> i64 {
        self.0[Self::slot(c)]
    }

    /// `cents` euro cents in `c`, rounded up to its minor unit (at least what was meant).
    pub fn euro_cents(&self, cents: i64, c: Currency) -> Money {
        let num = i128::from(cents) * i128::from(self.per_euro_x1000(c)) * i128::from(c.unit());
        let den: i128 = 1000 * 100;
        let minor = if num >= 0 {
            (num + den - 1) / den
        } else {
            num / den
        };
        Money::new(i64::try_from(minor).unwrap_or(i64::MAX), c)
    }

    /// `units` whole euros in `c`.
    pub fn euros(&self, units: i64, c: Currency) -> Money {
        self.euro_cents(units.saturating_mul(100), c)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// A trip stops taking bookings this long before departure.
    pub booking_cutoff_hours: i64,
    /// An unanswered request expires after this long.
    pub request_ttl_hours: i64,
    /// A parcel scoring this much or more waits for an admin.
    pub risk_review_threshold: i32,
    /// Places closer than this count as the same for matching.
    pub match_radius_km: i32,
    pub max_counter_rounds: i32,
    /// The sender's service fee, in basis points of the price, and its minimum in whole euros
    /// (every amount setting is in euros; `rates` gives it in another currency).
    pub service_fee_bps: i64,
    pub service_fee_min_units: i64,
    /// Optional protection: basis points of the declared value covered, up to a maximum.
    pub protection_bps: i64,
    pub protection_max_units: i64,
    /// The smallest withdrawal, in whole euros.
    pub withdrawal_min_units: i64,
    /// A delivered booking completes by itself this long after delivery.
    pub completion_hours: i64,
    /// ID verification is needed to carry a parcel declared above this, or to send one above
    /// the second (whole euros).
    pub id_required_carry_units: i64,
    pub id_required_send_units: i64,
    /// Each side may review the other this many days after completion.
    pub review_window_days: i64,
    /// The other side answers a dispute within this many hours.
    pub dispute_response_hours: i64,
    /// A picked-up parcel still undelivered this long after its deadline may be disputed.
    pub not_delivered_hours: i64,
    /// How the euro amounts above read in each currency.
    pub rates: Rates,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            booking_cutoff_hours: 12,
            request_ttl_hours: 48,
            risk_review_threshold: 50,
            match_radius_km: 50,
            max_counter_rounds: 3,
            service_fee_bps: 1000,
            service_fee_min_units: 1,
            protection_bps: 300,
            protection_max_units: 1000,
            withdrawal_min_units: 10,
            completion_hours: 72,
            id_required_carry_units: 200,
            id_required_send_units: 500,
            review_window_days: 14,
            dispute_response_hours: 48,
            not_delivered_hours: 72,
            rates: Rates::default(),
        }
    }
}

pub async fn load(db: impl PgExecutor<'_>) -> Result<Settings, sqlx::Error> {
    let rows = sqlx::query!("SELECT key, value FROM settings")
        .fetch_all(db)
        .await?;
    let mut s = Settings::default();
    for r in rows {
        let Some(n) = r.value.as_i64() else { continue };
        let small = i32::try_from(n).ok();
        match r.key.as_str() {
            "booking_cutoff_hours" => s.booking_cutoff_hours = n,
            "request_ttl_hours" => s.request_ttl_hours = n,
            "risk_review_threshold" => {
                s.risk_review_threshold = small.unwrap_or(s.risk_review_threshold)
            }
            "match_radius_km" => s.match_radius_km = small.unwrap_or(s.match_radius_km),
            "max_counter_rounds" => s.max_counter_rounds = small.unwrap_or(s.max_counter_rounds),
            "service_fee_bps" => s.service_fee_bps = n,
            "service_fee_min_units" => s.service_fee_min_units = n,
            "protection_bps" => s.protection_bps = n,
            "protection_max_units" => s.protection_max_units = n,
            "withdrawal_min_units" => s.withdrawal_min_units = n,
            "completion_hours" => s.completion_hours = n,
            "id_required_carry_units" => s.id_required_carry_units = n,
            "id_required_send_units" => s.id_required_send_units = n,
            "review_window_days" => s.review_window_days = n,
            "dispute_response_hours" => s.dispute_response_hours = n,
            "not_delivered_hours" => s.not_delivered_hours = n,
            key => {
                let fx = key.strip_prefix("fx.").and_then(Currency::parse);
                if let Some(c) = fx.filter(|_| n > 0) {
                    s.rates.0[Rates::slot(c)] = n;
                }
            }
        }
    }
    Ok(s)
}

/// The channel a change of settings is announced on (in the changing transaction, so on commit).
pub const CHANNEL: &str = "carry_settings";

/// The settings as this instance last read them, per database. Kept only while this process
/// listens on `CHANNEL` (`watch`): any change, on any instance, drops them, as does losing the
/// connection that listens; without a listener every call reads the database.
mod cache {
    use super::Settings;
    use std::collections::HashMap;
    use std::sync::{Mutex, MutexGuard, OnceLock};

    #[derive(Default)]
    pub struct Entry {
        pub listening: bool,
        /// Moves on every change heard, so a read that began before it is not kept.
        pub generation: u64,
        pub value: Option<Settings>,
    }

    pub fn entries() -> MutexGuard<'static, HashMap<String, Entry>> {
        static ENTRIES: OnceLock<Mutex<HashMap<String, Entry>>> = OnceLock::new();
        // A panic while the lock was held cannot leave an entry half-written: recover it.
        ENTRIES
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|e| e.into_inner())
    }

    pub fn update(key: &str, f: impl FnOnce(&mut Entry)) {
        f(entries().entry(key.to_string()).or_default());
    }
}

/// Which database a pool reaches: the cache's key.
fn database_key(pool: &PgPool) -> String {
    let o = pool.connect_options();
    format!(
        "{}:{}/{}",
        o.get_host(),
        o.get_port(),
        o.get_database().unwrap_or_default()
    )
}

/// The settings for a read: from memory while this instance listens for changes (see `watch`),
/// else from the database.
pub async fn current(pool: &PgPool) -> Result<Settings, sqlx::Error> {
    let key = database_key(pool);
    let generation = {
        let entries = cache::entries();
        match entries.get(&key) {
            Some(e) if e.listening => match e.value {
                Some(v) => return Ok(v),
                None => Some(e.generation),
            },
            _ => None,
        }
    };
    let fresh = load(pool).await?;
    if let Some(g) = generation {
        cache::update(&key, |e| {
            if e.listening && e.generation == g {
                e.value = Some(fresh);
            }
        });
    }
    Ok(fresh)
}

/// Forgets what this instance remembers of `pool`'s settings (after a change it made itself,
/// so its own next read does not wait for the notification).
pub fn forget(pool: &PgPool) {
    cache::update(&database_key(pool), |e| {
        e.generation += 1;
        e.value = None;
    });
}

/// Listens for changes of settings on `pool`'s database until the process stops, so `current`
/// may serve them from memory. Reconnects after a failure; while not listening, nothing is
/// served from memory.
pub async fn watch(pool: PgPool) {
    use sqlx::postgres::PgListener;
    let key = database_key(&pool);
    // Dropped with the task (the runtime stopping): nothing stays cached without a listener.
    struct Stop(String);
    impl Drop for Stop {
        fn drop(&mut self) {
            cache::update(&self.0, |e| {
                e.listening = false;
                e.value = None;
            });
        }
    }
    let _stop = Stop(key.clone());
    loop {
        let listener = match PgListener::connect_with(&pool).await {
            Ok(mut l) => l.listen(CHANNEL).await.map(|()| l),
            Err(e) => Err(e),
        };
        let mut listener = match listener {
            Ok(l) => l,
            Err(e) => {
                tracing::warn!(error = %e, "settings: cannot listen for changes");
                tokio::time::sleep(std::time::Duration::from_secs(2)).await;
                continue;
            }
        };
        // Listening from now on: whatever was read before may be stale.
        cache::update(&key, |e| {
            e.listening = true;
            e.generation += 1;
            e.value = None;
        });
        loop {
            match listener.try_recv().await {
                Ok(Some(_)) => cache::update(&key, |e| {
                    e.generation += 1;
                    e.value = None;
                }),
                // The connection was lost: changes made meanwhile were not heard.
                Ok(None) | Err(_) => {
                    cache::update(&key, |e| {
                        e.listening = false;
                        e.value = None;
                    });
                    break;
                }
            }
        }
    }
}

/// Every setting an admin may change: key, what it means, and the values allowed.
pub const EDITABLE: &[(&str, &str, i64, i64)] = &[
    (
        "booking_cutoff_hours",
        crate::i18n::key("A trip stops taking bookings this many hours before departure"),
        0,
        168,
    ),
    (
        "request_ttl_hours",
        crate::i18n::key("An unanswered booking request expires after (hours)"),
        1,
        336,
    ),
    (
        "risk_review_threshold",
        crate::i18n::key("A parcel with this risk score or more waits for an admin"),
        1,
        1000,
    ),
    (
        "match_radius_km",
        crate::i18n::key("Places closer than this count as the same for matching (km)"),
        1,
        500,
    ),
    (
        "max_counter_rounds",
        crate::i18n::key("Counter-offers allowed per booking"),
        0,
        10,
    ),
    (
        "service_fee_bps",
        crate::i18n::key("Sender's service fee (basis points of the price: 1000 = 10 %)"),
        0,
        5000,
    ),
    (
        "service_fee_min_units",
        crate::i18n::key("Smallest service fee (whole euros)"),
        0,
        100,
    ),
    (
        "protection_bps",
        crate::i18n::key("Protection price (basis points of the declared value)"),
        0,
        5000,
    ),
    (
        "protection_max_units",
        crate::i18n::key("Largest protection payout (whole euros)"),
        0,
        100_000,
    ),
    (
        "withdrawal_min_units",
        crate::i18n::key("Smallest withdrawal (whole euros)"),
        1,
        10_000,
    ),
    (
        "completion_hours",
        crate::i18n::key("A delivered booking completes by itself after (hours)"),
        1,
        720,
    ),
    (
        "id_required_carry_units",
        crate::i18n::key("ID check needed to carry a parcel declared above (whole euros)"),
        0,
        1_000_000,
    ),
    (
        "id_required_send_units",
        crate::i18n::key("ID check needed to send a parcel declared above (whole euros)"),
        0,
        1_000_000,
    ),
    (
        "review_window_days",
        crate::i18n::key("Days after completion to write a review"),
        1,
        90,
    ),
    (
        "dispute_response_hours",
        crate::i18n::key("Hours the other side has to answer a dispute"),
        1,
        720,
    ),
    (
        "not_delivered_hours",
        crate::i18n::key("Hours after the deadline before an undelivered parcel may be disputed"),
        1,
        720,
    ),
];

/// The value a key holds in `s`, for the editor.
pub fn value_of(s: &Settings, key: &str) -> Option<i64> {
    Some(match key {
        "booking_cutoff_hours" => s.booking_cutoff_hours,
        "request_ttl_hours" => s.request_ttl_hours,
        "risk_review_threshold" => i64::from(s.risk_review_threshold),
        "match_radius_km" => i64::from(s.match_radius_km),
        "max_counter_rounds" => i64::from(s.max_counter_rounds),
        "service_fee_bps" => s.service_fee_bps,
        "service_fee_min_units" => s.service_fee_min_units,
        "protection_bps" => s.protection_bps,
        "protection_max_units" => s.protection_max_units,
        "withdrawal_min_units" => s.withdrawal_min_units,
        "completion_hours" => s.completion_hours,
        "id_required_carry_units" => s.id_required_carry_units,
        "id_required_send_units" => s.id_required_send_units,
        "review_window_days" => s.review_window_days,
        "dispute_response_hours" => s.dispute_response_hours,
        "not_delivered_hours" => s.not_delivered_hours,
        key => {
            let c = key.strip_prefix("fx.").and_then(Currency::parse)?;
            s.rates.per_euro_x1000(c)
        }
    })
}

/// The exchange-rate keys (`fx.USD` …), editable too: units per euro ×1000.
pub fn rate_keys() -> Vec<String> {
    Currency::ALL
        .iter()
        .filter(|c| **c != Currency::Eur)
        .map(|c| format!("fx.{}", c.code()))
        .collect()
}

/// Parses an admin's value for `key`: a whole number in the allowed range.
pub fn parse_value(key: &str, raw: &str) -> Result<i64, String> {
    let (min, max) = match EDITABLE.iter().find(|(k, ..)| *k == key) {
        Some((_, _, min, max)) => (*min, *max),
        None if rate_keys().iter().any(|k| k == key) => (1, 1_000_000_000),
        None => return Err(tr("There is no such setting.").into()),
    };
    match raw.trim().parse::<i64>() {
        Ok(v) if (min..=max).contains(&v) => Ok(v),
        _ => Err(crate::trf!("Enter a whole number from {} to {}.", min, max)),
    }
}

/// Changes one setting (tests, and the admins' settings page through `admin::settings`), and
/// tells every instance when the surrounding transaction commits.
pub async fn set(db: impl PgExecutor<'_>, key: &str, value: i64) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "WITH changed AS (
             INSERT INTO settings (key, value) VALUES ($1, $2)
             ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()
             RETURNING key)
         SELECT pg_notify($3, key) FROM changed",
        key,
        serde_json::Value::from(value),
        CHANNEL
    )
    .execute(db)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn euro_amounts_read_in_every_currency() {
        let r = Rates::default();
        assert_eq!(r.euros(1, Currency::Eur), Money::new(100, Currency::Eur));
        // XOF has no minor unit: 1 EUR is 655.957 XOF, rounded up.
        assert_eq!(r.euros(1, Currency::Xof), Money::new(656, Currency::Xof));
        assert_eq!(
            r.euros(500, Currency::Xof),
            Money::new(327_979, Currency::Xof)
        );
        assert_eq!(
            r.euro_cents(50_000, Currency::Usd),
            Money::new(54_000, Currency::Usd)
        );
        assert_eq!(r.euros(i64::MAX, Currency::Ngn).minor, i64::MAX);
        for c in Currency::ALL {
            assert!(r.euros(10, c).minor >= 10 * c.unit() / 2, "{c:?}");
        }
    }
}
