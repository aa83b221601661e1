//! The blocking chat resources every provider exposes, written once over the async ones:
//! `client.chat().completions()` ([`Completions`]) and `client.models()` ([`Models`]).

use std::sync::Arc;

use super::{BlockingRuntime, BlockingStream};
use crate::chat::{self, ChatCompletion, ChatProvider, Model};
use crate::{RequestOptions, Result, WithResponse};

/// What a blocking client supplies to get the shared blocking resources: the async client
/// it drives and its runtime.
///
/// ```no_run
/// use llm_core::blocking::{BlockingClient, Completions};
///
/// fn ask<B: BlockingClient>(client: &B, request: <B::Async as llm_core::chat::ChatProvider>::Request) -> llm_core::Result<String> {
///     Ok(Completions::new(client).create(request)?.content().to_owned())
/// }
/// ```
pub trait BlockingClient: Send + Sync {
    /// The async client.
    type Async: ChatProvider;

    /// The async client this facade drives.
    fn as_async(&self) -> &Self::Async;

    /// The runtime calls run on.
    fn runtime(&self) -> &Arc<BlockingRuntime>;
}

/// The request type of a blocking client.
type Request<B> = <<B as BlockingClient>::Async as ChatProvider>::Request;

/// Blocking chat completions, from a blocking client's `chat().completions()`: the async
/// methods run to completion; streams are iterators
/// ([`BlockingStream`] of chunks, with `collect_completion()` and `text()`).
///
/// ```no_run
/// # fn run<B: llm_core::blocking::BlockingClient>(client: &B, request: <B::Async as llm_core::chat::ChatProvider>::Request) -> llm_core::Result<()> {
/// for chunk in llm_core::blocking::Completions::new(client).create_stream(request)? {
///     print!("{}", chunk?.content());
/// }
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Completions<'a, B> {
    client: &'a B,
}

impl<B> Clone for Completions<'_, B> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<B> Copy for Completions<'_, B> {}

impl<'a, B: BlockingClient> Completions<'a, B> {
    /// The blocking completions resource of `client`.
    ///
    /// ```no_run
    /// # fn f<B: llm_core::blocking::BlockingClient>(client: &B) {
    /// let completions = llm_core::blocking::Completions::new(client);
    /// # let _ = completions; }
    /// ```
    pub fn new(client: &'a B) -> Self {
        Self { client }
    }

    /// Creates a chat completion; see [`chat::Completions::create`].
    ///
    /// # Errors
    /// As [`chat::Completions::create`], or [`ErrorKind::Config`](crate::ErrorKind::Config)
    /// when called inside an async runtime.
    ///
    /// ```no_run
    /// # fn run<B: llm_core::blocking::BlockingClient>(client: &B, request: <B::Async as llm_core::chat::ChatProvider>::Request) -> llm_core::Result<()> {
    /// println!("{}", llm_core::blocking::Completions::new(client).create(request)?.content());
    /// # Ok(()) }
    /// ```
    pub fn create(&self, request: Request<B>) -> Result<ChatCompletion> {
        self.create_with(request, RequestOptions::new())
    }

    /// [`create`](Self::create) with per-call options.
    ///
    /// # Errors
    /// As [`create`](Self::create).
    ///
    /// ```no_run
    /// # fn run<B: llm_core::blocking::BlockingClient>(client: &B, request: <B::Async as llm_core::chat::ChatProvider>::Request) -> llm_core::Result<()> {
    /// let options = llm_core::RequestOptions::new().max_retries(0);
    /// let completion = llm_core::blocking::Completions::new(client).create_with(request, options)?;
    /// # let _ = completion; Ok(()) }
    /// ```
    pub fn create_with(
        &self,
        request: Request<B>,
        options: RequestOptions,
    ) -> Result<ChatCompletion> {
        let completions = chat::Completions::new(self.client.as_async());
        self.client
            .runtime()
            .run(completions.create_with(request, options))
    }

    /// [`create_with`](Self::create_with) that also returns the response's
    /// [`ResponseMeta`](crate::ResponseMeta) (request id, status, headers, attempts,
    /// elapsed time); see [`chat::Completions::create_with_response`].
    ///
    /// # Errors
    /// As [`create`](Self::create).
    ///
    /// ```no_run
    /// # fn run<B: llm_core::blocking::BlockingClient>(client: &B, request: <B::Async as llm_core::chat::ChatProvider>::Request) -> llm_core::Result<()> {
    /// let options = llm_core::RequestOptions::new();
    /// let answer = llm_core::blocking::Completions::new(client).create_with_response(request, options)?;
    /// println!("{} ({} attempt(s))", answer.content(), answer.meta().attempts());
    /// # Ok(()) }
    /// ```
    pub fn create_with_response(
        &self,
        request: Request<B>,
        options: RequestOptions,
    ) -> Result<WithResponse<ChatCompletion>> {
        let completions = chat::Completions::new(self.client.as_async());
        self.client
            .runtime()
            .run(completions.create_with_response(request, options))
    }

