//! `POST ai/completions`: plain and streamed chat completions.

use llm_core::chat;

use crate::{ChatCompletion, ChatCompletionRequest, ChatCompletionStream, PeakPrivacy, RequestOptions, Result};

/// The path of chat completions.
const COMPLETIONS_PATH: &str = "ai/completions";

/// Chat completions, from [`Chat::completions`](crate::Chat::completions).
///
/// ```
/// let client = peakprivacy::PeakPrivacy::new("t")?;
/// let completions = client.chat().completions();
/// # let _ = completions; Ok::<(), peakprivacy::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Completions<'a> {
    client: &'a PeakPrivacy,
}

impl<'a> Completions<'a> {
    pub(crate) fn new(client: &'a PeakPrivacy) -> Self {
        Self { client }
    }

    /// Creates a chat completion (`POST ai/completions`).
    ///
    /// Retries follow the client's policy (connection errors, timeouts, 408, 409, 429 and
    /// 5xx; `Retry-After` honoured). Set an
    /// [`idempotency_key`](RequestOptions::idempotency_key) with
    /// [`create_with`](Self::create_with), or `max_retries(0)`, if a retried POST must not
    /// be paid twice.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest) before sending when
    /// the request is invalid (see [`ChatCompletionRequest::validate`]); otherwise any
    /// [`Error`](crate::Error) from the status table (401 `Authentication`, 403
    /// `PermissionDenied`/`QuotaExceeded`, 422 `UnprocessableEntity` with field errors, ...)
    /// or [`ErrorKind::Decode`](crate::ErrorKind::Decode) for an unexpected body.
    ///
    /// ```no_run
    /// use peakprivacy::{model_ids, ChatCompletionRequest, Message, PeakPrivacy};
    ///
    /// # async fn run() -> peakprivacy::Result<()> {
    /// let client = PeakPrivacy::from_env()?;
    /// let request = ChatCompletionRequest::new(
    ///     model_ids::MISTRAL_SWISS,
    ///     [Message::system("Be brief."), Message::user("What is pseudonymisation?")],
    /// )
    /// .temperature(0.2);
    /// let completion = client.chat().completions().create(request).await?;
    /// println!("{}", completion.content());
    /// # Ok(()) }
    /// ```
    pub async fn create(&self, request: ChatCompletionRequest) -> Result<ChatCompletion> {
        self.create_with(request, RequestOptions::new()).await
    }

    /// [`create`](Self::create) with per-call options (timeout, retries, headers,
    /// idempotency key).
    ///
    /// # Errors
    /// As [`create`](Self::create).
    ///
    /// ```no_run
    /// use peakprivacy::{ChatCompletionRequest, Message, PeakPrivacy, RequestOptions};
    /// use std::time::Duration;
    ///
    /// # async fn run() -> peakprivacy::Result<()> {
    /// let client = PeakPrivacy::from_env()?;
    /// let request = ChatCompletionRequest::new("mistral-swiss", [Message::user("Hi")]);
    /// let options = RequestOptions::new().timeout(Duration::from_secs(20)).max_retries(0);
    /// let completion = client.chat().completions().create_with(request, options).await?;
    /// # let _ = completion; Ok(()) }
    /// ```
    pub async fn create_with(
        &self,
        request: ChatCompletionRequest,
        options: RequestOptions,
    ) -> Result<ChatCompletion> {
        chat::create(self.client.transport(), COMPLETIONS_PATH, &request, options).await
    }

    /// Creates a streamed chat completion (`POST ai/completions` with `"stream": true`).
    ///
    /// The server streams only when `anonymize` is `false`: with pseudonymisation on (its
    /// default) it answers with one plain JSON completion, which this method yields as a
    /// one-chunk stream, so the same loop works either way.
    ///
    /// The request is retried (per the client's policy) until the response headers
    /// arrive; once the body is being read nothing is retried, and a broken body is an
    /// `Err` item, never a silent end.
    ///
    /// # Errors
    /// As [`create`](Self::create), for everything up to the response headers (and, for a
    /// plain JSON answer, its body).
    ///
    /// ```no_run
    /// use futures_util::StreamExt;
    /// use peakprivacy::{ChatCompletionRequest, Message, PeakPrivacy};
    ///
    /// # async fn run() -> peakprivacy::Result<()> {
    /// let client = PeakPrivacy::from_env()?;
    /// let request = ChatCompletionRequest::new("mistral-swiss", [Message::user("Tell a story")])
    ///     .anonymize(false); // the server streams only without anonymisation
    /// let mut stream = client.chat().completions().create_stream(request).await?;
    /// while let Some(chunk) = stream.next().await {
    ///     print!("{}", chunk?.content());
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn create_stream(
        &self,
        request: ChatCompletionRequest,
    ) -> Result<ChatCompletionStream> {
        self.create_stream_with(request, RequestOptions::new())
            .await
    }

    /// [`create_stream`](Self::create_stream) with per-call options (timeout until the
    /// headers arrive, stream idle timeout, retries, headers).
    ///
    /// # Errors
    /// As [`create_stream`](Self::create_stream).
    ///
    /// ```no_run
    /// use peakprivacy::{ChatCompletionRequest, Message, PeakPrivacy, RequestOptions};
    /// use std::time::Duration;
    ///
    /// # async fn run() -> peakprivacy::Result<()> {
    /// let client = PeakPrivacy::from_env()?;
    /// let request = ChatCompletionRequest::new("mistral-swiss", [Message::user("Hi")]).anonymize(false);
    /// let options = RequestOptions::new().stream_idle_timeout(Duration::from_secs(15));
    /// let completion = client
    ///     .chat()
    ///     .completions()
    ///     .create_stream_with(request, options)
    ///     .await?
    ///     .collect_completion()
    ///     .await?;
    /// # let _ = completion; Ok(()) }
    /// ```
    pub async fn create_stream_with(
        &self,
        request: ChatCompletionRequest,
        options: RequestOptions,
    ) -> Result<ChatCompletionStream> {
        chat::create_stream(self.client.transport(), COMPLETIONS_PATH, &request, options).await
    }
}
