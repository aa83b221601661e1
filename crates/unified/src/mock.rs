//! In-memory models for unit-testing code written against the traits, without a server:
//! scripted replies, errors and delays per call, streamed or not, with every call recorded.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use llm_core::reqwest::header::{HeaderMap, HeaderValue};
use llm_core::retry::{Sleep, TokioSleep};

use crate::{
    guard_stream, Capabilities, ChatChunk, ChatModel, ChatRequest, ChatResponse, ChatStream,
    EmbeddingModel, Embeddings, Error, ErrorKind, FinishReason, RawResponse, RequestOptions,
    Result, Role, Usage,
};

/// A scripted failure: an error of a kind, with the status, `Retry-After` hint and request id
/// a server would send. It becomes a real [`Error`] (built like a server response, so
/// [`Error::is_retryable`], [`Error::retry_after`], [`Error::status`] and
/// [`Error::request_id`] answer as for a provider).
///
/// ```
/// use std::time::Duration;
/// use unified::{ErrorKind, MockFailure};
///
/// let err = MockFailure::new(ErrorKind::RateLimit).retry_after(Duration::from_secs(1)).to_error();
/// assert_eq!(err.status(), Some(429));
/// assert_eq!(err.retry_after(), Some(Duration::from_secs(1)));
/// assert!(MockFailure::status(503).to_error().is_retryable());
/// assert!(MockFailure::new(ErrorKind::Connection).to_error().is_connect());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MockFailure {
    kind: ErrorKind,
    status: Option<u16>,
    retry_after: Option<Duration>,
    request_id: Option<String>,
    headers: Vec<(String, String)>,
}

impl MockFailure {
    /// A failure of `kind`; kinds that come from an HTTP status get the usual one (429 for
    /// [`ErrorKind::RateLimit`], 500 for [`ErrorKind::InternalServer`], 403 with a quota
    /// message for [`ErrorKind::QuotaExceeded`], ...).
    ///
    /// ```
    /// let err = unified::MockFailure::new(unified::ErrorKind::QuotaExceeded).to_error();
    /// assert_eq!((err.kind(), err.status()), (unified::ErrorKind::QuotaExceeded, Some(403)));
    /// ```
    pub fn new(kind: ErrorKind) -> Self {
        Self {
            kind,
            status: status_of(kind),
            retry_after: None,
            request_id: None,
            headers: Vec::new(),
        }
    }

    /// A failure with this HTTP status (its kind follows the status table).
    ///
    /// ```
    /// let err = unified::MockFailure::status(401).to_error();
    /// assert_eq!(err.kind(), unified::ErrorKind::Authentication);
    /// ```
    pub fn status(status: u16) -> Self {
        Self {
            kind: ErrorKind::from_status(status),
            status: Some(status),
            retry_after: None,
            request_id: None,
            headers: Vec::new(),
        }
    }

    /// Adds a server `Retry-After` hint (sent as `retry-after-ms`).
    ///
    /// ```
    /// use std::time::Duration;
    /// let err = unified::MockFailure::status(503).retry_after(Duration::from_millis(20)).to_error();
    /// assert_eq!(err.retry_after(), Some(Duration::from_millis(20)));
    /// ```
    #[must_use]
    pub fn retry_after(mut self, after: Duration) -> Self {
        self.retry_after = Some(after);
        self
    }

    /// Adds an `x-request-id`.
    ///
    /// ```
    /// let err = unified::MockFailure::status(500).request_id("req-1").to_error();
    /// assert_eq!(err.request_id(), Some("req-1"));
    /// ```
    #[must_use]
    pub fn request_id(mut self, id: impl Into<String>) -> Self {
        self.request_id = Some(id.into());
        self
    }

