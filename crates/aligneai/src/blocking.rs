//! A synchronous facade (feature `blocking`), for code that is not async — like the
//! original Python SDKs.
//!
//! [`AligneAI`] owns a current-thread tokio runtime and runs each call to completion on
//! it; streams become iterators. Calling it from inside an async runtime returns an
//! [`ErrorKind::Unsupported`] error instead of panicking: use [`crate::AligneAI`] there.
//!
//! ```no_run
//! use aligneai::blocking::AligneAI;
//! use aligneai::EmbeddingRequest;
//!
//! let client = AligneAI::from_env()?;
//! let response = client.embeddings().create(EmbeddingRequest::new("hello"))?;
//! println!("{} dimensions", response.data[0].embedding.len());
//! # Ok::<(), aligneai::Error>(())
//! ```

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use futures_util::StreamExt;

use crate::{
    AligneAIBuilder, BatchOptions, ChatCompletion, ChatCompletionChunk, ChatCompletionRequest,
    ChatCompletionStream, EmbeddingRequest, EmbeddingResponse, Error, ErrorKind, ModelList,
    RequestOptions, Result, TextStream,
};

/// A blocking AligneAI client: the same calls as [`crate::AligneAI`], returning values
/// directly. Cheap to clone; clones share the runtime and the connection pool.
#[derive(Clone)]
pub struct AligneAI {
    inner: crate::AligneAI,
    runtime: Arc<Runtime>,
}

impl fmt::Debug for AligneAI {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("blocking::AligneAI")
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}

/// The owned runtime; dropped in the background when the last handle goes away inside an
/// async context (where a blocking drop would panic).
struct Runtime(Option<tokio::runtime::Runtime>);

impl Drop for Runtime {
    fn drop(&mut self) {
        if let Some(runtime) = self.0.take() {
            if tokio::runtime::Handle::try_current().is_ok() {
                runtime.shutdown_background();
            }
        }
    }
}

impl Runtime {
    fn new() -> Result<Self> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| {
                Error::with_source(
                    ErrorKind::Config,
                    "the blocking runtime could not be started",
                    e,
                )
            })?;
        Ok(Self(Some(runtime)))
    }

    /// Runs `future` to completion, or fails when called from inside an async runtime.
    fn block_on<F: Future>(&self, future: F) -> Result<F::Output> {
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(Error::unsupported(
                "the blocking client was called inside an async runtime; use aligneai::AligneAI there",
            ));
        }
        match &self.0 {
            Some(runtime) => Ok(runtime.block_on(future)),
            None => Err(Error::unsupported("the blocking runtime was shut down")),
        }
    }
}

impl AligneAI {
    /// A blocking client with `api_key` and default settings.
    ///
    /// # Errors
    /// As for [`crate::AligneAI::new`]; [`ErrorKind::Unsupported`] inside an async runtime.
    ///
    /// ```
    /// let client = aligneai::blocking::AligneAI::new("my-key")?;
    /// # let _ = client;
    /// # Ok::<(), aligneai::Error>(())
    /// ```
    pub fn new(api_key: impl Into<String>) -> Result<Self> {
        Self::from_builder(crate::AligneAI::builder().api_key(api_key))
    }

    /// A blocking client configured from the environment (see [`crate::AligneAI::from_env`]).
    ///
    /// # Errors
    /// As for [`crate::AligneAI::from_env`]; [`ErrorKind::Unsupported`] inside an async
    /// runtime.
    ///
    /// ```no_run
    /// let client = aligneai::blocking::AligneAI::from_env()?;
    /// # let _ = client;
    /// # Ok::<(), aligneai::Error>(())
    /// ```
    pub fn from_env() -> Result<Self> {
        Self::from_builder(crate::AligneAI::builder().from_env())
    }

