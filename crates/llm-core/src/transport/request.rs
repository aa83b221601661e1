//! One API call, as a provider crate describes it to the transport.

use bytes::Bytes;
use reqwest::Method;
use serde::Serialize;

use crate::multipart::Multipart;
use crate::{Error, RequestOptions, Result};

/// A request relative to the client's base URL: method, path, optional JSON or
/// [`Multipart`] body and per-call [`RequestOptions`]. A JSON body is serialised once and
/// reused on every retry; a multipart body is rebuilt per attempt, and a request whose
/// multipart body streams from a reader is sent once and never retried.
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
    pub(crate) multipart: Option<Multipart>,
}

impl ApiRequest {
    /// A request with `method` to `path` (joined to the base URL; a leading `/` is ignored).
    pub fn new(method: Method, path: impl Into<String>) -> Self {
        Self {
            method,
            path: path.into(),
            body: None,
            options: RequestOptions::default(),
            multipart: None,
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

    /// A `PUT` request.
    ///
    /// ```
    /// assert_eq!(llm_core::ApiRequest::put("ai/assistants/1").method(), "PUT");
    /// ```
    pub fn put(path: impl Into<String>) -> Self {
        Self::new(Method::PUT, path)
    }

    /// A `DELETE` request.
    ///
    /// ```
    /// assert_eq!(llm_core::ApiRequest::delete("files/1").method(), "DELETE");
    /// ```
    pub fn delete(path: impl Into<String>) -> Self {
        Self::new(Method::DELETE, path)
    }

    /// Sets a `multipart/form-data` body (replacing a JSON body), sent with its
    /// `Content-Type` and, when every part's length is known, a `Content-Length`. Bytes
    /// and path parts are sent again on a retry; a request with a reader part is sent
    /// once and not retried (see [`Multipart`]).
    ///
    /// ```
    /// use llm_core::multipart::{FilePart, Multipart};
    /// use llm_core::ApiRequest;
    ///
    /// let form = Multipart::new().file("files[]", FilePart::from_bytes("a.txt", "alpha"));
    /// let req = ApiRequest::post("files").multipart(form);
    /// assert!(req.is_replayable());
    /// let form = Multipart::new().file("files[]", FilePart::from_reader("a.txt", &b"alpha"[..]));
    /// assert!(!ApiRequest::post("files").multipart(form).is_replayable());
    /// ```
    #[must_use]
    pub fn multipart(mut self, form: Multipart) -> Self {
        self.body = None;
        self.multipart = Some(form);
        self
    }

    /// Whether the body can be sent again on a retry (false only for a multipart body
    /// with a reader part).
    ///
    /// ```
    /// assert!(llm_core::ApiRequest::get("ai/models").is_replayable());
    /// ```
    pub fn is_replayable(&self) -> bool {
        self.multipart.as_ref().is_none_or(Multipart::is_replayable)
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
        self.multipart = None;
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