    /// Adds a response header (e.g. `x-should-retry: false`); an invalid name or value is
    /// left out. Only for failures with a status.
    ///
    /// ```
    /// let err = unified::MockFailure::status(503).header("x-should-retry", "false").to_error();
    /// assert!(!err.is_retryable());
    /// ```
    #[must_use]
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The kind of error this failure produces.
    ///
    /// ```
    /// assert_eq!(unified::MockFailure::status(503).kind(), unified::ErrorKind::InternalServer);
    /// ```
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The error, as a provider would return it.
    ///
    /// ```
    /// let err = unified::MockFailure::new(unified::ErrorKind::Timeout).to_error();
    /// assert!(err.is_timeout());
    /// ```
    pub fn to_error(&self) -> Error {
        let Some(status) = self.status else {
            return Error::with_message(self.kind, "mock failure");
        };
        let mut headers = HeaderMap::new();
        if let Some(after) = self.retry_after {
            let ms = after.as_millis().to_string();
            if let Ok(value) = HeaderValue::from_str(&ms) {
                headers.insert("retry-after-ms", value);
            }
        }
        if let Some(id) = self.request_id.as_deref() {
            if let Ok(value) = HeaderValue::from_str(id) {
                headers.insert("x-request-id", value);
            }
        }
        for (name, value) in &self.headers {
            if let (Ok(name), Ok(value)) = (
                llm_core::reqwest::header::HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(value),
            ) {
                headers.insert(name, value);
            }
        }
        let body: &[u8] = match self.kind {
            ErrorKind::QuotaExceeded => {
                br#"{"error":"Subscription amount limit has been reached"}"#
            }
            _ => br#"{"error":"mock failure"}"#,
        };
        Error::from_response(status, headers, body)
    }
}

/// The status a kind usually comes from.
fn status_of(kind: ErrorKind) -> Option<u16> {
    Some(match kind {
        ErrorKind::BadRequest => 400,
        ErrorKind::Authentication => 401,
        ErrorKind::PermissionDenied | ErrorKind::QuotaExceeded => 403,
        ErrorKind::NotFound => 404,
        ErrorKind::RequestTimeout => 408,
        ErrorKind::Conflict => 409,
        ErrorKind::PayloadTooLarge => 413,
        ErrorKind::UnprocessableEntity => 422,
        ErrorKind::RateLimit => 429,
        ErrorKind::InternalServer => 500,
        _ => return None,
    })
}

/// One scripted answer of a [`MockChatModel`]: a text, streamed pieces (optionally breaking
/// after them), or a failure; optionally after a delay.
///
/// | reply | `chat` | `chat_stream` |
/// |---|---|---|
/// | `text("a b")` | `"a b"` | the pieces `"a "`, `"b"`, then a final chunk with the finish reason |
/// | `stream(["a", "b"])` | `"ab"` | `"a"`, `"b"`, final chunk |
/// | `stream([..]).then_fail(kind)` | the error | the pieces, then the error ([`ErrorKind::StreamInterrupted`] after at least one piece) |
/// | `error(kind)` / `failure(..)` | the error | the error, from `chat_stream` itself |
///
/// ```
/// use std::time::Duration;
/// use unified::{ErrorKind, MockFailure, MockReply};
///
/// let replies = [
///     MockReply::error(ErrorKind::RateLimit),
///     MockReply::failure(MockFailure::status(503).retry_after(Duration::from_millis(5))),
///     MockReply::text("slow answer").delay(Duration::from_millis(50)),
///     MockReply::stream(["Hel", "lo"]).then_fail(ErrorKind::Connection),
/// ];
/// # let _ = replies;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MockReply {
    pieces: Vec<String>,
    failure: Option<MockFailure>,
    delay: Option<Duration>,
    request_id: Option<String>,
}

impl MockReply {
    /// Answers `text` (streamed word by word).
    ///
    /// ```
    /// let reply = unified::MockReply::text("Bern");
    /// # let _ = reply;
    /// ```
    pub fn text(text: impl Into<String>) -> Self {
        let text = text.into();
        Self::stream(text.split_inclusive(' ').map(str::to_owned))
    }