    /// A blocking client from a configured builder.
    ///
    /// # Errors
    /// As for [`AligneAIBuilder::build`]; [`ErrorKind::Unsupported`] inside an async
    /// runtime.
    ///
    /// ```
    /// use aligneai::{blocking, AligneAI};
    /// let client = blocking::AligneAI::from_builder(AligneAI::builder().api_key("k").max_retries(0))?;
    /// # let _ = client;
    /// # Ok::<(), aligneai::Error>(())
    /// ```
    pub fn from_builder(builder: AligneAIBuilder) -> Result<Self> {
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(Error::unsupported(
                "the blocking client cannot be created inside an async runtime; use aligneai::AligneAI there",
            ));
        }
        let runtime = Arc::new(Runtime::new()?);
        // Build inside the runtime so the HTTP client binds to it.
        let inner = runtime.block_on(async { builder.build() })??;
        Ok(Self { inner, runtime })
    }

    /// Embeddings.
    ///
    /// ```
    /// # let client = aligneai::blocking::AligneAI::new("k")?;
    /// let embeddings = client.embeddings();
    /// # let _ = embeddings;
    /// # Ok::<(), aligneai::Error>(())
    /// ```
    pub fn embeddings(&self) -> Embeddings<'_> {
        Embeddings { client: self }
    }

    /// Chat.
    ///
    /// ```
    /// # let client = aligneai::blocking::AligneAI::new("k")?;
    /// let completions = client.chat().completions();
    /// # let _ = completions;
    /// # Ok::<(), aligneai::Error>(())
    /// ```
    pub fn chat(&self) -> Chat<'_> {
        Chat { client: self }
    }

    /// Models.
    ///
    /// ```
    /// # let client = aligneai::blocking::AligneAI::new("k")?;
    /// let models = client.models();
    /// # let _ = models;
    /// # Ok::<(), aligneai::Error>(())
    /// ```
    pub fn models(&self) -> Models<'_> {
        Models { client: self }
    }

    /// Checks the key with `GET {base}/ping`.
    ///
    /// # Errors
    /// As for [`crate::AligneAI::ping`].
    ///
    /// ```no_run
    /// aligneai::blocking::AligneAI::from_env()?.ping()?;
    /// # Ok::<(), aligneai::Error>(())
    /// ```
    pub fn ping(&self) -> Result<()> {
        self.ping_with(RequestOptions::default())
    }

    /// [`ping`](Self::ping) with per-call options.
    ///
    /// # Errors
    /// As for [`crate::AligneAI::ping`].
    ///
    /// ```no_run
    /// use aligneai::RequestOptions;
    /// aligneai::blocking::AligneAI::from_env()?.ping_with(RequestOptions::new().max_retries(0))?;
    /// # Ok::<(), aligneai::Error>(())
    /// ```
    pub fn ping_with(&self, options: RequestOptions) -> Result<()> {
        self.block_on(self.inner.ping_with(options))
    }

    /// The async client underneath (do not use it from another runtime).
    ///
    /// ```
    /// let client = aligneai::blocking::AligneAI::new("k")?;
    /// assert_eq!(client.as_async().base_url(), "https://api.altrum.ai/v1/");
    /// # Ok::<(), aligneai::Error>(())
    /// ```
    pub fn as_async(&self) -> &crate::AligneAI {
        &self.inner
    }

    fn block_on<T>(&self, future: impl Future<Output = Result<T>>) -> Result<T> {
        self.runtime.block_on(future)?
    }
}

/// Blocking embeddings, from [`AligneAI::embeddings`].
#[derive(Debug, Clone, Copy)]
pub struct Embeddings<'c> {
    client: &'c AligneAI,
}

impl Embeddings<'_> {
    /// See [`crate::embeddings::Embeddings::create`].
    ///
    /// # Errors
    /// As there; [`ErrorKind::Unsupported`] inside an async runtime.
    ///
    /// ```no_run
    /// # let client = aligneai::blocking::AligneAI::from_env()?;
    /// let response = client.embeddings().create(aligneai::EmbeddingRequest::new(["a", "b"]))?;
    /// # let _ = response; Ok::<(), aligneai::Error>(())
    /// ```
    pub fn create(&self, request: EmbeddingRequest) -> Result<EmbeddingResponse> {
        self.create_with(request, RequestOptions::default())
    }

    /// See [`crate::embeddings::Embeddings::create_with`].
    ///
    /// # Errors
    /// As there; [`ErrorKind::Unsupported`] inside an async runtime.
    ///
    /// ```no_run
    /// # let client = aligneai::blocking::AligneAI::from_env()?;
    /// use aligneai::{EmbeddingRequest, RequestOptions};
    /// let response = client.embeddings().create_with(EmbeddingRequest::new("a"), RequestOptions::new())?;
    /// # let _ = response; Ok::<(), aligneai::Error>(())
    /// ```
    pub fn create_with(
        &self,
        request: EmbeddingRequest,
        options: RequestOptions,
    ) -> Result<EmbeddingResponse> {
        let inner = &self.client.inner;
        self.client
            .block_on(inner.embeddings().create_with(request, options))
    }

    /// See [`crate::embeddings::Embeddings::create_batched`].
    ///
    /// # Errors
    /// As there; [`ErrorKind::Unsupported`] inside an async runtime.
    ///
    /// ```no_run
    /// # let client = aligneai::blocking::AligneAI::from_env()?;
    /// use aligneai::{BatchOptions, EmbeddingRequest};
    /// let texts: Vec<String> = (0..500).map(|i| i.to_string()).collect();
    /// let response = client.embeddings().create_batched(EmbeddingRequest::new(texts), BatchOptions::new())?;
    /// # let _ = response; Ok::<(), aligneai::Error>(())
    /// ```
    pub fn create_batched(
        &self,
        request: EmbeddingRequest,
        batch: BatchOptions,
    ) -> Result<EmbeddingResponse> {
        self.create_batched_with(request, batch, RequestOptions::default())
    }

    /// See [`crate::embeddings::Embeddings::create_batched_with`].
    ///
    /// # Errors
    /// As there; [`ErrorKind::Unsupported`] inside an async runtime.
    ///
    /// ```no_run
    /// # let client = aligneai::blocking::AligneAI::from_env()?;
    /// use aligneai::{BatchOptions, EmbeddingRequest, RequestOptions};
    /// let response = client.embeddings().create_batched_with(
    ///     EmbeddingRequest::new(["a", "b"]),
    ///     BatchOptions::new().batch_size(1),
    ///     RequestOptions::new().max_retries(0),
    /// )?;
    /// # let _ = response; Ok::<(), aligneai::Error>(())
    /// ```
    pub fn create_batched_with(
        &self,
        request: EmbeddingRequest,
        batch: BatchOptions,
        options: RequestOptions,
    ) -> Result<EmbeddingResponse> {
        let inner = &self.client.inner;
        self.client.block_on(
            inner
                .embeddings()
                .create_batched_with(request, batch, options),
        )
    }
}

