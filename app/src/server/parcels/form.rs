//! The parcel form, parsed: a `ValidParcel` exists only when every rule of PRODUCT §4 holds.
//! Every problem is reported at once, next to its field, with what was typed echoed back.

use crate::error::{printable, AppError, Problems};
use crate::i18n::tr;
use crate::server::accounts::validate::Email;
use crate::server::places::{self, Place};
use crate::server::settings::{self, Rates};
use crate::server::time;
use crate::types::parcels::ParcelForm;
use crate::types::{parse_kg, Category, Currency, Money};
use ::time::{Date, Duration, OffsetDateTime};
use sqlx::PgPool;

pub const MIN_WEIGHT_G: i32 = 100;
pub const MAX_WEIGHT_G: i32 = 30_000;
pub const MAX_DELIVER_DAYS: i64 = 90;

/// A parcel input that passed every rule.
pub struct ValidParcel {
    pub title: String,
    pub description: String,
    pub category: Category,
    pub weight_g: i32,
    pub dims: [i32; 3],
    pub declared_value: Money,
    pub fragile: bool,
    pub has_receipt: bool,
    pub pickup: Place,
    pub pickup_address: String,
    pub delivery: Place,
    pub delivery_address: String,
    pub ready_from: Date,
    pub deliver_by: Date,
    pub reward: Money,
    pub recipient: Recipient,
}

/// Who receives the parcel: the sender, or someone else with a way to reach them.
#[derive(Debug, Clone, Default)]
pub struct Recipient {
    pub is_sender: bool,
    pub name: String,
    pub phone: String,
    pub email: String,
}

fn with_echo(e: AppError, i: &ParcelForm) -> AppError {
    let fragile = if i.fragile { "on" } else { "" };
    let has_receipt = if i.has_receipt { "on" } else { "" };
    e.with_values(&[
        ("title", &i.title),
        ("description", &i.description),
        ("category", &i.category),
        ("weight_kg", &i.weight_kg),
        ("length_cm", &i.length_cm),
        ("width_cm", &i.width_cm),
        ("height_cm", &i.height_cm),
        ("declared_value", &i.declared_value),
        ("currency", &i.currency),
        ("fragile", fragile),
        ("has_receipt", has_receipt),
        ("pickup_place", &i.pickup_place),
        ("pickup_address", &i.pickup_address),
        ("delivery_place", &i.delivery_place),
        ("delivery_address", &i.delivery_address),
        ("ready_from", &i.ready_from),
        ("deliver_by", &i.deliver_by),
        ("reward", &i.reward),
        ("recipient", &i.recipient),
        ("recipient_name", &i.recipient_name),
        ("recipient_phone", &i.recipient_phone),
        ("recipient_email", &i.recipient_email),
    ])
}

fn text_len(p: &mut Problems, field: &str, v: &str, min: usize, max: usize, what: &str) -> String {
    let v = v.trim();
    let n = v.chars().count();
    if !printable(v, field == "description") {
        p.add(
            field,
            crate::i18n::tr("This has characters we can't show; type it again."),
        );
    } else if n < min {
        p.add(
            field,
            if min <= 1 {
                crate::trf!("Enter {}.", what)
            } else {
                crate::trf!("Enter {} (at least {} characters).", what, min)
            },
        );
    } else if n > max {
        p.add(field, crate::trf!("At most {} characters.", max));
    }
    v.to_string()
}

fn cm(p: &mut Problems, field: &str, v: &str) -> i32 {
    match v.trim().parse::<i32>() {
        Ok(n) if (1..=200).contains(&n) => n,
        Ok(_) => {
            p.add(field, crate::i18n::tr("Between 1 and 200 cm."));
            0
        }
        Err(_) => {
            p.add(field, crate::i18n::tr("Enter whole centimetres."));
            0
        }
    }
}

fn money_field(
    p: &mut Problems,
    field: &str,
    v: &str,
    currency: Option<Currency>,
    max_euros: i64,
    rates: &Rates,
) -> Option<Money> {
    let c = currency?;
    match Money::parse(v, c) {
        Ok(m) if m.minor > rates.euros(max_euros, c).minor => {
            p.add(field, crate::i18n::tr("That amount is too high."));
            None
        }
        Ok(m) => Some(m),
        Err(e) => {
            p.add(field, e);
            None
        }
    }
}

