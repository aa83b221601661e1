//! The category of an [`Error`](crate::Error).

use std::fmt;

/// What went wrong, in categories a caller can branch on.
///
/// The status mapping follows the original PeakPrivacy and AligneAI SDKs:
/// 400 [`BadRequest`](Self::BadRequest), 401 [`Authentication`](Self::Authentication),
/// 403 [`PermissionDenied`](Self::PermissionDenied) (or [`QuotaExceeded`](Self::QuotaExceeded)
/// when the body says a subscription limit was reached), 404 [`NotFound`](Self::NotFound),
/// 409 [`Conflict`](Self::Conflict), 413 [`PayloadTooLarge`](Self::PayloadTooLarge),
/// 422 [`UnprocessableEntity`](Self::UnprocessableEntity), 429 [`RateLimit`](Self::RateLimit),
/// >= 500 [`InternalServer`](Self::InternalServer).
///
/// New variants may be added in minor releases.
///
/// ```
/// use llm_core::{Error, ErrorKind};
///
/// fn describe(err: &Error) -> &'static str {
///     match err.kind() {
///         ErrorKind::RateLimit => "slow down",
///         ErrorKind::Authentication => "check the key",
///         _ => "something else",
///     }
/// }
/// assert_eq!(describe(&Error::missing_credential("MY_KEY")), "something else");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// HTTP 400: the server rejected the request as malformed.
    BadRequest,
    /// HTTP 401: the key is missing, wrong or expired, or the subscription is inactive.
    Authentication,
    /// HTTP 403: the key may not do this.
    PermissionDenied,
    /// The subscription's amount limit or quota is used up. Not retried: waiting does not
    /// help. Only explicit signals count: a 403 whose body is the documented
    /// "Subscription amount limit has been reached" (or carries a quota code such as
    /// `insufficient_quota`), or a 429 with such a code and no `Retry-After` hint. A 429
    /// that merely mentions a limit, or that says when to retry, is a
    /// [`RateLimit`](Self::RateLimit).
    QuotaExceeded,
    /// HTTP 404.
    NotFound,
    /// HTTP 409.
    Conflict,
    /// HTTP 408: the server timed out waiting for the request.
    RequestTimeout,
    /// HTTP 413: the request body is too large.
    PayloadTooLarge,
    /// HTTP 422: validation failed; see [`Error::field_errors`](crate::Error::field_errors).
    UnprocessableEntity,
    /// HTTP 429: too many requests.
    RateLimit,
    /// HTTP >= 500.
    InternalServer,
    /// Any other non-success HTTP status (for example an unfollowed 3xx redirect).
    UnexpectedStatus,
    /// Redirects could not be resolved: more than 10 same-origin redirects in a row (a
    /// redirect loop), or a redirect the HTTP client's policy refused. No final response
    /// arrived, so [`Error::status`](crate::Error::status) is `None`. Not retried: the
    /// server would answer the same way again.
    Redirect,
    /// No response: the connection could not be made, or broke before or while the body
    /// was read.
    Connection,
    /// A connect, request, stream-idle or total deadline elapsed.
    Timeout,
    /// The server answered with a success status but its body is an error object
    /// (`{"error": ...}` instead of the answer); the server's message is kept.
    ErrorPayload,
    /// The response arrived but could not be decoded (bad JSON, wrong shape, invalid UTF-8).
    Decode,
    /// A stream ended in the middle of an event or broke after events were delivered.
    Stream,
    /// A response or a single streamed event exceeded the configured size limit.
    ResponseTooLarge,
    /// The request was rejected before sending (invalid option, empty input, bad header).
    InvalidRequest,
    /// A required credential is missing; [`Error::env_var`](crate::Error::env_var) names
    /// the environment variable to set.
    MissingCredential,
    /// The client configuration is invalid (bad base URL, TLS set-up).
    Config,
    /// The provider or model does not support this operation.
    Unsupported,
    /// A middleware added with the builder's `middleware` setter failed the request (its
    /// error is the [`source`](std::error::Error::source)). Not retried: the middleware
    /// decided.
    Middleware,
    /// A stream broke after it had delivered chunks to the caller: the answer is partial.
    /// The error carries what was received ([`Error::partial`](crate::Error::partial)),
    /// the cause ([`Error::interruption_cause`](crate::Error::interruption_cause), also
    /// `source()`), the response's request id, and whether re-sending the request makes
    /// sense ([`Error::is_retryable`](crate::Error::is_retryable) follows the cause).
    /// Nothing retries or falls back after this: the caller has seen part of the answer.
    StreamInterrupted,
}

