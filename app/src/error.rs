//! The one error type every server function returns.
//!
//! Users see clear messages; internal failures show only a reference (the request id), while the
//! details are logged on the server with that id.

use crate::i18n::tr;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, IntoAppError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// A problem with one form field, shown next to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Input that breaks a rule. `values` echoes what the user typed (never secrets) so a form
    /// posted without JavaScript can be shown again filled in.
    #[error("{message}")]
    Validation {
        message: String,
        fields: Vec<FieldError>,
        values: Vec<(String, String)>,
    },
    #[error("{}", crate::i18n::tr("Please log in to continue."))]
    Unauthenticated,
    #[error("{}", crate::i18n::tr("You do not have permission to do that."))]
    Forbidden,
    #[error("{0}")]
    NotFound(String),
    /// A business rule refused the request (already used, expired, wrong state...).
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    TooManyRequests(String),
    /// The wallet lacks `short` to pay for what was asked; the page offers that top-up.
    #[error("{message}")]
    InsufficientFunds {
        message: String,
        short: crate::types::Money,
    },
    /// The request itself could not be read (missing or malformed fields).
    #[error("{0}")]
    BadRequest(String),
    #[error("{}", crate::trf!("Something went wrong on our side. Please try again. (Reference: {})", request_id))]
    Internal { request_id: String },
}

impl AppError {
    pub fn validation(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        AppError::Validation {
            message: message.clone(),
            fields: vec![FieldError {
                field: field.to_string(),
                message,
            }],
            values: Vec::new(),
        }
    }

    /// The message for one field, if this error has one.
    pub fn field(&self, name: &str) -> Option<String> {
        match self {
            AppError::Validation { fields, .. } => fields
                .iter()
                .find(|f| f.field == name)
                .map(|f| f.message.clone()),
            _ => None,
        }
    }

    /// What the user typed into `name`, echoed back by a validation error.
    pub fn value(&self, name: &str) -> Option<String> {
        match self {
            AppError::Validation { values, .. } => values
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone()),
            _ => None,
        }
    }

    /// Attach the (non-secret) values the user typed.
    pub fn with_values(mut self, typed: &[(&str, &str)]) -> Self {
        if let AppError::Validation { values, .. } = &mut self {
            *values = typed
                .iter()
                .map(|(k, v)| (k.to_string(), v.chars().take(500).collect()))
                .collect();
        }
        self
    }

    /// The HTTP status this error answers with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Validation { .. } => 422,
            AppError::Unauthenticated => 401,
            AppError::Forbidden => 403,
            AppError::NotFound(_) => 404,
            AppError::Conflict(_) => 409,
            AppError::TooManyRequests(_) => 429,
            AppError::InsufficientFunds { .. } => 402,
            AppError::BadRequest(_) => 400,
            AppError::Internal { .. } => 500,
        }
    }
}

/// Whether typed text has no control characters (line breaks and tabs allowed in `multiline`
/// text such as a description).
pub fn printable(text: &str, multiline: bool) -> bool {
    text.chars()
        .all(|c| !c.is_control() || (multiline && matches!(c, '\n' | '\r' | '\t')))
}

/// Collects field errors so a form reports every problem at once.
#[derive(Default)]
pub struct Problems(Vec<FieldError>);

impl Problems {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        if !self.0.iter().any(|f| f.field == field) {
            self.0.push(FieldError {
                field: field.to_string(),
                message: message.into(),
            });
        }
    }
    pub fn check(&mut self, ok: bool, field: &str, message: &str) {
        if !ok {
            self.add(field, message);
        }
    }
    pub fn into_result(self) -> Result<(), AppError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            let message = if self.0.len() == 1 {
                self.0[0].message.clone()
            } else {
                tr("Please correct the highlighted fields.").to_string()
            };
            Err(AppError::Validation {
                message,
                fields: self.0,
                values: Vec::new(),
            })
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::Deserialization(_) => {
                AppError::BadRequest(
                    crate::i18n::tr(
                        "Some of the information sent was missing or not in the expected form.",
                    )
                    .to_string(),
                )
            }
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => AppError::BadRequest(
                tr("Could not reach Carry. Check your connection and try again.").to_string(),
            ),
            other => {
                #[cfg(feature = "ssr")]
                tracing::error!(error = %other, "server function failure");
                #[cfg(not(feature = "ssr"))]
                let _ = other;
                AppError::Internal {
                    request_id: crate::error::current_request_id(),
                }
            }
        }
    }

    /// The error as sent: wrapped with the time and, on the server, a seal. A plain form post
    /// gets it back in the address of the page it returns to; the server refuses to render an
    /// address whose error it did not seal (see `sealed::verify`), so a crafted link cannot put
    /// words or values into a page.
    fn ser(&self) -> leptos::server_fn::Bytes {
        let error = serde_json::to_string(self).unwrap_or_else(|_| {
            r#"{"BadRequest":"Something could not be sent back."}"#.to_string()
        });
        #[cfg(feature = "ssr")]
        let wire = sealed::seal(error);
        #[cfg(not(feature = "ssr"))]
        let wire = sealed::Wire {
            error,
            at: 0,
            seal: String::new(),
        };
        leptos::server_fn::Bytes::from(serde_json::to_vec(&wire).unwrap_or_default())
    }

    fn de(data: leptos::server_fn::Bytes) -> Self {
        AppError::from_wire(&data).unwrap_or_else(|| {
            ServerFnErrorErr::Deserialization("an error in an unknown form".into()).into_app_error()
        })
    }
}

