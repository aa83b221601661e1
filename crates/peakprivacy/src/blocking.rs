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

mod chat;
mod models;
mod stream;

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use llm_core::retry::{Clock, Jitter, RetryPolicy, Sleep};
use llm_core::{BlockingRuntime as Runtime, SecretString};

pub use chat::{Chat, Completions};
pub use models::Models;
pub use stream::{ChatCompletionStream, TextIter};

use crate::Result;

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
    runtime: Arc<Runtime>,
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
        crate::env::load_dotenv()?;
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
        PeakPrivacyBuilder {
            inner: crate::PeakPrivacyBuilder::new(),
        }
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
            runtime: Arc::new(Runtime::new("the blocking PeakPrivacy client")?),
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
        Models::new(self)
    }

    /// Runs `future` to completion on the client's runtime.
    fn block_on<F: Future>(&self, future: F) -> Result<F::Output> {
        self.runtime.block_on(future)
    }
}

/// Builds a blocking [`PeakPrivacy`]: the settings of [`crate::PeakPrivacyBuilder`].
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
#[must_use]
#[derive(Debug, Default)]
pub struct PeakPrivacyBuilder {
    inner: crate::PeakPrivacyBuilder,
}

macro_rules! delegate {
    ($( $(#[$doc:meta])* $name:ident($arg:ident: $ty:ty); )*) => {
        $(
            $(#[$doc])*
            pub fn $name(self, $arg: $ty) -> Self {
                Self { inner: self.inner.$name($arg) }
            }
        )*
    };
}

impl PeakPrivacyBuilder {
    delegate! {
        /// See [`crate::PeakPrivacyBuilder::api_token`].
        ///
        /// ```
        /// let b = peakprivacy::blocking::PeakPrivacy::builder().api_token("t");
        /// # let _ = b;
        /// ```
        api_token(token: impl Into<SecretString>);
        /// See [`crate::PeakPrivacyBuilder::base_url`].
        ///
        /// ```
        /// let b = peakprivacy::blocking::PeakPrivacy::builder().base_url("http://127.0.0.1:9/v1/");
        /// # let _ = b;
        /// ```
        base_url(url: impl Into<String>);
        /// See [`crate::PeakPrivacyBuilder::timeout`].
        ///
        /// ```
        /// let b = peakprivacy::blocking::PeakPrivacy::builder().timeout(std::time::Duration::from_secs(9));
        /// # let _ = b;
        /// ```
        timeout(timeout: Duration);
        /// See [`crate::PeakPrivacyBuilder::connect_timeout`].
        ///
        /// ```
        /// let b = peakprivacy::blocking::PeakPrivacy::builder().connect_timeout(std::time::Duration::from_secs(2));
        /// # let _ = b;
        /// ```
        connect_timeout(timeout: Duration);
        /// See [`crate::PeakPrivacyBuilder::stream_idle_timeout`].
        ///
        /// ```
        /// let b = peakprivacy::blocking::PeakPrivacy::builder().stream_idle_timeout(std::time::Duration::from_secs(20));
        /// # let _ = b;
        /// ```
        stream_idle_timeout(timeout: Duration);
        /// See [`crate::PeakPrivacyBuilder::total_timeout`].
        ///
        /// ```
        /// let b = peakprivacy::blocking::PeakPrivacy::builder().total_timeout(std::time::Duration::from_secs(60));
        /// # let _ = b;
        /// ```
        total_timeout(timeout: Duration);
        /// See [`crate::PeakPrivacyBuilder::max_response_size`].
        ///
        /// ```
        /// let b = peakprivacy::blocking::PeakPrivacy::builder().max_response_size(1 << 20);
        /// # let _ = b;
        /// ```
        max_response_size(bytes: usize);
        /// See [`crate::PeakPrivacyBuilder::max_event_size`].
        ///
        /// ```
        /// let b = peakprivacy::blocking::PeakPrivacy::builder().max_event_size(1 << 20);
        /// # let _ = b;
        /// ```
        max_event_size(bytes: usize);
        /// See [`crate::PeakPrivacyBuilder::max_retries`].
        ///
        /// ```
        /// let b = peakprivacy::blocking::PeakPrivacy::builder().max_retries(0);
        /// # let _ = b;
        /// ```
        max_retries(retries: u32);
        /// See [`crate::PeakPrivacyBuilder::retry_policy`].
        ///
        /// ```
        /// let b = peakprivacy::blocking::PeakPrivacy::builder().retry_policy(peakprivacy::RetryPolicy::none());
        /// # let _ = b;
        /// ```
        retry_policy(policy: RetryPolicy);
        /// See [`crate::PeakPrivacyBuilder::http_client`].
        ///
        /// ```
        /// let b = peakprivacy::blocking::PeakPrivacy::builder()
        ///     .http_client(peakprivacy::reqwest::Client::new());
        /// # let _ = b;
        /// ```
        http_client(client: llm_core::reqwest::Client);
        /// See [`crate::PeakPrivacyBuilder::danger_accept_invalid_certs`].
        ///
        /// ```
        /// let b = peakprivacy::blocking::PeakPrivacy::builder().danger_accept_invalid_certs(false);
        /// # let _ = b;
        /// ```
        danger_accept_invalid_certs(accept: bool);
        /// See [`crate::PeakPrivacyBuilder::sleep_impl`].
        ///
        /// ```
        /// let b = peakprivacy::blocking::PeakPrivacy::builder()
        ///     .sleep_impl(std::sync::Arc::new(peakprivacy::retry::TokioSleep));
        /// # let _ = b;
        /// ```
        sleep_impl(sleep: Arc<dyn Sleep>);
        /// See [`crate::PeakPrivacyBuilder::jitter`].
        ///
        /// ```
        /// let b = peakprivacy::blocking::PeakPrivacy::builder()
        ///     .jitter(std::sync::Arc::new(peakprivacy::retry::FixedJitter(0.0)));
        /// # let _ = b;
        /// ```
        jitter(jitter: Arc<dyn Jitter>);
        /// See [`crate::PeakPrivacyBuilder::clock`].
        ///
        /// ```
        /// let b = peakprivacy::blocking::PeakPrivacy::builder()
        ///     .clock(std::sync::Arc::new(peakprivacy::retry::SystemClock));
        /// # let _ = b;
        /// ```
        clock(clock: Arc<dyn Clock>);
    }

    /// See [`crate::PeakPrivacyBuilder::default_header`].
    ///
    /// ```
    /// let b = peakprivacy::blocking::PeakPrivacy::builder().default_header("x-team", "search");
    /// # let _ = b;
    /// ```
    pub fn default_header(self, name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            inner: self.inner.default_header(name, value),
        }
    }

    /// Builds the blocking client and starts its runtime.
    ///
    /// # Errors
    /// As [`crate::PeakPrivacyBuilder::build`], or [`ErrorKind::Config`](crate::ErrorKind::Config) when the runtime
    /// cannot be started.
    ///
    /// ```
    /// let client = peakprivacy::blocking::PeakPrivacy::builder().api_token("t").build()?;
    /// # let _ = client; Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn build(self) -> Result<PeakPrivacy> {
        PeakPrivacy::from_async(self.inner.build()?)
    }
}
