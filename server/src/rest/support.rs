//! What the API's handlers share: who is calling, cursors, money as the API writes it, and the
//! `Idempotency-Key` of money-moving requests.

use super::problem::{ApiError, ApiResult, Problem};
use app::server::money::idem;
use app::types::accounts::{CurrentUser, TokenScope};
use app::types::{Money, UserId};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::Engine as _;
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use sqlx::PgPool;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// The member a request's bearer token acts for (put in the request by the API's middleware).
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: CurrentUser,
    pub token: Uuid,
    pub scopes: Vec<TokenScope>,
}

impl Caller {
    pub fn id(&self) -> UserId {
        self.user.id
    }

    /// The zone times are shown in: the member's, else UTC.
    pub fn zone(&self) -> String {
        self.user.time_zone.clone().unwrap_or_else(|| "UTC".into())
    }
}

/// An amount in a currency's minor unit (cents), never a float.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Amount {
    /// In the currency's minor unit: 1050 is 10.50 EUR; 656 is 656 XOF (no minor unit).
    pub minor: i64,
    /// ISO 4217 code.
    pub currency: String,
    /// As people read it: "10.50 EUR".
    pub display: String,
}

impl From<Money> for Amount {
    fn from(m: Money) -> Amount {
        Amount {
            minor: m.minor,
            currency: m.currency.code().to_string(),
            display: m.to_string(),
        }
    }
}

/// How many items a page holds at most.
pub const MAX_LIMIT: usize = 100;
pub const DEFAULT_LIMIT: usize = 20;

/// Where a list continues: the opaque `next_cursor` of the page before, and a page size.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// `next_cursor` from the previous page; leave out for the first page.
    #[param(pattern = "^[A-Za-z0-9_-]{1,64}$")]
    pub cursor: Option<String>,
    /// Items per page, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

impl PageQuery {
    pub fn limit(&self) -> ApiResult<usize> {
        match self.limit {
            None => Ok(DEFAULT_LIMIT),
            Some(n) if (1..=100).contains(&n) => Ok(usize::try_from(n).unwrap_or(DEFAULT_LIMIT)),
            Some(_) => Err(bad_param("limit", "A page holds 1 to 100 items.")),
        }
    }

    /// How many items came before this page.
    pub fn offset(&self) -> ApiResult<usize> {
        match self.cursor.as_deref() {
            None => Ok(0),
            Some(c) => decode_cursor(c).ok_or_else(|| {
                bad_param(
                    "cursor",
                    "This cursor is not one we gave out: start from the first page.",
                )
            }),
        }
    }
}

/// Where a list of fixed-size pages continues.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CursorQuery {
    /// `next_cursor` from the previous page; leave out for the first page.
    #[param(pattern = "^[A-Za-z0-9_-]{1,64}$")]
    pub cursor: Option<String>,
}

impl CursorQuery {
    pub fn offset(&self) -> ApiResult<usize> {
        PageQuery {
            cursor: self.cursor.clone(),
            limit: None,
        }
        .offset()
    }
}

/// Cursors are opaque to clients (today they hold the position in the list; that may change,
/// so clients pass back what they were given). One that does not decode is refused.
pub fn encode_cursor(offset: usize) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("o{offset}"))
}

fn decode_cursor(c: &str) -> Option<usize> {
    if c.len() > 64 {
        return None;
    }
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(c.as_bytes())
        .ok()?;
    let s = std::str::from_utf8(&raw).ok()?;
    let n: usize = s.strip_prefix('o')?.parse().ok()?;
    (n <= 1_000_000).then_some(n)
}

pub fn bad_param(field: &str, message: &str) -> ApiError {
    Problem::from(app::error::AppError::validation(field, message)).into()
}

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// The page of `all` a query asks for (lists the services read whole: a member's own).
    pub fn slice(all: Vec<T>, q: &PageQuery) -> ApiResult<Page<T>> {
        let (offset, limit) = (q.offset()?, q.limit()?);
        let more = all.len() > offset + limit;
        Ok(Page {
            items: all.into_iter().skip(offset).take(limit).collect(),
            next_cursor: more.then(|| encode_cursor(offset + limit)),
        })
    }
}

/// The `Idempotency-Key` of a request, checked: 8 to 100 letters, digits, `-` or `_`.
pub fn idempotency_key(headers: &HeaderMap) -> ApiResult<Option<String>> {
    let Some(v) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let key = v.to_str().unwrap_or("").to_string();
    idem::check_key(&key).map_err(|_| {
        bad_param(
            "Idempotency-Key",
            "An Idempotency-Key is 8 to 100 letters, digits, '-' or '_' (a UUID will do).",
        )
    })?;
    Ok(Some(key))
}

/// A stored answer: what a retry with the same key gets back.
#[derive(Serialize, Deserialize)]
struct Stored {
    status: u16,
    body: serde_json::Value,
}

/// Runs a money-moving request once per `Idempotency-Key`: the key is claimed in a transaction
/// held while `work` runs, and its answer stored there; a retry with the key waits for the first
/// to finish and gets its answer again, without doing anything. A request that failed leaves no
/// claim (a retry runs for real). Without a key, `work` just runs (the services' own rules keep
/// a repeated answer, confirmation or code from moving money twice).
pub async fn once<T, F, Fut>(
    pool: &PgPool,
    caller: &Caller,
    key: Option<String>,
    scope: &str,
    status: StatusCode,
    work: F,
) -> ApiResult<Response>
where
    T: Serialize + DeserializeOwned,
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = ApiResult<T>>,
{
    let Some(key) = key else {
        let value = work().await?;
        return Ok((status, Json(value)).into_response());
    };
    let scope = format!("api:{scope}");
    let mut tx = pool.begin().await.map_err(app::error::AppError::from)?;
    if let Some(done) = idem::claim::<Stored>(&mut tx, caller.id(), &key, &scope).await? {
        let code = StatusCode::from_u16(done.status).unwrap_or(StatusCode::OK);
        let mut res = (code, Json(done.body)).into_response();
        res.headers_mut().insert(
            "idempotent-replayed",
            axum::http::HeaderValue::from_static("true"),
        );
        return Ok(res);
    }
    let value = work().await?;
    let body = serde_json::to_value(&value).map_err(app::error::AppError::internal)?;
    let stored = Stored {
        status: status.as_u16(),
        body,
    };
    idem::answer(&mut tx, caller.id(), &key, &stored).await?;
    tx.commit().await.map_err(app::error::AppError::from)?;
    Ok((status, Json(value)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_what_we_did_not_give() {
        assert_eq!(decode_cursor(&encode_cursor(40)), Some(40));
        assert_eq!(decode_cursor("bm90LWEtY3Vyc29y"), None);
        assert_eq!(decode_cursor("%%%"), None);
        let q = PageQuery {
            cursor: Some(encode_cursor(2)),
            limit: Some(2),
        };
        let p = Page::slice(vec![1, 2, 3, 4, 5], &q).unwrap();
        assert_eq!(p.items, vec![3, 4]);
        assert_eq!(p.next_cursor, Some(encode_cursor(4)));
        let last = Page::slice(vec![1, 2, 3, 4], &q).unwrap();
        assert_eq!(last.next_cursor, None);
        assert!(PageQuery {
            cursor: None,
            limit: Some(0)
        }
        .limit()
        .is_err());
    }
}