pub async fn parse(
    pool: &PgPool,
    i: &ParcelForm,
    declared_legal: bool,
) -> Result<ValidParcel, AppError> {
    let mut p = Problems::new();
    let title = text_len(
        &mut p,
        "title",
        &i.title,
        3,
        100,
        crate::i18n::tr("a title"),
    );
    let description = text_len(&mut p, "description", &i.description, 0, 2000, "");
    let category = Category::parse(&i.category);
    p.check(category.is_some(), "category", "Choose a category.");
    let weight_g = weight(&mut p, &i.weight_kg);
    let dims = [
        cm(&mut p, "length_cm", &i.length_cm),
        cm(&mut p, "width_cm", &i.width_cm),
        cm(&mut p, "height_cm", &i.height_cm),
    ];
    let currency = Currency::parse(&i.currency);
    p.check(currency.is_some(), "currency", "Choose a currency.");
    let rates = settings::current(pool).await?.rates;
    let declared = money_field(
        &mut p,
        "declared_value",
        &i.declared_value,
        currency,
        50_000,
        &rates,
    );
    let reward = money_field(&mut p, "reward", &i.reward, currency, 5_000, &rates);
    if reward.is_some_and(|r| r.minor == 0) {
        p.add("reward", tr("Offer a reward above zero."));
    }
    let (pickup, delivery) = route(pool, &mut p, i).await?;
    let pickup_address = text_len(
        &mut p,
        "pickup_address",
        &i.pickup_address,
        5,
        300,
        "the pickup address",
    );
    let delivery_address = text_len(
        &mut p,
        "delivery_address",
        &i.delivery_address,
        5,
        300,
        "the delivery address",
    );
    let (ready_from, deliver_by) = dates(&mut p, i);
    let recipient = recipient(&mut p, i);
    p.check(
        declared_legal,
        "declared_legal",
        "Confirm that the parcel holds nothing prohibited.",
    );
    p.into_result().map_err(|e| with_echo(e, i))?;
    match (
        category, declared, reward, pickup, delivery, ready_from, deliver_by,
    ) {
        (Some(category), Some(dv), Some(reward), Some(pu), Some(de), Some(rf), Some(db)) => {
            Ok(ValidParcel {
                title,
                description,
                category,
                weight_g,
                dims,
                declared_value: dv,
                fragile: i.fragile,
                has_receipt: i.has_receipt,
                pickup: pu,
                pickup_address,
                delivery: de,
                delivery_address,
                ready_from: rf,
                deliver_by: db,
                reward,
                recipient,
            })
        }
        _ => Err(AppError::internal("parcel form checked")),
    }
}

fn weight(p: &mut Problems, typed: &str) -> i32 {
    match parse_kg(typed) {
        Ok(g) if (MIN_WEIGHT_G..=MAX_WEIGHT_G).contains(&g) => g,
        Ok(_) => {
            p.add("weight_kg", tr("Weight must be between 0.1 and 30 kg."));
            0
        }
        Err(m) => {
            p.add("weight_kg", m);
            0
        }
    }
}

async fn route(
    pool: &PgPool,
    p: &mut Problems,
    i: &ParcelForm,
) -> Result<(Option<Place>, Option<Place>), AppError> {
    let pickup = places::field(
        pool,
        p,
        "pickup_place",
        &i.pickup_place,
        "Enter where the parcel is picked up.",
    )
    .await?;
    let delivery = places::field(
        pool,
        p,
        "delivery_place",
        &i.delivery_place,
        "Enter where the parcel goes.",
    )
    .await?;
    if let (Some(a), Some(b)) = (&pickup, &delivery) {
        if a.metro_id == b.metro_id {
            p.add(
                "delivery_place",
                crate::i18n::tr("The delivery city must be different from the pickup city."),
            );
        }
    }
    Ok((pickup, delivery))
}

fn dates(p: &mut Problems, i: &ParcelForm) -> (Option<Date>, Option<Date>) {
    let today = OffsetDateTime::now_utc().date();
    let ready = match time::parse_date(&i.ready_from) {
        Ok(d) if d < today => {
            p.add("ready_from", tr("The ready date cannot be in the past."));
            None
        }
        Ok(d) => Some(d),
        Err(m) => {
            p.add("ready_from", m);
            None
        }
    };
    let deliver_by = match time::parse_date(&i.deliver_by) {
        Ok(d) if d > today + Duration::days(MAX_DELIVER_DAYS) => {
            p.add(
                "deliver_by",
                crate::i18n::tr("The deadline can be at most 90 days from today."),
            );
            None
        }
        Ok(d) if ready.is_some_and(|r| d < r) => {
            p.add(
                "deliver_by",
                crate::i18n::tr("The deadline must be on or after the ready date."),
            );
            None
        }
        Ok(d) if d < today => {
            p.add("deliver_by", tr("The deadline cannot be in the past."));
            None
        }
        Ok(d) => Some(d),
        Err(m) => {
            p.add("deliver_by", m);
            None
        }
    };
    (ready, deliver_by)
}

fn recipient(p: &mut Problems, i: &ParcelForm) -> Recipient {
    if i.recipient != "other" {
        return Recipient {
            is_sender: true,
            ..Recipient::default()
        };
    }
    let name = text_len(
        p,
        "recipient_name",
        &i.recipient_name,
        2,
        100,
        "the recipient's name",
    );
    let phone = i.recipient_phone.trim().to_string();
    let email_typed = i.recipient_email.trim();
    let mut email = String::new();
    if !email_typed.is_empty() {
        match Email::parse(email_typed) {
            Ok(e) => email = e.as_str().to_string(),
            Err(m) => p.add("recipient_email", m),
        }
    }
    let phone_ok = phone.is_empty()
        || (phone.len() <= 40
            && phone.chars().filter(|c| c.is_ascii_digit()).count() >= 6
            && phone
                .chars()
                .all(|c| c.is_ascii_digit() || " +-().".contains(c)));
    p.check(
        phone_ok,
        "recipient_phone",
        "Enter a phone number such as +33 6 12 34 56 78.",
    );
    if phone.is_empty() && email_typed.is_empty() {
        p.add(
            "recipient_phone",
            crate::i18n::tr(
                "Give the recipient's phone number or email, so the delivery code reaches them.",
            ),
        );
    }
    Recipient {
        is_sender: false,
        name,
        phone,
        email,
    }
}
