//! What the domain tests share: the fixture kit, and short ways to say what a test does.
#![allow(dead_code)] // Each module uses a different part of this.

use app::error::AppError;
use app::server::bookings::{handoff, negotiate};
use app::server::money::{escrow, ledger};
use app::server::places;
pub use app::server::testkit::{self, date, local_time as local, World};
use app::server::wallet::{top_up, withdrawals};
use app::types::parcels::ParcelForm;
use app::types::trips::TripForm;
use app::types::{BookingId, Currency, ParcelId, Side, TripId, UserId};
use sqlx::PgPool;
use uuid::Uuid;

pub const EUR: Currency = Currency::Eur;
pub const PUBLIC_URL: &str = "http://127.0.0.1:3000";

pub async fn setup(pool: &PgPool) {
    places::seed::run(pool).await.expect("places load");
}

/// A member with a confirmed email and an empty wallet.
pub async fn user(pool: &PgPool, name: &str) -> UserId {
    testkit::member(pool, name).await.unwrap()
}

/// A member with 1,000 EUR in the wallet (requests are paid for).
pub async fn funded(pool: &PgPool, name: &str) -> UserId {
    let id = user(pool, name).await;
    testkit::fund(pool, id, "1000").await.unwrap();
    id
}

pub fn trip_form(from: &str, to: &str, kg: &str) -> TripForm {
    testkit::trip(from, to, kg)
}

pub fn parcel_form(from: &str, to: &str, kg: &str) -> ParcelForm {
    testkit::parcel(from, to, kg)
}

/// Posts the parcel (contents declared legal) with a photo, as a sender does before it can be
/// booked.
pub async fn posted(pool: &PgPool, sender: UserId, form: &ParcelForm) -> ParcelId {
    let id = app::server::parcels::service::create(pool, sender, form, true)
        .await
        .unwrap();
    testkit::photo(pool, id).await.unwrap();
    id
}

/// The marketplace's world: a 10 kg trip and a 2 kg parcel, both sides with money.
pub async fn world(pool: &PgPool) -> World {
    let w = testkit::world(pool, "10").await.unwrap();
    testkit::fund(pool, w.traveler, "1000").await.unwrap();
    testkit::fund(pool, w.sender, "1000").await.unwrap();
    w
}

/// The money tests' pair of listings, for members the test made.
pub async fn world_for(pool: &PgPool, traveler: UserId, sender: UserId) -> World {
    testkit::world_of(pool, traveler, sender, "20")
        .await
        .unwrap()
}

/// The money tests' world: a 20 kg trip and a 2 kg parcel, nobody with money yet.
pub async fn money_world(pool: &PgPool) -> World {
    testkit::world(pool, "20").await.unwrap()
}

pub fn fields(e: &AppError) -> Vec<String> {
    match e {
        AppError::Validation { fields, .. } => fields.iter().map(|f| f.field.clone()).collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

pub async fn booking_status(pool: &PgPool, id: BookingId) -> String {
    sqlx::query_scalar("SELECT status FROM bookings WHERE id = $1")
        .bind(id)
        .fetch_one(pool)
        .await
        .unwrap()
}

pub fn key() -> String {
    Uuid::new_v4().to_string()
}

/// A request (or offer) at `price` ("" for the default), no protection, a fresh form key.
pub async fn propose(
    pool: &PgPool,
    actor: UserId,
    side: Side,
    parcel: ParcelId,
    trip: TripId,
    price: &str,
) -> Result<BookingId, AppError> {
    app::server::testkit::propose(pool, actor, side, parcel, trip, price, &key()).await
}

/// The sender's request for the world's pair, at the default price.
pub fn proposal(w: &World) -> negotiate::Proposal {
    negotiate::Proposal {
        side: Side::Sender,
        parcel: w.parcel,
        trip: w.trip,
        price: String::new(),
        protect: false,
        key: key(),
    }
}

pub async fn accept(pool: &PgPool, actor: UserId, id: BookingId) -> Result<(), AppError> {
    negotiate::accept(pool, PUBLIC_URL, actor, id, false).await
}

pub async fn counter(
    pool: &PgPool,
    actor: UserId,
    id: BookingId,
    price: &str,
) -> Result<(), AppError> {
    negotiate::counter(pool, actor, id, price, None).await
}

/// Sender requests at the default price (2 kg × 5 = 10.00; fee 1.00); the traveler accepts.
pub async fn accepted(pool: &PgPool, w: &World) -> BookingId {
    let b = propose(pool, w.sender, Side::Sender, w.parcel, w.trip, "")
        .await
        .unwrap();
    accept(pool, w.traveler, b).await.unwrap();
    b
}

pub fn card(amount: &str, number: &str) -> top_up::CardForm {
    top_up::CardForm {
        number: number.into(),
        ..testkit::card(amount)
    }
}

pub async fn top_up(pool: &PgPool, user: UserId, amount: &str) -> top_up::TopUp {
    top_up::top_up_sandbox(pool, user, &card(amount, top_up::CARD_OK), &key())
        .await
        .unwrap()
}

pub async fn available(pool: &PgPool, user: UserId) -> i64 {
    ledger::balance(
        &mut pool.acquire().await.unwrap(),
        ledger::Acct::User(user),
        EUR,
    )
    .await
    .unwrap()
}

pub async fn system(pool: &PgPool, a: ledger::Acct) -> i64 {
    ledger::balance(&mut pool.acquire().await.unwrap(), a, EUR)
        .await
        .unwrap()
}

pub async fn held(pool: &PgPool, booking: BookingId) -> i64 {
    escrow::held(&mut pool.acquire().await.unwrap(), booking, EUR)
        .await
        .unwrap()
}

pub async fn assert_ledger_ok(pool: &PgPool) {
    for f in ledger::check(pool).await.unwrap() {
        assert!(f.ok, "{}: {}", f.check, f.detail);
    }
}

pub async fn code(pool: &PgPool, booking: BookingId, kind: &str) -> String {
    testkit::handoff_code(pool, booking, kind).await.unwrap()
}

pub fn inspected() -> handoff::Inspection {
    handoff::Inspection {
        contents_match: true,
        nothing_prohibited: true,
        electronics_power_on: false,
    }
}

/// A withdrawal of `amount` euros by `method` ("iban", "mobile") to `destination`.
pub fn withdrawal(amount: &str, method: &str, destination: &str) -> withdrawals::WithdrawalForm {
    withdrawals::WithdrawalForm {
        amount: amount.into(),
        currency: "EUR".into(),
        method: method.into(),
        destination: destination.into(),
    }
}

/// A withdrawal of `amount` euros to a mobile-money number.
pub fn mobile(amount: &str) -> withdrawals::WithdrawalForm {
    withdrawal(amount, "mobile", "+254712345678")
}

pub fn png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(32, 24, |x, _| image::Rgb([200, (x * 8) as u8, 10]));
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

pub fn tempdir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("carry-test-{}", Uuid::new_v4()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// How `viewer` (not an admin) reads a receipt: in UTC, on the test site.
pub fn reader(viewer: UserId) -> app::server::wallet::receipts::Reader<'static> {
    app::server::wallet::receipts::Reader {
        viewer,
        admin: false,
        tz: "UTC",
        site: PUBLIC_URL,
    }
}
