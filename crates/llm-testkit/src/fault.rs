//! Scriptable faults: error statuses, latency, broken streams.

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use hyper::header::{HeaderName, HeaderValue};
use hyper::StatusCode;

/// A scripted misbehaviour, armed on an emulator with `fail_next`.
///
/// A fault fires once by default; [`Fault::times`] makes it fire on the next *n* matching
/// requests (then the emulator answers normally again) and [`Fault::always`] on every one.
/// [`Fault::path`] limits it to one request path. Faults fire in the order they were armed.
///
/// Status and delay faults fire before authentication and validation, like a proxy or an
/// overloaded server would. Stream faults ([`Fault::cut_stream_after`],
/// [`Fault::malformed_chunk`], [`Fault::stall_stream_after`]) fire only on a response that is
/// actually streamed; a plain JSON answer leaves them armed.
///
/// # Example
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use std::time::Duration;
/// use llm_testkit::{Fault, PeakPrivacyEmulator};
///
/// let server = PeakPrivacyEmulator::start().await;
/// // Two 503 answers with a Retry-After hint, then normal service.
/// server.fail_next(Fault::status(503).retry_after(Duration::from_secs(1)).times(2));
/// // A rate limit on the models endpoint only, with a custom header.
/// server.fail_next(Fault::status(429).header("x-ratelimit-remaining", "0").path("/v1/ai/models"));
/// // The next stream breaks after three events.
/// server.fail_next(Fault::cut_stream_after(3));
/// # }
/// ```
#[derive(Debug, Clone)]
#[must_use = "a fault does nothing until it is passed to `fail_next`"]
pub struct Fault {
    pub(crate) action: Action,
    pub(crate) delay: Option<Duration>,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) body: Option<String>,
    times: Option<usize>,
    path: Option<String>,
}

/// What a fault does once its delay (if any) has passed.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Action {
    /// Nothing: only the delay applies, then the request is served normally.
    Pass,
    /// Answer with this status and an error body.
    Status(StatusCode),
    /// Break the next streamed response.
    Stream(StreamFault),
}

/// How a stream fault breaks a streamed response.
#[derive(Debug, Clone, Copy)]
pub(crate) enum StreamFault {
    /// After this many events, abort the connection mid-body.
    Cut(usize),
    /// After this many events, insert a `data: {not json` event.
    Malformed(usize),
    /// After this many events, pause this long.
    Stall(usize, Duration),
}

impl Fault {
    fn new(action: Action) -> Self {
        Self {
            action,
            delay: None,
            headers: Vec::new(),
            body: None,
            times: Some(1),
            path: None,
        }
    }

    /// Answer with this HTTP status and the realistic error body for it, e.g. 403
    /// `{"error":"Subscription amount limit has been reached"}`, 413
    /// `{"error":"Request Entity Too Large"}`, 500 `{"error":"Server Error"}`, 502 an HTML page
    /// as a proxy would send. Override it with [`Fault::body`].
    ///
    /// # Panics
    ///
    /// Panics if `status` is not a valid HTTP status code (100..=999).
    ///
    /// ```
    /// let fault = llm_testkit::Fault::status(500);
    /// ```
    pub fn status(status: u16) -> Self {
        let status = StatusCode::from_u16(status)
            .unwrap_or_else(|_| panic!("Fault::status: {status} is not a valid HTTP status"));
        Self::new(Action::Status(status))
    }

    /// Wait this long before answering normally (use it to trigger client timeouts).
    ///
    /// ```
    /// let fault = llm_testkit::Fault::delay(std::time::Duration::from_millis(200));
    /// ```
    pub fn delay(delay: Duration) -> Self {
        Self::new(Action::Pass).delayed_by(delay)
    }

    /// On the next streamed response, send `events` events and then abort the TCP connection
    /// without finishing the chunked body, so the client sees a body error.
    ///
    /// ```
    /// let fault = llm_testkit::Fault::cut_stream_after(2);
    /// ```
    pub fn cut_stream_after(events: usize) -> Self {
        Self::new(Action::Stream(StreamFault::Cut(events)))
    }

    /// On the next streamed response, send a `data: {not json` event after the first event.
    ///
    /// ```
    /// let fault = llm_testkit::Fault::malformed_chunk();
    /// ```
    pub fn malformed_chunk() -> Self {
        Self::malformed_chunk_after(1)
    }

    /// On the next streamed response, send a `data: {not json` event after `events` events.
    ///
    /// ```
    /// let fault = llm_testkit::Fault::malformed_chunk_after(0);
    /// ```
    pub fn malformed_chunk_after(events: usize) -> Self {
        Self::new(Action::Stream(StreamFault::Malformed(events)))
    }

    /// On the next streamed response, send `events` events and then pause for `pause` before
    /// the rest (use it to trigger a stream idle timeout).
    ///
    /// ```
    /// let fault = llm_testkit::Fault::stall_stream_after(1, std::time::Duration::from_secs(5));
    /// ```
    pub fn stall_stream_after(events: usize, pause: Duration) -> Self {
        Self::new(Action::Stream(StreamFault::Stall(events, pause)))
    }

