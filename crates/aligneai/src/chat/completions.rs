//! `POST {base}/chat/completions`, whole or streamed.

use llm_core::{ApiRequest, RequestOptions, Result};

use crate::stream::ChatCompletionStream;
use crate::types::{ChatCompletion, ChatCompletionRequest};
use crate::wire::chat::{RequestBody, WireCompletion};
use crate::AligneAI;

/// The chat completions resource, from `client.chat().completions()`.
#[derive(Debug, Clone, Copy)]
pub struct Completions<'c> {
    client: &'c AligneAI,
}

impl<'c> Completions<'c> {
    pub(crate) fn new(client: &'c AligneAI) -> Self {
        Self { client }
    }

    /// Creates a completion (`stream: false`) and waits for the whole answer.
    ///
    /// # Errors
    /// - [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest) before sending: a
    ///   blank model or no messages.
    /// - [`ErrorKind::Decode`](crate::ErrorKind::Decode) when the body is not a completion.
    /// - The mapped [`Error`](crate::Error) of an HTTP error status, or a connection error
    ///   (after the retries).
    ///
    /// ```no_run
    /// use aligneai::{AligneAI, ChatCompletionRequest, ChatMessage};
    ///
    /// # async fn run() -> aligneai::Result<()> {
    /// let client = AligneAI::from_env()?;
    /// let request = ChatCompletionRequest::new("llama-3.1-8b-instruct", [ChatMessage::user("Hi!")]);
    /// let completion = client.chat().completions().create(request).await?;
    /// println!("{}", completion.text().unwrap_or_default());
    /// # Ok(()) }
    /// ```
    pub async fn create(&self, request: ChatCompletionRequest) -> Result<ChatCompletion> {
        self.create_with(request, RequestOptions::default()).await
    }

    /// [`create`](Self::create) with per-call options.
    ///
    /// # Errors
    /// As for [`create`](Self::create).
    ///
    /// ```no_run
    /// use aligneai::{AligneAI, ChatCompletionRequest, ChatMessage, RequestOptions};
    ///
    /// # async fn run() -> aligneai::Result<()> {
    /// let client = AligneAI::from_env()?;
    /// let request = ChatCompletionRequest::new("llama-3.1-8b-instruct", [ChatMessage::user("Hi!")]);
    /// let options = RequestOptions::new().idempotency_key("conversation-1-turn-3");
    /// let completion = client.chat().completions().create_with(request, options).await?;
    /// # let _ = completion; Ok(()) }
    /// ```
    pub async fn create_with(
        &self,
        request: ChatCompletionRequest,
        options: RequestOptions,
    ) -> Result<ChatCompletion> {
        request.validate()?;
        let body = RequestBody::new(&request, false);
        let api_request = ApiRequest::post("chat/completions")
            .json(&body)?
            .options(options);
        let raw = self.client.transport().send(api_request).await?;
        let wire: WireCompletion = llm_core::decode_json(&raw.body, raw.status)
            .map_err(|err| self.client.transport().redact(err))?;
        Ok(wire.into_completion())
    }

    /// Creates a streamed completion (`stream: true`). The returned stream yields
    /// [`ChatCompletionChunk`](crate::ChatCompletionChunk)s; it accepts a
    /// `text/event-stream` of OpenAI-style chunks (with or without a final `[DONE]`), a
    /// `text/plain` body of raw text (as the sister SDK reads it), or one JSON completion
    /// (delivered as a single chunk). Retries happen only until the response headers
    /// arrive.
    ///
    /// # Errors
    /// As for [`create`](Self::create), for everything up to the response headers; later
    /// failures are `Err` items of the stream.
    ///
    /// ```no_run
    /// use aligneai::{AligneAI, ChatCompletionRequest, ChatMessage};
    /// use futures_util::StreamExt;
    ///
    /// # async fn run() -> aligneai::Result<()> {
    /// let client = AligneAI::from_env()?;
    /// let request = ChatCompletionRequest::new("llama-3.1-8b-instruct", [ChatMessage::user("Tell me a story")]);
    /// let mut stream = client.chat().completions().create_stream(request).await?;
    /// while let Some(chunk) = stream.next().await {
    ///     print!("{}", chunk?.text().unwrap_or_default());
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn create_stream(
        &self,
        request: ChatCompletionRequest,
    ) -> Result<ChatCompletionStream> {
        self.create_stream_with(request, RequestOptions::default())
            .await
    }

    /// [`create_stream`](Self::create_stream) with per-call options (e.g.
    /// [`stream_idle_timeout`](crate::RequestOptions::stream_idle_timeout)).
    ///
    /// # Errors
    /// As for [`create_stream`](Self::create_stream).
    ///
    /// ```no_run
    /// use aligneai::{AligneAI, ChatCompletionRequest, ChatMessage, RequestOptions};
    /// use std::time::Duration;
    ///
    /// # async fn run() -> aligneai::Result<()> {
    /// let client = AligneAI::from_env()?;
    /// let request = ChatCompletionRequest::new("llama-3.1-8b-instruct", [ChatMessage::user("Hi")]);
    /// let options = RequestOptions::new().stream_idle_timeout(Duration::from_secs(10));
    /// let stream = client.chat().completions().create_stream_with(request, options).await?;
    /// let completion = stream.collect_completion().await?;
    /// # let _ = completion; Ok(()) }
    /// ```
    pub async fn create_stream_with(
        &self,
        request: ChatCompletionRequest,
        options: RequestOptions,
    ) -> Result<ChatCompletionStream> {
        request.validate()?;
        let body = RequestBody::new(&request, true);
        let api_request = ApiRequest::post("chat/completions")
            .json(&body)?
            .options(options);
        let response = self.client.transport().send_stream(api_request).await?;
        ChatCompletionStream::from_response(response, self.client.transport().clone()).await
    }
}
