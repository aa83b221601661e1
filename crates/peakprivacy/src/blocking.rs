//! A synchronous facade over the async client, for code (and users of the synchronous
//! Python SDK) without an async runtime. Enable the `blocking` cargo feature.
//!
//! [`PeakPrivacy`] owns a current-thread tokio runtime and runs each call to completion on
//! it; streams become [`Iterator`]s. The methods mirror the async ones and return values
//! directly.
//!
//! Do not call it from async code: there, every method returns an
//! [`ErrorKind::Config`](crate::ErrorKind::Config) error instead of blocking the runtime
//! (or panicking). Use the async [`crate::PeakPrivacy`] instead. This includes
//! `tokio::task::spawn_blocking` threads, which also run inside a runtime.
//!
//! ```no_run
//! use peakprivacy::blocking::PeakPrivacy;
//! use peakprivacy::{ChatCompletionRequest, Message};
//!
//! let client = PeakPrivacy::from_env()?;
//! let request = ChatCompletionRequest::new("mistral-swiss", [Message::user("Hello!")]);
//! let completion = client.chat().completions().create(request.clone())?;
//! println!("{}", completion.content());
//!
//! for piece in client.chat().completions().create_stream(request.anonymize(false))?.text() {
//!     print!("{}", piece?);
//! }
//! # Ok::<(), peakprivacy::Error>(())
//! ```

mod assistants;
mod chat;
mod files;

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use llm_core::{Blocking, BlockingRuntime, SecretString};

pub use assistants::Assistants;
pub use chat::{Chat, Completions};
pub use files::Files;

/// The blocking models resource, from [`PeakPrivacy::models`]: `list` and `list_with`.
///
/// ```no_run
/// let client = peakprivacy::blocking::PeakPrivacy::from_env()?;
/// for model in client.models().list()? {
///     println!("{}", model.id);
/// }
/// # Ok::<(), peakprivacy::Error>(())
/// ```
pub type Models<'a> = llm_core::blocking::Models<'a, PeakPrivacy>;

use crate::Result;

/// The blocking stream of chat chunks: an [`Iterator`] of `Result<ChatCompletionChunk>`
/// with `collect_completion()` and `text()` (the same type in every provider crate).
pub type ChatCompletionStream = llm_core::BlockingStream<crate::ChatCompletionStream>;

/// Every item of a paginated list, fetching pages as it goes: an [`Iterator`] of
/// `Result<T>` (from `files().list_stream(..)` and `assistants().list_stream(..)`).
pub type PageIter<T> = llm_core::BlockingStream<crate::PageStream<T>>;

/// The text pieces of a blocking stream, from [`ChatCompletionStream::text`].
pub type TextIter = llm_core::BlockingStream<crate::TextStream>;

/// Builds a blocking [`PeakPrivacy`]: the same builder, settings and defaults as
/// [`crate::PeakPrivacyBuilder`], whose `build` returns the blocking client.
///
/// ```
/// use std::time::Duration;
/// let client = peakprivacy::blocking::PeakPrivacy::builder()
///     .api_token("t")
///     .timeout(Duration::from_secs(30))
///     .max_retries(1)
///     .build()?;
/// # let _ = client; Ok::<(), peakprivacy::Error>(())
/// ```
pub type PeakPrivacyBuilder = crate::PeakPrivacyBuilder<Blocking>;

/// The blocking PeakPrivacy client. Cloning is cheap; clones share the runtime and the
/// connection pool.
///
/// ```no_run
/// let client = peakprivacy::blocking::PeakPrivacy::from_env()?;
/// client.chat().check_api_token()?;
/// for model in client.models().list()? {
///     println!("{}", model.id);
/// }
/// # Ok::<(), peakprivacy::Error>(())
/// ```
#[derive(Clone)]
pub struct PeakPrivacy {
    inner: crate::PeakPrivacy,
    runtime: Arc<BlockingRuntime>,
}

impl fmt::Debug for PeakPrivacy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("blocking::PeakPrivacy")
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}

