//! [`AligneAIBuilder`] for the blocking client: the async builder's settings, building a
//! [`blocking::AligneAI`](super::AligneAI).

use std::sync::Arc;
use std::time::Duration;

use llm_core::retry::{Clock, Jitter, RetryPolicy, Sleep};

use super::AligneAI;
use crate::{EmbeddingsResponseFormat, Result};

/// Builds a [`blocking::AligneAI`](super::AligneAI); every setter is the one of
/// [`crate::AligneAIBuilder`] with the same name.
///
/// ```
/// use std::time::Duration;
///
/// let client = aligneai::blocking::AligneAI::builder()
///     .api_key("my-key")
///     .workspace_id("ws-1")
///     .timeout(Duration::from_secs(30))
///     .build()?;
/// # let _ = client;
/// # Ok::<(), aligneai::Error>(())
/// ```
#[must_use]
#[derive(Debug, Default)]
pub struct AligneAIBuilder {
    inner: crate::AligneAIBuilder,
}

macro_rules! forward {
    ($($(#[$doc:meta])* $name:ident($($arg:ident: $ty:ty),*);)*) => {
        $(
            $(#[$doc])*
            pub fn $name(self, $($arg: $ty),*) -> Self {
                Self { inner: self.inner.$name($($arg),*) }
            }
        )*
    };
}

impl AligneAIBuilder {
    /// A builder with defaults (same as [`AligneAI::builder`]).
    pub fn new() -> Self {
        Self::default()
    }

    forward! {
        /// See [`crate::AligneAIBuilder::api_key`].
        api_key(key: impl Into<crate::SecretString>);
        /// See [`crate::AligneAIBuilder::base_url`].
        base_url(url: impl Into<String>);
        /// See [`crate::AligneAIBuilder::workspace_id`].
        workspace_id(id: impl Into<String>);
        /// See [`crate::AligneAIBuilder::auth_header`].
        auth_header(name: impl Into<String>);
        /// See [`crate::AligneAIBuilder::workspace_header`].
        workspace_header(name: impl Into<String>);
        /// See [`crate::AligneAIBuilder::timeout`].
        timeout(timeout: Duration);
        /// See [`crate::AligneAIBuilder::connect_timeout`].
        connect_timeout(timeout: Duration);
        /// See [`crate::AligneAIBuilder::stream_idle_timeout`].
        stream_idle_timeout(timeout: Duration);
        /// See [`crate::AligneAIBuilder::total_timeout`].
        total_timeout(timeout: Duration);
        /// See [`crate::AligneAIBuilder::max_response_size`].
        max_response_size(bytes: usize);
        /// See [`crate::AligneAIBuilder::max_event_size`].
        max_event_size(bytes: usize);
        /// See [`crate::AligneAIBuilder::max_retries`].
        max_retries(retries: u32);
        /// See [`crate::AligneAIBuilder::retry_policy`].
        retry_policy(policy: RetryPolicy);
        /// See [`crate::AligneAIBuilder::default_header`].
        default_header(name: impl Into<String>, value: impl Into<String>);
        /// See [`crate::AligneAIBuilder::http_client`].
        http_client(client: llm_core::reqwest::Client);
        /// See [`crate::AligneAIBuilder::danger_accept_invalid_certs`].
        danger_accept_invalid_certs(accept: bool);
        /// See [`crate::AligneAIBuilder::embeddings_response_format`].
        embeddings_response_format(format: EmbeddingsResponseFormat);
        /// See [`crate::AligneAIBuilder::sleep_impl`].
        sleep_impl(sleep: Arc<dyn Sleep>);
        /// See [`crate::AligneAIBuilder::jitter`].
        jitter(jitter: Arc<dyn Jitter>);
        /// See [`crate::AligneAIBuilder::clock`].
        clock(clock: Arc<dyn Clock>);
    }

    /// Builds the blocking client.
    ///
    /// # Errors
    /// As for [`crate::AligneAIBuilder::build`]; [`ErrorKind::Config`](crate::ErrorKind::Config)
    /// inside an async runtime.
    ///
    /// ```
    /// let client = aligneai::blocking::AligneAI::builder().api_key("k").build()?;
    /// # let _ = client;
    /// # Ok::<(), aligneai::Error>(())
    /// ```
    pub fn build(self) -> Result<AligneAI> {
        AligneAI::from_async(self.inner.build()?)
    }
}
