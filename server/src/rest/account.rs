//! The caller's own: profile, wallet (balances, history), notifications and conversations.

use super::extract::{Json, Path, Query};
use super::problem::{ApiResult, Problem};
use super::support::{bad_param, encode_cursor, Amount, Caller, CursorQuery, Page, PageQuery};
use app::server::accounts::profile;
use app::server::chat::service as chat;
use app::server::notifications;
use app::server::wallet::statements;
use app::server::AppState;
use app::types::{ParcelId, TripId};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Extension;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// The page number a cursor stands for, in lists the services read a page at a time.
fn page_of(q: &CursorQuery, size: i64) -> ApiResult<i64> {
    let offset = i64::try_from(q.offset()?).unwrap_or(i64::MAX);
    if offset % size != 0 {
        return Err(bad_param(
            "cursor",
            "This cursor is not one we gave out: start from the first page.",
        ));
    }
    Ok(offset / size + 1)
}

fn next_page(page: i64, size: i64, more: bool) -> Option<String> {
    more.then(|| encode_cursor(usize::try_from(page * size).unwrap_or(0)))
}

/// The caller's account.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub id: Uuid,
    pub email: String,
    pub email_verified: bool,
    pub display_name: String,
    pub bio: String,
    pub home_city: String,
    pub languages: Vec<String>,
    pub phone: String,
    /// The avatar's address on the site (160 px), when there is one.
    pub avatar: Option<String>,
    /// The zone times are shown in.
    pub time_zone: Option<String>,
    /// The token's scopes: read, write.
    pub scopes: Vec<String>,
}

async fn me(state: &AppState, caller: &Caller) -> ApiResult<Me> {
    let p = profile::profile(&state.pool, caller.id()).await?;
    Ok(Me {
        id: caller.id().0,
        email: p.email,
        email_verified: p.email_verified,
        display_name: p.display_name,
        bio: p.bio,
        home_city: p.home_city,
        languages: p.languages,
        phone: p.phone,
        avatar: p.avatar,
        time_zone: caller.user.time_zone.clone(),
        scopes: caller.scopes.iter().map(|s| s.code().to_string()).collect(),
    })
}

/// Who the token acts for.
#[utoipa::path(get, path = "/api/v1/me", tag = "account",
    responses((status = 200, description = "The caller's account", body = Me),
              (status = "default", description = "A problem", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["read"])))]
pub async fn get_me(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> ApiResult<axum::Json<Me>> {
    Ok(axum::Json(me(&state, &caller).await?))
}

/// The profile as it may change (every field is required: send what stays too).
#[derive(Debug, Deserialize, ToSchema)]
pub struct ProfileInput {
    pub display_name: String,
    #[serde(default)]
    pub bio: String,
    /// A city: a place's label, a name or an IATA code ("" for none).
    #[serde(default)]
    pub home_city: String,
    /// ISO 639-1 codes (absent: unchanged).
    pub languages: Option<Vec<String>>,
    /// E.164, "+33612345678" ("" for none; absent: unchanged).
    pub phone: Option<String>,
}

/// Changes the caller's profile.
#[utoipa::path(put, path = "/api/v1/me", tag = "account", request_body = ProfileInput,
    responses((status = 200, description = "The account, changed", body = Me),
              (status = "default", description = "A problem", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["write"])))]
pub async fn update_me(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Json(p): Json<ProfileInput>,
) -> ApiResult<axum::Json<Me>> {
    let current = profile::profile(&state.pool, caller.id()).await?;
    let form = profile::ProfileForm {
        display_name: &p.display_name,
        bio: &p.bio,
        home_city: &p.home_city,
        languages: p.languages.as_ref().unwrap_or(&current.languages),
        phone: p.phone.as_deref().unwrap_or(&current.phone),
    };
    profile::update_profile(&state.pool, caller.id(), &form).await?;
    Ok(axum::Json(me(&state, &caller).await?))
}

/// The caller's money in one currency.
#[derive(Debug, Serialize, ToSchema)]
pub struct Balance {
    pub available: Amount,
    /// Paid for bookings not yet completed.
    pub in_escrow: Amount,
    pub pending_withdrawals: Amount,
    /// Prices of bookings the caller carries, released when delivery is confirmed.
    pub incoming: Amount,
}

/// The caller's balances, one per currency they hold.
#[utoipa::path(get, path = "/api/v1/wallet", tag = "wallet",
    responses((status = 200, description = "Balances per currency", body = Vec<Balance>),
              (status = "default", description = "A problem", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["read"])))]