    /// Answers with exactly these streamed pieces (joined for `chat`).
    ///
    /// ```
    /// let reply = unified::MockReply::stream(["Ber", "n"]);
    /// # let _ = reply;
    /// ```
    pub fn stream<I, S>(pieces: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            pieces: pieces.into_iter().map(Into::into).collect(),
            failure: None,
            delay: None,
            request_id: None,
        }
    }

    /// Fails with an error of `kind` (see [`MockFailure::new`]).
    ///
    /// ```
    /// let reply = unified::MockReply::error(unified::ErrorKind::Authentication);
    /// # let _ = reply;
    /// ```
    pub fn error(kind: ErrorKind) -> Self {
        Self::failure(MockFailure::new(kind))
    }

    /// Fails with `failure` (status, `Retry-After`, request id).
    ///
    /// ```
    /// let reply = unified::MockReply::failure(unified::MockFailure::status(502));
    /// # let _ = reply;
    /// ```
    pub fn failure(failure: MockFailure) -> Self {
        Self {
            pieces: Vec::new(),
            failure: Some(failure),
            delay: None,
            request_id: None,
        }
    }

    /// After the pieces, the stream breaks with an error of `kind` (a plain `chat` call
    /// fails with it).
    ///
    /// ```
    /// let reply = unified::MockReply::stream(["Hel"]).then_fail(unified::ErrorKind::Timeout);
    /// # let _ = reply;
    /// ```
    #[must_use]
    pub fn then_fail(self, kind: ErrorKind) -> Self {
        self.then_failure(MockFailure::new(kind))
    }

    /// After the pieces, the stream breaks with `failure`.
    ///
    /// ```
    /// let reply = unified::MockReply::stream(["Hel"]).then_failure(unified::MockFailure::status(500));
    /// # let _ = reply;
    /// ```
    #[must_use]
    pub fn then_failure(mut self, failure: MockFailure) -> Self {
        self.failure = Some(failure);
        self
    }

    /// Waits `delay` (through the model's [`Sleep`]) before answering or failing.
    ///
    /// ```
    /// let reply = unified::MockReply::text("late").delay(std::time::Duration::from_millis(10));
    /// # let _ = reply;
    /// ```
    #[must_use]
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }

    /// The request id a broken stream of this reply reports.
    ///
    /// ```
    /// let reply = unified::MockReply::stream(["a"]).then_fail(unified::ErrorKind::Connection).request_id("req-9");
    /// # let _ = reply;
    /// ```
    #[must_use]
    pub fn request_id(mut self, id: impl Into<String>) -> Self {
        self.request_id = Some(id.into());
        self
    }

    fn text_of(&self) -> String {
        self.pieces.concat()
    }
}

/// One recorded call of a mock model.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct MockCall {
    /// The request (for an embedding model: a request whose messages are the inputs, as
    /// user messages).
    pub request: ChatRequest,
    /// The per-call options it was given.
    pub options: RequestOptions,
    /// True for `chat_stream`/`chat_stream_with`.
    pub streamed: bool,
}

#[derive(Debug, Default)]
struct MockState {
    script: VecDeque<MockReply>,
    calls: Vec<MockCall>,
}