impl AppError {
    /// Reads an error as `ser` wrote it (or as plain JSON).
    pub fn from_wire(data: &[u8]) -> Option<AppError> {
        match serde_json::from_slice::<sealed::Wire>(data) {
            Ok(w) => serde_json::from_slice(w.error.as_bytes()).ok(),
            Err(_) => serde_json::from_slice(data).ok(),
        }
    }
}

/// The wire form of an error, and its seal: an HMAC of the time and the error with a key every
/// server instance shares.
pub mod sealed {
    use serde::{Deserialize, Serialize};

    /// How long a sealed error in an address stays good (a form post comes straight back).
    pub const LIFETIME_SECS: i64 = 15 * 60;

    #[derive(Debug, Serialize, Deserialize)]
    pub struct Wire {
        pub error: String,
        pub at: i64,
        pub seal: String,
    }

    #[cfg(feature = "ssr")]
    fn mac(key: &[u8; 32], at: i64, error: &str) -> Option<hmac::Hmac<sha2::Sha256>> {
        use hmac::Mac;
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key).ok()?;
        mac.update(at.to_string().as_bytes());
        mac.update(b".");
        mac.update(error.as_bytes());
        Some(mac)
    }

    /// Seals with the key of the app state in context (unsealed outside a request).
    #[cfg(feature = "ssr")]
    pub fn seal(error: String) -> Wire {
        use hmac::Mac;
        let at = time::OffsetDateTime::now_utc().unix_timestamp();
        let seal = leptos::prelude::use_context::<crate::server::AppState>()
            .and_then(|s| mac(&s.config.seal_key, at, &error))
            .map(|m| hex::encode(m.finalize().into_bytes()))
            .unwrap_or_default();
        Wire { error, at, seal }
    }

    /// Whether `data` is an error this server sealed within the last `LIFETIME_SECS`.
    #[cfg(feature = "ssr")]
    pub fn verify(data: &[u8], key: &[u8; 32], now: i64) -> bool {
        use hmac::Mac;
        let Ok(w) = serde_json::from_slice::<Wire>(data) else {
            return false;
        };
        let (Ok(sig), Some(m)) = (hex::decode(&w.seal), mac(key, w.at, &w.error)) else {
            return false;
        };
        (0..=LIFETIME_SECS).contains(&(now - w.at)) && m.verify_slice(&sig).is_ok()
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        let request_id = current_request_id();
        tracing::error!(error = %e, %request_id, "database error");
        AppError::Internal { request_id }
    }
}

impl AppError {
    /// An internal failure: log the detail, show the user only the reference.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        let request_id = current_request_id();
        tracing::error!(error = %detail, %request_id, "internal error");
        AppError::Internal { request_id }
    }
}

/// The id of the request being served (set by the server's request-id layer), or a fresh one
/// outside requests.
pub fn current_request_id() -> String {
    #[cfg(feature = "ssr")]
    {
        leptos::prelude::use_context::<http::request::Parts>()
            .and_then(|parts| {
                parts
                    .headers
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string)
            })
            // Outside a request (a background job, the sweep): a fresh reference, so the
            // message an admin sees and the log line with the details still name each other.
            .unwrap_or_else(|| format!("bg-{}", uuid::Uuid::new_v4().simple()))
    }
    #[cfg(not(feature = "ssr"))]
    "unknown".to_string()
}