impl ErrorKind {
    /// The kind for an HTTP error status, before looking at the body.
    ///
    /// ```
    /// use llm_core::ErrorKind;
    /// assert_eq!(ErrorKind::from_status(429), ErrorKind::RateLimit);
    /// assert_eq!(ErrorKind::from_status(503), ErrorKind::InternalServer);
    /// ```
    pub fn from_status(status: u16) -> Self {
        match status {
            400 => Self::BadRequest,
            401 => Self::Authentication,
            403 => Self::PermissionDenied,
            404 => Self::NotFound,
            408 => Self::RequestTimeout,
            409 => Self::Conflict,
            413 => Self::PayloadTooLarge,
            422 => Self::UnprocessableEntity,
            429 => Self::RateLimit,
            500..=599 => Self::InternalServer,
            _ => Self::UnexpectedStatus,
        }
    }

    /// A stable `snake_case` identifier (`"rate_limit"`, `"authentication"`, ...): low
    /// cardinality, for metrics labels, span attributes (`error.type`) and exit-code tables.
    ///
    /// ```
    /// use llm_core::ErrorKind;
    /// assert_eq!(ErrorKind::RateLimit.code(), "rate_limit");
    /// assert_eq!(ErrorKind::from_status(503).code(), "internal_server");
    /// ```
    pub fn code(self) -> &'static str {
        match self {
            Self::BadRequest => "bad_request",
            Self::Authentication => "authentication",
            Self::PermissionDenied => "permission_denied",
            Self::QuotaExceeded => "quota_exceeded",
            Self::NotFound => "not_found",
            Self::Conflict => "conflict",
            Self::RequestTimeout => "request_timeout",
            Self::PayloadTooLarge => "payload_too_large",
            Self::UnprocessableEntity => "unprocessable_entity",
            Self::RateLimit => "rate_limit",
            Self::InternalServer => "internal_server",
            Self::UnexpectedStatus => "unexpected_status",
            Self::Redirect => "redirect",
            Self::Connection => "connection",
            Self::Timeout => "timeout",
            Self::ErrorPayload => "error_payload",
            Self::Decode => "decode",
            Self::Stream => "stream",
            Self::ResponseTooLarge => "response_too_large",
            Self::InvalidRequest => "invalid_request",
            Self::MissingCredential => "missing_credential",
            Self::Config => "config",
            Self::Unsupported => "unsupported",
            Self::StreamInterrupted => "stream_interrupted",
            Self::Middleware => "middleware",
        }
    }

    /// A short lowercase description, used by `Display`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BadRequest => "bad request",
            Self::Authentication => "authentication failed",
            Self::PermissionDenied => "permission denied",
            Self::QuotaExceeded => "quota exceeded",
            Self::NotFound => "not found",
            Self::Conflict => "conflict",
            Self::RequestTimeout => "request timeout",
            Self::PayloadTooLarge => "payload too large",
            Self::UnprocessableEntity => "unprocessable entity",
            Self::RateLimit => "rate limited",
            Self::InternalServer => "server error",
            Self::UnexpectedStatus => "unexpected status",
            Self::Redirect => "redirect error",
            Self::Connection => "connection error",
            Self::Timeout => "timed out",
            Self::ErrorPayload => "error in a success response",
            Self::Decode => "could not decode response",
            Self::Stream => "stream error",
            Self::ResponseTooLarge => "response too large",
            Self::InvalidRequest => "invalid request",
            Self::MissingCredential => "missing credential",
            Self::Config => "invalid configuration",
            Self::Unsupported => "unsupported",
            Self::StreamInterrupted => "stream interrupted",
            Self::Middleware => "middleware error",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
