//! Every way the API refuses or fails a request, and the one answer shape
//! they all take: play.rust-lang.org's JSON, with `result` saying what is
//! wrong (book.js shows it) and `error` set.

use std::fmt;
use std::time::Duration;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::wire::EvaluateResponse;

/// A request the server will not (or could not) run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// Wrong Host, cross-site, or a foreign Origin (403).
    Forbidden(String),
    /// A method the route does not take (405); says which to use.
    MethodNotAllowed(&'static str),
    /// A body over the configured limit (413).
    TooLarge { limit_bytes: usize },
    /// Not `Content-Type: application/json` (415).
    NotJson,
    /// The body could not be read (its status, and why).
    Unreadable(StatusCode, String),
    /// Bad JSON or a bad field (400).
    BadRequest(String),
    /// Nothing of that name here, e.g. an exercise the book lacks (404).
    NotFound(String),
    /// Every run slot stayed taken for the queue timeout (503 + Retry-After).
    Busy { retry_after: Duration },
    /// The runner failed (500).
    Internal(String),
}

impl ApiError {
    fn status(&self) -> StatusCode {
        match self {
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::NotJson => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Unreadable(status, _) => *status,
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Forbidden(why) => write!(f, "refused: {why}"),
            ApiError::MethodNotAllowed(what) => write!(f, "{what}"),
            ApiError::TooLarge { limit_bytes } => {
                write!(f, "the request is too large (the limit is {} KiB of code)", limit_bytes / 1024)
            }
            ApiError::NotJson => write!(f, "send the request as Content-Type: application/json"),
            ApiError::Unreadable(_, why) => write!(f, "could not read the request: {why}"),
            ApiError::BadRequest(why) => write!(f, "bad request: {why}"),
            ApiError::NotFound(why) => write!(f, "{why}"),
            ApiError::Busy { .. } => {
                write!(f, "the playground is busy running other snippets; try again in a few seconds")
            }
            ApiError::Internal(why) => write!(f, "the playground failed: {why}"),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let message = self.to_string();
        let body = EvaluateResponse { result: message.clone(), error: Some(message) };
        let mut resp = (self.status(), axum::Json(body)).into_response();
        if let ApiError::Busy { retry_after } = self {
            let secs = retry_after.as_secs().max(1).to_string();
            resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_str(&secs).expect("digits"));
        }
        resp
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busy_answers_carry_retry_after() {
        let resp = ApiError::Busy { retry_after: Duration::from_secs(2) }.into_response();
        assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(resp.headers().get(header::RETRY_AFTER).unwrap(), "2");
        assert_eq!(resp.headers().get(header::CONTENT_TYPE).unwrap(), "application/json");
    }

    #[test]
    fn the_size_message_uses_the_configured_limit() {
        assert_eq!(
            ApiError::TooLarge { limit_bytes: 64 * 1024 }.to_string(),
            "the request is too large (the limit is 64 KiB of code)"
        );
        assert_eq!(
            ApiError::TooLarge { limit_bytes: 1 }.into_response().status(),
            StatusCode::PAYLOAD_TOO_LARGE
        );
    }
}
