//! Reviews: write one after a completed booking, read a booking's, (reputation comes with the
//! public profile).

use crate::error::AppError;
use crate::types::reviews::BookingReviews;
use crate::types::BookingId;
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Postcard};

#[cfg(feature = "ssr")]
use crate::server::{ctx, reviews};

/// One side reviews the other after completion: 1 to 5 stars, optional sub-scores, a comment.
#[server(prefix = "/api", endpoint = "reviews/write", output = Postcard)]
pub async fn write_review(
    booking_id: BookingId,
    #[server(default)] stars: String,
    #[server(default)] communication: String,
    #[server(default)] punctuality: String,
    #[server(default)] care: String,
    #[server(default)] comment: String,
) -> Result<(), AppError> {
    let me = ctx::require_user().await?;
    let input = reviews::ReviewInput {
        stars,
        communication,
        punctuality,
        care,
        comment,
    };
    reviews::write(&ctx::pool()?, me.user.id, booking_id, &input).await
}

/// A booking's reviews as one of its sides sees them (the other's once published).
#[server(prefix = "/api", endpoint = "reviews/booking", input = GetUrl, output = Postcard)]
pub async fn get_booking_reviews(booking_id: BookingId) -> Result<BookingReviews, AppError> {
    let me = ctx::require_user().await?;
    let tz = ctx::viewer_zone(Some(&me));
    reviews::for_booking(&ctx::pool()?, me.user.id, booking_id, &tz).await
}
