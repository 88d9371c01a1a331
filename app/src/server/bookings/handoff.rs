//! Pickup and delivery (PRODUCT §6): the traveler inspects the parcel and enters the sender's
//! pickup code (or refuses it), then enters the recipient's delivery code, with an optional
//! photo. Delivery schedules the automatic completion.

use super::codes::{self, Check};
use super::store;
use crate::error::AppError;
use crate::i18n::tr;
use crate::server::images;
use crate::server::jobs::{self, JobKind};
use crate::server::settings;
use crate::types::{
    BookingId, BookingStatus, Category, CodeKind, EventKind, NotificationKind, ParcelId, Side,
    UserId,
};
use ::time::{Duration, OffsetDateTime};
use sqlx::PgPool;
use std::path::{Path, PathBuf};
use uuid::Uuid;

/// The inspection the traveler confirms at pickup.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct Inspection {
    pub contents_match: bool,
    pub nothing_prohibited: bool,
    pub electronics_power_on: bool,
}

/// The traveler inspected the parcel and enters the sender's pickup code.
#[tracing::instrument(skip(pool, code))]
pub async fn pick_up(
    pool: &PgPool,
    traveler: UserId,
    id: BookingId,
    code: &str,
    inspection: Inspection,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let (b, _) = store::lock_chain_as(&mut tx, traveler, id, Side::Traveler).await?;
    if b.status == BookingStatus::PickedUp {
        return Ok(());
    }
    if b.status != BookingStatus::Accepted {
        return Err(AppError::Conflict(
            tr("This booking is not waiting for pickup.").into(),
        ));
    }
    if !inspection.contents_match || !inspection.nothing_prohibited {
        return Err(AppError::validation(
            "inspection",
            crate::i18n::tr("Confirm the inspection before taking the parcel, or refuse it."),
        ));
    }
    let category = sqlx::query_scalar!(
        r#"SELECT category AS "c: Category" FROM parcels WHERE id = $1"#,
        b.parcel_id as ParcelId
    )
    .fetch_one(&mut *tx)
    .await?;
    // PRODUCT §6: electronics are switched on in front of the traveler.
    if category == Category::Electronics && !inspection.electronics_power_on {
        return Err(AppError::validation(
            "inspection",
            crate::i18n::tr("This parcel holds electronics: check that they power on before taking it, or refuse it."),
        ));
    }
    if let Check::Wrong(e) = codes::check(&mut tx, id, CodeKind::Pickup, code).await? {
        tx.commit().await?;
        return Err(e);
    }
    let checklist = serde_json::to_value(inspection).map_err(AppError::internal)?;
    sqlx::query!(
        "UPDATE bookings SET inspection = $2 WHERE id = $1",
        id as BookingId,
        checklist
    )
    .execute(&mut *tx)
    .await?;
    store::set_status(&mut tx, &b, BookingStatus::PickedUp).await?;
    store::event(&mut tx, id, Some(traveler), EventKind::PickedUp, None, "").await?;
    store::notify(
        &mut tx,
        id,
        Side::Sender,
        NotificationKind::PickedUp,
        || {
            (
                tr("Your parcel was picked up").to_string(),
                tr("The traveler checked your parcel and took it. Follow it from your booking.")
                    .to_string(),
            )
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The traveler enters the recipient's delivery code (with an optional photo, stored by the
/// caller, named here).
#[tracing::instrument(skip(pool, code))]
pub async fn deliver(
    pool: &PgPool,
    traveler: UserId,
    id: BookingId,
    code: &str,
    photo: Option<&str>,
) -> Result<(), AppError> {
    let s = settings::current(pool).await?;
    let mut tx = pool.begin().await?;
    let (b, _) = store::lock_chain_as(&mut tx, traveler, id, Side::Traveler).await?;
    if b.status == BookingStatus::Delivered {
        return Ok(());
    }
    if b.status != BookingStatus::PickedUp {
        return Err(AppError::Conflict(
            tr("This booking is not on its way: pick the parcel up first.").into(),
        ));
    }
    if let Check::Wrong(e) = codes::check(&mut tx, id, CodeKind::Delivery, code).await? {
        tx.commit().await?;
        return Err(e);
    }
    sqlx::query!(
        "UPDATE bookings SET delivery_photo = $2 WHERE id = $1",
        id as BookingId,
        photo
    )
    .execute(&mut *tx)
    .await?;
    store::set_status(&mut tx, &b, BookingStatus::Delivered).await?;
    store::event(&mut tx, id, Some(traveler), EventKind::Delivered, None, "").await?;
    jobs::enqueue(
        &mut tx,
        JobKind::CompleteBooking,
        serde_json::json!({ "booking": id }),
        OffsetDateTime::now_utc() + Duration::hours(s.completion_hours),
        Some(&format!("complete:{id}")),
    )
    .await?;
    store::notify(
        &mut tx,
        id,
        Side::Sender,
        NotificationKind::Delivered,
        || (tr("Your parcel was delivered").to_string(), crate::trf!("The traveler delivered your parcel. Confirm receipt from your booking; otherwise \
             it completes by itself in {} hours.", s.completion_hours)),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub fn delivery_dir(upload_dir: &Path) -> PathBuf {
    upload_dir.join("private").join("deliveries")
}

/// Delivery with an optional photo of the handed-over parcel: the photo is checked and
/// re-encoded first (metadata dropped), kept only if the delivery goes through.
pub async fn deliver_with_photo(
    pool: &PgPool,
    upload_dir: &Path,
    traveler: UserId,
    id: BookingId,
    code: &str,
    photo: Option<Vec<u8>>,
) -> Result<(), AppError> {
    let Some(bytes) = photo else {
        return deliver(pool, traveler, id, code, None).await;
    };
    let jpeg = images::process_upload(bytes)
        .await
        .map_err(|e| AppError::validation("photo", crate::trf!("Photo: {}", e)))?
        .full;
    let name = format!("{id}-{}.jpg", Uuid::new_v4());
    let dir = delivery_dir(upload_dir);
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(AppError::internal)?;
    let path = dir.join(&name);
    tokio::fs::write(&path, jpeg)
        .await
        .map_err(AppError::internal)?;
    let done = deliver(pool, traveler, id, code, Some(&name)).await;
    if done.is_err() {
        let _ = tokio::fs::remove_file(&path).await;
    }
    done
}

/// The delivery photo's file, for the booking's two sides and admins.
pub async fn delivery_photo_file(
    pool: &PgPool,
    upload_dir: &Path,
    viewer: UserId,
    admin: bool,
    id: BookingId,
) -> Result<PathBuf, AppError> {
    let b = store::get(&mut *pool.acquire().await?, id).await?;
    if b.side_of(viewer).is_none() && !admin {
        return Err(store::not_found());
    }
    let name: Option<String> = sqlx::query_scalar!(
        "SELECT delivery_photo FROM bookings WHERE id = $1",
        id as BookingId
    )
    .fetch_one(pool)
    .await?;
    name.map(|n| delivery_dir(upload_dir).join(n))
        .ok_or_else(|| AppError::NotFound(tr("No photo was attached to this delivery.").into()))
}
