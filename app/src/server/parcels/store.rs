//! A parcel's row with its places and sender, the reads every area uses, the lock, and the one
//! place a parcel's status changes.

use crate::error::AppError;
use crate::i18n::tr;
use crate::server::time;
use crate::types::accounts::{rating_label, UserBrief};
use crate::types::parcels::{ParcelCard, ParcelForm, ParcelPrivate, Photo, RiskPart};
use crate::types::{format_kg, Category, Currency, Money, ParcelId, ParcelStatus, UserId};
use ::time::{Date, OffsetDateTime};
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

/// A parcel with its places and sender.
#[derive(Debug, Clone)]
pub struct ParcelRow {
    pub id: ParcelId,
    pub sender_id: UserId,
    pub title: String,
    pub description: String,
    pub category: Category,
    pub weight_g: i32,
    pub length_cm: i32,
    pub width_cm: i32,
    pub height_cm: i32,
    pub declared_value_minor: i64,
    pub currency: Currency,
    pub fragile: bool,
    pub has_receipt: bool,
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
    pub status: ParcelStatus,
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
    pub sender_id_verified: bool,
    pub sender_rating_x100: Option<i32>,
    pub sender_completed: i32,
    pub first_photo: Option<Uuid>,
}

pub fn photo_url(id: Uuid) -> String {
    format!("/media/parcels/{id}.jpg")
}
pub fn thumb_url(id: Uuid) -> String {
    format!("/media/parcels/{id}_t.jpg")
}

