//! One fixture kit: ready-made members, trips and parcels, for the domain and HTTP tests, the
//! escrow benchmark and the demo data. A change to a form or a rule is made here once.

use crate::error::AppError;
use crate::server::bookings::negotiate;
use crate::server::parcels::service as parcels;
use crate::server::places;
use crate::server::trips::service as trips;
use crate::server::wallet::top_up::{self, CardForm};
use crate::types::parcels::ParcelForm;
use crate::types::trips::TripForm;
use crate::types::{BookingId, ParcelId, Side, TripId, UserId};
use sqlx::PgPool;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// A member with a confirmed email (and a phone number), unique by a random email address.
pub async fn member(pool: &PgPool, name: &str) -> Result<UserId, AppError> {
    let email = format!(
        "{}-{}@example.com",
        name.to_lowercase().replace(' ', "-"),
        Uuid::new_v4()
    );
    Ok(sqlx::query_scalar!(
        r#"INSERT INTO users (email, display_name, password_hash, email_verified_at, phone)
           VALUES ($1, $2, 'x', now(), '+33 6 00 00 00 00') RETURNING id AS "id: UserId""#,
        email,
        name
    )
    .fetch_one(pool)
    .await?)
}

/// The sandbox's good test card, for `amount` euros.
pub fn card(amount: &str) -> CardForm {
    CardForm {
        amount: amount.into(),
        currency: "EUR".into(),
        number: top_up::CARD_OK.into(),
        expiry: "12/40".into(),
        cvc: "123".into(),
    }
}

/// Tops the member's wallet up by `amount` euros (a fresh key: every call adds money).
pub async fn fund(pool: &PgPool, user: UserId, amount: &str) -> Result<(), AppError> {
    top_up::top_up_sandbox(pool, user, &card(amount), &Uuid::new_v4().to_string()).await?;
    Ok(())
}

/// "2026-12-01T09:00": the day `days` from now at `hour`, as a `datetime-local` field holds it.
pub fn local_time(days: i64, hour: u8) -> String {
    let t = OffsetDateTime::now_utc() + Duration::days(days);
    format!(
        "{:04}-{:02}-{:02}T{hour:02}:00",
        t.year(),
        u8::from(t.month()),
        t.day()
    )
}

/// "2026-12-01": the date `days` from today.
pub fn date(days: i64) -> String {
    (OffsetDateTime::now_utc().date() + Duration::days(days)).to_string()
}

/// A plane trip in five days (09:00 to 12:00 local), 5 EUR a kilo, taking books, clothing and
/// electronics.
pub fn trip(from: &str, to: &str, kg: &str) -> TripForm {
    TripForm {
        origin: from.into(),
        destination: to.into(),
        departs_at: local_time(5, 9),
        arrives_at: local_time(5, 12),
        mode: "plane".into(),
        capacity_kg: kg.into(),
        price_per_kg: "5".into(),
        currency: "EUR".into(),
        categories: vec!["books".into(), "clothing".into(), "electronics".into()],
        ..TripForm::default()
    }
}

/// Two novels, declared at 40 EUR, a 25 EUR reward, ready tomorrow, due in 20 days, for the
/// sender themselves.
pub fn parcel(from: &str, to: &str, kg: &str) -> ParcelForm {
    ParcelForm {
        title: "Two novels".into(),
        description: "Paperbacks, wrapped.".into(),
        category: "books".into(),
        weight_kg: kg.into(),
        length_cm: "30".into(),
        width_cm: "20".into(),
        height_cm: "5".into(),
        declared_value: "40".into(),
        currency: "EUR".into(),
        pickup_place: from.into(),
        pickup_address: "1 Rue de Rivoli, Paris".into(),
        delivery_place: to.into(),
        delivery_address: "10 Downing Street, London".into(),
        ready_from: date(1),
        deliver_by: date(20),
        reward: "25".into(),
        recipient: "me".into(),
        ..ParcelForm::default()
    }
}

/// A traveler with a CDG → London trip (`trip_kg` of room) and a sender with a 2 kg parcel from
/// Paris to Heathrow: a pair that matches. Nobody has money yet.
pub struct World {
    pub traveler: UserId,
    pub sender: UserId,
    pub trip: TripId,
    pub parcel: ParcelId,
}

/// Gives the parcel a photo row (PRODUCT §4: it is listed and bookable once it has one). No file
/// is written: tests that show the photo upload a real one through `parcels::photos`.
pub async fn photo(pool: &PgPool, parcel: ParcelId) -> Result<Uuid, AppError> {
    Ok(sqlx::query_scalar!(
        "INSERT INTO parcel_photos (id, parcel_id, width, height, bytes)
         VALUES (gen_random_uuid(), $1, 400, 300, 0) RETURNING id",
        parcel as ParcelId
    )
    .fetch_one(pool)
    .await?)
}

/// A PNG of `w`×`h` pixels in one colour: a stand-in for a photo.
pub fn png(w: u32, h: u32, rgb: [u8; 3]) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(w, h, image::Rgb(rgb));
    let mut out = Vec::new();
    // Encoding a plain in-memory image cannot fail; an empty result would be refused later.
    let _ = image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png);
    out
}

pub async fn world(pool: &PgPool, trip_kg: &str) -> Result<World, AppError> {
    places::seed::run(pool).await?;
    let traveler = member(pool, "Tara").await?;
    let sender = member(pool, "Sam").await?;
    world_of(pool, traveler, sender, trip_kg).await
}

/// The same pair of listings, for members the caller made.
pub async fn world_of(
    pool: &PgPool,
    traveler: UserId,
    sender: UserId,
    trip_kg: &str,
) -> Result<World, AppError> {
    let trip = trips::create(
        pool,
        traveler,
        &trip("CDG", "London, United Kingdom", trip_kg),
    )
    .await?;
    let parcel = parcels::create(pool, sender, &parcel("Paris, France", "LHR", "2"), true).await?;
    photo(pool, parcel).await?;
    Ok(World {
        traveler,
        sender,
        trip,
        parcel,
    })
}

/// The sender's request of `trip` for `parcel` at the default price, unprotected; `key` is the
/// form's idempotency key, 8 to 100 characters (a re-run with the same key makes no second
/// booking).
pub async fn request(
    pool: &PgPool,
    sender: UserId,
    parcel: ParcelId,
    trip: TripId,
    key: &str,
) -> Result<BookingId, AppError> {
    propose(pool, sender, Side::Sender, parcel, trip, "", key).await
}

/// A request (or an offer, by `side`) at `price` ("" for the default), unprotected, with the
/// form's idempotency `key`.
pub async fn propose(
    pool: &PgPool,
    actor: UserId,
    side: Side,
    parcel: ParcelId,
    trip: TripId,
    price: &str,
    key: &str,
) -> Result<BookingId, AppError> {
    let proposal = negotiate::Proposal {
        side,
        parcel,
        trip,
        price: price.to_string(),
        protect: false,
        key: key.to_string(),
    };
    negotiate::propose(pool, actor, &proposal).await
}

/// A booking's handoff code of `kind` ("pickup" or "delivery"), as the sender's page shows it.
pub async fn handoff_code(
    pool: &PgPool,
    booking: BookingId,
    kind: &str,
) -> Result<String, AppError> {
    Ok(
        sqlx::query_scalar("SELECT code FROM handoff_codes WHERE booking_id = $1 AND kind = $2")
            .bind(booking)
            .bind(kind)
            .fetch_one(pool)
            .await?,
    )
}
