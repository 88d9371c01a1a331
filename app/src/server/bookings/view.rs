//! Bookings as their two sides see them (PRODUCT §6): the page with its money, handoff and
//! timeline; the list; the public tracking page, which shows nothing private.

use super::codes::qr_svg;
use super::overdue;
use super::rules::late_cancel_fee;
use super::store::{self, BookingRow};
use crate::error::AppError;
use crate::i18n::tr;
use crate::server::money::escrow;
use crate::server::parcels::store::{self as parcels, ParcelRow};
use crate::server::settings::{self, Settings};
use crate::server::time;
use crate::server::trips::store::{self as trips, TripRow};
use crate::types::accounts::{rating_label, UserBrief};
use crate::types::bookings::{
    BookingDetail, BookingEvent, BookingMoney, BookingSummary, Contact, Handoff, RecipientShare,
    TrackingView,
};
use crate::types::{
    format_kg, BookingId, BookingStatus, CodeKind, Currency, EventKind, Money, Side, UserId,
};
use ::time::{Duration, OffsetDateTime};
use sqlx::{PgConnection, PgPool};

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
        status: b.status,
        my_side: me,
        my_turn: my_turn(b.status, b.awaiting, me),
    }
}

/// The booking waits for this side's answer.
fn my_turn(status: BookingStatus, awaiting: Option<Side>, me: Side) -> bool {
    status == BookingStatus::Pending && awaiting == Some(me)
}

/// A booking as one of its two sides sees it. Anyone else gets "not found".
pub async fn detail(
    pool: &PgPool,
    public_url: &str,
    tz: &str,
    viewer: UserId,
    id: BookingId,
) -> Result<BookingDetail, AppError> {
    let mut conn = pool.acquire().await?;
    let b = store::get(&mut conn, id).await?;
    let me = b.side_of(viewer).ok_or_else(store::not_found)?;
    let s = settings::current(pool).await?;
    let trip = trips::row(&mut *conn, b.trip_id).await?;
    let parcel = parcels::row(&mut *conn, b.parcel_id).await?;
    let live = b.status.is_live();
    let other = other_side(&mut conn, &b, me).await?;
    let events = timeline(&mut conn, &b, tz).await?;
    let pending = b.status == BookingStatus::Pending && !b.is_due();
    let my_turn = pending && b.awaiting == Some(me);
    let money = money(&mut conn, &b, me, &trip, &parcel, &s).await?;
    let handoff = if live {
        Some(handoff_view(&mut conn, public_url, tz, &b, me, &parcel, &s).await?)
    } else {
        None
    };
    Ok(BookingDetail {
        summary: summary(
            &b,
            me,
            parcel.title.clone(),
            format!("{} → {}", trip.origin_label, trip.destination_label),
            time::show(trip.departs_at, &trip.origin_tz),
        ),
        parcel_id: b.parcel_id,
        trip_id: b.trip_id,
        weight: format_kg(b.weight_g),
        initiator: b.initiator,
        counters: b.counters,
        max_counters: s.max_counter_rounds,
        expires: pending.then(|| time::datetime_in(b.expires_at, tz)),
        contact: live.then(|| Contact {
            name: other.0.display_name.clone(),
            email: other.1.clone(),
            phone: other.2.clone(),
        }),
        other: other.0,
        private: live.then(|| parcel.private()),
        events,
        can_accept: my_turn,
        can_decline: my_turn,
        can_counter: my_turn && b.counters < s.max_counter_rounds,
        can_withdraw: pending && b.initiator == me,
        money,
        handoff,
        conversation: sqlx::query_scalar!(
            "SELECT id FROM conversations WHERE parcel_id = $1 AND trip_id = $2",
            b.parcel_id as crate::types::ParcelId,
            b.trip_id as crate::types::TripId
        )
        .fetch_optional(&mut *conn)
        .await?,
    })
}