/// A deterministic chat model for unit tests: answers from a script of [`MockReply`]s (one
/// per call, in order; clones share the script and the record), then with its default
/// answer: a fixed reply, or the echo `"You said: <last user message>"`. It records every
/// call with its options, streams word by word, and reports the model name it was given.
///
/// Delays go through an injectable [`Sleep`] (tokio's by default), so a test of retry or
/// fallback code runs without real waiting.
///
/// ```
/// use unified::{ChatModel, ChatRequest, ErrorKind, MockChatModel, MockReply};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let echo = MockChatModel::new();
/// assert_eq!(echo.chat(ChatRequest::user("hi")).await.unwrap().text, "You said: hi");
///
/// let flaky = MockChatModel::new()
///     .with_model("flaky-1")
///     .then(MockReply::error(ErrorKind::RateLimit))
///     .then(MockReply::text("second time lucky"));
/// assert!(flaky.chat(ChatRequest::user("hi")).await.unwrap_err().is_rate_limited());
/// let answer = flaky.chat(ChatRequest::user("hi")).await.unwrap();
/// assert_eq!((answer.text.as_str(), answer.model.as_str()), ("second time lucky", "flaky-1"));
/// assert_eq!(flaky.calls().len(), 2);
///
/// let failing = MockChatModel::new().fail_with(ErrorKind::Authentication);
/// assert_eq!(failing.chat(ChatRequest::user("hi")).await.unwrap_err().status(), Some(401));
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct MockChatModel {
    model: String,
    reply: Option<String>,
    failure: Option<MockFailure>,
    state: Arc<Mutex<MockState>>,
    sleep: Arc<dyn Sleep>,
}

impl Default for MockChatModel {
    fn default() -> Self {
        Self::new()
    }
}

impl MockChatModel {
    /// An echoing model named `mock-chat`.
    ///
    /// ```
    /// use unified::ChatModel;
    /// assert_eq!(unified::MockChatModel::new().model(), "mock-chat");
    /// ```
    pub fn new() -> Self {
        Self {
            model: "mock-chat".to_owned(),
            reply: None,
            failure: None,
            state: Arc::default(),
            sleep: Arc::new(TokioSleep),
        }
    }

    /// Names the model (what [`ChatModel::model`] and the responses report).
    ///
    /// ```
    /// use unified::ChatModel;
    /// assert_eq!(unified::MockChatModel::new().with_model("m-1").model(), "m-1");
    /// ```
    #[must_use]
    pub fn with_model(mut self, model: impl Into<String>) -> Self {
        self.model = model.into();
        self
    }

    /// The default answer, once the script is used up: always `text`.
    ///
    /// ```
    /// let model = unified::MockChatModel::new().reply("42");
    /// # let _ = model;
    /// ```
    #[must_use]
    pub fn reply(mut self, text: impl Into<String>) -> Self {
        self.reply = Some(text.into());
        self
    }

    /// The default answer, once the script is used up: an error of `kind` (see
    /// [`MockFailure::new`]).
    ///
    /// ```
    /// let model = unified::MockChatModel::new().fail_with(unified::ErrorKind::InternalServer);
    /// # let _ = model;
    /// ```
    #[must_use]
    pub fn fail_with(self, kind: ErrorKind) -> Self {
        self.fail_with_failure(MockFailure::new(kind))
    }

    /// The default answer, once the script is used up: `failure`.
    ///
    /// ```
    /// let model = unified::MockChatModel::new().fail_with_failure(unified::MockFailure::status(503));
    /// # let _ = model;
    /// ```
    #[must_use]
    pub fn fail_with_failure(mut self, failure: MockFailure) -> Self {
        self.failure = Some(failure);
        self
    }

    /// Appends `reply` to the script: the next unanswered call gets it.
    ///
    /// ```
    /// let model = unified::MockChatModel::new().then(unified::MockReply::text("first"));
    /// # let _ = model;
    /// ```
    #[must_use]
    pub fn then(self, reply: MockReply) -> Self {
        self.push(reply);
        self
    }

    /// Appends `reply` to the script of this model and its clones (for a model already
    /// handed to the code under test).
    ///
    /// ```
    /// let model = unified::MockChatModel::new();
    /// let shared = model.clone();
    /// model.push(unified::MockReply::text("later"));
    /// assert_eq!(shared.remaining(), 1);
    /// ```
    pub fn push(&self, reply: MockReply) {
        self.lock().script.push_back(reply);
    }

    /// How many scripted replies are left.
    ///
    /// ```
    /// assert_eq!(unified::MockChatModel::new().remaining(), 0);
    /// ```
    pub fn remaining(&self) -> usize {
        self.lock().script.len()
    }