    /// Also wait `delay` before the fault takes effect.
    ///
    /// ```
    /// let fault = llm_testkit::Fault::status(504).delayed_by(std::time::Duration::from_millis(50));
    /// ```
    pub fn delayed_by(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }

    /// Add a `Retry-After` header in whole seconds (rounded up) to a status fault.
    ///
    /// ```
    /// let fault = llm_testkit::Fault::status(429).retry_after(std::time::Duration::from_secs(2));
    /// ```
    pub fn retry_after(self, after: Duration) -> Self {
        let mut secs = after.as_secs();
        if after.subsec_nanos() > 0 {
            secs += 1;
        }
        self.header("retry-after", &secs.to_string())
    }

    /// Add a response header to a status fault; it replaces a default header of that name.
    ///
    /// # Panics
    ///
    /// Panics if `name` or `value` is not a valid HTTP header name or value.
    ///
    /// ```
    /// let fault = llm_testkit::Fault::status(503).header("x-should-retry", "true");
    /// ```
    pub fn header(mut self, name: &str, value: &str) -> Self {
        let name = HeaderName::from_bytes(name.as_bytes())
            .unwrap_or_else(|_| panic!("Fault::header: {name:?} is not a valid header name"));
        let value = HeaderValue::from_str(value)
            .unwrap_or_else(|_| panic!("Fault::header: {value:?} is not a valid header value"));
        self.headers.push((name, value));
        self
    }

    /// Replace the default error body of a status fault (sent as is; set a `content-type` with
    /// [`Fault::header`] if it is not JSON).
    ///
    /// ```
    /// let fault = llm_testkit::Fault::status(429).body(r#"{"message":"Too Many Attempts."}"#);
    /// ```
    pub fn body(mut self, body: impl Into<String>) -> Self {
        self.body = Some(body.into());
        self
    }

    /// Fire on the next `n` matching requests instead of one (`0` disarms the fault).
    ///
    /// ```
    /// let fault = llm_testkit::Fault::status(503).times(3);
    /// ```
    pub fn times(mut self, n: usize) -> Self {
        self.times = Some(n);
        self
    }

    /// Fire on every matching request until the faults are cleared.
    ///
    /// ```
    /// let fault = llm_testkit::Fault::status(500).always();
    /// ```
    pub fn always(mut self) -> Self {
        self.times = None;
        self
    }

    /// Fire only on requests to this exact path (e.g. `"/v1/embeddings"`; no query string).
    ///
    /// ```
    /// let fault = llm_testkit::Fault::status(500).path("/v1/ai/ping");
    /// ```
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }

    fn matches(&self, path: &str, streaming: bool) -> bool {
        let phase_ok = matches!(self.action, Action::Stream(_)) == streaming;
        let path_ok = self.path.as_deref().is_none_or(|p| p == path);
        phase_ok && path_ok && self.times != Some(0)
    }
}

/// The armed faults of one emulator, in arming order.
#[derive(Debug, Default)]
pub(crate) struct FaultQueue {
    faults: Mutex<Vec<Fault>>,
}

impl FaultQueue {
    pub(crate) fn push(&self, fault: Fault) {
        if fault.times != Some(0) {
            self.lock().push(fault);
        }
    }

    /// Takes the first armed status or delay fault for `path`.
    pub(crate) fn take_before(&self, path: &str) -> Option<Fault> {
        self.take(path, false)
    }

    /// Takes the first armed stream fault for `path`.
    pub(crate) fn take_stream(&self, path: &str) -> Option<Fault> {
        self.take(path, true)
    }

    pub(crate) fn pending(&self) -> usize {
        self.lock().len()
    }

    pub(crate) fn clear(&self) {
        self.lock().clear();
    }

    fn take(&self, path: &str, streaming: bool) -> Option<Fault> {
        let mut faults = self.lock();
        let index = faults.iter().position(|f| f.matches(path, streaming))?;
        let fault = &mut faults[index];
        match &mut fault.times {
            Some(n) if *n <= 1 => Some(faults.remove(index)),
            Some(n) => {
                *n -= 1;
                Some(fault.clone())
            }
            None => Some(fault.clone()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Fault>> {
        self.faults.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fires_n_times_then_stops() {
        let queue = FaultQueue::default();
        queue.push(Fault::status(503).times(2));
        assert!(queue.take_before("/a").is_some());
        assert!(queue.take_before("/a").is_some());
        assert!(queue.take_before("/a").is_none());
    }

    #[test]
    fn path_and_phase_are_respected() {
        let queue = FaultQueue::default();
        queue.push(Fault::cut_stream_after(1));
        queue.push(Fault::status(500).path("/b"));
        assert!(queue.take_before("/a").is_none());
        assert!(queue.take_before("/b").is_some());
        assert!(queue.take_stream("/a").is_some());
        assert_eq!(queue.pending(), 0);
    }

    #[test]
    fn retry_after_rounds_up() {
        let fault = Fault::status(429).retry_after(Duration::from_millis(1500));
        assert_eq!(fault.headers[0].1, "2");
    }

    #[test]
    fn zero_times_is_disarmed() {
        let queue = FaultQueue::default();
        queue.push(Fault::status(500).times(0));
        assert_eq!(queue.pending(), 0);
    }
}