impl ParcelRow {
    pub fn reward(&self) -> Money {
        Money::new(self.reward_minor, self.currency)
    }
    pub fn declared_value(&self) -> Money {
        Money::new(self.declared_value_minor, self.currency)
    }
    pub fn card(&self) -> ParcelCard {
        ParcelCard {
            id: self.id,
            title: self.title.clone(),
            category: self.category,
            weight: format_kg(self.weight_g),
            weight_g: self.weight_g,
            from: self.pickup_label.clone(),
            to: self.delivery_label.clone(),
            ready_from: time::show_date(self.ready_from),
            deliver_by: time::show_date(self.deliver_by),
            reward: self.reward(),
            status: self.status,
            thumbnail: self.first_photo.map(thumb_url),
            sender: UserBrief {
                id: self.sender_id,
                display_name: self.sender_name.clone(),
                email_verified: self.sender_verified,
                id_verified: self.sender_id_verified,
                rating: rating_label(self.sender_rating_x100),
                completed_deliveries: self.sender_completed,
            },
        }
    }
    pub fn private(&self) -> ParcelPrivate {
        ParcelPrivate {
            pickup_address: self.pickup_address.clone(),
            delivery_address: self.delivery_address.clone(),
            recipient: if self.recipient_is_sender {
                tr("The sender").to_string()
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
    pub fn risk_parts(&self) -> Vec<RiskPart> {
        serde_json::from_value(self.risk_reasons.clone()).unwrap_or_default()
    }
    /// The values the edit form starts with.
    pub fn form(&self) -> ParcelForm {
        ParcelForm {
            title: self.title.clone(),
            description: self.description.clone(),
            category: self.category.code().to_string(),
            weight_kg: format_kg(self.weight_g).trim_end_matches(" kg").to_string(),
            length_cm: self.length_cm.to_string(),
            width_cm: self.width_cm.to_string(),
            height_cm: self.height_cm.to_string(),
            declared_value: self.declared_value().input_value(),
            currency: self.currency.code().to_string(),
            fragile: self.fragile,
            has_receipt: self.has_receipt,
            pickup_place: self.pickup_label.clone(),
            pickup_address: self.pickup_address.clone(),
            delivery_place: self.delivery_label.clone(),
            delivery_address: self.delivery_address.clone(),
            ready_from: time::date_input(self.ready_from),
            deliver_by: time::date_input(self.deliver_by),
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

pub fn not_found() -> AppError {
    AppError::NotFound(tr("This parcel does not exist.").into())
}

/// The parcels with these ids, in the order given (missing ones left out).
pub async fn rows(db: impl PgExecutor<'_>, ids: &[ParcelId]) -> Result<Vec<ParcelRow>, AppError> {
    Ok(sqlx::query_as!(
        ParcelRow,
        r#"SELECT p.id AS "id: ParcelId", p.sender_id AS "sender_id: UserId", p.title,
                  p.description, p.category AS "category: Category", p.weight_g, p.length_cm,
                  p.width_cm, p.height_cm, p.declared_value_minor,
                  p.currency AS "currency: Currency", p.fragile, p.has_receipt, p.pickup_place_id,
                  p.pickup_metro_id, p.pickup_address, p.delivery_place_id, p.delivery_metro_id,
                  p.delivery_address, p.ready_from, p.deliver_by, p.reward_minor,
                  p.recipient_is_sender, p.recipient_name, p.recipient_phone, p.recipient_email,
                  p.distance_km, p.risk_score, p.risk_reasons, p.flagged_keywords,
                  p.status AS "status: ParcelStatus", p.review_note, p.created_at,
                  pu.label AS pickup_label, pu.country::text AS "pickup_country!",
                  pu.lat AS pickup_lat, pu.lon AS pickup_lon,
                  de.label AS delivery_label, de.country::text AS "delivery_country!",
                  de.lat AS delivery_lat, de.lon AS delivery_lon,
                  u.display_name AS sender_name,
                  u.email_verified_at IS NOT NULL AS "sender_verified!",
                  u.id_verified_at IS NOT NULL AS "sender_id_verified!",
                  u.sender_rating_x100, u.completed_deliveries AS sender_completed,
                  (SELECT ph.id FROM parcel_photos ph WHERE ph.parcel_id = p.id
                   ORDER BY ph.created_at, ph.id LIMIT 1) AS first_photo
           FROM unnest($1::uuid[]) WITH ORDINALITY AS x(id, n)
           JOIN parcels p ON p.id = x.id
           JOIN places pu ON pu.id = p.pickup_place_id
           JOIN places de ON de.id = p.delivery_place_id
           JOIN users u ON u.id = p.sender_id
           ORDER BY x.n"#,
        ids as &[ParcelId]
    )
    .fetch_all(db)
    .await?)
}

pub async fn row(db: impl PgExecutor<'_>, id: ParcelId) -> Result<ParcelRow, AppError> {
    rows(db, &[id]).await?.pop().ok_or_else(not_found)
}

/// What a locked parcel row says about who may change it.
#[derive(Debug, Clone, Copy)]
pub struct Locked {
    pub sender_id: UserId,
    pub status: ParcelStatus,
}

/// Locks the parcel row (after its trip, before its booking: the lock order).
pub async fn lock(conn: &mut PgConnection, id: ParcelId) -> Result<Locked, AppError> {
    sqlx::query_as!(
        Locked,
        r#"SELECT sender_id AS "sender_id: UserId", status AS "status: ParcelStatus"
           FROM parcels WHERE id = $1 FOR UPDATE"#,
        id as ParcelId
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(not_found)
}

/// Locks the sender's own parcel for a change; anyone else is refused.
pub async fn lock_own(
    conn: &mut PgConnection,
    user: UserId,
    id: ParcelId,
) -> Result<ParcelStatus, AppError> {
    let l = lock(conn, id).await?;
    if l.sender_id != user {
        return Err(AppError::Forbidden);
    }
    Ok(l.status)
}

/// Moves a locked parcel from `from` to `to`, as its life cycle allows.
pub async fn set_status(
    conn: &mut PgConnection,
    id: ParcelId,
    from: ParcelStatus,
    to: ParcelStatus,
) -> Result<(), AppError> {
    if !from.can_become(to) {
        return Err(AppError::internal(format!(
            "parcel {id}: {from:?} cannot become {to:?}"
        )));
    }
    let done = sqlx::query!(
        "UPDATE parcels SET status = $3, updated_at = now() WHERE id = $1 AND status = $2",
        id as ParcelId,
        from as ParcelStatus,
        to as ParcelStatus
    )
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() != 1 {
        return Err(AppError::internal(format!("parcel {id} was not {from:?}")));
    }
    Ok(())
}

/// Open parcels (or parcels still in review) whose deadline passed.
pub async fn expire_due(conn: &mut PgConnection) -> Result<u64, AppError> {
    Ok(sqlx::query!(
        "UPDATE parcels SET status = 'expired', updated_at = now()
         WHERE status IN ('open', 'in_review') AND deliver_by < current_date"
    )
    .execute(&mut *conn)
    .await?
    .rows_affected())
}

/// Whether everyone may see the parcel and its photos: while it is listed or on its way. In
/// review, rejected, cancelled or expired, only those `can_see_photos` allows do.
pub fn is_public(status: ParcelStatus) -> bool {
    matches!(
        status,
        ParcelStatus::Open
            | ParcelStatus::Booked
            | ParcelStatus::PickedUp
            | ParcelStatus::Delivered
            | ParcelStatus::Completed
    )
}

/// Whether `viewer` may see the parcel's photos: anyone while it is public; otherwise its
/// sender, admins, and the traveler who carries or carried it.
pub async fn can_see_photos(
    db: impl PgExecutor<'_>,
    parcel: &ParcelRow,
    viewer: Option<UserId>,
    viewer_is_admin: bool,
) -> Result<bool, AppError> {
    if is_public(parcel.status) || viewer_is_admin {
        return Ok(true);
    }
    can_see_private(db, parcel, viewer).await
}

/// Whether `viewer` may see the parcel's private data: its sender, or the traveler of its
/// accepted (or later) booking.
pub async fn can_see_private(
    db: impl PgExecutor<'_>,
    parcel: &ParcelRow,
    viewer: Option<UserId>,
) -> Result<bool, AppError> {
    let Some(v) = viewer else { return Ok(false) };
    if v == parcel.sender_id {
        return Ok(true);
    }
    Ok(sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM bookings WHERE parcel_id = $1 AND traveler_id = $2
             AND status IN ('accepted', 'picked_up', 'delivered', 'completed')) AS "e!""#,
        parcel.id as ParcelId,
        v as UserId
    )
    .fetch_one(db)
    .await?)
}

pub async fn photos(db: impl PgExecutor<'_>, parcel: ParcelId) -> Result<Vec<Photo>, AppError> {
    let ids = sqlx::query_scalar!(
        "SELECT id FROM parcel_photos WHERE parcel_id = $1 ORDER BY created_at, id",
        parcel as ParcelId
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