pub async fn wallet(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> ApiResult<axum::Json<Vec<Balance>>> {
    let w = statements::overview(&state.pool, caller.id(), "none", &caller.zone()).await?;
    Ok(axum::Json(
        w.balances
            .into_iter()
            .map(|b| Balance {
                available: b.available.into(),
                in_escrow: b.in_escrow.into(),
                pending_withdrawals: b.pending_withdrawals.into(),
                incoming: b.incoming.into(),
            })
            .collect(),
    ))
}

/// A movement of the caller's money.
#[derive(Debug, Serialize, ToSchema)]
pub struct Movement {
    /// When, in the caller's time zone.
    pub at: String,
    pub what: String,
    /// Signed: money in is positive.
    pub amount: Amount,
    pub booking_id: Option<Uuid>,
    /// The printable receipt's address on the site, when the line has one.
    pub receipt: Option<String>,
}

/// The caller's wallet history, newest first, 20 to a page.
#[utoipa::path(get, path = "/api/v1/wallet/history", tag = "wallet", params(CursorQuery),
    responses((status = 200, description = "A page of movements", body = Page<Movement>),
              (status = "default", description = "A problem", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["read"])))]
pub async fn wallet_history(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<CursorQuery>,
) -> ApiResult<axum::Json<Page<Movement>>> {
    let size = statements::HISTORY_PAGE;
    let page = page_of(&q, size)?;
    let h = statements::history(&state.pool, caller.id(), page, &caller.zone()).await?;
    Ok(axum::Json(Page {
        items: h
            .items
            .into_iter()
            .map(|i| Movement {
                at: i.at,
                what: i.what,
                amount: i.amount.into(),
                booking_id: i.booking_id.map(|b| b.0),
                receipt: i.receipt,
            })
            .collect(),
        next_cursor: next_page(page, size, h.has_more),
    }))
}

/// Something the caller was told.
#[derive(Debug, Serialize, ToSchema)]
pub struct Notification {
    pub id: i64,
    /// What happened (booking_requested, message, review_received …).
    pub kind: String,
    pub title: String,
    pub body: String,
    /// Where it leads on the site, or empty.
    pub link: String,
    pub at: String,
    pub read: bool,
}

/// The caller's notifications, newest first, 50 to a page.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "notifications", params(CursorQuery),
    responses((status = 200, description = "A page of notifications", body = Page<Notification>),
              (status = "default", description = "A problem", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["read"])))]
pub async fn list_notifications(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<CursorQuery>,
) -> ApiResult<axum::Json<Page<Notification>>> {
    let size = notifications::PAGE_SIZE;
    let page = page_of(&q, size)?;
    if page > 1000 {
        return Err(bad_param(
            "cursor",
            "Older notifications are not kept in pages this far.",
        ));
    }
    let list = notifications::list(&state.pool, caller.id(), page, &caller.zone()).await?;
    let more = i64::try_from(list.len()).unwrap_or(0) >= size;
    Ok(axum::Json(Page {
        items: list
            .into_iter()
            .map(|n| Notification {
                id: n.id,
                kind: n.kind.code().to_string(),
                title: n.title,
                body: n.body,
                link: n.link,
                at: n.at,
                read: n.read,
            })
            .collect(),
        next_cursor: next_page(page, size, more),
    }))
}

/// Which notifications to mark read.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReadInput {
    /// One notification; absent: all of them.
    pub id: Option<i64>,
}

/// Marks one notification read, or all.
#[utoipa::path(post, path = "/api/v1/notifications/read", tag = "notifications", request_body = ReadInput,
    responses((status = 204, description = "Marked read"),
              (status = "default", description = "A problem", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["write"])))]
pub async fn read_notifications(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Json(r): Json<ReadInput>,
) -> ApiResult<StatusCode> {
    notifications::mark_read(&state.pool, caller.id(), r.id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A conversation about a parcel and a trip, in the inbox.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConversationSummary {
    pub id: Uuid,
    pub other_name: String,
    pub about: String,
    /// The last message, masked before a booking between the two is accepted.
    pub last_message: String,
    pub last_at: String,
    pub unread: i64,
}

/// The caller's conversations, newest activity first.
#[utoipa::path(get, path = "/api/v1/conversations", tag = "chat", params(PageQuery),
    responses((status = 200, description = "A page of conversations", body = Page<ConversationSummary>),
              (status = "default", description = "A problem", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["read"])))]
