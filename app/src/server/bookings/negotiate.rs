//! Bookings up to acceptance (PRODUCT §6): a sender requests a trip for a parcel, or a traveler
//! offers to carry a parcel; the other side accepts, declines or counters (a few rounds); the
//! initiator can withdraw; unanswered requests expire. The sender pays into escrow whenever they
//! commit to a price. Acceptance reserves the parcel's weight with the trip row locked, so the
//! last kilos go once.

use super::end;
use super::rules::{self, expiry, parse_price, require_turn};
use super::store::{self, BookingRow};
use crate::error::AppError;
use crate::i18n::tr;
use crate::server::accounts::signup;
use crate::server::accounts::verification::id_verified;
use crate::server::jobs::{self, JobKind};
use crate::server::matching::filters::check_fit;
use crate::server::money::escrow::{self, Charges};
use crate::server::money::{idem, ledger};
use crate::server::parcels::store::{self as parcels, ParcelRow};
use crate::server::settings::{self, Settings};
use crate::server::trips::store as trips;
use crate::types::{
    BookingId, BookingStatus, EventKind, NotificationKind, ParcelId, Side, TripId, UserId,
};
use ::time::OffsetDateTime;
use sqlx::{PgConnection, PgPool};

/// A request (by the parcel's sender) or an offer (by the trip's traveler).
#[derive(Debug, Clone)]
pub struct Proposal {
    /// The side of the member proposing.
    pub side: Side,
    pub parcel: ParcelId,
    pub trip: TripId,
    /// As typed; empty takes the default (the trip's price × weight, or the parcel's reward).
    pub price: String,
    /// The sender buys protection.
    pub protect: bool,
    /// The form's idempotency key: a retried request returns the first booking, paid once.
    pub key: String,
}

