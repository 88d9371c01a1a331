//! Parcels (PRODUCT §4): create with screening and a risk score, edit before booking, cancel,
//! read with the privacy rules, list.

use super::form::{self, ValidParcel};
use super::risk::{self, RiskInput};
use super::store::{self, ParcelRow};
use crate::error::AppError;
use crate::i18n::tr;
use crate::server::bookings::end;
use crate::server::matching::alerts;
use crate::server::places;
use crate::server::settings::Settings;
use crate::types::matching::AlertKind;
use crate::types::parcels::{ParcelCard, ParcelDetail, ParcelForm};
use crate::types::{Category, Currency, ParcelId, ParcelStatus, UserId};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// The risk score of a parcel and whether it waits for review.
async fn assess(
    conn: &mut PgConnection,
    sender: UserId,
    id: ParcelId,
    v: &ValidParcel,
    s: &Settings,
) -> Result<(risk::Assessment, ParcelStatus), AppError> {
    let (rules, high_risk, keywords) = risk::load(conn).await?;
    let who = sqlx::query!(
        r#"SELECT completed_deliveries,
                  (now()::date - created_at::date)::bigint AS "age_days!",
                  (SELECT count(*) FROM parcels WHERE sender_id = $1 AND id <> $2) AS "parcels!"
           FROM users WHERE id = $1"#,
        sender as UserId,
        id as ParcelId
    )
    .fetch_one(&mut *conn)
    .await?;
    let typical = risk::typical_value(conn, v.category, v.declared_value.currency, id).await?;
    let text = format!("{} {}", v.title, v.description);
    let a = risk::assess(
        &RiskInput {
            category: v.category,
            pickup_country: &v.pickup.country,
            delivery_country: &v.delivery.country,
            declared_value: v.declared_value,
            rates: &s.rates,
            weight_g: v.weight_g,
            sender_completed: who.completed_deliveries,
            sender_parcels: who.parcels,
            account_age_days: who.age_days,
            has_receipt: v.has_receipt,
            typical_value: typical,
            text: &text,
        },
        &rules,
        &high_risk,
        &keywords,
    );
    let status = if a.score >= s.risk_review_threshold {
        ParcelStatus::InReview
    } else {
        ParcelStatus::Open
    };
    Ok((a, status))
}

