//! The chat resources every provider exposes, written once: `client.chat().completions()`
//! ([`Completions`]) and `client.models()` ([`Models`]). A provider implements
//! [`ChatProvider`] (its transport, paths and request type) and re-exports these under its
//! own names (`peakprivacy::Completions` is `Completions<'_, PeakPrivacy>`).

use super::{ChatCompletion, ChatCompletionStream, ChatRequest, Model};
use crate::{RequestOptions, Result, Transport, WithResponse};

/// What a provider supplies to get the shared chat resources: its transport, its paths and
/// its request type.
///
/// ```no_run
/// use llm_core::chat::{ChatProvider, Completions};
///
/// async fn ask<P: ChatProvider>(client: &P, request: P::Request) -> llm_core::Result<String> {
///     Ok(Completions::new(client).create(request).await?.content().to_owned())
/// }
/// ```
pub trait ChatProvider: Send + Sync {
    /// The provider's `ChatCompletionRequest`.
    type Request: ChatRequest;

    /// The path of chat completions, relative to the base URL.
    const COMPLETIONS_PATH: &'static str;

    /// The path of the model list, relative to the base URL.
    const MODELS_PATH: &'static str;

    /// The client's transport (auth, retries, timeouts).
    fn transport(&self) -> &Transport;
}

/// Chat completions, from a provider's `client.chat().completions()`: `create`,
/// `create_with`, `create_stream`, `create_stream_with`.
///
/// ```no_run
/// use futures_util::StreamExt;
/// use llm_core::chat::{ChatProvider, Completions};
///
/// async fn stream<P: ChatProvider>(client: &P, request: P::Request) -> llm_core::Result<()> {
///     let mut stream = Completions::new(client).create_stream(request).await?;
///     while let Some(chunk) = stream.next().await {
///         print!("{}", chunk?.content()); // a cut stream is an Err item, never a silent end
///     }
///     Ok(())
/// }
/// ```
#[derive(Debug)]
pub struct Completions<'a, P> {
    client: &'a P,
}

impl<P> Clone for Completions<'_, P> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<P> Copy for Completions<'_, P> {}

impl<'a, P: ChatProvider> Completions<'a, P> {
    /// The completions resource of `client`.
    ///
    /// ```no_run
    /// # fn f<P: llm_core::chat::ChatProvider>(client: &P) {
    /// let completions = llm_core::chat::Completions::new(client);
    /// # let _ = completions; }
    /// ```
    pub fn new(client: &'a P) -> Self {
        Self { client }
    }

    /// Creates a chat completion (`POST` to the provider's completions path).
    ///
    /// Retries follow the client's policy (connection errors, timeouts, 408, 409, 429 and
    /// 5xx; `Retry-After` honoured). Set an
    /// [`idempotency_key`](RequestOptions::idempotency_key) with
    /// [`create_with`](Self::create_with), or `max_retries(0)`, if a retried POST must not
    /// be paid twice.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest) before sending when
    /// the request is invalid (see the request's `validate`); otherwise any
    /// [`Error`](crate::Error) from the status table (401 `Authentication`, 403
    /// `PermissionDenied`/`QuotaExceeded`, 422 `UnprocessableEntity` with field errors, ...),
    /// [`ErrorKind::ErrorPayload`](crate::ErrorKind::ErrorPayload) for a 2xx error object,
    /// or [`ErrorKind::Decode`](crate::ErrorKind::Decode) for an unexpected body.
    ///
    /// ```no_run
    /// # async fn run<P: llm_core::chat::ChatProvider>(client: &P, request: P::Request) -> llm_core::Result<()> {
    /// let completion = llm_core::chat::Completions::new(client).create(request).await?;
    /// println!("{}", completion.content());
    /// # Ok(()) }
    /// ```
    pub async fn create(&self, request: P::Request) -> Result<ChatCompletion> {
        self.create_with(request, RequestOptions::new()).await
    }

    /// [`create`](Self::create) with per-call options (timeouts, retries, headers,
    /// idempotency key).
    ///
    /// # Errors
    /// As [`create`](Self::create).
    ///
    /// ```no_run
    /// use llm_core::RequestOptions;
    /// use std::time::Duration;
    ///
    /// # async fn run<P: llm_core::chat::ChatProvider>(client: &P, request: P::Request) -> llm_core::Result<()> {
    /// let options = RequestOptions::new().timeout(Duration::from_secs(20)).max_retries(0);
    /// let completion = llm_core::chat::Completions::new(client).create_with(request, options).await?;
    /// # let _ = completion; Ok(()) }
    /// ```
    pub async fn create_with(
        &self,
        request: P::Request,
        options: RequestOptions,
    ) -> Result<ChatCompletion> {
        super::create(
            self.client.transport(),
            P::COMPLETIONS_PATH,
            &request,
            options,
        )
        .await
    }

