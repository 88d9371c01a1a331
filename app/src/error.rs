//! The one error type every server function returns.
//!
//! Users see clear messages; internal failures show only a reference (the request id), while the
//! details are logged on the server with that id.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
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
    #[error("Please log in to continue.")]
    Unauthenticated,
    #[error("You do not have permission to do that.")]
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
    #[error("Something went wrong on our side. Please try again. (Reference: {request_id})")]
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
                "Please correct the highlighted fields.".to_string()
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
                    "Some of the information sent was missing or not in the expected form."
                        .to_string(),
                )
            }
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => AppError::BadRequest(
                "Could not reach Carry. Check your connection and try again.".to_string(),
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

/// The id of the request being served (set by the server's request-id layer).
pub fn current_request_id() -> String {
    #[cfg(feature = "ssr")]
    {
        if let Some(parts) = leptos::prelude::use_context::<http::request::Parts>() {
            if let Some(id) = parts
                .headers
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
            {
                return id.to_string();
            }
        }
    }
    "unknown".to_string()
}