/// PRODUCT §1: carrying a parcel declared above one threshold, or sending one above another,
/// needs a verified identity.
async fn require_id_for_value(
    conn: &mut PgConnection,
    parcel: &ParcelRow,
    traveler: UserId,
    s: &Settings,
) -> Result<(), AppError> {
    let declared = parcel.declared_value_minor;
    let send = s.rates.euros(s.id_required_send_units, parcel.currency);
    let carry = s.rates.euros(s.id_required_carry_units, parcel.currency);
    if declared > send.minor && !id_verified(conn, parcel.sender_id).await? {
        return Err(AppError::Conflict(crate::trf!("Parcels declared above {} need a verified identity: the sender should verify theirs from the wallet page first.", send)));
    }
    if declared > carry.minor && !id_verified(conn, traveler).await? {
        return Err(AppError::Conflict(crate::trf!("Parcels declared above {} can only be carried by travelers with a verified identity: the traveler should verify theirs from the wallet page first.", carry)));
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
    s: &Settings,
) -> Result<Charges, AppError> {
    let parcel = parcels::row(&mut *conn, b.parcel_id).await?;
    let c = escrow::charges(price, b.currency, protect, Some(parcel.declared_value()), s);
    sqlx::query!(
        "UPDATE bookings SET fee_minor = $2, protection_minor = $3, protected = $4 WHERE id = $1",
        b.id as BookingId,
        c.fee,
        c.protection,
        c.protection > 0
    )
    .execute(&mut *conn)
    .await?;
    escrow::hold_to(conn, b.id, b.sender_id, b.currency, c.total(), step).await?;
    Ok(c)
}

/// A job that expires the request at `at` unless it is answered first (the job checks again).
async fn schedule_expiry(
    conn: &mut PgConnection,
    booking: BookingId,
    at: OffsetDateTime,
) -> Result<(), AppError> {
    jobs::enqueue(
        conn,
        JobKind::ExpireBooking,
        serde_json::json!({ "booking": booking }),
        at,
        None,
    )
    .await
}

/// A sender asks a trip to carry their parcel and pays price, fee and protection into escrow,
/// or a traveler offers to carry a parcel on their trip.
#[tracing::instrument(skip(pool, p), fields(side = ?p.side, parcel = %p.parcel, trip = %p.trip))]
pub async fn propose(pool: &PgPool, actor: UserId, p: &Proposal) -> Result<BookingId, AppError> {
    if p.side == Side::Sender {
        let trip = trips::row(pool, p.trip).await?;
        ledger::ensure_accounts_committed(pool, &[ledger::Acct::User(actor)], trip.currency)
            .await?;
    }
    let mut tx = pool.begin().await?;
    if let Some(id) = idem::claim::<BookingId>(&mut tx, actor, &p.key, "propose").await? {
        return Ok(id);
    }
    signup::require_confirmed(&mut *tx, actor).await?;
    let s = settings::load(&mut *tx).await?;
    let trip = trips::row(&mut *tx, p.trip).await?;
    let parcel = parcels::row(&mut *tx, p.parcel).await?;
    let owner = match p.side {
        Side::Sender => parcel.sender_id,
        Side::Traveler => trip.traveler_id,
    };
    if owner != actor {
        return Err(AppError::Forbidden);
    }
    let other = match p.side {
        Side::Sender => trip.traveler_id,
        Side::Traveler => parcel.sender_id,
    };
    let bookable = sqlx::query_scalar!(r#"SELECT in_good_standing($1) AS "ok!""#, other as UserId)
        .fetch_one(&mut *tx)
        .await?;
    if !bookable {
        return Err(AppError::Conflict(
            tr("This member cannot take bookings at the moment.").into(),
        ));
    }
    check_fit(&mut tx, &trip, &parcel, &s).await?;
    require_id_for_value(&mut tx, &parcel, trip.traveler_id, &s).await?;
    let currency = match p.side {
        Side::Sender => trip.currency,
        Side::Traveler => parcel.currency,
    };
    let price = match parse_price(&p.price, currency, &s)? {
        Some(price) => price,
        None => match p.side {
            Side::Sender => trip.price_for(parcel.weight_g),
            Side::Traveler => parcel.reward(),
        },
    };
    let expires = expiry(OffsetDateTime::now_utc(), trip.departs_at, &s);
    let id = sqlx::query_scalar!(
        r#"INSERT INTO bookings (parcel_id, trip_id, sender_id, traveler_id, initiator, awaiting,
            price_minor, currency, weight_g, expires_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
           ON CONFLICT (parcel_id, trip_id) WHERE status = 'pending' DO NOTHING
           RETURNING id AS "id: BookingId""#,
        parcel.id as ParcelId,
        trip.id as TripId,
        parcel.sender_id as UserId,
        trip.traveler_id as UserId,
        p.side as Side,
        p.side.other() as Side,
        price.minor,
        price.currency as _,
        parcel.weight_g,
        expires
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| {
        AppError::Conflict(
            tr("There is already an open request between this parcel and this trip.").into(),
        )
    })?;
    let kind = match p.side {
        Side::Sender => EventKind::Requested,
        Side::Traveler => EventKind::Offered,
    };
    store::event(&mut tx, id, Some(actor), kind, Some(price.minor), "").await?;
    if p.side == Side::Sender {
        let b = store::lock(&mut tx, id).await?;
        sender_commits(&mut tx, &b, price.minor, p.protect, "request", &s).await?;
    }
    schedule_expiry(&mut tx, id, expires).await?;
    store::notify(
        &mut tx,
        id,
        p.side.other(),
        NotificationKind::BookingRequested,
        || {
            (
                tr("New booking request").to_string(),
                tr("You have a new booking request on Carry.").to_string(),
            )
        },
    )
    .await?;
    idem::answer(&mut tx, actor, &p.key, &id).await?;
    tx.commit().await?;
    Ok(id)
}

/// Locks the booking for an answer by `actor`, refusing anyone else.
async fn lock_for_answer(
    conn: &mut PgConnection,
    actor: UserId,
    id: BookingId,
) -> Result<(BookingRow, Side), AppError> {
    let b = store::lock(conn, id).await?;
    let side = b.side_of(actor).ok_or_else(store::not_found)?;
    Ok((b, side))
}

/// The side the booking waits for accepts (a sender accepting an offer pays then, with
/// protection if asked). Reserves the parcel's weight on the trip: the trip row is locked, so
/// racing acceptances on one trip queue and the last kilos go once. Accepting twice is harmless.
#[tracing::instrument(skip(pool, public_url))]
pub async fn accept(
    pool: &PgPool,
    public_url: &str,
    actor: UserId,
    id: BookingId,
    protect: bool,
) -> Result<(), AppError> {
    let peek = store::get(&mut *pool.acquire().await?, id).await?;
    if peek.side_of(actor).is_none() {
        return Err(store::not_found());
    }
    ledger::ensure_accounts_committed(pool, &[ledger::Acct::User(peek.sender_id)], peek.currency)
        .await?;
    let mut tx = pool.begin().await?;
    signup::require_confirmed(&mut *tx, actor).await?;
    let s = settings::load(&mut *tx).await?;
    let (b, _) = store::lock_chain(&mut tx, id).await?;
    let side = b.side_of(actor).ok_or_else(store::not_found)?;
    if b.status == BookingStatus::Accepted {
        return Ok(());
    }
    require_turn(&b, side)?;
    if b.is_due() {
        return Err(AppError::Conflict(tr("This request has expired.").into()));
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
            let held = escrow::held(&mut tx, b.id, b.currency).await?;
            if held != b.charges().total() {
                return Err(AppError::internal(format!(
                    "booking {id}: escrow {held} differs from the price the sender paid"
                )));
            }
        }
    }
    if !trips::reserve(&mut tx, b.trip_id, b.weight_g).await? {
        return Err(AppError::Conflict(
            tr("This trip does not have enough room left for the parcel.").into(),
        ));
    }
    store::set_status(&mut tx, &b, BookingStatus::Accepted).await?;
    store::event(
        &mut tx,
        id,
        Some(actor),
        EventKind::Accepted,
        Some(b.price_minor),
        "",
    )
    .await?;
    super::codes::on_accept(&mut tx, &b, trip.departs_at, trip.arrives_at, public_url).await?;
    end::close_pending_for_parcel(
        &mut tx,
        b.parcel_id,
        None,
        "The parcel was booked on another trip.",
    )
    .await?;
    store::notify(
        &mut tx,
        id,
        side.other(),
        NotificationKind::BookingAccepted,
        || {
            (
                tr("Your booking was accepted").to_string(),
                tr("Your booking on Carry was accepted. Open it to see the contact details.")
                    .to_string(),
            )
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The side the booking waits for declines; the sender's payment comes back at once.
#[tracing::instrument(skip(pool))]
pub async fn decline(pool: &PgPool, actor: UserId, id: BookingId) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let (b, side) = lock_for_answer(&mut tx, actor, id).await?;
    if b.status == BookingStatus::Declined {
        return Ok(());
    }
    require_turn(&b, side)?;
    end::finish(&mut tx, &b, BookingStatus::Declined, Some(actor), "").await?;
    store::notify(
        &mut tx,
        id,
        side.other(),
        NotificationKind::BookingDeclined,
        || {
            (
                tr("Your booking request was declined").to_string(),
                tr("A booking request on Carry was declined.").to_string(),
            )
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The side the booking waits for proposes another price; the other side answers next. A
/// sender's counter pays the new total into escrow (with protection if asked, else as before).
#[tracing::instrument(skip(pool))]
pub async fn counter(
    pool: &PgPool,
    actor: UserId,
    id: BookingId,
    price: &str,
    protect: Option<bool>,
) -> Result<(), AppError> {
    let peek = store::get(&mut *pool.acquire().await?, id).await?;
    ledger::ensure_accounts_committed(pool, &[ledger::Acct::User(peek.sender_id)], peek.currency)
        .await?;
    let mut tx = pool.begin().await?;
    let s = settings::load(&mut *tx).await?;
    let (b, side) = lock_for_answer(&mut tx, actor, id).await?;
    signup::require_confirmed(&mut *tx, actor).await?;
    if is_repeat_counter(&mut tx, &b, side, actor, price, &s).await? {
        // The same counter-offer sent again (a double submit): it is done already.
        return Ok(());
    }
    require_turn(&b, side)?;
    if b.is_due() {
        return Err(AppError::Conflict(tr("This request has expired.").into()));
    }
    if b.counters >= s.max_counter_rounds {
        return Err(AppError::Conflict(crate::trf!(
            "After {} counter-offers, accept or decline.",
            s.max_counter_rounds
        )));
    }
    let new = parse_price(price, b.currency, &s)?
        .ok_or_else(|| AppError::validation("price", tr("Enter the price you propose.")))?;
    if new.minor == b.price_minor {
        return Err(AppError::validation(
            "price",
            crate::i18n::tr("That is the current price: accept it instead."),
        ));
    }
    let departs = trips::row(&mut *tx, b.trip_id).await?.departs_at;
    let expires = expiry(OffsetDateTime::now_utc(), departs, &s);
    sqlx::query!(
        "UPDATE bookings SET price_minor = $2, awaiting = $3, counters = counters + 1,
            expires_at = $4, updated_at = now() WHERE id = $1 AND status = 'pending'",
        id as BookingId,
        new.minor,
        side.other() as Side,
        expires
    )
    .execute(&mut *tx)
    .await?;
    store::event(
        &mut tx,
        id,
        Some(actor),
        EventKind::Countered,
        Some(new.minor),
        "",
    )
    .await?;
    if side == Side::Sender {
        let protect = protect.unwrap_or(b.protected);
        let step = format!("counter{}", b.counters + 1);
        sender_commits(&mut tx, &b, new.minor, protect, &step, &s).await?;
    }
    schedule_expiry(&mut tx, id, expires).await?;
    store::notify(
        &mut tx,
        id,
        side.other(),
        NotificationKind::BookingCountered,
        || {
            (
                tr("A counter-offer on your booking").to_string(),
                crate::trf!("A new price was proposed: {}.", new),
            )
        },
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
    actor: UserId,
    price: &str,
    s: &Settings,
) -> Result<bool, AppError> {
    let Ok(Some(typed)) = parse_price(price, b.currency, s) else {
        return Ok(false);
    };
    if b.status != BookingStatus::Pending
        || b.awaiting != Some(side.other())
        || b.price_minor != typed.minor
    {
        return Ok(false);
    }
    let last = sqlx::query!(
        r#"SELECT kind AS "kind: EventKind", actor_id AS "actor_id: UserId" FROM booking_events
           WHERE booking_id = $1 ORDER BY id DESC LIMIT 1"#,
        b.id as BookingId
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(last.is_some_and(|e| e.kind == EventKind::Countered && e.actor_id == Some(actor)))
}

/// The initiator takes a pending request back.
#[tracing::instrument(skip(pool))]
pub async fn withdraw(pool: &PgPool, actor: UserId, id: BookingId) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let (b, side) = lock_for_answer(&mut tx, actor, id).await?;
    if b.status == BookingStatus::Withdrawn {
        return Ok(());
    }
    if b.status != BookingStatus::Pending {
        return Err(rules::not_pending(&b));
    }
    if b.initiator != side {
        return Err(AppError::Conflict(
            tr("Only the side that made the request can withdraw it; you can decline it.").into(),
        ));
    }
    end::finish(&mut tx, &b, BookingStatus::Withdrawn, Some(actor), "").await?;
    tx.commit().await?;
    Ok(())
}

/// Expires the booking if it is still pending and due (run by the job queue).
pub async fn expire_if_due(conn: &mut PgConnection, id: BookingId) -> Result<bool, AppError> {
    let b = match store::lock(conn, id).await {
        Ok(b) => b,
        Err(AppError::NotFound(_)) => return Ok(false),
        Err(e) => return Err(e),
    };
    if b.status != BookingStatus::Pending || !b.is_due() {
        return Ok(false);
    }
    end::finish(conn, &b, BookingStatus::Expired, None, "No answer in time.").await?;
    Ok(true)
}

/// Expires every due pending booking (the sweep's safety net behind the per-booking jobs).
/// Pending requests on trips that have departed expire with them.
pub async fn expire_due(conn: &mut PgConnection) -> Result<u64, AppError> {
    sqlx::query!(
        "UPDATE bookings SET expires_at = least(expires_at, t.departs_at)
         FROM trips t WHERE t.id = bookings.trip_id AND bookings.status = 'pending'
           AND t.departs_at <= now()"
    )
    .execute(&mut *conn)
    .await?;
    let ids = sqlx::query_scalar!(
        r#"SELECT id AS "id: BookingId" FROM bookings WHERE status = 'pending' AND expires_at <= now()
           ORDER BY expires_at LIMIT 1000"#
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
