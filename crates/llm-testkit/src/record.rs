//! Recording of the requests an emulator receives.

use std::sync::{Mutex, PoisonError};

use bytes::Bytes;

/// One HTTP request as the emulator received it, kept so a test can assert what its code sent.
///
/// Every request is recorded, including the ones answered with an error or a scripted fault.
///
/// # Example
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use llm_testkit::PeakPrivacyEmulator;
///
/// let server = PeakPrivacyEmulator::start().await;
/// // ... run the code under test against `server.base_url()` ...
/// for request in server.requests() {
///     println!("{} {} sent {} body bytes", request.method(), request.path(), request.body().len());
/// }
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    method: String,
    path: String,
    query: Option<String>,
    headers: Vec<(String, String)>,
    body: Bytes,
}

impl RecordedRequest {
    pub(crate) fn new(
        method: String,
        path: String,
        query: Option<String>,
        headers: Vec<(String, String)>,
        body: Bytes,
    ) -> Self {
        Self {
            method,
            path,
            query,
            headers,
            body,
        }
    }

    /// The HTTP method, upper case (`"GET"`, `"POST"`).
    ///
    /// ```
    /// # fn check(request: &llm_testkit::RecordedRequest) {
    /// assert_eq!(request.method(), "POST");
    /// # }
    /// ```
    pub fn method(&self) -> &str {
        &self.method
    }

    /// The request path without the query string, e.g. `"/v1/ai/completions"`.
    ///
    /// ```
    /// # fn check(request: &llm_testkit::RecordedRequest) {
    /// assert_eq!(request.path(), "/v1/ai/completions");
    /// # }
    /// ```
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The raw query string (without `?`), if the request had one.
    ///
    /// ```
    /// # fn check(request: &llm_testkit::RecordedRequest) {
    /// assert_eq!(request.query(), None);
    /// # }
    /// ```
    pub fn query(&self) -> Option<&str> {
        self.query.as_deref()
    }

    /// All headers in the order received; names are lower case. Values that are not valid UTF-8
    /// are converted lossily.
    ///
    /// ```
    /// # fn check(request: &llm_testkit::RecordedRequest) {
    /// assert!(request.headers().iter().any(|(name, _)| name == "api-token"));
    /// # }
    /// ```
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// The first value of a header, looked up case-insensitively.
    ///
    /// ```
    /// # fn check(request: &llm_testkit::RecordedRequest) {
    /// assert_eq!(request.header("X-Requested-With"), Some("XMLHttpRequest"));
    /// # }
    /// ```
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The raw request body.
    ///
    /// ```
    /// # fn check(request: &llm_testkit::RecordedRequest) {
    /// assert!(request.body().is_empty());
    /// # }
    /// ```
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The body parsed as JSON, or `None` when it is empty or not valid JSON.
    ///
    /// ```
    /// # fn check(request: &llm_testkit::RecordedRequest) {
    /// let body = request.body_json().expect("a JSON body");
    /// assert_eq!(body["model"], "mistral-swiss");
    /// # }
    /// ```
    pub fn body_json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// Thread-safe log of received requests.
#[derive(Debug, Default)]
pub(crate) struct Recorder {
    requests: Mutex<Vec<RecordedRequest>>,
}

impl Recorder {
    pub(crate) fn push(&self, request: RecordedRequest) {
        self.lock().push(request);
    }

    pub(crate) fn snapshot(&self) -> Vec<RecordedRequest> {
        self.lock().clone()
    }

    pub(crate) fn len(&self) -> usize {
        self.lock().len()
    }

    pub(crate) fn clear(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<RecordedRequest>> {
        // A panic while holding the lock cannot leave the Vec half-updated; keep serving.
        self.requests.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