/// Blocking chat, from [`AligneAI::chat`].
#[derive(Debug, Clone, Copy)]
pub struct Chat<'c> {
    client: &'c AligneAI,
}

impl<'c> Chat<'c> {
    /// Chat completions.
    ///
    /// ```
    /// # let client = aligneai::blocking::AligneAI::new("k")?;
    /// let completions = client.chat().completions();
    /// # let _ = completions; Ok::<(), aligneai::Error>(())
    /// ```
    pub fn completions(&self) -> Completions<'c> {
        Completions {
            client: self.client,
        }
    }
}

/// Blocking chat completions, from `client.chat().completions()`.
#[derive(Debug, Clone, Copy)]
pub struct Completions<'c> {
    client: &'c AligneAI,
}

impl Completions<'_> {
    /// See [`crate::chat::Completions::create`].
    ///
    /// # Errors
    /// As there; [`ErrorKind::Unsupported`] inside an async runtime.
    ///
    /// ```no_run
    /// # let client = aligneai::blocking::AligneAI::from_env()?;
    /// use aligneai::{ChatCompletionRequest, ChatMessage};
    /// let request = ChatCompletionRequest::new("llama-3.1-8b-instruct", [ChatMessage::user("Hi")]);
    /// let completion = client.chat().completions().create(request)?;
    /// # let _ = completion; Ok::<(), aligneai::Error>(())
    /// ```
    pub fn create(&self, request: ChatCompletionRequest) -> Result<ChatCompletion> {
        self.create_with(request, RequestOptions::default())
    }

    /// See [`crate::chat::Completions::create_with`].
    ///
    /// # Errors
    /// As there; [`ErrorKind::Unsupported`] inside an async runtime.
    ///
    /// ```no_run
    /// # let client = aligneai::blocking::AligneAI::from_env()?;
    /// use aligneai::{ChatCompletionRequest, ChatMessage, RequestOptions};
    /// let request = ChatCompletionRequest::new("m", [ChatMessage::user("Hi")]);
    /// let completion = client.chat().completions().create_with(request, RequestOptions::new())?;
    /// # let _ = completion; Ok::<(), aligneai::Error>(())
    /// ```
    pub fn create_with(
        &self,
        request: ChatCompletionRequest,
        options: RequestOptions,
    ) -> Result<ChatCompletion> {
        let inner = &self.client.inner;
        self.client
            .block_on(inner.chat().completions().create_with(request, options))
    }

    /// See [`crate::chat::Completions::create_stream`]; the chunks come as an iterator.
    ///
    /// # Errors
    /// As there; [`ErrorKind::Unsupported`] inside an async runtime.
    ///
    /// ```no_run
    /// # let client = aligneai::blocking::AligneAI::from_env()?;
    /// use aligneai::{ChatCompletionRequest, ChatMessage};
    /// let request = ChatCompletionRequest::new("m", [ChatMessage::user("Hi")]);
    /// for chunk in client.chat().completions().create_stream(request)? {
    ///     print!("{}", chunk?.text().unwrap_or_default());
    /// }
    /// # Ok::<(), aligneai::Error>(())
    /// ```
    pub fn create_stream(&self, request: ChatCompletionRequest) -> Result<ChatCompletionChunks> {
        self.create_stream_with(request, RequestOptions::default())
    }

    /// See [`crate::chat::Completions::create_stream_with`].
    ///
    /// # Errors
    /// As there; [`ErrorKind::Unsupported`] inside an async runtime.
    ///
    /// ```no_run
    /// # let client = aligneai::blocking::AligneAI::from_env()?;
    /// use aligneai::{ChatCompletionRequest, ChatMessage, RequestOptions};
    /// let request = ChatCompletionRequest::new("m", [ChatMessage::user("Hi")]);
    /// let chunks = client.chat().completions().create_stream_with(request, RequestOptions::new())?;
    /// let completion = chunks.collect_completion()?;
    /// # let _ = completion; Ok::<(), aligneai::Error>(())
    /// ```
    pub fn create_stream_with(
        &self,
        request: ChatCompletionRequest,
        options: RequestOptions,
    ) -> Result<ChatCompletionChunks> {
        let inner = &self.client.inner;
        let stream = self.client.block_on(
            inner
                .chat()
                .completions()
                .create_stream_with(request, options),
        )?;
        Ok(ChatCompletionChunks {
            stream,
            runtime: Arc::clone(&self.client.runtime),
            done: false,
        })
    }
}

