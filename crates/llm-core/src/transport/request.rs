//! One API call, as a provider crate describes it to the transport.

use bytes::Bytes;
use reqwest::Method;
use serde::Serialize;

use crate::{Error, RequestOptions, Result};

/// A request relative to the client's base URL: method, path, optional JSON body and
/// per-call [`RequestOptions`]. The body is serialised once and reused on every retry.
///
/// ```
/// use llm_core::ApiRequest;
///
/// let req = ApiRequest::post("ai/completions")
///     .json(&serde_json::json!({"model": "mistral-swiss"}))
///     .unwrap();
/// assert_eq!(req.path(), "ai/completions");
/// ```
#[derive(Debug, Clone)]
pub struct ApiRequest {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) body: Option<Bytes>,
    pub(crate) options: RequestOptions,
}

impl ApiRequest {
    /// A request with `method` to `path` (joined to the base URL; a leading `/` is ignored).
    pub fn new(method: Method, path: impl Into<String>) -> Self {
        Self {
            method,
            path: path.into(),
            body: None,
            options: RequestOptions::default(),
        }
    }

    /// A `GET` request.
    pub fn get(path: impl Into<String>) -> Self {
        Self::new(Method::GET, path)
    }

    /// A `POST` request.
    pub fn post(path: impl Into<String>) -> Self {
        Self::new(Method::POST, path)
    }

    /// Sets a JSON body (sent with `Content-Type: application/json`).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest) when `body` cannot
    /// be serialised (e.g. a non-finite float).
    pub fn json<T: Serialize + ?Sized>(mut self, body: &T) -> Result<Self> {
        let bytes = serde_json::to_vec(body).map_err(|e| {
            Error::with_source(
                crate::ErrorKind::InvalidRequest,
                "the request body could not be serialised",
                e,
            )
        })?;
        self.body = Some(Bytes::from(bytes));
        Ok(self)
    }

    /// Sets the per-call options.
    #[must_use]
    pub fn options(mut self, options: RequestOptions) -> Self {
        self.options = options;
        self
    }

    /// The path relative to the base URL.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }
}
