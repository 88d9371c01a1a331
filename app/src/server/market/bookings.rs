//! Bookings up to acceptance (PRODUCT §6): a sender requests a trip for a parcel, or a traveler
//! offers to carry a parcel; the other side accepts, declines or counters (a few rounds); the
//! initiator can withdraw; unanswered requests expire. Acceptance reserves the parcel's weight
//! on the trip in one transaction with the trip row locked.
//!
//! Locks are always taken in the order trip → parcel → booking, so no two paths deadlock.

use super::parcels::{self, ParcelRow};
use super::trips::{self, TripRow};
use super::{jobs, localtime, settings};
use crate::error::AppError;
use crate::market::{
    format_kg, BookingDetail, BookingEvent, BookingStatus, BookingSummary, Contact, Currency,
    Money, Side, UserBrief,
};
use crate::money::{BookingMoney, Handoff};
use crate::server::money::escrow::{self, Charges};
use crate::server::money::{idem, ledger};
use crate::server::time_fmt;
use sqlx::{PgConnection, PgPool};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// A booking row, locked or not.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BookingRow {
    pub id: Uuid,
    pub parcel_id: Uuid,
    pub trip_id: Uuid,
    pub sender_id: Uuid,
    pub traveler_id: Uuid,
    pub initiator: String,
    pub awaiting: Option<String>,
    pub status: String,
    pub price_minor: i64,
    pub currency: String,
    pub weight_g: i32,
    pub counters: i32,
    pub expires_at: OffsetDateTime,
    pub created_at: OffsetDateTime,
    pub fee_minor: i64,
    pub protection_minor: i64,
    pub protected: bool,
    pub tracking_no: Option<String>,
    pub delivered_at: Option<OffsetDateTime>,
}

const BOOKING_COLUMNS: &str = "SELECT id, parcel_id, trip_id, sender_id, traveler_id, initiator,
    awaiting, status, price_minor, currency::text AS currency, weight_g, counters, expires_at,
    created_at, fee_minor, protection_minor, protected, tracking_no, delivered_at FROM bookings";

impl BookingRow {
    pub fn status(&self) -> BookingStatus {
        BookingStatus::parse(&self.status).unwrap_or(BookingStatus::Pending)
    }
    pub fn side_of(&self, user: Uuid) -> Option<Side> {
        if user == self.sender_id {
            Some(Side::Sender)
        } else if user == self.traveler_id {
            Some(Side::Traveler)
        } else {
            None
        }
    }
    fn awaiting(&self) -> Option<Side> {
        self.awaiting.as_deref().and_then(Side::parse)
    }
    fn initiator(&self) -> Side {
        Side::parse(&self.initiator).unwrap_or(Side::Sender)
    }
    pub fn price(&self) -> Money {
        Money::new(
            self.price_minor,
            Currency::parse(&self.currency).unwrap_or(Currency::Eur),
        )
    }
    /// What the sender pays, as fixed when they last committed to the price.
    pub fn charges(&self) -> Charges {
        Charges {
            price: self.price_minor,
            fee: self.fee_minor,
            protection: self.protection_minor,
        }
    }
}

pub(crate) fn not_found() -> AppError {
    AppError::NotFound("This booking does not exist, or it is not yours.".into())
}

pub(crate) async fn booking(
    conn: &mut PgConnection,
    id: Uuid,
    lock: bool,
) -> Result<BookingRow, AppError> {
    let sql = format!(
        "{BOOKING_COLUMNS} WHERE id = $1{}",
        if lock { " FOR UPDATE" } else { "" }
    );
    sqlx::query_as::<_, BookingRow>(&sql)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(not_found)
}

