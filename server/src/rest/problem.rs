//! Errors of the REST API as RFC 9457 problem details (`application/problem+json`), made from
//! the one `AppError` every service answers, with the request id that the logs carry.

use app::error::AppError;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

tokio::task_local! {
    /// The id of the request being answered (set by the API's middleware).
    pub static REQUEST_ID: String;
}

pub const CONTENT_TYPE: &str = "application/problem+json";

/// A field that broke a rule, and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldProblem {
    pub field: String,
    pub message: String,
}

/// What went wrong (RFC 9457).
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem (relative to the API documentation).
    #[serde(rename = "type")]
    pub kind: String,
    /// The kind of problem in a few words.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What happened, for a person to read.
    pub detail: String,
    /// The id of this request in the server's logs (also in the `x-request-id` header).
    pub request_id: String,
    /// For invalid input: each field that broke a rule.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
}

impl Problem {
    pub fn new(status: StatusCode, kind: &str, detail: impl Into<String>) -> Problem {
        Problem {
            kind: format!("/api/docs#problem-{kind}"),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            detail: detail.into(),
            request_id: REQUEST_ID.try_with(Clone::clone).unwrap_or_default(),
            errors: Vec::new(),
        }
    }

    /// An address the API does not have.
    pub fn not_found() -> Problem {
        Problem::new(
            StatusCode::NOT_FOUND,
            "no-such-route",
            "There is nothing at this address in the API. See /api/docs.",
        )
    }
}

impl From<AppError> for Problem {
    fn from(e: AppError) -> Problem {
        let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let kind = match &e {
            AppError::Validation { .. } => "invalid",
            AppError::Unauthenticated => "unauthenticated",
            AppError::Forbidden => "forbidden",
            AppError::NotFound(_) => "not-found",
            AppError::Conflict(_) => "conflict",
            AppError::TooManyRequests(_) => "too-many-requests",
            AppError::InsufficientFunds { .. } => "insufficient-funds",
            AppError::BadRequest(_) => "bad-request",
            AppError::Internal { .. } => "internal",
        };
        let mut p = Problem::new(status, kind, e.to_string());
        if let AppError::Validation { fields, .. } = e {
            p.errors = fields
                .into_iter()
                .map(|f| FieldProblem {
                    field: f.field,
                    message: f.message,
                })
                .collect();
        }
        p
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut res = (status, body).into_response();
        res.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
        if status == StatusCode::UNAUTHORIZED {
            res.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"carry\""),
            );
        }
        res
    }
}

/// A problem on its way out of a handler (boxed: results stay small).
#[derive(Debug)]
pub struct ApiError(pub Box<Problem>);

impl From<Problem> for ApiError {
    fn from(p: Problem) -> ApiError {
        ApiError(Box::new(p))
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> ApiError {
        Problem::from(e).into()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.into_response()
    }
}

/// What every handler answers: its value, or a problem.
pub type ApiResult<T> = Result<T, ApiError>;