pub async fn inbox(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<PageQuery>,
) -> ApiResult<axum::Json<Page<ConversationSummary>>> {
    let all = chat::inbox(&state.pool, caller.id(), &caller.zone()).await?;
    let items = all
        .into_iter()
        .map(|c| ConversationSummary {
            id: c.id,
            other_name: c.other_name,
            about: c.about,
            last_message: c.last_message,
            last_at: c.last_at,
            unread: c.unread,
        })
        .collect();
    Ok(axum::Json(Page::slice(items, &q)?))
}

/// A message.
#[derive(Debug, Serialize, ToSchema)]
pub struct Message {
    pub id: i64,
    /// The caller wrote it.
    pub mine: bool,
    pub author: String,
    /// As shown: phone numbers, emails and links masked before a booking is accepted.
    pub body: String,
    pub masked: bool,
    pub at: String,
    /// On the caller's own messages the other side has read: when.
    pub seen: Option<String>,
}

/// A conversation with its messages (opening it marks the other side's messages read).
#[derive(Debug, Serialize, ToSchema)]
pub struct Conversation {
    pub id: Uuid,
    pub parcel_id: Uuid,
    pub parcel_title: String,
    pub trip_id: Uuid,
    pub route: String,
    pub other_id: Uuid,
    pub other_name: String,
    pub masking: bool,
    pub messages: Vec<Message>,
}

async fn conversation(state: &AppState, caller: &Caller, id: Uuid) -> ApiResult<Conversation> {
    let c = chat::open(&state.pool, caller.id(), id, &caller.zone()).await?;
    Ok(Conversation {
        id: c.id,
        parcel_id: c.parcel.0,
        parcel_title: c.parcel_title,
        trip_id: c.trip.0,
        route: c.route,
        other_id: c.other_id.0,
        other_name: c.other_name,
        masking: c.masking,
        messages: c
            .messages
            .into_iter()
            .map(|m| Message {
                id: m.id,
                mine: m.mine,
                author: m.author,
                body: m.body,
                masked: m.masked,
                at: m.at,
                seen: m.seen,
            })
            .collect(),
    })
}

/// One of the caller's conversations. Anyone else's is not found.
#[utoipa::path(get, path = "/api/v1/conversations/{id}", tag = "chat",
    params(("id" = Uuid, Path, description = "The conversation")),
    responses((status = 200, description = "The conversation", body = Conversation),
              (status = "default", description = "A problem", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["read"])))]
pub async fn get_conversation(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<Conversation>> {
    Ok(axum::Json(conversation(&state, &caller, id).await?))
}

/// The parcel and trip to ask about.
#[derive(Debug, Deserialize, ToSchema)]
pub struct StartInput {
    pub parcel_id: Uuid,
    pub trip_id: Uuid,
}

/// Opens the conversation of a parcel and a trip (or finds the open one). Only the parcel's
/// sender and the trip's traveler may.
#[utoipa::path(post, path = "/api/v1/conversations", tag = "chat", request_body = StartInput,
    responses((status = 200, description = "The conversation", body = Conversation),
              (status = "default", description = "A problem", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["write"])))]
pub async fn start_conversation(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Json(s): Json<StartInput>,
) -> ApiResult<axum::Json<Conversation>> {
    let id = chat::start(
        &state.pool,
        caller.id(),
        ParcelId(s.parcel_id),
        TripId(s.trip_id),
    )
    .await?;
    Ok(axum::Json(conversation(&state, &caller, id).await?))
}

/// A message to send.
#[derive(Debug, Deserialize, ToSchema)]
pub struct MessageInput {
    /// Up to 4,000 characters.
    pub body: String,
}

/// The id of a message sent.
#[derive(Debug, Serialize, ToSchema)]
pub struct Sent {
    pub id: i64,
}

/// Sends a message (30 a minute at most). The other side's open pages and event streams get
/// it at once, on every instance.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/messages", tag = "chat", request_body = MessageInput,
    params(("id" = Uuid, Path, description = "The conversation")),
    responses((status = 201, description = "Sent", body = Sent),
              (status = "default", description = "A problem", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["write"])))]
pub async fn send_message(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<Uuid>,
    Json(m): Json<MessageInput>,
) -> ApiResult<(StatusCode, axum::Json<Sent>)> {
    let id = chat::send(&state.pool, caller.id(), id, &m.body, None).await?;
    Ok((StatusCode::CREATED, axum::Json(Sent { id })))
}
