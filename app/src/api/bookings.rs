use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::market::Side;
use crate::market::{BookingDetail, BookingSummary};
use leptos::prelude::*;
use uuid::Uuid;

#[cfg(feature = "ssr")]
use crate::server::{ctx, market::bookings};

/// A sender requests a trip for their parcel (`side` = "sender"), or a traveler offers to carry
/// a parcel on their trip (`side` = "traveler"). An empty price takes the default.
#[server(prefix = "/api", endpoint = "bookings/propose")]
pub async fn propose_booking(
    side: String,
    parcel_id: Uuid,
    trip_id: Uuid,
    #[server(default)] price: String,
    #[server(default)] protect: Option<String>,
    key: String,
) -> Result<(), AppError> {
    ctx::finish(
        async {
            let me = ctx::require_user().await?;
            let side =
                Side::parse(&side).ok_or_else(|| AppError::BadRequest("Unknown side.".into()))?;
            let id = bookings::propose_paid(
                &ctx::pool()?,
                me.user.id,
                side,
                parcel_id,
                trip_id,
                &price,
                protect.is_some(),
                &key,
            )
            .await?;
            leptos_axum::redirect(&format!("/bookings/{id}?sent=1"));
            Ok(())
        }
        .await,
    )
}

/// Answers a pending booking: "accept", "decline", "counter" (with a price) or "withdraw".
#[server(prefix = "/api", endpoint = "bookings/answer")]
pub async fn answer_booking(
    id: Uuid,
    answer: String,
    #[server(default)] price: String,
    #[server(default)] protect: Option<String>,
) -> Result<(), AppError> {
    ctx::finish(
        async {
            let me = ctx::require_user().await?;
            let pool = ctx::pool()?;
            let user = me.user.id;
            match answer.as_str() {
                "accept" => bookings::accept_with(&pool, user, id, protect.is_some()).await?,
                "decline" => bookings::decline(&pool, user, id).await?,
                "counter" => {
                    bookings::counter_with(&pool, user, id, &price, Some(protect.is_some())).await?
                }
                "withdraw" => bookings::withdraw(&pool, user, id).await?,
                _ => return Err(AppError::BadRequest("Unknown answer.".into())),
            }
            leptos_axum::redirect(&format!("/bookings/{id}?{answer}=1"));
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "bookings/get")]
pub async fn get_booking(id: Uuid) -> Result<BookingDetail, AppError> {
    ctx::finish(
        async {
            let me = ctx::require_user().await?;
            bookings::detail(&ctx::pool()?, me.user.id, id).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "bookings/mine")]
pub async fn my_bookings() -> Result<Vec<BookingSummary>, AppError> {
    ctx::finish(
        async {
            let me = ctx::require_user().await?;
            bookings::list_mine(&ctx::pool()?, me.user.id).await
        }
        .await,
    )
}
