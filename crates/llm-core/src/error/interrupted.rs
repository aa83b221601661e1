//! [`ErrorKind::StreamInterrupted`]: a stream that broke after it had delivered chunks,
//! carrying what was received. The partial answer's type belongs to the layer that
//! collected it (e.g. `unified::PartialResponse`), so it is stored type-erased here and read
//! back with [`Error::partial`].

use std::any::Any;
use std::fmt;

use reqwest::header::HeaderMap;

use super::{Error, ErrorKind};

/// A value attached to an error: any `Send + Sync + Debug` type, read back by type.
pub(super) trait PartialValue: Any + Send + Sync + fmt::Debug {
    /// The value as `Any`, for downcasting.
    fn as_any(&self) -> &dyn Any;
}

impl<T: Any + Send + Sync + fmt::Debug> PartialValue for T {
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl Error {
    /// A stream that broke after delivering chunks: an error of kind
    /// [`ErrorKind::StreamInterrupted`] whose `source()` is `cause`, carrying `partial` (what
    /// was received, of the caller's type) and the headers of the streamed response (so
    /// [`request_id`](Self::request_id) names the broken response; the cause's headers
    /// when `None`). [`is_retryable`](Self::is_retryable) follows the cause: re-sending the
    /// request makes sense after a reset connection or an idle timeout, not after a
    /// malformed chunk.
    ///
    /// ```
    /// use llm_core::{Error, ErrorKind};
    ///
    /// let cause = Error::with_message(ErrorKind::Connection, "connection reset");
    /// let err = Error::stream_interrupted("the stream broke after 2 chunks", cause, None, String::from("Hel"));
    /// assert_eq!(err.kind(), ErrorKind::StreamInterrupted);
    /// assert_eq!(err.partial::<String>().map(String::as_str), Some("Hel"));
    /// assert_eq!(err.interruption_cause().map(Error::kind), Some(ErrorKind::Connection));
    /// assert!(err.is_retryable());
    /// assert_eq!(err.to_string(), "stream interrupted: the stream broke after 2 chunks");
    /// ```
    pub fn stream_interrupted<P>(
        message: impl Into<String>,
        cause: Error,
        response_headers: Option<HeaderMap>,
        partial: P,
    ) -> Self
    where
        P: Any + Send + Sync + fmt::Debug,
    {
        let mut err = Self::with_message(ErrorKind::StreamInterrupted, message);
        err.inner.status = cause.inner.status;
        err.inner.retry_after = cause.inner.retry_after;
        err.inner.headers = response_headers.or_else(|| cause.inner.headers.clone());
        err.inner.partial = Some(Box::new(partial));
        err.inner.source = Some(Box::new(cause));
        err
    }

    /// What a [`StreamInterrupted`](ErrorKind::StreamInterrupted) error carries, when it is
    /// a `P` (`None` for other errors or another type).
    ///
    /// ```
    /// use llm_core::{Error, ErrorKind};
    /// let err = Error::stream_interrupted("cut", Error::timeout("idle"), None, 3_usize);
    /// assert_eq!(err.partial::<usize>(), Some(&3));
    /// assert_eq!(err.partial::<String>(), None);
    /// assert_eq!(Error::timeout("idle").partial::<usize>(), None);
    /// ```
    pub fn partial<P: Any>(&self) -> Option<&P> {
        self.inner.partial.as_deref()?.as_any().downcast_ref()
    }

    /// Why a [`StreamInterrupted`](ErrorKind::StreamInterrupted) stream broke (the same
    /// error as `source()`); `None` for other kinds.
    ///
    /// ```
    /// use llm_core::{Error, ErrorKind};
    /// let err = Error::stream_interrupted("cut", Error::timeout("idle"), None, ());
    /// assert!(err.interruption_cause().is_some_and(Error::is_timeout));
    /// assert!(Error::timeout("idle").interruption_cause().is_none());
    /// ```
    pub fn interruption_cause(&self) -> Option<&Error> {
        if self.inner.kind != ErrorKind::StreamInterrupted {
            return None;
        }
        self.inner.source.as_deref()?.downcast_ref::<Error>()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn request_id_retry_and_source() {
        let mut headers = HeaderMap::new();
        headers.insert("x-request-id", HeaderValue::from_static("req-7"));
        let cause = Error::decode("bad chunk", std::io::Error::other("x"));
        let err = Error::stream_interrupted("cut", cause, Some(headers), 1_u8);
        assert_eq!(err.request_id(), Some("req-7"));
        assert!(
            !err.is_retryable(),
            "a malformed chunk is not worth re-sending"
        );
        let source = std::error::Error::source(&err).unwrap();
        assert!(source.to_string().contains("bad chunk"));
        assert!(format!("{err:?}").contains("partial"));
    }
}