    /// Creates a streamed chat completion as an iterator of chunks; see
    /// [`chat::Completions::create_stream`] (including the one-chunk answer).
    ///
    /// # Errors
    /// As [`chat::Completions::create_stream`], or
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) when called inside an async runtime.
    ///
    /// ```no_run
    /// # fn run<B: llm_core::blocking::BlockingClient>(client: &B, request: <B::Async as llm_core::chat::ChatProvider>::Request) -> llm_core::Result<()> {
    /// let text: String = llm_core::blocking::Completions::new(client)
    ///     .create_stream(request)?
    ///     .text()
    ///     .collect::<llm_core::Result<_>>()?;
    /// # let _ = text; Ok(()) }
    /// ```
    pub fn create_stream(
        &self,
        request: Request<B>,
    ) -> Result<BlockingStream<chat::ChatCompletionStream>> {
        self.create_stream_with(request, RequestOptions::new())
    }

    /// [`create_stream`](Self::create_stream) with per-call options.
    ///
    /// # Errors
    /// As [`create_stream`](Self::create_stream).
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// # fn run<B: llm_core::blocking::BlockingClient>(client: &B, request: <B::Async as llm_core::chat::ChatProvider>::Request) -> llm_core::Result<()> {
    /// let options = llm_core::RequestOptions::new().stream_idle_timeout(Duration::from_secs(10));
    /// let completions = llm_core::blocking::Completions::new(client);
    /// let completion = completions.create_stream_with(request, options)?.collect_completion()?;
    /// # let _ = completion; Ok(()) }
    /// ```
    pub fn create_stream_with(
        &self,
        request: Request<B>,
        options: RequestOptions,
    ) -> Result<BlockingStream<chat::ChatCompletionStream>> {
        let completions = chat::Completions::new(self.client.as_async());
        let runtime = self.client.runtime();
        let stream = runtime.run(completions.create_stream_with(request, options))?;
        Ok(BlockingStream::new(stream, Arc::clone(runtime)))
    }
}

/// The blocking models resource, from a blocking client's `models()`.
///
/// ```no_run
/// # fn run<B: llm_core::blocking::BlockingClient>(client: &B) -> llm_core::Result<()> {
/// for model in llm_core::blocking::Models::new(client).list()? {
///     println!("{}", model.id);
/// }
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Models<'a, B> {
    client: &'a B,
}

impl<B> Clone for Models<'_, B> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<B> Copy for Models<'_, B> {}

impl<'a, B: BlockingClient> Models<'a, B> {
    /// The blocking models resource of `client`.
    ///
    /// ```no_run
    /// # fn f<B: llm_core::blocking::BlockingClient>(client: &B) {
    /// let models = llm_core::blocking::Models::new(client);
    /// # let _ = models; }
    /// ```
    pub fn new(client: &'a B) -> Self {
        Self { client }
    }

    /// Lists the models; see [`chat::Models::list`].
    ///
    /// # Errors
    /// As [`chat::Models::list`], or [`ErrorKind::Config`](crate::ErrorKind::Config) when
    /// called inside an async runtime.
    ///
    /// ```no_run
    /// # fn run<B: llm_core::blocking::BlockingClient>(client: &B) -> llm_core::Result<()> {
    /// let count = llm_core::blocking::Models::new(client).list()?.len();
    /// # let _ = count; Ok(()) }
    /// ```
    pub fn list(&self) -> Result<Vec<Model>> {
        self.list_with(RequestOptions::new())
    }

    /// [`list`](Self::list) with per-call options.
    ///
    /// # Errors
    /// As [`list`](Self::list).
    ///
    /// ```no_run
    /// # fn run<B: llm_core::blocking::BlockingClient>(client: &B) -> llm_core::Result<()> {
    /// let models = llm_core::blocking::Models::new(client).list_with(llm_core::RequestOptions::new().max_retries(0))?;
    /// # let _ = models; Ok(()) }
    /// ```
    pub fn list_with(&self, options: RequestOptions) -> Result<Vec<Model>> {
        let models = chat::Models::new(self.client.as_async());
        self.client.runtime().run(models.list_with(options))
    }
}