impl PeakPrivacy {
    /// A client with `token` and default settings; see [`crate::PeakPrivacy::new`].
    ///
    /// # Errors
    /// As [`crate::PeakPrivacy::new`], or [`ErrorKind::Config`](crate::ErrorKind::Config) when the runtime cannot
    /// be started.
    ///
    /// ```
    /// let client = peakprivacy::blocking::PeakPrivacy::new("my-token")?;
    /// # let _ = client; Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn new(token: impl Into<SecretString>) -> Result<Self> {
        Self::builder().api_token(token).build()
    }

    /// A client from the environment (and `.env`); see [`crate::PeakPrivacy::from_env`].
    ///
    /// # Errors
    /// As [`crate::PeakPrivacy::from_env`].
    ///
    /// ```no_run
    /// let client = peakprivacy::blocking::PeakPrivacy::from_env()?;
    /// # let _ = client; Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn from_env() -> Result<Self> {
        llm_core::env::load_dotenv()?;
        Self::builder().build()
    }

    /// Starts configuring a blocking client (the same settings as
    /// [`crate::PeakPrivacyBuilder`]).
    ///
    /// ```
    /// let client = peakprivacy::blocking::PeakPrivacy::builder().api_token("t").build()?;
    /// # let _ = client; Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn builder() -> PeakPrivacyBuilder {
        PeakPrivacyBuilder::default()
    }

    /// Wraps an async client (sharing its connection pool) in a blocking facade with its
    /// own runtime.
    ///
    /// # Errors
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) when the runtime cannot be started.
    ///
    /// ```
    /// let async_client = peakprivacy::PeakPrivacy::new("t")?;
    /// let client = peakprivacy::blocking::PeakPrivacy::from_async(async_client)?;
    /// # let _ = client; Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn from_async(client: crate::PeakPrivacy) -> Result<Self> {
        Ok(Self {
            inner: client,
            runtime: Arc::new(BlockingRuntime::new("the blocking PeakPrivacy client")?),
        })
    }

    /// The base URL requests are joined to, always ending in `/`.
    ///
    /// ```
    /// let client = peakprivacy::blocking::PeakPrivacy::builder()
    ///     .api_token("t")
    ///     .base_url("http://127.0.0.1:9/v1")
    ///     .build()?;
    /// assert_eq!(client.base_url(), "http://127.0.0.1:9/v1/");
    /// # Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn base_url(&self) -> &str {
        self.inner.base_url()
    }

    /// Chat: completions (plain and streamed) and the token check.
    ///
    /// ```
    /// let client = peakprivacy::blocking::PeakPrivacy::new("t")?;
    /// let completions = client.chat().completions();
    /// # let _ = completions; Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn chat(&self) -> Chat<'_> {
        Chat::new(self)
    }

    /// The models the account can use.
    ///
    /// ```
    /// let client = peakprivacy::blocking::PeakPrivacy::new("t")?;
    /// let models = client.models();
    /// # let _ = models; Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn models(&self) -> Models<'_> {
        llm_core::blocking::Models::new(self)
    }

    /// The Files API; see [`crate::PeakPrivacy::files`].
    ///
    /// ```
    /// let client = peakprivacy::blocking::PeakPrivacy::new("t")?;
    /// let files = client.files();
    /// # let _ = files; Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn files(&self) -> Files<'_> {
        Files::new(self)
    }

    /// The Assistants API; see [`crate::PeakPrivacy::assistants`].
    ///
    /// ```
    /// let client = peakprivacy::blocking::PeakPrivacy::new("t")?;
    /// let assistants = client.assistants();
    /// # let _ = assistants; Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn assistants(&self) -> Assistants<'_> {
        Assistants::new(self)
    }

    /// The async client this facade drives (sharing its connection pool).
    ///
    /// ```
    /// let client = peakprivacy::blocking::PeakPrivacy::new("t")?;
    /// assert_eq!(client.as_async().base_url(), client.base_url());
    /// # Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn as_async(&self) -> &crate::PeakPrivacy {
        &self.inner
    }

    /// Runs a call to completion on the client's runtime (one flat `Result`).
    fn run<T>(&self, future: impl Future<Output = Result<T>>) -> Result<T> {
        self.runtime.run(future)
    }

    /// A stream driven by the client's runtime, as an iterator.
    fn iter<T>(&self, stream: crate::PageStream<T>) -> PageIter<T> {
        llm_core::BlockingStream::new(stream, Arc::clone(&self.runtime))
    }
}

impl llm_core::blocking::BlockingClient for PeakPrivacy {
    type Async = crate::PeakPrivacy;

    fn as_async(&self) -> &crate::PeakPrivacy {
        &self.inner
    }

    fn runtime(&self) -> &Arc<BlockingRuntime> {
        &self.runtime
    }
}

impl PeakPrivacyBuilder {
    /// Builds the blocking client and starts its runtime.
    ///
    /// # Errors
    /// As [`crate::PeakPrivacyBuilder::build`], or
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) when the runtime cannot be started.
    ///
    /// ```
    /// let client = peakprivacy::blocking::PeakPrivacy::builder().api_token("t").build()?;
    /// # let _ = client; Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn build(self) -> Result<PeakPrivacy> {
        PeakPrivacy::from_async(crate::PeakPrivacy::from_transport(self.transport()?))
    }
}