/// The other side: as listings show them, and their email and phone.
async fn other_side(
    conn: &mut PgConnection,
    b: &BookingRow,
    me: Side,
) -> Result<(UserBrief, String, String), AppError> {
    let other_id = match me {
        Side::Sender => b.traveler_id,
        Side::Traveler => b.sender_id,
    };
    let o = sqlx::query!(
        r#"SELECT display_name, email, phone, email_verified_at IS NOT NULL AS "verified!",
                  id_verified_at IS NOT NULL AS "id_verified!", completed_deliveries,
                  CASE WHEN $2 = 'traveler' THEN traveler_rating_x100 ELSE sender_rating_x100 END AS rating
           FROM users WHERE id = $1"#,
        other_id as UserId,
        me.other() as Side
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok((
        UserBrief {
            id: other_id,
            display_name: o.display_name,
            email_verified: o.verified,
            id_verified: o.id_verified,
            rating: rating_label(o.rating),
            completed_deliveries: o.completed_deliveries,
        },
        o.email,
        o.phone,
    ))
}

pub(crate) async fn timeline(
    conn: &mut PgConnection,
    b: &BookingRow,
    tz: &str,
) -> Result<Vec<BookingEvent>, AppError> {
    let events = sqlx::query!(
        r#"SELECT e.kind AS "kind: EventKind", e.price_minor, e.note, e.created_at,
                  u.display_name AS "actor?"
           FROM booking_events e LEFT JOIN users u ON u.id = e.actor_id
           WHERE e.booking_id = $1 ORDER BY e.id"#,
        b.id as BookingId
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(events
        .into_iter()
        .map(|e| BookingEvent {
            at: time::datetime_in(e.created_at, tz),
            actor: e.actor.unwrap_or_else(|| crate::BRAND.to_string()),
            what: e
                .kind
                .describe(e.price_minor.map(|m| Money::new(m, b.currency)), &e.note),
        })
        .collect())
}

async fn money(
    conn: &mut PgConnection,
    b: &BookingRow,
    me: Side,
    trip: &TripRow,
    parcel: &ParcelRow,
    s: &Settings,
) -> Result<BookingMoney, AppError> {
    let currency: Currency = b.currency;
    let held = escrow::held(conn, b.id, currency).await?;
    let declared = Some(parcel.declared_value());
    let charges = if b.status == BookingStatus::Pending {
        escrow::charges(b.price_minor, currency, b.protected, declared, s)
    } else {
        b.charges()
    };
    let m = |minor| Money::new(minor, currency);
    Ok(BookingMoney {
        price: m(charges.price),
        fee: m(charges.fee),
        protection: m(charges.protection),
        total: m(charges.total()),
        held: m(held),
        protected: charges.protection > 0,
        cancel_refund: (me == Side::Sender && b.status == BookingStatus::Accepted)
            .then(|| m(held - late_cancel_fee(b, trip.departs_at, OffsetDateTime::now_utc()))),
        protection_offer: (me == Side::Sender)
            .then(|| escrow::charges(b.price_minor, currency, true, declared, s).protection)
            .filter(|p| *p > 0)
            .map(m),
    })
}

async fn handoff_view(
    conn: &mut PgConnection,
    public_url: &str,
    tz: &str,
    b: &BookingRow,
    me: Side,
    parcel: &ParcelRow,
    s: &Settings,
) -> Result<Handoff, AppError> {
    let codes = sqlx::query!(
        r#"SELECT kind AS "kind: CodeKind", code, valid_until, locked_until FROM handoff_codes
           WHERE booking_id = $1"#,
        b.id as BookingId
    )
    .fetch_all(&mut *conn)
    .await?;
    let extra = sqlx::query!(
        r#"SELECT delivery_photo, overdue_at FROM bookings WHERE id = $1"#,
        b.id as BookingId
    )
    .fetch_one(&mut *conn)
    .await?;
    let disputed = store::disputed(conn, b.id).await?;
    let status = b.status;
    let now = OffsetDateTime::now_utc();
    let code = |kind: CodeKind| codes.iter().find(|c| c.kind == kind);
    let sender = me == Side::Sender;
    let pickup_code = code(CodeKind::Pickup)
        .filter(|_| sender && status == BookingStatus::Accepted)
        .map(|c| c.code.clone());
    // The sender always has the delivery code: to give it, or to forward it to the recipient
    // (who may have no email), so a delivery never depends on an email arriving.
    let delivery_code = code(CodeKind::Delivery)
        .filter(|_| sender && matches!(status, BookingStatus::Accepted | BookingStatus::PickedUp))
        .map(|c| c.code.clone());
    let recipient = delivery_code
        .as_ref()
        .filter(|_| !parcel.recipient_is_sender)
        .map(|c| RecipientShare {
            name: parcel.recipient_name.clone(),
            phone: parcel.recipient_phone.clone(),
            email: parcel.recipient_email.clone(),
            message: format!(
                "Your Carry delivery code for \"{}\" is {c}. Give it to the traveler only when \
                 you have the parcel in your hands. Follow it: {public_url}/track?number={}",
                parcel.title,
                b.tracking_no.as_deref().unwrap_or_default()
            ),
        });
    let active = match status {
        BookingStatus::Accepted => code(CodeKind::Pickup),
        BookingStatus::PickedUp => code(CodeKind::Delivery),
        _ => None,
    };
    let qr = |kind: &str, c: &String| qr_svg(&format!("{public_url}/bookings/{}?{kind}={c}", b.id));
    Ok(Handoff {
        tracking_no: b.tracking_no.clone(),
        pickup_qr: pickup_code.as_ref().and_then(|c| qr("pickup", c)),
        delivery_qr: delivery_code.as_ref().and_then(|c| qr("delivery", c)),
        pickup_code,
        delivery_code,
        recipient,
        pickup_valid_until: code(CodeKind::Pickup)
            .filter(|_| status == BookingStatus::Accepted)
            .map(|c| time::datetime_in(c.valid_until, tz)),
        delivery_valid_until: code(CodeKind::Delivery)
            .filter(|_| matches!(status, BookingStatus::Accepted | BookingStatus::PickedUp))
            .map(|c| time::datetime_in(c.valid_until, tz)),
        can_pick_up: !sender && status == BookingStatus::Accepted,
        can_deliver: !sender && status == BookingStatus::PickedUp,
        // An open dispute holds completion: Carry's team settles the payment.
        can_confirm: sender && status == BookingStatus::Delivered && !disputed,
        can_cancel: status == BookingStatus::Accepted,
        locked: active
            .and_then(|c| c.locked_until)
            .filter(|u| *u > now)
            .map(|u| {
                crate::trf!(
                    "Too many wrong codes: code entry is locked until {}.",
                    time::datetime_in(u, tz)
                )
            }),
        auto_complete_at: b
            .delivered_at
            .filter(|_| status == BookingStatus::Delivered && !disputed)
            .map(|d| time::datetime_in(d + Duration::hours(s.completion_hours), tz)),
        delivery_photo: extra
            .delivery_photo
            .map(|_| format!("/bookings/{}/delivery-photo", b.id)),
        overdue: overdue::notice(
            extra
                .overdue_at
                .filter(|_| status == BookingStatus::PickedUp),
        ),
    })
}

/// The user's bookings on both sides, newest activity first.
pub async fn list_mine(pool: &PgPool, user: UserId) -> Result<Vec<BookingSummary>, AppError> {
    let rows = sqlx::query!(
        r#"SELECT b.id AS "id: BookingId", b.status AS "status: BookingStatus",
                  b.awaiting AS "awaiting: Side", b.price_minor,
                  b.currency AS "currency: Currency", b.sender_id AS "sender_id: UserId",
                  p.title, o.label AS origin, d.label AS destination, t.departs_at, o.tz
           FROM bookings b
           JOIN parcels p ON p.id = b.parcel_id
           JOIN trips t ON t.id = b.trip_id
           JOIN places o ON o.id = t.origin_id
           JOIN places d ON d.id = t.destination_id
           WHERE b.sender_id = $1 OR b.traveler_id = $1
           ORDER BY b.updated_at DESC LIMIT 200"#,
        user as UserId
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let me = if r.sender_id == user {
                Side::Sender
            } else {
                Side::Traveler
            };
            BookingSummary {
                id: r.id,
                parcel_title: r.title,
                route: format!("{} → {}", r.origin, r.destination),
                departs: time::show(r.departs_at, &r.tz),
                price: Money::new(r.price_minor, r.currency),
                status: r.status,
                my_side: me,
                my_turn: my_turn(r.status, r.awaiting, me),
            }
        })
        .collect())
}