    /// [`create_with`](Self::create_with) that also returns the response's
    /// [`ResponseMeta`](crate::ResponseMeta): request id, status, headers (credential
    /// redacted), attempts made and elapsed time. The result derefs to the
    /// [`ChatCompletion`]. For a stream, see [`ChatCompletionStream::meta`].
    ///
    /// # Errors
    /// As [`create`](Self::create).
    ///
    /// ```no_run
    /// # async fn run<P: llm_core::chat::ChatProvider>(client: &P, request: P::Request) -> llm_core::Result<()> {
    /// let options = llm_core::RequestOptions::new();
    /// let answer = llm_core::chat::Completions::new(client).create_with_response(request, options).await?;
    /// println!("{}", answer.content());
    /// println!("request {:?} took {} attempt(s) in {:?}",
    ///     answer.meta().request_id(), answer.meta().attempts(), answer.meta().elapsed());
    /// # Ok(()) }
    /// ```
    pub async fn create_with_response(
        &self,
        request: P::Request,
        options: RequestOptions,
    ) -> Result<WithResponse<ChatCompletion>> {
        super::create_with_response(
            self.client.transport(),
            P::COMPLETIONS_PATH,
            &request,
            options,
        )
        .await
    }

    /// Creates a streamed chat completion (the request with `"stream": true`).
    ///
    /// A server that answers with one plain JSON completion (PeakPrivacy does while it
    /// anonymises) or with plain text gives a one-chunk stream, so the same loop works
    /// either way. The request is retried (per the client's policy) until the response
    /// headers arrive; once the body is being read nothing is retried, and a broken body
    /// is an `Err` item, never a silent end.
    ///
    /// # Errors
    /// As [`create`](Self::create), for everything up to the response headers (and, for a
    /// plain JSON answer, its body).
    ///
    /// ```no_run
    /// # async fn run<P: llm_core::chat::ChatProvider>(client: &P, request: P::Request) -> llm_core::Result<()> {
    /// let stream = llm_core::chat::Completions::new(client).create_stream(request).await?;
    /// println!("{}", stream.collect_completion().await?.content());
    /// # Ok(()) }
    /// ```
    pub async fn create_stream(&self, request: P::Request) -> Result<ChatCompletionStream> {
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
    /// use llm_core::RequestOptions;
    /// use std::time::Duration;
    ///
    /// # async fn run<P: llm_core::chat::ChatProvider>(client: &P, request: P::Request) -> llm_core::Result<()> {
    /// let options = RequestOptions::new().stream_idle_timeout(Duration::from_secs(15));
    /// let completions = llm_core::chat::Completions::new(client);
    /// let completion = completions.create_stream_with(request, options).await?.collect_completion().await?;
    /// # let _ = completion; Ok(()) }
    /// ```
    pub async fn create_stream_with(
        &self,
        request: P::Request,
        options: RequestOptions,
    ) -> Result<ChatCompletionStream> {
        super::create_stream(
            self.client.transport(),
            P::COMPLETIONS_PATH,
            &request,
            options,
        )
        .await
    }
}

/// The models resource, from a provider's `client.models()`.
///
/// ```no_run
/// # async fn run<P: llm_core::chat::ChatProvider>(client: &P) -> llm_core::Result<()> {
/// for model in llm_core::chat::Models::new(client).list().await? {
///     println!("{} (max {:?} tokens)", model.id, model.max_tokens);
/// }
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Models<'a, P> {
    client: &'a P,
}

impl<P> Clone for Models<'_, P> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<P> Copy for Models<'_, P> {}

impl<'a, P: ChatProvider> Models<'a, P> {
    /// The models resource of `client`.
    ///
    /// ```no_run
    /// # fn f<P: llm_core::chat::ChatProvider>(client: &P) {
    /// let models = llm_core::chat::Models::new(client);
    /// # let _ = models; }
    /// ```
    pub fn new(client: &'a P) -> Self {
        Self { client }
    }

    /// Lists the models the account can use (`GET` the provider's models path), in the
    /// server's order. Any known list shape is accepted (see
    /// [`decode_model_list`](super::decode_model_list)).
    ///
    /// # Errors
    /// Any [`Error`](crate::Error) of the status table,
    /// [`ErrorKind::ErrorPayload`](crate::ErrorKind::ErrorPayload) for a 2xx error object,
    /// or [`ErrorKind::Decode`](crate::ErrorKind::Decode) for an unexpected body.
    ///
    /// ```no_run
    /// # async fn run<P: llm_core::chat::ChatProvider>(client: &P) -> llm_core::Result<()> {
    /// let ids: Vec<String> = llm_core::chat::Models::new(client)
    ///     .list()
    ///     .await?
    ///     .into_iter()
    ///     .map(|model| model.id)
    ///     .collect();
    /// # let _ = ids; Ok(()) }
    /// ```
    pub async fn list(&self) -> Result<Vec<Model>> {
        self.list_with(RequestOptions::new()).await
    }

    /// [`list`](Self::list) with per-call options.
    ///
    /// # Errors
    /// As [`list`](Self::list).
    ///
    /// ```no_run
    /// # async fn run<P: llm_core::chat::ChatProvider>(client: &P) -> llm_core::Result<()> {
    /// let options = llm_core::RequestOptions::new().max_retries(5);
    /// let models = llm_core::chat::Models::new(client).list_with(options).await?;
    /// # let _ = models; Ok(()) }
    /// ```
    pub async fn list_with(&self, options: RequestOptions) -> Result<Vec<Model>> {
        super::list_models(self.client.transport(), P::MODELS_PATH, options).await
    }
}
