//! Parcels (PRODUCT §4): create with screening and a risk score, edit before booking, cancel,
//! the review queue, private data, suggested reward, lists and search.

use super::places::{self, Place};
use super::risk::{self, RiskInput};
use super::trips::{SearchSort, PAGE_SIZE, UNKNOWN_PLACE};
use super::{localtime, settings};
use crate::error::{AppError, Problems};
use crate::market::{
    format_kg, parse_kg, Category, Currency, Money, Page, ParcelCard, ParcelDetail, ParcelForm,
    ParcelPrivate, ParcelStatus, Photo, ReviewItem, RewardSuggestion, RiskPart, UserBrief,
};
use crate::server::auth::validate::Email;
use sqlx::{PgPool, Postgres, QueryBuilder};
use time::{Date, Duration, OffsetDateTime};
use uuid::Uuid;

pub const MIN_WEIGHT_G: i32 = 100;
pub const MAX_WEIGHT_G: i32 = 30_000;
pub const MAX_DELIVER_DAYS: i64 = 90;
pub const MAX_PHOTOS: i64 = 5;

/// Rough units per euro, used only to keep suggestions and sanity limits sensible in every
/// currency (never to convert anyone's money).
pub fn per_euro(c: Currency) -> i64 {
    match c {
        Currency::Eur => 1,
        Currency::Usd | Currency::Chf | Currency::Gbp => 1,
        Currency::Cad => 2,
        Currency::Aed => 4,
        Currency::Mad => 11,
        Currency::Ghs => 16,
        Currency::Inr => 92,
        Currency::Kes => 140,
        Currency::Xof => 656,
        Currency::Ngn => 1600,
    }
}

/// The `parcel_rows` view.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ParcelRow {
    pub id: Uuid,
    pub sender_id: Uuid,
    pub title: String,
    pub description: String,
    pub category: String,
    pub weight_g: i32,
    pub length_cm: i32,
    pub width_cm: i32,
    pub height_cm: i32,
    pub declared_value_minor: i64,
    pub currency: String,
    pub fragile: bool,
    pub pickup_place_id: i32,
    pub pickup_metro_id: i32,
    pub pickup_address: String,
    pub delivery_place_id: i32,
    pub delivery_metro_id: i32,
    pub delivery_address: String,
    pub ready_from: Date,
    pub deliver_by: Date,
    pub reward_minor: i64,
    pub recipient_is_sender: bool,
    pub recipient_name: String,
    pub recipient_phone: String,
    pub recipient_email: String,
    pub distance_km: i32,
    pub risk_score: i32,
    pub risk_reasons: serde_json::Value,
    pub flagged_keywords: Vec<String>,
    pub status: String,
    pub review_note: Option<String>,
    pub created_at: OffsetDateTime,
    pub pickup_label: String,
    pub pickup_country: String,
    pub pickup_lat: f64,
    pub pickup_lon: f64,
    pub delivery_label: String,
    pub delivery_country: String,
    pub delivery_lat: f64,
    pub delivery_lon: f64,
    pub sender_name: String,
    pub sender_verified: bool,
    pub sender_rating_x100: Option<i32>,
    pub sender_completed: i32,
    pub first_photo: Option<Uuid>,
}

pub const PARCEL_COLUMNS: &str = "SELECT id, sender_id, title, description, category, weight_g,
    length_cm, width_cm, height_cm, declared_value_minor, currency, fragile, pickup_place_id,
    pickup_metro_id, pickup_address, delivery_place_id, delivery_metro_id, delivery_address,
    ready_from, deliver_by, reward_minor, recipient_is_sender, recipient_name, recipient_phone,
    recipient_email, distance_km, risk_score, risk_reasons, flagged_keywords, status, review_note,
    created_at, pickup_label, pickup_country, pickup_lat, pickup_lon, delivery_label,
    delivery_country, delivery_lat, delivery_lon, sender_name, sender_verified,
    sender_rating_x100, sender_completed, first_photo FROM parcel_rows";

pub fn photo_url(id: Uuid) -> String {
    format!("/media/parcels/{id}.jpg")
}
pub fn thumb_url(id: Uuid) -> String {
    format!("/media/parcels/{id}_t.jpg")
}

