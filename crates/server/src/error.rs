//! The service's one error type and its one table of (code, HTTP status).
//!
//! Every refusal is the spec's wire error object
//! `{"error": {"code", "message", "path"}}`. Input errors keep the engine's message
//! and field path (the caller needs them to fix the request); internal errors say
//! nothing about what went wrong inside. Nothing here logs: the access log records the
//! status only, never a message that could echo the input.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use carematch_core::ErrorKind;
use serde::Serialize;

/// Why a request was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ApiError {
    /// The engine refused the input (malformed JSON, invalid problem or plan), with its
    /// field path.
    Input(carematch_core::Error),
    /// The body is larger than the server's limit.
    TooLarge {
        /// The limit, bytes.
        limit: usize,
    },
    /// No valid API key (when the server requires one).
    Unauthorized,
    /// No such plan session (unknown or evicted id), or no such route.
    NotFound(&'static str),
    /// The method is not allowed on this route.
    MethodNotAllowed,
    /// A query parameter is not what the route takes.
    Query {
        /// The parameter, as a path (`/limit`).
        path: &'static str,
        /// What it must be.
        message: &'static str,
    },
    /// Every solve slot and queue place is taken: try again shortly.
    Saturated,
    /// This API key is over its rate: try again in `retry_after` seconds.
    TooManyRequests {
        /// Seconds until a request is allowed.
        retry_after: u64,
        /// The key's requests per second.
        limit: u32,
    },
    /// `If-Match` names another version than the session's (another client changed
    /// it): read it again.
    PreconditionFailed {
        /// The session's version now.
        current: i64,
    },
    /// An `Idempotency-Key` already used with another request.
    KeyReused,
    /// Another request with the same `Idempotency-Key` is being answered now.
    InProgress,
    /// Another request with the same `Idempotency-Key` won a race (internal: the kept
    /// answer is sent instead).
    Raced,
    /// The store failed; nothing was changed.
    Store,
    /// Something failed inside the service (a panic in a solve); the details are not
    /// shown.
    Internal,
}

/// The wire error object.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// The inside of [`ErrorBody`].
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code (see [`ApiError::code`]).
    pub code: &'static str,
    /// Human-readable message; for input errors it starts with the field path.
    pub message: String,
    /// JSON pointer to the offending field (`""`: the whole document).
    pub path: String,
}

impl ApiError {
    /// The table: stable code and HTTP status of each kind of refusal.
    ///
    /// ```
    /// use axum::http::StatusCode;
    /// use carematch_server::error::ApiError;
    /// assert_eq!(ApiError::Saturated.code(), ("saturated", StatusCode::SERVICE_UNAVAILABLE));
    /// ```
    pub fn code(&self) -> (&'static str, StatusCode) {
        match self {
            ApiError::Input(e) => match e.kind() {
                ErrorKind::MalformedJson => (e.kind().code(), StatusCode::BAD_REQUEST),
                _ => (e.kind().code(), StatusCode::UNPROCESSABLE_ENTITY),
            },
            ApiError::TooLarge { .. } => ("body_too_large", StatusCode::PAYLOAD_TOO_LARGE),
            ApiError::Unauthorized => ("unauthorized", StatusCode::UNAUTHORIZED),
            ApiError::NotFound(_) => ("not_found", StatusCode::NOT_FOUND),
            ApiError::MethodNotAllowed => ("method_not_allowed", StatusCode::METHOD_NOT_ALLOWED),
            ApiError::Query { .. } => ("invalid_query", StatusCode::BAD_REQUEST),
            ApiError::Saturated => ("saturated", StatusCode::SERVICE_UNAVAILABLE),
            ApiError::TooManyRequests { .. } => ("rate_limited", StatusCode::TOO_MANY_REQUESTS),
            ApiError::PreconditionFailed { .. } => {
                ("version_mismatch", StatusCode::PRECONDITION_FAILED)
            }
            ApiError::KeyReused => ("idempotency_key_reused", StatusCode::UNPROCESSABLE_ENTITY),
            ApiError::InProgress | ApiError::Raced => ("in_progress", StatusCode::CONFLICT),
            ApiError::Store => ("store_unavailable", StatusCode::SERVICE_UNAVAILABLE),
            ApiError::Internal => ("internal", StatusCode::INTERNAL_SERVER_ERROR),
        }
    }

    fn message(&self) -> (String, String) {
        match self {
            ApiError::Input(e) => (e.to_string(), e.path().pointer()),
            ApiError::TooLarge { limit } => (
                format!("the body is larger than {limit} bytes"),
                String::new(),
            ),
            ApiError::Unauthorized => ("a valid API key is required".into(), String::new()),
            ApiError::NotFound(what) => ((*what).into(), String::new()),
            ApiError::MethodNotAllowed => ("method not allowed".into(), String::new()),
            ApiError::Query { path, message } => (format!("{path}: {message}"), (*path).into()),
            ApiError::Saturated => (
                "the service is at capacity; retry shortly".into(),
                String::new(),
            ),
            ApiError::TooManyRequests { retry_after, limit } => (
                format!(
                    "this API key is over its {limit} requests a second; retry in {retry_after} s"
                ),
                String::new(),
            ),
            ApiError::PreconditionFailed { current } => (
                format!("If-Match: the session is at version {current}; read it again"),
                String::new(),
            ),
            ApiError::KeyReused => (
                "Idempotency-Key: already used with another request".into(),
                String::new(),
            ),
            ApiError::InProgress | ApiError::Raced => (
                "Idempotency-Key: a request with this key is being answered; retry shortly".into(),
                String::new(),
            ),
            ApiError::Store => (
                "the store is unavailable; nothing was changed, retry shortly".into(),
                String::new(),
            ),
            ApiError::Internal => ("internal error".into(), String::new()),
        }
    }
}

impl From<carematch_core::Error> for ApiError {
    fn from(e: carematch_core::Error) -> Self {
        ApiError::Input(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (code, status) = self.code();
        let (message, path) = self.message();
        let body = ErrorBody {
            error: ErrorDetail {
                code,
                message,
                path,
            },
        };
        let mut res = (status, axum::Json(body)).into_response();
        match self {
            ApiError::Saturated | ApiError::Store | ApiError::InProgress | ApiError::Raced => {
                res.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            }
            ApiError::TooManyRequests { retry_after, limit } => {
                let h = res.headers_mut();
                h.insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
                h.insert("ratelimit-limit", HeaderValue::from(limit));
                h.insert("ratelimit-remaining", HeaderValue::from_static("0"));
                h.insert("ratelimit-reset", HeaderValue::from(retry_after));
            }
            ApiError::PreconditionFailed { current } => {
                if let Ok(v) = HeaderValue::from_str(&crate::sessions::etag(current)) {
                    res.headers_mut().insert(header::ETAG, v);
                }
            }
            ApiError::Unauthorized => {
                res.headers_mut()
                    .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            _ => {}
        }
        res
    }
}