    /// Replaces how delays are waited for (e.g. a recorder that returns at once).
    ///
    /// ```
    /// use std::sync::Arc;
    /// let model = unified::MockChatModel::new().sleep_impl(Arc::new(llm_core::retry::TokioSleep));
    /// # let _ = model;
    /// ```
    #[must_use]
    pub fn sleep_impl(mut self, sleep: Arc<dyn Sleep>) -> Self {
        self.sleep = sleep;
        self
    }

    /// Every call so far, in order, with its options.
    ///
    /// ```
    /// use unified::{ChatModel, ChatRequest, RequestOptions};
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> unified::Result<()> {
    /// let model = unified::MockChatModel::new();
    /// model.chat_with(ChatRequest::user("hi"), RequestOptions::new().max_retries(0)).await?;
    /// let calls = model.calls();
    /// assert_eq!(calls[0].options.get_max_retries(), Some(0));
    /// assert!(!calls[0].streamed);
    /// # Ok(()) }
    /// ```
    pub fn calls(&self) -> Vec<MockCall> {
        self.lock().calls.clone()
    }

    /// The requests received so far.
    ///
    /// ```
    /// use unified::{ChatModel, ChatRequest};
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> unified::Result<()> {
    /// let model = unified::MockChatModel::new();
    /// model.chat(ChatRequest::user("hi")).await?;
    /// assert_eq!(model.requests()[0].messages[0].content, "hi");
    /// # Ok(()) }
    /// ```
    pub fn requests(&self) -> Vec<ChatRequest> {
        self.lock()
            .calls
            .iter()
            .map(|c| c.request.clone())
            .collect()
    }

    /// How many calls were made.
    ///
    /// ```
    /// assert_eq!(unified::MockChatModel::new().call_count(), 0);
    /// ```
    pub fn call_count(&self) -> usize {
        self.lock().calls.len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, MockState> {
        // The state is plain data: a panic elsewhere cannot leave it inconsistent.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Records the call and picks its reply (the script first, then the default).
    async fn answer(
        &self,
        request: ChatRequest,
        options: RequestOptions,
        streamed: bool,
    ) -> Result<MockReply> {
        let reply = {
            let mut state = self.lock();
            state.calls.push(MockCall {
                request: request.clone(),
                options,
                streamed,
            });
            state.script.pop_front()
        };
        let reply = match reply {
            Some(reply) => reply,
            None => match &self.failure {
                Some(failure) => MockReply::failure(failure.clone()),
                None if request.messages.is_empty() => {
                    return Err(Error::invalid_request("messages must not be empty"))
                }
                None => MockReply::text(self.reply.clone().unwrap_or_else(|| echo(&request))),
            },
        };
        if let Some(delay) = reply.delay {
            self.sleep.sleep(delay).await;
        }
        Ok(reply)
    }

    fn model_for(&self, request: &ChatRequest) -> String {
        request.model.clone().unwrap_or_else(|| self.model.clone())
    }
}

fn echo(request: &ChatRequest) -> String {
    let last = request
        .messages
        .iter()
        .rev()
        .find(|m| m.role == Role::User)
        .map_or("", |m| m.content.as_str());
    format!("You said: {last}")
}

fn usage_for(text: &str) -> Usage {
    let words = u64::try_from(text.split_whitespace().count()).unwrap_or(u64::MAX);
    Usage::new(1, words, words.saturating_add(1))
}

#[async_trait]
impl ChatModel for MockChatModel {
    fn provider(&self) -> &'static str {
        "mock"
    }

    fn model(&self) -> &str {
        &self.model
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities::new().native_streaming(true).embeddings(true)
    }

    async fn chat(&self, request: ChatRequest) -> Result<ChatResponse> {
        self.chat_with(request, RequestOptions::new()).await
    }

    async fn chat_with(
        &self,
        request: ChatRequest,
        options: RequestOptions,
    ) -> Result<ChatResponse> {
        let model = self.model_for(&request);
        let reply = self.answer(request, options, false).await?;
        if let Some(failure) = &reply.failure {
            return Err(failure.to_error());
        }
        let text = reply.text_of();
        Ok(ChatResponse {
            usage: Some(usage_for(&text)),
            text,
            finish_reason: Some(FinishReason::Stop),
            provider: "mock".to_owned(),
            model,
            raw: RawResponse::None,
            meta: None,
        })
    }

    async fn chat_stream(&self, request: ChatRequest) -> Result<ChatStream> {
        self.chat_stream_with(request, RequestOptions::new()).await
    }

    async fn chat_stream_with(
        &self,
        request: ChatRequest,
        options: RequestOptions,
    ) -> Result<ChatStream> {
        let model = self.model_for(&request);
        let reply = self.answer(request, options, true).await?;
        let mut items: Vec<Result<ChatChunk>> = Vec::with_capacity(reply.pieces.len() + 1);
        match (&reply.failure, reply.pieces.is_empty()) {
            (Some(failure), true) => return Err(failure.to_error()),
            (Some(failure), false) => {
                items.extend(reply.pieces.iter().map(|p| Ok(ChatChunk::text(p.clone()))));
                items.push(Err(failure.to_error()));
            }
            (None, _) => {
                let text = reply.text_of();
                items.extend(reply.pieces.into_iter().map(|p| Ok(ChatChunk::text(p))));
                items.push(Ok(ChatChunk {
                    finish_reason: Some(FinishReason::Stop),
                    usage: Some(usage_for(&text)),
                    ..ChatChunk::default()
                }));
            }
        }
        let headers = reply.request_id.as_deref().and_then(|id| {
            let mut headers = HeaderMap::new();
            headers.insert("x-request-id", HeaderValue::from_str(id).ok()?);
            Some(headers)
        });
        let stream: ChatStream = Box::pin(futures_util::stream::iter(items));
        Ok(guard_stream(stream, "mock", &model, headers))
    }
}

/// A deterministic embedding model: the same text always gives the same unit vector of
/// the configured dimension; different texts give different vectors. Failures can be
/// scripted per call ([`then_error`](Self::then_error)), and calls are recorded.
///
/// ```
/// use unified::{EmbeddingModel, ErrorKind, MockEmbeddingModel};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> unified::Result<()> {
/// let model = MockEmbeddingModel::new(4).then_error(ErrorKind::InternalServer);
/// assert!(model.embed(vec!["x".into()]).await.is_err());
/// let a = model.embed(vec!["x".into(), "y".into(), "x".into()]).await?;
/// assert_eq!(a.vectors[0], a.vectors[2]);
/// assert_ne!(a.vectors[0], a.vectors[1]);
/// assert_eq!(model.calls().len(), 2);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct MockEmbeddingModel {
    dimensions: usize,
    model: String,
    failure: Option<MockFailure>,
    script: Arc<Mutex<VecDeque<Option<MockFailure>>>>,
    calls: Arc<Mutex<Vec<MockCall>>>,
}

impl MockEmbeddingModel {
    /// A model named `mock-embedding` producing vectors of `dimensions` floats.
    ///
    /// ```
    /// use unified::EmbeddingModel;
    /// assert_eq!(unified::MockEmbeddingModel::new(8).dimensions(), Some(8));
    /// ```
    pub fn new(dimensions: usize) -> Self {
        Self {
            dimensions,
            model: "mock-embedding".to_owned(),
            failure: None,
            script: Arc::default(),
            calls: Arc::default(),
        }
    }

    /// Names the model.
    ///
    /// ```
    /// use unified::EmbeddingModel;
    /// let model = unified::MockEmbeddingModel::new(8).with_model("emb-x");
    /// assert_eq!(model.model(), Some("emb-x"));
    /// ```
    #[must_use]
    pub fn with_model(mut self, model: impl Into<String>) -> Self {
        self.model = model.into();
        self
    }

    /// Fails every call (after the script) with an error of `kind`.
    ///
    /// ```
    /// let model = unified::MockEmbeddingModel::new(8).fail_with(unified::ErrorKind::RateLimit);
    /// # let _ = model;
    /// ```
    #[must_use]
    pub fn fail_with(mut self, kind: ErrorKind) -> Self {
        self.failure = Some(MockFailure::new(kind));
        self
    }

    /// Scripts the next unscripted call to fail with an error of `kind`.
    ///
    /// ```
    /// let model = unified::MockEmbeddingModel::new(8).then_error(unified::ErrorKind::Timeout);
    /// # let _ = model;
    /// ```
    #[must_use]
    pub fn then_error(self, kind: ErrorKind) -> Self {
        self.then_failure(MockFailure::new(kind))
    }

    /// Scripts the next unscripted call to fail with `failure`.
    ///
    /// ```
    /// let model = unified::MockEmbeddingModel::new(8).then_failure(unified::MockFailure::status(503));
    /// # let _ = model;
    /// ```
    #[must_use]
    pub fn then_failure(self, failure: MockFailure) -> Self {
        lock(&self.script).push_back(Some(failure));
        self
    }

    /// Scripts the next unscripted call to succeed (useful between failures).
    ///
    /// ```
    /// let model = unified::MockEmbeddingModel::new(8).then_ok();
    /// # let _ = model;
    /// ```
    #[must_use]
    pub fn then_ok(self) -> Self {
        lock(&self.script).push_back(None);
        self
    }

    /// Every call so far (the inputs as user messages), with its options.
    ///
    /// ```
    /// assert!(unified::MockEmbeddingModel::new(8).calls().is_empty());
    /// ```
    pub fn calls(&self) -> Vec<MockCall> {
        lock(&self.calls).clone()
    }

    /// The vector for one text.
    ///
    /// ```
    /// let v = unified::MockEmbeddingModel::new(3).vector("x");
    /// assert!((v.iter().map(|x| x * x).sum::<f32>() - 1.0).abs() < 1e-5);
    /// ```
    pub fn vector(&self, text: &str) -> Vec<f32> {
        // FNV-1a seeds a xorshift generator; the result is normalised to length 1.
        let mut state = text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        }) | 1;
        let mut v: Vec<f32> = (0..self.dimensions)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 40) as f32 / (1u64 << 24) as f32 - 0.5
            })
            .collect();
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        if norm > 0.0 {
            v.iter_mut().for_each(|x| *x /= norm);
        }
        v
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[async_trait]
impl EmbeddingModel for MockEmbeddingModel {
    fn provider(&self) -> &'static str {
        "mock"
    }

    fn model(&self) -> Option<&str> {
        Some(&self.model)
    }

    fn dimensions(&self) -> Option<usize> {
        Some(self.dimensions)
    }

    async fn embed(&self, inputs: Vec<String>) -> Result<Embeddings> {
        self.embed_with(inputs, RequestOptions::new()).await
    }

    async fn embed_with(&self, inputs: Vec<String>, options: RequestOptions) -> Result<Embeddings> {
        lock(&self.calls).push(MockCall {
            request: ChatRequest::new(inputs.iter().map(crate::Message::user).collect()),
            options,
            streamed: false,
        });
        let scripted = lock(&self.script).pop_front();
        if let Some(failure) = scripted.unwrap_or_else(|| self.failure.clone()) {
            return Err(failure.to_error());
        }
        if inputs.is_empty() {
            return Err(Error::invalid_request("inputs must not be empty"));
        }
        let mut out = Embeddings::new(inputs.iter().map(|t| self.vector(t)).collect());
        out.dimensions = self.dimensions;
        out.model = Some(self.model.clone());
        Ok(out)
    }
}