/// What the tracking page shows: the route, the state and the timeline, nothing private.
pub async fn tracking(pool: &PgPool, number: &str, tz: &str) -> Result<TrackingView, AppError> {
    let missing = || {
        AppError::NotFound(tr("No parcel has this tracking number. Check it and try again.").into())
    };
    let number = number.trim().to_ascii_uppercase();
    if number.len() > 20 {
        return Err(missing());
    }
    let b = sqlx::query!(
        r#"SELECT b.id AS "id: BookingId", b.status AS "status: BookingStatus",
                  o.label AS origin, d.label AS destination
           FROM bookings b JOIN trips t ON t.id = b.trip_id
           JOIN places o ON o.id = t.origin_metro_id JOIN places d ON d.id = t.destination_metro_id
           WHERE b.tracking_no = $1"#,
        number
    )
    .fetch_optional(pool)
    .await?
    .ok_or_else(missing)?;
    let events = sqlx::query!(
        r#"SELECT kind AS "kind: EventKind", created_at FROM booking_events
           WHERE booking_id = $1 ORDER BY id"#,
        b.id as BookingId
    )
    .fetch_all(pool)
    .await?;
    Ok(TrackingView {
        number,
        route: format!("{} → {}", b.origin, b.destination),
        status: b.status,
        events: events
            .into_iter()
            .filter_map(|e| {
                e.kind
                    .tracking_label()
                    .map(|what| (time::datetime_in(e.created_at, tz), what.to_string()))
            })
            .collect(),
    })
}