/// Writes the parcel's fields: a new parcel in `status`, or an edit of an existing one (whose
/// status the caller moves).
async fn save(
    conn: &mut PgConnection,
    id: ParcelId,
    sender: UserId,
    v: &ValidParcel,
    a: &risk::Assessment,
    status: ParcelStatus,
) -> Result<(), AppError> {
    let distance = places::distance_km_rounded(&v.pickup, &v.delivery);
    let reasons = serde_json::to_value(&a.parts).map_err(AppError::internal)?;
    sqlx::query!(
        "INSERT INTO parcels (id, sender_id, title, description, category, weight_g, length_cm,
            width_cm, height_cm, declared_value_minor, currency, fragile, has_receipt, pickup_place_id,
            pickup_metro_id, pickup_address, delivery_place_id, delivery_metro_id, delivery_address,
            ready_from, deliver_by, reward_minor, recipient_is_sender, recipient_name,
            recipient_phone, recipient_email, declared_legal, distance_km, risk_score,
            risk_reasons, flagged_keywords, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $31, $13, $14, $15, $16, $17,
            $18, $19, $20, $21, $22, $23, $24, $25, true, $26, $27, $28, $29, $30)
         ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title,
            description = EXCLUDED.description, category = EXCLUDED.category,
            weight_g = EXCLUDED.weight_g, length_cm = EXCLUDED.length_cm,
            width_cm = EXCLUDED.width_cm, height_cm = EXCLUDED.height_cm,
            declared_value_minor = EXCLUDED.declared_value_minor, currency = EXCLUDED.currency,
            fragile = EXCLUDED.fragile, has_receipt = EXCLUDED.has_receipt,
            pickup_place_id = EXCLUDED.pickup_place_id,
            pickup_metro_id = EXCLUDED.pickup_metro_id, pickup_address = EXCLUDED.pickup_address,
            delivery_place_id = EXCLUDED.delivery_place_id,
            delivery_metro_id = EXCLUDED.delivery_metro_id,
            delivery_address = EXCLUDED.delivery_address, ready_from = EXCLUDED.ready_from,
            deliver_by = EXCLUDED.deliver_by, reward_minor = EXCLUDED.reward_minor,
            recipient_is_sender = EXCLUDED.recipient_is_sender,
            recipient_name = EXCLUDED.recipient_name, recipient_phone = EXCLUDED.recipient_phone,
            recipient_email = EXCLUDED.recipient_email, distance_km = EXCLUDED.distance_km,
            risk_score = EXCLUDED.risk_score, risk_reasons = EXCLUDED.risk_reasons,
            flagged_keywords = EXCLUDED.flagged_keywords, review_note = NULL,
            updated_at = now()",
        id as ParcelId,
        sender as UserId,
        v.title,
        v.description,
        v.category as Category,
        v.weight_g,
        v.dims[0],
        v.dims[1],
        v.dims[2],
        v.declared_value.minor,
        v.declared_value.currency as Currency,
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
        v.recipient.is_sender,
        v.recipient.name,
        v.recipient.phone,
        v.recipient.email,
        distance,
        a.score,
        reasons,
        &a.flagged,
        status as ParcelStatus,
        v.has_receipt
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[tracing::instrument(skip(pool, input))]
pub async fn create(
    pool: &PgPool,
    sender: UserId,
    input: &ParcelForm,
    declared_legal: bool,
) -> Result<ParcelId, AppError> {
    let v = form::parse(pool, input, declared_legal).await?;
    let s = crate::server::settings::current(pool).await?;
    let mut tx = pool.begin().await?;
    let id = ParcelId(Uuid::new_v4());
    let (a, status) = assess(&mut tx, sender, id, &v, &s).await?;
    save(&mut tx, id, sender, &v, &a, status).await?;
    tx.commit().await?;
    Ok(id)
}

/// Edits a parcel that is not booked yet. The risk score is computed again, so an edit can send
/// it to review (or, after a rejection, back to review). Requests made for the old version of
/// the listing no longer stand.
#[tracing::instrument(skip(pool, input))]
pub async fn update(
    pool: &PgPool,
    user: UserId,
    id: ParcelId,
    input: &ParcelForm,
    declared_legal: bool,
) -> Result<ParcelStatus, AppError> {
    let v = form::parse(pool, input, declared_legal).await?;
    let s = crate::server::settings::current(pool).await?;
    let mut tx = pool.begin().await?;
    let status = store::lock_own(&mut tx, user, id).await?;
    if !status.is_editable() {
        return Err(AppError::Conflict(
            tr("This parcel is booked or closed and can no longer be changed.").into(),
        ));
    }
    let (a, new_status) = assess(&mut tx, user, id, &v, &s).await?;
    save(&mut tx, id, user, &v, &a, new_status).await?;
    if new_status != status {
        store::set_status(&mut tx, id, status, new_status).await?;
    }
    end::close_pending_for_parcel(&mut tx, id, Some(user), "The sender changed the parcel.")
        .await?;
    alerts::schedule(&mut tx, AlertKind::Parcels, id.0).await?;
    tx.commit().await?;
    Ok(new_status)
}

/// The sender withdraws a parcel that is not booked.
#[tracing::instrument(skip(pool))]
pub async fn cancel(pool: &PgPool, user: UserId, id: ParcelId) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let status = store::lock_own(&mut tx, user, id).await?;
    match status {
        ParcelStatus::Cancelled => return Ok(()),
        s if s.is_editable() => {}
        _ => {
            return Err(AppError::Conflict(
                tr("This parcel is booked: cancel the booking instead.").into(),
            ))
        }
    }
    store::set_status(&mut tx, id, status, ParcelStatus::Cancelled).await?;
    end::close_pending_for_parcel(&mut tx, id, Some(user), "The sender cancelled the parcel.")
        .await?;
    tx.commit().await?;
    Ok(())
}

/// A parcel page. A parcel in review or rejected is visible to its sender and admins only.
pub async fn detail(
    pool: &PgPool,
    viewer: Option<UserId>,
    viewer_is_admin: bool,
    id: ParcelId,
) -> Result<ParcelDetail, AppError> {
    let r = store::row(pool, id).await?;
    let is_owner = viewer == Some(r.sender_id);
    let hidden = matches!(r.status, ParcelStatus::InReview | ParcelStatus::Rejected);
    if hidden && !is_owner && !viewer_is_admin {
        return Err(store::not_found());
    }
    let private = if store::can_see_private(pool, &r, viewer).await? {
        Some(r.private())
    } else {
        None
    };
    Ok(ParcelDetail {
        card: r.card(),
        description: r.description.clone(),
        dimensions: format!("{} × {} × {} cm", r.length_cm, r.width_cm, r.height_cm),
        declared_value: r.declared_value(),
        fragile: r.fragile,
        distance_km: r.distance_km,
        photos: if store::can_see_photos(pool, &r, viewer, viewer_is_admin).await? {
            store::photos(pool, id).await?
        } else {
            Vec::new()
        },
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

pub async fn list_mine(pool: &PgPool, user: UserId) -> Result<Vec<ParcelCard>, AppError> {
    Ok(mine(pool, user)
        .await?
        .iter()
        .map(ParcelRow::card)
        .collect())
}

/// The sender's parcels (the latest 200), newest first.
pub async fn mine(pool: &PgPool, user: UserId) -> Result<Vec<ParcelRow>, AppError> {
    let ids = sqlx::query_scalar!(
        r#"SELECT id AS "id: ParcelId" FROM parcels WHERE sender_id = $1
           ORDER BY created_at DESC LIMIT 200"#,
        user as UserId
    )
    .fetch_all(pool)
    .await?;
    store::rows(pool, &ids).await
}