pub(crate) async fn event(
    conn: &mut PgConnection,
    booking: Uuid,
    actor: Option<Uuid>,
    kind: &str,
    price: Option<i64>,
    note: &str,
) -> Result<(), AppError> {
    sqlx::query!(
        "INSERT INTO booking_events (booking_id, actor_id, kind, price_minor, note)
         VALUES ($1, $2, $3, $4, $5)",
        booking,
        actor,
        kind,
        price,
        note
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn require_verified(conn: &mut PgConnection, user: Uuid) -> Result<(), AppError> {
    let verified = sqlx::query_scalar!(
        r#"SELECT email_verified_at IS NOT NULL AS "v!" FROM users WHERE id = $1"#,
        user
    )
    .fetch_one(&mut *conn)
    .await?;
    if verified {
        Ok(())
    } else {
        Err(AppError::Conflict(
            "Confirm your email address first: until then you can browse, but not book or carry."
                .into(),
        ))
    }
}

/// Why this trip cannot carry this parcel, if it cannot (the matching's hard filters).
pub fn misfit(
    trip: &TripRow,
    parcel: &ParcelRow,
    near_pickup: &[i32],
    near_delivery: &[i32],
    cutoff_hours: i64,
    now: OffsetDateTime,
) -> Option<&'static str> {
    if trip.status != "published" {
        return Some("This trip is no longer taking parcels.");
    }
    if trip.departs_at <= now + Duration::hours(cutoff_hours) {
        return Some("This trip departs too soon to take new bookings.");
    }
    if parcel.status != "open" {
        return Some("This parcel is not open for booking.");
    }
    if trip.traveler_id == parcel.sender_id {
        return Some("You cannot book your own trip.");
    }
    if !near_pickup.contains(&trip.origin_metro_id)
        || !near_delivery.contains(&trip.destination_metro_id)
    {
        return Some("This trip does not go between the parcel's cities.");
    }
    if trip.departs_at.date() < parcel.ready_from {
        return Some("This trip leaves before the parcel is ready.");
    }
    if trip.arrives_at.date() > parcel.deliver_by {
        return Some("This trip arrives after the parcel's deadline.");
    }
    if trip.remaining_g < parcel.weight_g {
        return Some("This trip does not have enough room left for the parcel.");
    }
    if !trip.categories.contains(&parcel.category) {
        return Some("This trip does not accept this kind of parcel.");
    }
    None
}

/// Checks the pair against the hard filters, with fresh rows.
async fn check_fit(
    conn: &mut PgConnection,
    trip: &TripRow,
    parcel: &ParcelRow,
    s: &settings::Settings,
) -> Result<(), AppError> {
    let near_pickup =
        super::places::metros_near(conn, parcel.pickup_metro_id, s.match_radius_km).await?;
    let near_delivery =
        super::places::metros_near(conn, parcel.delivery_metro_id, s.match_radius_km).await?;
    match misfit(
        trip,
        parcel,
        &near_pickup,
        &near_delivery,
        s.booking_cutoff_hours,
        OffsetDateTime::now_utc(),
    ) {
        Some(why) => Err(AppError::Conflict(why.into())),
        None => Ok(()),
    }
}

/// PRODUCT §1: carrying a parcel declared above one threshold, or sending one above another,
/// needs a verified identity.
async fn require_id_for_value(
    conn: &mut PgConnection,
    parcel: &ParcelRow,
    traveler: Uuid,
    s: &settings::Settings,
) -> Result<(), AppError> {
    let unit = parcel.currency().unit();
    let declared = parcel.declared_value_minor;
    let sender_needs = declared > s.id_required_send_units * unit;
    let traveler_needs = declared > s.id_required_carry_units * unit;
    if sender_needs && !crate::server::money::wallet::id_verified(conn, parcel.sender_id).await? {
        return Err(AppError::Conflict(format!(
            "Parcels declared above {} need a verified identity: the sender should verify theirs from the wallet page first.",
            Money::new(s.id_required_send_units * unit, parcel.currency())
        )));
    }
    if traveler_needs && !crate::server::money::wallet::id_verified(conn, traveler).await? {
        return Err(AppError::Conflict(format!(
            "Parcels declared above {} can only be carried by travelers with a verified identity: the traveler should verify theirs from the wallet page first.",
            Money::new(s.id_required_carry_units * unit, parcel.currency())
        )));
    }
    Ok(())
}

/// The sender commits to the booking's current price: fixes the fee and protection and brings
/// the escrow to the total, taking the difference from their wallet (or returning it).
async fn sender_commits(
    conn: &mut PgConnection,
    b: &BookingRow,
    price: i64,
    protect: bool,
    step: &str,
    s: &settings::Settings,
) -> Result<Charges, AppError> {
    let parcel = parcels::row(&mut *conn, b.parcel_id).await?;
    let currency = b.price().currency;
    let c = escrow::charges(price, currency, protect, Some(parcel.declared_value()), s);
    sqlx::query!(
        "UPDATE bookings SET fee_minor = $2, protection_minor = $3, protected = $4 WHERE id = $1",
        b.id,
        c.fee,
        c.protection,
        c.protection > 0
    )
    .execute(&mut *conn)
    .await?;
    escrow::hold_to(conn, b.id, b.sender_id, currency, c.total(), step).await?;
    Ok(c)
}

fn parse_price(typed: &str, currency: Currency) -> Result<Option<Money>, AppError> {
    if typed.trim().is_empty() {
        return Ok(None);
    }
    match Money::parse(typed, currency) {
        Ok(m) if m.minor == 0 => Err(AppError::validation(
            "price",
            "The price must be above zero.",
        )),
        Ok(m) if m.minor > 5_000 * parcels::per_euro(currency) * currency.unit() => {
            Err(AppError::validation("price", "That price is too high."))
        }
        Ok(m) => Ok(Some(m)),
        Err(e) => Err(AppError::validation("price", e)),
    }
}

fn expiry(
    now: OffsetDateTime,
    departs_at: OffsetDateTime,
    s: &settings::Settings,
) -> OffsetDateTime {
    (now + Duration::hours(s.request_ttl_hours)).min(departs_at)
}

/// A sender asks a trip to carry their parcel (price: typed, or the trip's price × weight), or
/// a traveler offers to carry a parcel on their trip (price: typed, or the parcel's reward).
pub async fn propose(
    pool: &PgPool,
    actor: Uuid,
    side: Side,
    parcel_id: Uuid,
    trip_id: Uuid,
    price: &str,
) -> Result<Uuid, AppError> {
    let key = Uuid::new_v4().to_string();
    propose_paid(pool, actor, side, parcel_id, trip_id, price, false, &key).await
}

/// `propose` with the sender's protection choice and the form's idempotency key: a retried
/// request returns the first booking and pays once. A sender pays price, fee and protection
/// into escrow as the request is sent.
#[allow(clippy::too_many_arguments)]
pub async fn propose_paid(
    pool: &PgPool,
    actor: Uuid,
    side: Side,
    parcel_id: Uuid,
    trip_id: Uuid,
    price: &str,
    protect: bool,
    key: &str,
) -> Result<Uuid, AppError> {
    if side == Side::Sender {
        let trip = trips::row(pool, trip_id).await?;
        ledger::ensure_accounts_committed(pool, &[ledger::Acct::User(actor)], trip.currency())
            .await?;
    }
    let mut tx = pool.begin().await?;
    if let Some(id) = idem::claim::<Uuid>(&mut tx, actor, key, "propose").await? {
        return Ok(id);
    }
    require_verified(&mut tx, actor).await?;
    let s = settings::load(&mut *tx).await?;
    let trip = trips::row(&mut *tx, trip_id).await?;
    let parcel = parcels::row(&mut *tx, parcel_id).await?;
    let owner = match side {
        Side::Sender => parcel.sender_id,
        Side::Traveler => trip.traveler_id,
    };
    if owner != actor {
        return Err(AppError::Forbidden);
    }
    check_fit(&mut tx, &trip, &parcel, &s).await?;
    require_id_for_value(&mut tx, &parcel, trip.traveler_id, &s).await?;
    let currency = match side {
        Side::Sender => trip.currency(),
        Side::Traveler => parcel.currency(),
    };
    let price = match parse_price(price, currency)? {
        Some(p) => p,
        None => match side {
            Side::Sender => trip.price_for(parcel.weight_g),
            Side::Traveler => parcel.reward(),
        },
    };
    let now = OffsetDateTime::now_utc();
    let expires = expiry(now, trip.departs_at, &s);
    let id = sqlx::query_scalar!(
        "INSERT INTO bookings (parcel_id, trip_id, sender_id, traveler_id, initiator, awaiting,
            price_minor, currency, weight_g, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (parcel_id, trip_id) WHERE status = 'pending' DO NOTHING
         RETURNING id",
        parcel.id,
        trip.id,
        parcel.sender_id,
        trip.traveler_id,
        side.code(),
        side.other().code(),
        price.minor,
        price.currency.code(),
        parcel.weight_g,
        expires
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| {
        AppError::Conflict(
            "There is already an open request between this parcel and this trip.".into(),
        )
    })?;
    let kind = match side {
        Side::Sender => "requested",
        Side::Traveler => "offered",
    };
    event(&mut tx, id, Some(actor), kind, Some(price.minor), "").await?;
    if side == Side::Sender {
        let b = booking(&mut tx, id, true).await?;
        sender_commits(&mut tx, &b, price.minor, protect, "request", &s).await?;
    }
    schedule_expiry(&mut tx, id, expires).await?;
    notify(
        &mut tx,
        id,
        side.other(),
        "New booking request",
        "You have a new booking request on Carry.",
    )
    .await?;
    idem::answer(&mut tx, actor, key, &id).await?;
    tx.commit().await?;
    Ok(id)
}

pub(crate) async fn notify(
    conn: &mut PgConnection,
    booking: Uuid,
    to: Side,
    subject: &str,
    body: &str,
) -> Result<(), AppError> {
    let email = sqlx::query_scalar!(
        "SELECT u.email FROM bookings b JOIN users u
           ON u.id = CASE WHEN $2 = 'sender' THEN b.sender_id ELSE b.traveler_id END
         WHERE b.id = $1",
        booking,
        to.code()
    )
    .fetch_one(&mut *conn)
    .await?;
    crate::server::email::enqueue(&mut *conn, &email, subject, body, "booking").await
}

/// Locks a parcel row (after its trip, before its booking: the lock order).
pub(crate) async fn lock_parcel(conn: &mut PgConnection, parcel: Uuid) -> Result<(), AppError> {
    sqlx::query!("SELECT id FROM parcels WHERE id = $1 FOR UPDATE", parcel)
        .fetch_one(&mut *conn)
        .await?;
    Ok(())
}

/// Locks the booking for an answer by `actor`, refusing anyone else.
async fn lock_for_answer(
    conn: &mut PgConnection,
    actor: Uuid,
    id: Uuid,
) -> Result<(BookingRow, Side), AppError> {
    let b = booking(conn, id, true).await?;
    let side = b.side_of(actor).ok_or_else(not_found)?;
    Ok((b, side))
}

fn not_pending(b: &BookingRow) -> AppError {
    AppError::Conflict(format!(
        "This booking is no longer waiting for an answer (it is {}).",
        b.status().label().to_lowercase()
    ))
}

/// A job that expires the request at `at` unless it is answered first (the job checks again).
async fn schedule_expiry(
    conn: &mut PgConnection,
    booking: Uuid,
    at: OffsetDateTime,
) -> Result<(), AppError> {
    jobs::enqueue(
        conn,
        jobs::EXPIRE_BOOKING,
        serde_json::json!({ "booking": booking }),
        at,
        None,
    )
    .await
}

/// The booking is pending and waits for `side`'s answer.
fn require_turn(b: &BookingRow, side: Side) -> Result<(), AppError> {
    if b.status() != BookingStatus::Pending {
        return Err(not_pending(b));
    }
    if b.awaiting() != Some(side) {
        return Err(AppError::Conflict(
            "It is the other side's turn to answer.".into(),
        ));
    }
    Ok(())
}

fn is_due(b: &BookingRow) -> bool {
    b.expires_at <= OffsetDateTime::now_utc()
}

/// The side the booking waits for accepts. Reserves the parcel's weight on the trip: the trip
/// row is locked, so racing acceptances on one trip queue and the last kilos go once.
/// Accepting twice is harmless (the second call changes nothing).
pub async fn accept(pool: &PgPool, actor: Uuid, id: Uuid) -> Result<(), AppError> {
    accept_with(pool, actor, id, false).await
}

/// `accept`, with the sender's protection choice when the sender accepts (they pay then).
pub async fn accept_with(
    pool: &PgPool,
    actor: Uuid,
    id: Uuid,
    protect: bool,
) -> Result<(), AppError> {
    let peek = booking(&mut *pool.acquire().await?, id, false).await?;
    if peek.side_of(actor).is_none() {
        return Err(not_found());
    }
    ledger::ensure_accounts_committed(
        pool,
        &[ledger::Acct::User(peek.sender_id)],
        peek.price().currency,
    )
    .await?;
    let mut tx = pool.begin().await?;
    require_verified(&mut tx, actor).await?;
    let s = settings::load(&mut *tx).await?;
    sqlx::query!(
        "SELECT id FROM trips WHERE id = $1 FOR UPDATE",
        peek.trip_id
    )
    .fetch_one(&mut *tx)
    .await?;
    lock_parcel(&mut tx, peek.parcel_id).await?;
    let (b, side) = lock_for_answer(&mut tx, actor, id).await?;
    if b.status() == BookingStatus::Accepted {
        return Ok(());
    }
    require_turn(&b, side)?;
    if is_due(&b) {
        return Err(AppError::Conflict("This request has expired.".into()));
    }
    let trip = trips::row(&mut *tx, b.trip_id).await?;
    let parcel = parcels::row(&mut *tx, b.parcel_id).await?;
    check_fit(&mut tx, &trip, &parcel, &s).await?;
    require_id_for_value(&mut tx, &parcel, trip.traveler_id, &s).await?;
    match side {
        Side::Sender => {
            sender_commits(&mut tx, &b, b.price_minor, protect, "accept", &s).await?;
        }
        Side::Traveler => {
            // The sender paid when they proposed this price.
            let held = escrow::held(&mut tx, b.id, b.price().currency).await?;
            if held != b.charges().total() {
                return Err(AppError::internal(format!(
                    "booking {id}: escrow {held} differs from the price the sender paid"
                )));
            }
        }
    }
    let reserved = sqlx::query!(
        "UPDATE trips SET remaining_g = remaining_g - $2, updated_at = now()
         WHERE id = $1 AND remaining_g >= $2",
        b.trip_id,
        b.weight_g
    )
    .execute(&mut *tx)
    .await?;
    if reserved.rows_affected() != 1 {
        return Err(AppError::Conflict(
            "This trip does not have enough room left for the parcel.".into(),
        ));
    }
    sqlx::query!(
        "UPDATE parcels SET status = 'booked', updated_at = now() WHERE id = $1",
        b.parcel_id
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "UPDATE bookings SET status = 'accepted', awaiting = NULL, accepted_at = now(),
            updated_at = now() WHERE id = $1",
        id
    )
    .execute(&mut *tx)
    .await?;
    event(
        &mut tx,
        id,
        Some(actor),
        "accepted",
        Some(b.price_minor),
        "",
    )
    .await?;
    super::handoff::on_accept(
        &mut tx,
        &b,
        trip.departs_at,
        trip.arrives_at,
        &crate::server::Config::from_env().public_url,
    )
    .await?;
    close_pending_for_parcel(
        &mut tx,
        b.parcel_id,
        None,
        "The parcel was booked on another trip.",
    )
    .await?;
    notify(
        &mut tx,
        id,
        side.other(),
        "Your booking was accepted",
        "Your booking on Carry was accepted. Open it to see the contact details.",
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The side the booking waits for declines.
pub async fn decline(pool: &PgPool, actor: Uuid, id: Uuid) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let (b, side) = lock_for_answer(&mut tx, actor, id).await?;
    if b.status() == BookingStatus::Declined {
        return Ok(());
    }
    require_turn(&b, side)?;
    finish(&mut tx, &b, "declined", Some(actor), "").await?;
    notify(
        &mut tx,
        id,
        side.other(),
        "Your booking request was declined",
        "A booking request on Carry was declined.",
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The side the booking waits for proposes another price; the other side answers next.
pub async fn counter(pool: &PgPool, actor: Uuid, id: Uuid, price: &str) -> Result<(), AppError> {
    counter_with(pool, actor, id, price, None).await
}

/// `counter`; a sender's counter pays the new total into escrow (with protection if asked,
/// else as before).
pub async fn counter_with(
    pool: &PgPool,
    actor: Uuid,
    id: Uuid,
    price: &str,
    protect: Option<bool>,
) -> Result<(), AppError> {
    let peek = booking(&mut *pool.acquire().await?, id, false).await?;
    ledger::ensure_accounts_committed(
        pool,
        &[ledger::Acct::User(peek.sender_id)],
        peek.price().currency,
    )
    .await?;
    let mut tx = pool.begin().await?;
    let s = settings::load(&mut *tx).await?;
    let (b, side) = lock_for_answer(&mut tx, actor, id).await?;
    if is_repeat_counter(&mut tx, &b, side, actor, price).await? {
        // The same counter-offer sent again (a double submit): it is done already.
        return Ok(());
    }
    require_turn(&b, side)?;
    if is_due(&b) {
        return Err(AppError::Conflict("This request has expired.".into()));
    }
    if b.counters >= s.max_counter_rounds {
        return Err(AppError::Conflict(format!(
            "After {} counter-offers, accept or decline.",
            s.max_counter_rounds
        )));
    }
    let currency = b.price().currency;
    let new = parse_price(price, currency)?
        .ok_or_else(|| AppError::validation("price", "Enter the price you propose."))?;
    if new.minor == b.price_minor {
        return Err(AppError::validation(
            "price",
            "That is the current price: accept it instead.",
        ));
    }
    let departs = sqlx::query_scalar!("SELECT departs_at FROM trips WHERE id = $1", b.trip_id)
        .fetch_one(&mut *tx)
        .await?;
    let expires = expiry(OffsetDateTime::now_utc(), departs, &s);
    sqlx::query!(
        "UPDATE bookings SET price_minor = $2, awaiting = $3, counters = counters + 1,
            expires_at = $4, updated_at = now() WHERE id = $1",
        id,
        new.minor,
        side.other().code(),
        expires
    )
    .execute(&mut *tx)
    .await?;
    event(&mut tx, id, Some(actor), "countered", Some(new.minor), "").await?;
    if side == Side::Sender {
        let protect = protect.unwrap_or(b.protected);
        let step = format!("counter{}", b.counters + 1);
        sender_commits(&mut tx, &b, new.minor, protect, &step, &s).await?;
    }
    schedule_expiry(&mut tx, id, expires).await?;
    notify(
        &mut tx,
        id,
        side.other(),
        "A counter-offer on your booking",
        &format!("A new price was proposed: {new}."),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Whether `actor` just made exactly this counter-offer (it is the other side's turn, at this
/// price, and the last event is their counter).
async fn is_repeat_counter(
    conn: &mut PgConnection,
    b: &BookingRow,
    side: Side,
    actor: Uuid,
    price: &str,
) -> Result<bool, AppError> {
    let Ok(Some(typed)) = parse_price(price, b.price().currency) else {
        return Ok(false);
    };
    if b.status() != BookingStatus::Pending
        || b.awaiting() != Some(side.other())
        || b.price_minor != typed.minor
    {
        return Ok(false);
    }
    let last = sqlx::query!(
        "SELECT kind, actor_id FROM booking_events WHERE booking_id = $1 ORDER BY id DESC LIMIT 1",
        b.id
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(last.is_some_and(|e| e.kind == "countered" && e.actor_id == Some(actor)))
}

/// The initiator takes a pending request back.
pub async fn withdraw(pool: &PgPool, actor: Uuid, id: Uuid) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let (b, side) = lock_for_answer(&mut tx, actor, id).await?;
    if b.status() == BookingStatus::Withdrawn {
        return Ok(());
    }
    if b.status() != BookingStatus::Pending {
        return Err(not_pending(&b));
    }
    if b.initiator() != side {
        return Err(AppError::Conflict(
            "Only the side that made the request can withdraw it; you can decline it.".into(),
        ));
    }
    finish(&mut tx, &b, "withdrawn", Some(actor), "").await?;
    tx.commit().await?;
    Ok(())
}

/// Ends a pending booking with `status`.
async fn finish(
    conn: &mut PgConnection,
    b: &BookingRow,
    status: &str,
    actor: Option<Uuid>,
    note: &str,
) -> Result<(), AppError> {
    sqlx::query!(
        "UPDATE bookings SET status = $2, awaiting = NULL, updated_at = now()
         WHERE id = $1 AND status = 'pending'",
        b.id,
        status
    )
    .execute(&mut *conn)
    .await?;
    escrow::refund(
        conn,
        b.id,
        b.sender_id,
        b.price().currency,
        0,
        "Refund: the request ended",
    )
    .await?;
    event(conn, b.id, actor, status, None, note).await
}

/// Expires the booking if it is still pending and due (run by the job queue).
pub async fn expire_if_due(conn: &mut PgConnection, id: Uuid) -> Result<bool, AppError> {
    let b = match booking(conn, id, true).await {
        Ok(b) => b,
        Err(AppError::NotFound(_)) => return Ok(false),
        Err(e) => return Err(e),
    };
    if b.status() != BookingStatus::Pending || !is_due(&b) {
        return Ok(false);
    }
    finish(conn, &b, "expired", None, "No answer in time.").await?;
    Ok(true)
}

/// Expires every due pending booking (the sweep's safety net behind the per-booking jobs).
pub async fn expire_due(conn: &mut PgConnection) -> Result<u64, AppError> {
    let ids = sqlx::query_scalar!(
        "SELECT id FROM bookings WHERE status = 'pending' AND expires_at <= now()
         ORDER BY expires_at LIMIT 1000"
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut n = 0;
    for id in ids {
        if expire_if_due(conn, id).await? {
            n += 1;
        }
    }
    Ok(n)
}

/// Closes the pending requests of a parcel (booked elsewhere, changed or cancelled).
pub async fn close_pending_for_parcel(
    conn: &mut PgConnection,
    parcel: Uuid,
    actor: Option<Uuid>,
    note: &str,
) -> Result<(), AppError> {
    let ids = sqlx::query_scalar!(
        "SELECT id FROM bookings WHERE parcel_id = $1 AND status = 'pending' FOR UPDATE",
        parcel
    )
    .fetch_all(&mut *conn)
    .await?;
    for id in ids {
        let b = booking(conn, id, false).await?;
        finish(conn, &b, "closed", actor, note).await?;
    }
    Ok(())
}

/// The traveler cancelled the trip (the trip row is locked by the caller): pending requests
/// close; accepted bookings are cancelled with a reliability strike each, and their parcels
/// are open again.
pub async fn close_for_trip(
    conn: &mut PgConnection,
    trip: Uuid,
    traveler: Uuid,
) -> Result<(), AppError> {
    let rows = sqlx::query!(
        "SELECT id, parcel_id, status FROM bookings
         WHERE trip_id = $1 AND status IN ('pending', 'accepted') ORDER BY parcel_id",
        trip
    )
    .fetch_all(&mut *conn)
    .await?;
    for r in rows {
        if r.status == "pending" {
            let b = booking(conn, r.id, true).await?;
            finish(
                conn,
                &b,
                "closed",
                Some(traveler),
                "The traveler cancelled the trip.",
            )
            .await?;
            continue;
        }
        sqlx::query!(
            "UPDATE parcels SET status = 'open', updated_at = now()
             WHERE id = $1 AND status = 'booked'",
            r.parcel_id
        )
        .execute(&mut *conn)
        .await?;
        let b = booking(conn, r.id, true).await?;
        sqlx::query!(
            "UPDATE bookings SET status = 'cancelled', updated_at = now() WHERE id = $1",
            r.id
        )
        .execute(&mut *conn)
        .await?;
        escrow::refund(
            conn,
            b.id,
            b.sender_id,
            b.price().currency,
            0,
            "Refund: the traveler cancelled the trip",
        )
        .await?;
        event(
            conn,
            r.id,
            Some(traveler),
            "cancelled",
            None,
            "The traveler cancelled the trip.",
        )
        .await?;
        sqlx::query!(
            "UPDATE users SET reliability_strikes = reliability_strikes + 1 WHERE id = $1",
            traveler
        )
        .execute(&mut *conn)
        .await?;
        notify(
            conn,
            r.id,
            Side::Sender,
            "Your booking was cancelled",
            "The traveler cancelled the trip. Your parcel is open for booking again.",
        )
        .await?;
    }
    Ok(())
}

/// Ends an accepted booking before pickup (PRODUCT §6). The sender gets everything back when
/// they cancel more than 24 hours before departure, and everything but the service fee within
/// 24 hours; when the traveler cancels, the sender gets everything back and the traveler gets a
/// reliability strike. The weight returns to the trip and the parcel opens again.
pub async fn cancel(pool: &PgPool, actor: Uuid, id: Uuid, reason: &str) -> Result<(), AppError> {
    end_before_pickup(pool, actor, id, reason, false).await
}

/// The traveler refuses the parcel at pickup (it does not match, or is not allowed): the
/// booking is cancelled with a full refund and no strike.
pub async fn refuse(pool: &PgPool, traveler: Uuid, id: Uuid, reason: &str) -> Result<(), AppError> {
    if reason.trim().is_empty() {
        return Err(AppError::validation(
            "reason",
            "Say what is wrong with the parcel: the sender sees it.",
        ));
    }
    end_before_pickup(pool, traveler, id, reason, true).await
}

async fn end_before_pickup(
    pool: &PgPool,
    actor: Uuid,
    id: Uuid,
    reason: &str,
    refusal: bool,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let peek = booking(&mut tx, id, false).await?;
    let side = peek.side_of(actor).ok_or_else(not_found)?;
    if refusal && side != Side::Traveler {
        return Err(AppError::Forbidden);
    }
    let departs = sqlx::query_scalar!(
        "SELECT departs_at FROM trips WHERE id = $1 FOR UPDATE",
        peek.trip_id
    )
    .fetch_one(&mut *tx)
    .await?;
    lock_parcel(&mut tx, peek.parcel_id).await?;
    let b = booking(&mut tx, id, true).await?;
    match b.status() {
        BookingStatus::Cancelled => return Ok(()),
        BookingStatus::Accepted => {}
        BookingStatus::PickedUp | BookingStatus::Delivered => {
            return Err(AppError::Conflict(
                "The parcel was picked up: it can no longer be cancelled. If something went wrong, open a dispute.".into(),
            ))
        }
        _ => {
            return Err(AppError::Conflict(
                "Only an accepted booking can be cancelled; a pending request can be withdrawn or declined.".into(),
            ))
        }
    }
    let keep = if side == Side::Sender {
        late_cancel_fee(&b, departs, OffsetDateTime::now_utc())
    } else {
        0
    };
    let memo = match (refusal, side) {
        (true, _) => "Refund: the traveler refused the parcel at pickup",
        (false, Side::Sender) if keep > 0 => {
            "Refund minus the service fee: cancelled within 24 hours of departure"
        }
        (false, Side::Sender) => "Refund: you cancelled the booking",
        (false, Side::Traveler) => "Refund: the traveler cancelled the booking",
    };
    cancel_accepted(&mut tx, &b, keep, memo).await?;
    if side == Side::Traveler && !refusal {
        sqlx::query!(
            "UPDATE users SET reliability_strikes = reliability_strikes + 1 WHERE id = $1",
            b.traveler_id
        )
        .execute(&mut *tx)
        .await?;
    }
    let kind = if refusal { "refused" } else { "cancelled" };
    event(&mut tx, id, Some(actor), kind, None, reason.trim()).await?;
    notify(
        &mut tx,
        id,
        side.other(),
        if refusal {
            "The traveler refused your parcel"
        } else {
            "A booking was cancelled"
        },
        &format!(
            "{} Reason: {}",
            if refusal {
                "The traveler refused the parcel at pickup; your money is back in your wallet and the parcel is open for booking again."
            } else {
                "A booking of yours on Carry was cancelled before pickup."
            },
            if reason.trim().is_empty() { "none given" } else { reason.trim() }
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Cancels an accepted booking (its trip, parcel and booking rows locked by the caller): the
/// weight goes back to the trip, the parcel opens again, and the escrow is refunded to the
/// sender, minus `keep` for the platform.
async fn cancel_accepted(
    conn: &mut PgConnection,
    b: &BookingRow,
    keep: i64,
    memo: &str,
) -> Result<(), AppError> {
    sqlx::query!(
        "UPDATE bookings SET status = 'cancelled', updated_at = now() WHERE id = $1",
        b.id
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "UPDATE trips SET remaining_g = remaining_g + $2, updated_at = now() WHERE id = $1",
        b.trip_id,
        b.weight_g
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "UPDATE parcels SET status = 'open', updated_at = now() WHERE id = $1 AND status = 'booked'",
        b.parcel_id
    )
    .execute(&mut *conn)
    .await?;
    escrow::refund(conn, b.id, b.sender_id, b.price().currency, keep, memo).await?;
    Ok(())
}

/// An accepted booking whose pickup code expired (the trip left more than 24 hours ago) and
/// that nobody picked up: cancelled by the sweep, the sender refunded in full, the parcel open
/// again. The money never stays stuck in escrow.
pub async fn expire_unpicked(conn: &mut PgConnection, id: Uuid) -> Result<bool, AppError> {
    let peek = booking(conn, id, false).await?;
    sqlx::query!(
        "SELECT id FROM trips WHERE id = $1 FOR UPDATE",
        peek.trip_id
    )
    .fetch_one(&mut *conn)
    .await?;
    lock_parcel(conn, peek.parcel_id).await?;
    let b = booking(conn, id, true).await?;
    let due = sqlx::query_scalar!(
        r#"SELECT valid_until < now() AS "due!" FROM handoff_codes
           WHERE booking_id = $1 AND kind = 'pickup'"#,
        id
    )
    .fetch_optional(&mut *conn)
    .await?
    .unwrap_or(false);
    if b.status() != BookingStatus::Accepted || !due {
        return Ok(false);
    }
    cancel_accepted(
        conn,
        &b,
        0,
        "Refund: the parcel was not picked up before the trip left",
    )
    .await?;
    let note = "The parcel was not picked up before the trip left.";
    event(conn, id, None, "cancelled", None, note).await?;
    for side in [Side::Sender, Side::Traveler] {
        notify(
            conn,
            id,
            side,
            "A booking ended without pickup",
            &format!("{note} The sender's payment is back in their wallet."),
        )
        .await?;
    }
    Ok(true)
}

/// Every accepted booking whose pickup window closed (the sweep's part).
pub async fn expire_unpicked_due(conn: &mut PgConnection) -> Result<u64, AppError> {
    let ids = sqlx::query_scalar!(
        "SELECT b.id FROM bookings b
         JOIN handoff_codes c ON c.booking_id = b.id AND c.kind = 'pickup'
         WHERE b.status = 'accepted' AND c.valid_until < now()
         ORDER BY c.valid_until LIMIT 500"
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut n = 0;
    for id in ids {
        if expire_unpicked(conn, id).await? {
            n += 1;
        }
    }
    Ok(n)
}

/// What a sender's cancellation keeps: nothing more than 24 hours before departure, else the
/// service fee.
pub fn late_cancel_fee(b: &BookingRow, departs: OffsetDateTime, now: OffsetDateTime) -> i64 {
    if departs - now > Duration::hours(24) {
        0
    } else {
        b.fee_minor
    }
}

fn summary(
    b: &BookingRow,
    me: Side,
    title: String,
    route: String,
    departs: String,
) -> BookingSummary {
    BookingSummary {
        id: b.id,
        parcel_title: title,
        route,
        departs,
        price: b.price(),
        status: b.status(),
        my_side: me,
        my_turn: b.status() == BookingStatus::Pending && b.awaiting() == Some(me),
    }
}

fn describe(kind: &str, price: Option<Money>, note: &str) -> String {
    let p = price.map(|p| format!(" at {p}")).unwrap_or_default();
    let what = match kind {
        "requested" => format!("requested this trip for the parcel{p}"),
        "offered" => format!("offered to carry the parcel{p}"),
        "countered" => format!("proposed a new price{p}"),
        "accepted" => format!("accepted{p}"),
        "declined" => "declined".to_string(),
        "withdrawn" => "withdrew the request".to_string(),
        "expired" => "The request expired".to_string(),
        "closed" => "The request was closed".to_string(),
        "cancelled" => "cancelled the booking".to_string(),
        "refused" => "refused the parcel at pickup".to_string(),
        "picked_up" => "checked the parcel and picked it up".to_string(),
        "delivered" => "delivered the parcel".to_string(),
        "completed" => "completed the booking; the traveler was paid".to_string(),
        other => other.to_string(),
    };
    if note.is_empty() {
        what
    } else {
        format!("{what}: {note}")
    }
}

/// A booking as one of its two sides sees it. Anyone else gets "not found".
pub async fn detail(pool: &PgPool, viewer: Uuid, id: Uuid) -> Result<BookingDetail, AppError> {
    let mut conn = pool.acquire().await?;
    let b = booking(&mut conn, id, false).await?;
    let me = b.side_of(viewer).ok_or_else(not_found)?;
    let s = settings::load(&mut *conn).await?;
    let trip = trips::row(&mut *conn, b.trip_id).await?;
    let parcel = parcels::row(&mut *conn, b.parcel_id).await?;
    let status = b.status();
    let live = matches!(
        status,
        BookingStatus::Accepted
            | BookingStatus::PickedUp
            | BookingStatus::Delivered
            | BookingStatus::Completed
    );
    let other_id = match me {
        Side::Sender => b.traveler_id,
        Side::Traveler => b.sender_id,
    };
    let other = sqlx::query!(
        r#"SELECT display_name, email, phone, email_verified_at IS NOT NULL AS "verified!",
                  completed_deliveries,
                  CASE WHEN $2 = 'traveler' THEN traveler_rating_x100 ELSE sender_rating_x100 END AS rating
           FROM users WHERE id = $1"#,
        other_id,
        me.other().code()
    )
    .fetch_one(&mut *conn)
    .await?;
    let events = sqlx::query!(
        r#"SELECT e.kind, e.price_minor, e.note, e.created_at, u.display_name AS "actor?"
           FROM booking_events e LEFT JOIN users u ON u.id = e.actor_id
           WHERE e.booking_id = $1 ORDER BY e.id"#,
        id
    )
    .fetch_all(&mut *conn)
    .await?;
    let currency = b.price().currency;
    let pending = status == BookingStatus::Pending && !is_due(&b);
    let my_turn = pending && b.awaiting() == Some(me);
    let held = escrow::held(&mut conn, b.id, currency).await?;
    let declared = Some(parcel.declared_value());
    let charges = if status == BookingStatus::Pending {
        escrow::charges(b.price_minor, currency, b.protected, declared, &s)
    } else {
        b.charges()
    };
    let m = |minor| Money::new(minor, currency);
    let money = BookingMoney {
        price: m(charges.price),
        fee: m(charges.fee),
        protection: m(charges.protection),
        total: m(charges.total()),
        held: m(held),
        protected: charges.protection > 0,
        cancel_refund: (me == Side::Sender && status == BookingStatus::Accepted)
            .then(|| m(held - late_cancel_fee(&b, trip.departs_at, OffsetDateTime::now_utc()))),
        protection_offer: (me == Side::Sender)
            .then(|| escrow::charges(b.price_minor, currency, true, declared, &s).protection)
            .filter(|p| *p > 0)
            .map(m),
    };
    let handoff = if live {
        Some(handoff_view(&mut conn, &b, me, &parcel, &s).await?)
    } else {
        None
    };
    Ok(BookingDetail {
        summary: summary(
            &b,
            me,
            parcel.title.clone(),
            format!("{} → {}", trip.origin_label, trip.destination_label),
            localtime::show(trip.departs_at, &trip.origin_tz),
        ),
        parcel_id: b.parcel_id,
        trip_id: b.trip_id,
        weight: format_kg(b.weight_g),
        initiator: b.initiator(),
        counters: b.counters,
        max_counters: s.max_counter_rounds,
        expires: pending.then(|| time_fmt::datetime(b.expires_at)),
        other: UserBrief {
            id: other_id,
            display_name: other.display_name.clone(),
            email_verified: other.verified,
            rating: other.rating.map(|r| format!("{:.1}", f64::from(r) / 100.0)),
            completed_deliveries: other.completed_deliveries,
        },
        contact: live.then(|| Contact {
            name: other.display_name.clone(),
            email: other.email.clone(),
            phone: other.phone.clone(),
        }),
        private: live.then(|| parcel.private()),
        events: events
            .into_iter()
            .map(|e| BookingEvent {
                at: time_fmt::datetime(e.created_at),
                actor: e.actor.unwrap_or_else(|| "Carry".to_string()),
                what: describe(
                    &e.kind,
                    e.price_minor.map(|m| Money::new(m, currency)),
                    &e.note,
                ),
            })
            .collect(),
        can_accept: my_turn,
        can_decline: my_turn,
        can_counter: my_turn && b.counters < s.max_counter_rounds,
        can_withdraw: pending && b.initiator() == me,
        money,
        handoff,
    })
}

async fn handoff_view(
    conn: &mut PgConnection,
    b: &BookingRow,
    me: Side,
    parcel: &ParcelRow,
    s: &settings::Settings,
) -> Result<Handoff, AppError> {
    let codes = sqlx::query!(
        "SELECT kind, code, valid_until, locked_until FROM handoff_codes WHERE booking_id = $1",
        b.id
    )
    .fetch_all(&mut *conn)
    .await?;
    let photo: Option<String> =
        sqlx::query_scalar!("SELECT delivery_photo FROM bookings WHERE id = $1", b.id)
            .fetch_one(&mut *conn)
            .await?;
    let status = b.status();
    let now = OffsetDateTime::now_utc();
    let public = crate::server::Config::from_env().public_url;
    let code = |kind: &str| codes.iter().find(|c| c.kind == kind);
    let sender = me == Side::Sender;
    let pickup_code = code("pickup")
        .filter(|_| sender && status == BookingStatus::Accepted)
        .map(|c| c.code.clone());
    let delivery_code = code("delivery")
        .filter(|_| {
            sender
                && parcel.recipient_is_sender
                && matches!(status, BookingStatus::Accepted | BookingStatus::PickedUp)
        })
        .map(|c| c.code.clone());
    let active = match status {
        BookingStatus::Accepted => code("pickup"),
        BookingStatus::PickedUp => code("delivery"),
        _ => None,
    };
    Ok(Handoff {
        tracking_no: b.tracking_no.clone(),
        pickup_qr: pickup_code.as_ref().and_then(|c| {
            super::handoff::qr_svg(&format!("{public}/bookings/{}?pickup={c}", b.id))
        }),
        delivery_qr: delivery_code.as_ref().and_then(|c| {
            super::handoff::qr_svg(&format!("{public}/bookings/{}?delivery={c}", b.id))
        }),
        pickup_code,
        delivery_code,
        delivery_code_sent_to: (sender && !parcel.recipient_is_sender)
            .then(|| parcel.recipient_email.clone()),
        pickup_valid_until: code("pickup")
            .filter(|_| status == BookingStatus::Accepted)
            .map(|c| time_fmt::datetime(c.valid_until)),
        delivery_valid_until: code("delivery")
            .filter(|_| matches!(status, BookingStatus::Accepted | BookingStatus::PickedUp))
            .map(|c| time_fmt::datetime(c.valid_until)),
        can_pick_up: !sender && status == BookingStatus::Accepted,
        can_deliver: !sender && status == BookingStatus::PickedUp,
        can_confirm: sender && status == BookingStatus::Delivered,
        can_cancel: status == BookingStatus::Accepted,
        locked: active
            .and_then(|c| c.locked_until)
            .filter(|u| *u > now)
            .map(|u| {
                format!(
                    "Too many wrong codes: code entry is locked until {}.",
                    time_fmt::datetime(u)
                )
            }),
        auto_complete_at: b
            .delivered_at
            .filter(|_| status == BookingStatus::Delivered)
            .map(|d| time_fmt::datetime(d + Duration::hours(s.completion_hours))),
        delivery_photo: photo.map(|_| format!("/bookings/{}/delivery-photo", b.id)),
    })
}

/// The user's bookings on both sides, newest activity first.
pub async fn list_mine(pool: &PgPool, user: Uuid) -> Result<Vec<BookingSummary>, AppError> {
    let rows = sqlx::query!(
        r#"SELECT b.id, b.parcel_id, b.trip_id, b.sender_id, b.traveler_id, b.initiator,
                  b.awaiting, b.status, b.price_minor, b.currency::text AS "currency!",
                  b.weight_g, b.counters, b.expires_at, b.created_at, b.fee_minor,
                  b.protection_minor, b.protected, b.tracking_no, b.delivered_at,
                  p.title, o.label AS origin, d.label AS destination, t.departs_at, o.tz
           FROM bookings b
           JOIN parcels p ON p.id = b.parcel_id
           JOIN trips t ON t.id = b.trip_id
           JOIN places o ON o.id = t.origin_id
           JOIN places d ON d.id = t.destination_id
           WHERE b.sender_id = $1 OR b.traveler_id = $1
           ORDER BY b.updated_at DESC LIMIT 200"#,
        user
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let b = BookingRow {
                id: r.id,
                parcel_id: r.parcel_id,
                trip_id: r.trip_id,
                sender_id: r.sender_id,
                traveler_id: r.traveler_id,
                initiator: r.initiator,
                awaiting: r.awaiting,
                status: r.status,
                price_minor: r.price_minor,
                currency: r.currency,
                weight_g: r.weight_g,
                counters: r.counters,
                expires_at: r.expires_at,
                created_at: r.created_at,
                fee_minor: r.fee_minor,
                protection_minor: r.protection_minor,
                protected: r.protected,
                tracking_no: r.tracking_no,
                delivered_at: r.delivered_at,
            };
            let me = b.side_of(user).unwrap_or(Side::Sender);
            summary(
                &b,
                me,
                r.title,
                format!("{} → {}", r.origin, r.destination),
                localtime::show(r.departs_at, &r.tz),
            )
        })
        .collect())
}