/// Blocking models, from [`AligneAI::models`].
#[derive(Debug, Clone, Copy)]
pub struct Models<'c> {
    client: &'c AligneAI,
}

impl Models<'_> {
    /// See [`crate::models::Models::list`].
    ///
    /// # Errors
    /// As there; [`ErrorKind::Unsupported`] inside an async runtime.
    ///
    /// ```no_run
    /// # let client = aligneai::blocking::AligneAI::from_env()?;
    /// let ids: Vec<String> = client.models().list()?.ids().map(str::to_owned).collect();
    /// # let _ = ids; Ok::<(), aligneai::Error>(())
    /// ```
    pub fn list(&self) -> Result<ModelList> {
        self.list_with(RequestOptions::default())
    }

    /// See [`crate::models::Models::list_with`].
    ///
    /// # Errors
    /// As there; [`ErrorKind::Unsupported`] inside an async runtime.
    ///
    /// ```no_run
    /// # let client = aligneai::blocking::AligneAI::from_env()?;
    /// let models = client.models().list_with(aligneai::RequestOptions::new())?;
    /// # let _ = models; Ok::<(), aligneai::Error>(())
    /// ```
    pub fn list_with(&self, options: RequestOptions) -> Result<ModelList> {
        let inner = &self.client.inner;
        self.client.block_on(inner.models().list_with(options))
    }
}

/// The chunks of a streamed completion as an iterator (each `next` blocks until the next
/// chunk); the same rules as [`ChatCompletionStream`] apply. Inside an async runtime,
/// `next` yields one [`ErrorKind::Unsupported`] error and then ends.
pub struct ChatCompletionChunks {
    stream: ChatCompletionStream,
    runtime: Arc<Runtime>,
    done: bool,
}

impl fmt::Debug for ChatCompletionChunks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChatCompletionChunks")
            .field("stream", &self.stream)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl ChatCompletionChunks {
    /// Reads the rest and joins it into one completion.
    ///
    /// # Errors
    /// The first error of the stream.
    ///
    /// ```no_run
    /// # let client = aligneai::blocking::AligneAI::from_env()?;
    /// # let request = aligneai::ChatCompletionRequest::new("m", [aligneai::ChatMessage::user("Hi")]);
    /// let completion = client.chat().completions().create_stream(request)?.collect_completion()?;
    /// # let _ = completion; Ok::<(), aligneai::Error>(())
    /// ```
    pub fn collect_completion(self) -> Result<ChatCompletion> {
        let runtime = self.runtime;
        runtime.block_on(self.stream.collect_completion())?
    }

    /// Just the text pieces, as an iterator.
    ///
    /// ```no_run
    /// # let client = aligneai::blocking::AligneAI::from_env()?;
    /// # let request = aligneai::ChatCompletionRequest::new("m", [aligneai::ChatMessage::user("Hi")]);
    /// for piece in client.chat().completions().create_stream(request)?.text() {
    ///     print!("{}", piece?);
    /// }
    /// # Ok::<(), aligneai::Error>(())
    /// ```
    pub fn text(self) -> TextChunks {
        TextChunks {
            stream: self.stream.text(),
            runtime: self.runtime,
            done: false,
        }
    }
}

impl Iterator for ChatCompletionChunks {
    type Item = Result<ChatCompletionChunk>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.runtime.block_on(self.stream.next()) {
            Ok(item) => item,
            Err(err) => {
                self.done = true;
                Some(Err(err))
            }
        }
    }
}

/// The text pieces of a streamed completion, from [`ChatCompletionChunks::text`].
pub struct TextChunks {
    stream: TextStream,
    runtime: Arc<Runtime>,
    done: bool,
}

impl fmt::Debug for TextChunks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TextChunks")
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl Iterator for TextChunks {
    type Item = Result<String>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.runtime.block_on(self.stream.next()) {
            Ok(item) => item,
            Err(err) => {
                self.done = true;
                Some(Err(err))
            }
        }
    }
}