impl ParcelRow {
    pub fn currency(&self) -> Currency {
        Currency::parse(&self.currency).unwrap_or(Currency::Eur)
    }
    pub fn reward(&self) -> Money {
        Money::new(self.reward_minor, self.currency())
    }
    pub fn declared_value(&self) -> Money {
        Money::new(self.declared_value_minor, self.currency())
    }
    pub fn status(&self) -> ParcelStatus {
        ParcelStatus::parse(&self.status).unwrap_or(ParcelStatus::Open)
    }
    pub fn card(&self) -> ParcelCard {
        ParcelCard {
            id: self.id,
            title: self.title.clone(),
            category: Category::parse(&self.category).unwrap_or(Category::Other),
            weight: format_kg(self.weight_g),
            weight_g: self.weight_g,
            from: self.pickup_label.clone(),
            to: self.delivery_label.clone(),
            ready_from: localtime::show_date(self.ready_from),
            deliver_by: localtime::show_date(self.deliver_by),
            reward: self.reward(),
            status: self.status(),
            thumbnail: self.first_photo.map(thumb_url),
            sender: UserBrief {
                id: self.sender_id,
                display_name: self.sender_name.clone(),
                email_verified: self.sender_verified,
                rating: self
                    .sender_rating_x100
                    .map(|r| format!("{:.1}", f64::from(r) / 100.0)),
                completed_deliveries: self.sender_completed,
            },
        }
    }
    pub fn private(&self) -> ParcelPrivate {
        ParcelPrivate {
            pickup_address: self.pickup_address.clone(),
            delivery_address: self.delivery_address.clone(),
            recipient: if self.recipient_is_sender {
                "The sender".to_string()
            } else {
                self.recipient_name.clone()
            },
            recipient_contact: [self.recipient_phone.as_str(), self.recipient_email.as_str()]
                .iter()
                .filter(|s| !s.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(" · "),
        }
    }
    fn risk_parts(&self) -> Vec<RiskPart> {
        serde_json::from_value(self.risk_reasons.clone()).unwrap_or_default()
    }
    fn form(&self) -> ParcelForm {
        let value = Money::new(self.declared_value_minor, self.currency());
        ParcelForm {
            title: self.title.clone(),
            description: self.description.clone(),
            category: self.category.clone(),
            weight_kg: format_kg(self.weight_g).trim_end_matches(" kg").to_string(),
            length_cm: self.length_cm.to_string(),
            width_cm: self.width_cm.to_string(),
            height_cm: self.height_cm.to_string(),
            declared_value: value.input_value(),
            currency: self.currency.clone(),
            fragile: self.fragile,
            pickup_place: self.pickup_label.clone(),
            pickup_address: self.pickup_address.clone(),
            delivery_place: self.delivery_label.clone(),
            delivery_address: self.delivery_address.clone(),
            ready_from: localtime::date_input(self.ready_from),
            deliver_by: localtime::date_input(self.deliver_by),
            reward: self.reward().input_value(),
            recipient: if self.recipient_is_sender {
                "me"
            } else {
                "other"
            }
            .to_string(),
            recipient_name: self.recipient_name.clone(),
            recipient_phone: self.recipient_phone.clone(),
            recipient_email: self.recipient_email.clone(),
        }
    }
}

pub async fn row(db: impl sqlx::PgExecutor<'_>, id: Uuid) -> Result<ParcelRow, AppError> {
    sqlx::query_as::<_, ParcelRow>(&format!("{PARCEL_COLUMNS} WHERE id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await?
        .ok_or_else(not_found)
}

fn not_found() -> AppError {
    AppError::NotFound("This parcel does not exist.".into())
}

pub type ParcelInput = ParcelForm;

struct ValidParcel {
    title: String,
    description: String,
    category: Category,
    weight_g: i32,
    dims: [i32; 3],
    declared_value: Money,
    fragile: bool,
    pickup: Place,
    pickup_address: String,
    delivery: Place,
    delivery_address: String,
    ready_from: Date,
    deliver_by: Date,
    reward: Money,
    recipient_is_sender: bool,
    recipient_name: String,
    recipient_phone: String,
    recipient_email: String,
}

fn with_echo(e: AppError, i: &ParcelInput) -> AppError {
    let fragile = if i.fragile { "on" } else { "" };
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
    if n < min {
        p.add(
            field,
            if min <= 1 {
                format!("Enter {what}.")
            } else {
                format!("Enter {what} (at least {min} characters).")
            },
        );
    } else if n > max {
        p.add(field, format!("At most {max} characters."));
    }
    v.to_string()
}

fn cm(p: &mut Problems, field: &str, v: &str) -> i32 {
    match v.trim().parse::<i32>() {
        Ok(n) if (1..=200).contains(&n) => n,
        Ok(_) => {
            p.add(field, "Between 1 and 200 cm.");
            0
        }
        Err(_) => {
            p.add(field, "Enter whole centimetres.");
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
) -> Option<Money> {
    let c = currency?;
    match Money::parse(v, c) {
        Ok(m) if m.minor > max_euros * per_euro(c) * c.unit() => {
            p.add(field, "That amount is too high.");
            None
        }
        Ok(m) => Some(m),
        Err(e) => {
            p.add(field, e);
            None
        }
    }
}

async fn place_field(
    pool: &PgPool,
    p: &mut Problems,
    field: &str,
    typed: &str,
    empty: &str,
) -> Result<Option<Place>, AppError> {
    if typed.trim().is_empty() {
        p.add(field, empty);
        return Ok(None);
    }
    let found = places::resolve(pool, typed).await?;
    if found.is_none() {
        p.add(field, UNKNOWN_PLACE);
    }
    Ok(found)
}

async fn validate(
    pool: &PgPool,
    i: &ParcelInput,
    declared_legal: bool,
) -> Result<ValidParcel, AppError> {
    let mut p = Problems::new();
    let title = text_len(&mut p, "title", &i.title, 3, 100, "a title");
    let description = text_len(&mut p, "description", &i.description, 0, 2000, "");
    let category = Category::parse(&i.category);
    p.check(category.is_some(), "category", "Choose a category.");
    let weight = match parse_kg(&i.weight_kg) {
        Ok(g) if (MIN_WEIGHT_G..=MAX_WEIGHT_G).contains(&g) => g,
        Ok(_) => {
            p.add("weight_kg", "Weight must be between 0.1 and 30 kg.");
            0
        }
        Err(m) => {
            p.add("weight_kg", m);
            0
        }
    };
    let dims = [
        cm(&mut p, "length_cm", &i.length_cm),
        cm(&mut p, "width_cm", &i.width_cm),
        cm(&mut p, "height_cm", &i.height_cm),
    ];
    let currency = Currency::parse(&i.currency);
    p.check(currency.is_some(), "currency", "Choose a currency.");
    let declared = money_field(
        &mut p,
        "declared_value",
        &i.declared_value,
        currency,
        50_000,
    );
    let reward = money_field(&mut p, "reward", &i.reward, currency, 5_000);
    if reward.is_some_and(|r| r.minor == 0) {
        p.add("reward", "Offer a reward above zero.");
    }
    let pickup = place_field(
        pool,
        &mut p,
        "pickup_place",
        &i.pickup_place,
        "Enter where the parcel is picked up.",
    )
    .await?;
    let delivery = place_field(
        pool,
        &mut p,
        "delivery_place",
        &i.delivery_place,
        "Enter where the parcel goes.",
    )
    .await?;
    if let (Some(a), Some(b)) = (&pickup, &delivery) {
        if a.metro_id == b.metro_id {
            p.add(
                "delivery_place",
                "The delivery city must be different from the pickup city.",
            );
        }
    }
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
    let today = OffsetDateTime::now_utc().date();
    let ready = match localtime::parse_date(&i.ready_from) {
        Ok(d) if d < today => {
            p.add("ready_from", "The ready date cannot be in the past.");
            None
        }
        Ok(d) => Some(d),
        Err(m) => {
            p.add("ready_from", m);
            None
        }
    };
    let deliver_by = match localtime::parse_date(&i.deliver_by) {
        Ok(d) if d > today + Duration::days(MAX_DELIVER_DAYS) => {
            p.add(
                "deliver_by",
                "The deadline can be at most 90 days from today.",
            );
            None
        }
        Ok(d) if ready.is_some_and(|r| d < r) => {
            p.add(
                "deliver_by",
                "The deadline must be on or after the ready date.",
            );
            None
        }
        Ok(d) if d < today => {
            p.add("deliver_by", "The deadline cannot be in the past.");
            None
        }
        Ok(d) => Some(d),
        Err(m) => {
            p.add("deliver_by", m);
            None
        }
    };
    let recipient_is_sender = i.recipient != "other";
    let (mut rname, mut rphone, mut remail) = (String::new(), String::new(), String::new());
    if !recipient_is_sender {
        rname = text_len(
            &mut p,
            "recipient_name",
            &i.recipient_name,
            2,
            100,
            "the recipient's name",
        );
        rphone = i.recipient_phone.trim().to_string();
        let email_typed = i.recipient_email.trim();
        if !email_typed.is_empty() {
            match Email::parse(email_typed) {
                Ok(e) => remail = e.as_str().to_string(),
                Err(m) => p.add("recipient_email", m),
            }
        }
        let phone_ok = rphone.is_empty()
            || (rphone.len() <= 40
                && rphone.chars().filter(|c| c.is_ascii_digit()).count() >= 6
                && rphone
                    .chars()
                    .all(|c| c.is_ascii_digit() || " +-().".contains(c)));
        p.check(
            phone_ok,
            "recipient_phone",
            "Enter a phone number such as +33 6 12 34 56 78.",
        );
        if rphone.is_empty() && email_typed.is_empty() {
            p.add(
                "recipient_phone",
                "Give the recipient's phone number or email, so the delivery code reaches them.",
            );
        }
    }
    p.check(
        declared_legal,
        "declared_legal",
        "Confirm that the parcel holds nothing prohibited.",
    );
    p.into_result().map_err(|e| with_echo(e, i))?;
    Ok(ValidParcel {
        title,
        description,
        category: category.unwrap(),
        weight_g: weight,
        dims,
        declared_value: declared.unwrap(),
        fragile: i.fragile,
        pickup: pickup.unwrap(),
        pickup_address,
        delivery: delivery.unwrap(),
        delivery_address,
        ready_from: ready.unwrap(),
        deliver_by: deliver_by.unwrap(),
        reward: reward.unwrap(),
        recipient_is_sender,
        recipient_name: rname,
        recipient_phone: rphone,
        recipient_email: remail,
    })
}

async fn assess(
    conn: &mut sqlx::PgConnection,
    sender: Uuid,
    v: &ValidParcel,
) -> Result<(risk::Assessment, ParcelStatus), AppError> {
    let (rules, high_risk, keywords) = risk::load(conn).await?;
    let completed = sqlx::query_scalar!(
        "SELECT completed_deliveries FROM users WHERE id = $1",
        sender
    )
    .fetch_one(&mut *conn)
    .await?;
    let text = format!("{} {}", v.title, v.description);
    let a = risk::assess(
        &RiskInput {
            category: v.category,
            pickup_country: &v.pickup.country,
            delivery_country: &v.delivery.country,
            declared_value_minor: v.declared_value.minor / per_euro(v.declared_value.currency),
            weight_g: v.weight_g,
            sender_completed: completed,
            text: &text,
        },
        &rules,
        &high_risk,
        &keywords,
    );
    let threshold = settings::load(&mut *conn).await?.risk_review_threshold;
    let status = if a.score >= threshold {
        ParcelStatus::InReview
    } else {
        ParcelStatus::Open
    };
    Ok((a, status))
}

pub async fn create(
    pool: &PgPool,
    sender: Uuid,
    input: &ParcelInput,
    declared_legal: bool,
) -> Result<Uuid, AppError> {
    let v = validate(pool, input, declared_legal).await?;
    let mut tx = pool.begin().await?;
    let (a, status) = assess(&mut tx, sender, &v).await?;
    let distance = places::distance_km(
        (v.pickup.lat, v.pickup.lon),
        (v.delivery.lat, v.delivery.lon),
    )
    .round() as i32;
    let id = sqlx::query_scalar!(
        "INSERT INTO parcels (sender_id, title, description, category, weight_g, length_cm,
            width_cm, height_cm, declared_value_minor, currency, fragile, pickup_place_id,
            pickup_metro_id, pickup_address, delivery_place_id, delivery_metro_id, delivery_address,
            ready_from, deliver_by, reward_minor, recipient_is_sender, recipient_name,
            recipient_phone, recipient_email, declared_legal, distance_km, risk_score,
            risk_reasons, flagged_keywords, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
            $19, $20, $21, $22, $23, $24, true, $25, $26, $27, $28, $29)
         RETURNING id",
        sender,
        v.title,
        v.description,
        v.category.code(),
        v.weight_g,
        v.dims[0],
        v.dims[1],
        v.dims[2],
        v.declared_value.minor,
        v.declared_value.currency.code(),
        v.fragile,
        v.pickup.id,
        v.pickup.metro_id,
        v.pickup_address,
        v.delivery.id,
        v.delivery.metro_id,
        v.delivery_address,
        v.ready_from,
        v.deliver_by,
        v.reward.minor,
        v.recipient_is_sender,
        v.recipient_name,
        v.recipient_phone,
        v.recipient_email,
        distance,
        a.score,
        serde_json::to_value(&a.parts).unwrap_or_default(),
        &a.flagged,
        status.code()
    )
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Locks the sender's parcel for a change; refuses other users.
async fn lock_own(
    conn: &mut sqlx::PgConnection,
    user: Uuid,
    id: Uuid,
) -> Result<ParcelStatus, AppError> {
    let r = sqlx::query!(
        "SELECT sender_id, status FROM parcels WHERE id = $1 FOR UPDATE",
        id
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(not_found)?;
    if r.sender_id != user {
        return Err(AppError::Forbidden);
    }
    Ok(ParcelStatus::parse(&r.status).unwrap_or(ParcelStatus::Open))
}

/// Edits a parcel that is not booked yet. The risk score is computed again, so an edit can send
/// it to review (or, after a rejection, back to review).
pub async fn update(
    pool: &PgPool,
    user: Uuid,
    id: Uuid,
    input: &ParcelInput,
    declared_legal: bool,
) -> Result<ParcelStatus, AppError> {
    let v = validate(pool, input, declared_legal).await?;
    let mut tx = pool.begin().await?;
    let status = lock_own(&mut tx, user, id).await?;
    if !status.is_editable() {
        return Err(AppError::Conflict(
            "This parcel is booked or closed and can no longer be changed.".into(),
        ));
    }
    let (a, new_status) = assess(&mut tx, user, &v).await?;
    let distance = places::distance_km(
        (v.pickup.lat, v.pickup.lon),
        (v.delivery.lat, v.delivery.lon),
    )
    .round() as i32;
    sqlx::query!(
        "UPDATE parcels SET title = $2, description = $3, category = $4, weight_g = $5,
            length_cm = $6, width_cm = $7, height_cm = $8, declared_value_minor = $9,
            currency = $10, fragile = $11, pickup_place_id = $12, pickup_metro_id = $13,
            pickup_address = $14, delivery_place_id = $15, delivery_metro_id = $16,
            delivery_address = $17, ready_from = $18, deliver_by = $19, reward_minor = $20,
            recipient_is_sender = $21, recipient_name = $22, recipient_phone = $23,
            recipient_email = $24, distance_km = $25, risk_score = $26, risk_reasons = $27,
            flagged_keywords = $28, status = $29, review_note = NULL, updated_at = now()
         WHERE id = $1",
        id,
        v.title,
        v.description,
        v.category.code(),
        v.weight_g,
        v.dims[0],
        v.dims[1],
        v.dims[2],
        v.declared_value.minor,
        v.declared_value.currency.code(),
        v.fragile,
        v.pickup.id,
        v.pickup.metro_id,
        v.pickup_address,
        v.delivery.id,
        v.delivery.metro_id,
        v.delivery_address,
        v.ready_from,
        v.deliver_by,
        v.reward.minor,
        v.recipient_is_sender,
        v.recipient_name,
        v.recipient_phone,
        v.recipient_email,
        distance,
        a.score,
        serde_json::to_value(&a.parts).unwrap_or_default(),
        &a.flagged,
        new_status.code()
    )
    .execute(&mut *tx)
    .await?;
    // Requests made for the old version of the listing no longer stand.
    super::bookings::close_pending_for_parcel(
        &mut tx,
        id,
        Some(user),
        "The sender changed the parcel.",
    )
    .await?;
    tx.commit().await?;
    Ok(new_status)
}

/// The sender withdraws a parcel that is not booked.
pub async fn cancel(pool: &PgPool, user: Uuid, id: Uuid) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let status = lock_own(&mut tx, user, id).await?;
    match status {
        ParcelStatus::Cancelled => return Ok(()),
        s if s.is_editable() => {}
        _ => {
            return Err(AppError::Conflict(
                "This parcel is booked: cancel the booking instead.".into(),
            ))
        }
    }
    sqlx::query!(
        "UPDATE parcels SET status = 'cancelled', updated_at = now() WHERE id = $1",
        id
    )
    .execute(&mut *tx)
    .await?;
    super::bookings::close_pending_for_parcel(
        &mut tx,
        id,
        Some(user),
        "The sender cancelled the parcel.",
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Whether `viewer` may see the parcel's private data: its sender, or the traveler of its
/// accepted (or later) booking.
pub async fn can_see_private(
    db: impl sqlx::PgExecutor<'_>,
    parcel: &ParcelRow,
    viewer: Option<Uuid>,
) -> Result<bool, AppError> {
    let Some(v) = viewer else { return Ok(false) };
    if v == parcel.sender_id {
        return Ok(true);
    }
    Ok(sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM bookings WHERE parcel_id = $1 AND traveler_id = $2
             AND status IN ('accepted', 'picked_up', 'delivered', 'completed')) AS "e!""#,
        parcel.id,
        v
    )
    .fetch_one(db)
    .await?)
}

pub async fn photos(db: impl sqlx::PgExecutor<'_>, parcel: Uuid) -> Result<Vec<Photo>, AppError> {
    let ids = sqlx::query_scalar!(
        "SELECT id FROM parcel_photos WHERE parcel_id = $1 ORDER BY created_at, id",
        parcel
    )
    .fetch_all(db)
    .await?;
    Ok(ids
        .into_iter()
        .map(|id| Photo {
            id,
            url: photo_url(id),
            thumb_url: thumb_url(id),
        })
        .collect())
}

/// A parcel page. A parcel in review or rejected is visible to its sender and admins only.
pub async fn detail(
    pool: &PgPool,
    viewer: Option<Uuid>,
    viewer_is_admin: bool,
    id: Uuid,
) -> Result<ParcelDetail, AppError> {
    let r = row(pool, id).await?;
    let is_owner = viewer == Some(r.sender_id);
    let hidden = matches!(r.status(), ParcelStatus::InReview | ParcelStatus::Rejected);
    if hidden && !is_owner && !viewer_is_admin {
        return Err(not_found());
    }
    let private = if can_see_private(pool, &r, viewer).await? {
        Some(r.private())
    } else {
        None
    };
    Ok(ParcelDetail {
        card: r.card(),
        description: r.description.clone(),
        dimensions: format!("{} × {} × {} cm", r.length_cm, r.width_cm, r.height_cm),
        declared_value: Money::new(r.declared_value_minor, r.currency()),
        fragile: r.fragile,
        distance_km: r.distance_km,
        photos: photos(pool, id).await?,
        is_owner,
        private,
        risk: (is_owner || viewer_is_admin).then(|| (r.risk_score, r.risk_parts())),
        review_note: if is_owner {
            r.review_note.clone()
        } else {
            None
        },
        form: if is_owner {
            r.form()
        } else {
            ParcelForm::default()
        },
    })
}

pub async fn list_mine(pool: &PgPool, user: Uuid) -> Result<Vec<ParcelCard>, AppError> {
    let rows = sqlx::query_as::<_, ParcelRow>(&format!(
        "{PARCEL_COLUMNS} WHERE sender_id = $1 ORDER BY created_at DESC LIMIT 200"
    ))
    .bind(user)
    .fetch_all(pool)
    .await?;
    Ok(rows.iter().map(ParcelRow::card).collect())
}

/// A traveler's parcel search.
#[derive(Debug, Clone, Default)]
pub struct ParcelSearch {
    pub origin: Option<i32>,
    pub destination: Option<i32>,
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub category: Option<Category>,
    /// Weight at most (grams) — what fits in the traveler's bag.
    pub max_weight_g: Option<i32>,
    pub min_reward: Option<Money>,
    pub min_rating_x100: Option<i32>,
    pub verified_only: bool,
    pub sort: SearchSort,
    pub page: u32,
    pub exclude_user: Option<Uuid>,
}

/// Open parcels (approved, not booked) by route and dates: ready by the end of the window and
/// not due before its start.
pub async fn search(pool: &PgPool, s: &ParcelSearch) -> Result<Page<ParcelCard>, AppError> {
    let radius = settings::load(pool).await?.match_radius_km;
    let mut conn = pool.acquire().await?;
    // As for trips: choose the page of ids from `parcels`, then read only those rows.
    let needs_users =
        s.min_rating_x100.is_some() || s.verified_only || s.sort == SearchSort::BestMatch;
    let mut q: QueryBuilder<Postgres> = QueryBuilder::new(format!(
        "{PARCEL_COLUMNS} WHERE id IN (SELECT p.id FROM parcels p"
    ));
    if needs_users {
        q.push(" JOIN users u ON u.id = p.sender_id");
    }
    q.push(" WHERE p.status = 'open' AND p.deliver_by >= current_date");
    if let Some(id) = s.origin {
        let m = super::trips::metros_of(&mut conn, id, radius).await?;
        q.push(" AND p.pickup_metro_id = ANY(")
            .push_bind(m)
            .push(")");
    }
    if let Some(id) = s.destination {
        let m = super::trips::metros_of(&mut conn, id, radius).await?;
        q.push(" AND p.delivery_metro_id = ANY(")
            .push_bind(m)
            .push(")");
    }
    if let Some(d) = s.to {
        q.push(" AND p.ready_from <= ").push_bind(d);
    }
    if let Some(d) = s.from {
        q.push(" AND p.deliver_by >= ").push_bind(d);
    }
    if let Some(c) = s.category {
        q.push(" AND p.category = ").push_bind(c.code());
    }
    if let Some(w) = s.max_weight_g {
        q.push(" AND p.weight_g <= ").push_bind(w);
    }
    if let Some(m) = s.min_reward {
        q.push(" AND p.currency = ")
            .push_bind(m.currency.code())
            .push(" AND p.reward_minor >= ")
            .push_bind(m.minor);
    }
    if let Some(r) = s.min_rating_x100 {
        q.push(" AND u.sender_rating_x100 >= ").push_bind(r);
    }
    if s.verified_only {
        q.push(" AND u.email_verified_at IS NOT NULL");
    }
    if let Some(u) = s.exclude_user {
        q.push(" AND p.sender_id <> ").push_bind(u);
    }
    // See the trip search: with a route, stay on the route index.
    let soonest = if s.origin.is_some() || s.destination.is_some() {
        "p.ready_from + 0, p.id"
    } else {
        "p.ready_from, p.id"
    };
    let (inner, outer) = match s.sort {
        SearchSort::Soonest => (soonest, "ready_from, id"),
        // For a traveler "cheapest" reads as "best paid first".
        SearchSort::Cheapest => (
            "p.reward_minor DESC, p.ready_from, p.id",
            "reward_minor DESC, ready_from, id",
        ),
        SearchSort::BestMatch => (
            "coalesce(u.sender_rating_x100, 0) DESC, u.completed_deliveries DESC, p.ready_from, p.id",
            "coalesce(sender_rating_x100, 0) DESC, sender_completed DESC, ready_from, id",
        ),
    };
    q.push(format!(" ORDER BY {inner} LIMIT "))
        .push_bind(PAGE_SIZE + 1)
        .push(" OFFSET ")
        .push_bind(i64::from(s.page.saturating_sub(1).min(500)) * PAGE_SIZE)
        .push(format!(") ORDER BY {outer}"));
    let mut rows: Vec<ParcelRow> = q.build_query_as().fetch_all(&mut *conn).await?;
    let has_next = rows.len() as i64 > PAGE_SIZE;
    rows.truncate(PAGE_SIZE as usize);
    Ok(Page {
        items: rows.iter().map(ParcelRow::card).collect(),
        page: s.page.max(1),
        has_next,
    })
}

/// Parcels waiting for an admin, oldest first.
pub async fn review_queue(pool: &PgPool) -> Result<Vec<ReviewItem>, AppError> {
    let rows = sqlx::query_as::<_, ParcelRow>(&format!(
        "{PARCEL_COLUMNS} WHERE status = 'in_review' ORDER BY created_at LIMIT 100"
    ))
    .fetch_all(pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| ReviewItem {
            parcel: r.card(),
            description: r.description.clone(),
            risk_score: r.risk_score,
            reasons: r.risk_parts(),
            flagged: r.flagged_keywords.clone(),
            submitted: crate::server::time_fmt::datetime(r.created_at),
        })
        .collect())
}

/// An admin's decision on a parcel in review: approve (it opens) or reject with a reason.
/// Audit-logged; the sender is told by email.
pub async fn review(
    pool: &PgPool,
    admin: Uuid,
    id: Uuid,
    approve: bool,
    reason: &str,
) -> Result<(), AppError> {
    let reason = reason.trim();
    if !approve && reason.chars().count() < 5 {
        return Err(AppError::validation(
            "reason",
            "Say why the parcel is rejected (the sender will read it).",
        ));
    }
    if reason.chars().count() > 1000 {
        return Err(AppError::validation("reason", "At most 1,000 characters."));
    }
    let mut tx = pool.begin().await?;
    let r = sqlx::query!(
        "SELECT p.status, p.title, u.email FROM parcels p JOIN users u ON u.id = p.sender_id
         WHERE p.id = $1 FOR UPDATE OF p",
        id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(not_found)?;
    if r.status != "in_review" {
        return Err(AppError::Conflict(
            "This parcel is no longer waiting for review.".into(),
        ));
    }
    let new_status = if approve { "open" } else { "rejected" };
    sqlx::query!(
        "UPDATE parcels SET status = $2, review_note = $3, reviewed_by = $4, reviewed_at = now(),
            updated_at = now() WHERE id = $1",
        id,
        new_status,
        (!reason.is_empty()).then_some(reason),
        admin
    )
    .execute(&mut *tx)
    .await?;
    crate::server::auth::service::audit(
        &mut tx,
        Some(admin),
        if approve {
            "parcel.approve"
        } else {
            "parcel.reject"
        },
        &format!("parcel:{id}"),
        Some("in_review"),
        Some(&format!(
            "{new_status}{}",
            if reason.is_empty() {
                String::new()
            } else {
                format!(": {reason}")
            }
        )),
    )
    .await?;
    let (subject, body) = if approve {
        (
            format!("Your parcel \"{}\" is published", r.title),
            "An admin checked your parcel and it is now visible to travelers.".to_string(),
        )
    } else {
        (
            format!("Your parcel \"{}\" was not approved", r.title),
            format!("An admin reviewed your parcel and could not approve it.\n\nReason: {reason}\n\nYou can edit the parcel and submit it again."),
        )
    };
    crate::server::email::enqueue(&mut *tx, &r.email, &subject, &body, "parcel_review").await?;
    tx.commit().await?;
    Ok(())
}

/// The suggested reward for a parcel of this weight between these places: a base plus a
/// per-kg rate that grows with distance, blended with what accepted bookings on the same route
/// paid per kg, in the parcel's currency.
pub async fn suggest_reward(
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
    let km = places::distance_km((a.lat, a.lon), (b.lat, b.lon)).round() as i32;
    let paid = sqlx::query_scalar!(
        r#"SELECT percentile_cont(0.5) WITHIN GROUP
                (ORDER BY b.price_minor::float8 * 1000 / b.weight_g)::bigint AS "per_kg"
           FROM bookings b JOIN parcels p ON p.id = b.parcel_id
           WHERE p.pickup_metro_id = $1 AND p.delivery_metro_id = $2 AND b.currency = $3
             AND b.status IN ('accepted', 'picked_up', 'delivered', 'completed')"#,
        a.metro_id,
        b.metro_id,
        currency.code()
    )
    .fetch_one(pool)
    .await?;
    Ok(Some(reward_formula(weight_g, km, currency, paid)))
}

/// The pure part of the suggestion (unit-tested).
pub fn reward_formula(
    weight_g: i32,
    km: i32,
    currency: Currency,
    paid_per_kg_minor: Option<i64>,
) -> RewardSuggestion {
    let unit = currency.unit() * per_euro(currency);
    // 5 + (2 + 1.5 per 1,000 km) per kg, in euro-equivalent minor units.
    let base = 5 * unit;
    let per_kg = 2 * unit + unit * 3 * i64::from(km) / 2000;
    let formula = base + per_kg * i64::from(weight_g) / 1000;
    let mut explanation = vec![
        format!("Base {}", Money::new(base, currency)),
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
            explanation.push(format!(
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
        let xof = reward_formula(1_000, 300, Currency::Xof, None);
        assert!(xof.amount.minor > 4_000);
    }
}
