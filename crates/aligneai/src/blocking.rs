//! A synchronous facade (feature `blocking`), for code that is not async — like the
//! original Python SDKs.
//!
//! [`AligneAI`] owns a current-thread tokio runtime and runs each call to completion on
//! it; streams become iterators. Calling it from inside an async runtime returns an
//! [`ErrorKind::Config`](crate::ErrorKind::Config) error instead of panicking: use [`crate::AligneAI`] there.
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

mod chat;
mod embeddings;

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use llm_core::{Blocking, BlockingRuntime};

pub use chat::{Chat, Completions};
pub use embeddings::Embeddings;

use crate::{RequestOptions, Result, SecretString};

/// The blocking stream of chat chunks: an [`Iterator`] of `Result<ChatCompletionChunk>`
/// with `collect_completion()` and `text()` (the same type in every provider crate).
pub type ChatCompletionStream = llm_core::BlockingStream<crate::ChatCompletionStream>;

/// The text pieces of a blocking stream, from [`ChatCompletionStream::text`].
pub type TextIter = llm_core::BlockingStream<crate::TextStream>;

/// Builds a blocking [`AligneAI`]: the same builder, settings and defaults as
/// [`crate::AligneAIBuilder`], whose `build` returns the blocking client.
///
/// ```
/// use std::time::Duration;
/// let client = aligneai::blocking::AligneAI::builder()
///     .api_key("k")
///     .timeout(Duration::from_secs(30))
///     .max_retries(1)
///     .build()?;
/// # let _ = client; Ok::<(), aligneai::Error>(())
/// ```
pub type AligneAIBuilder = crate::AligneAIBuilder<Blocking>;

/// The blocking models resource, from [`AligneAI::models`]: `list` and `list_with`.
///
/// ```no_run
/// let client = aligneai::blocking::AligneAI::from_env()?;
/// for model in client.models().list()? {
///     println!("{}", model.id);
/// }
/// # Ok::<(), aligneai::Error>(())
/// ```
pub type Models<'a> = llm_core::blocking::Models<'a, AligneAI>;

/// A blocking AligneAI client: the same calls as [`crate::AligneAI`], returning values
/// directly. Cheap to clone; clones share the runtime and the connection pool.
#[derive(Clone)]
pub struct AligneAI {
    inner: crate::AligneAI,
    runtime: Arc<BlockingRuntime>,
}

impl fmt::Debug for AligneAI {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("blocking::AligneAI")
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}

impl AligneAI {
    /// A blocking client with `api_key` (other settings as [`crate::AligneAI::new`]).
    ///
    /// # Errors
    /// As for [`crate::AligneAI::new`]; [`ErrorKind::Config`](crate::ErrorKind::Config) inside an async runtime.
    ///
    /// ```
    /// let client = aligneai::blocking::AligneAI::new("my-key")?;
    /// # let _ = client;
    /// # Ok::<(), aligneai::Error>(())
    /// ```
    pub fn new(api_key: impl Into<SecretString>) -> Result<Self> {
        Self::builder().api_key(api_key).build()
    }

    /// A blocking client configured from the environment and `.env` (see
    /// [`crate::AligneAI::from_env`]).
    ///
    /// # Errors
    /// As for [`crate::AligneAI::from_env`]; [`ErrorKind::Config`](crate::ErrorKind::Config) inside an async runtime.
    ///
    /// ```no_run
    /// let client = aligneai::blocking::AligneAI::from_env()?;
    /// # let _ = client;
    /// # Ok::<(), aligneai::Error>(())
    /// ```
    pub fn from_env() -> Result<Self> {
        llm_core::env::load_dotenv()?;
        Self::builder().build()
    }

    /// Starts configuring a blocking client (the same settings as
    /// [`crate::AligneAIBuilder`]).
    ///
    /// ```
    /// let client = aligneai::blocking::AligneAI::builder().api_key("k").max_retries(0).build()?;
    /// # let _ = client;
    /// # Ok::<(), aligneai::Error>(())
    /// ```
    pub fn builder() -> AligneAIBuilder {
        AligneAIBuilder::default()
    }

    /// Wraps an async client (sharing its configuration and connection pool) in a blocking
    /// facade with its own runtime. Do not keep using the async client in another runtime
    /// at the same time.
    ///
    /// # Errors
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) when the runtime cannot be started, or inside an async runtime.
    ///
    /// ```
    /// let async_client = aligneai::AligneAI::new("k")?;
    /// let client = aligneai::blocking::AligneAI::from_async(async_client)?;
    /// # let _ = client;
    /// # Ok::<(), aligneai::Error>(())
    /// ```
    pub fn from_async(client: crate::AligneAI) -> Result<Self> {
        Ok(Self {
            inner: client,
            runtime: Arc::new(BlockingRuntime::new("the blocking AligneAI client")?),
        })
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
        Embeddings::new(self)
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
        Chat::new(self)
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
        llm_core::blocking::Models::new(self)
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
        self.run(self.inner.ping_with(options))
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

    /// Runs a call to completion on the client's runtime (one flat `Result`).
    fn run<T>(&self, future: impl Future<Output = Result<T>>) -> Result<T> {
        self.runtime.run(future)
    }
}

impl llm_core::blocking::BlockingClient for AligneAI {
    type Async = crate::AligneAI;

    fn as_async(&self) -> &crate::AligneAI {
        &self.inner
    }

    fn runtime(&self) -> &Arc<BlockingRuntime> {
        &self.runtime
    }
}

impl AligneAIBuilder {
    /// Builds the blocking client and starts its runtime.
    ///
    /// # Errors
    /// As [`crate::AligneAIBuilder::build`], or
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) when the runtime cannot be started
    /// or this is called inside an async runtime.
    ///
    /// ```
    /// let client = aligneai::blocking::AligneAI::builder().api_key("k").build()?;
    /// # let _ = client; Ok::<(), aligneai::Error>(())
    /// ```
    pub fn build(self) -> Result<AligneAI> {
        let (transport, config) = self.parts()?;
        AligneAI::from_async(crate::AligneAI::from_parts(transport, config))
    }
}
