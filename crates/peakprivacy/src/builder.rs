//! [`PeakPrivacyBuilder`]: every client setting, with defaults and environment fallbacks.
//! The settings shared with every provider come from `llm_core::client_builder_settings!`.

use std::fmt;
use std::marker::PhantomData;

use llm_core::{Async, ClientConfig, ProviderDefaults};

use crate::env::{API_TOKEN_ENV, BASE_URL_ENV, DEFAULT_BASE_URL};
use crate::{PeakPrivacy, Result};

/// The `User-Agent` sent with every request.
pub(crate) const USER_AGENT: &str = concat!("peakprivacy-rust/", env!("CARGO_PKG_VERSION"));

/// Where the token and base URL come from, and how the token is sent.
const DEFAULTS: ProviderDefaults<'static> = ProviderDefaults {
    credential_env: API_TOKEN_ENV,
    base_url_env: BASE_URL_ENV,
    default_base_url: DEFAULT_BASE_URL,
    auth_header: "Api-Token",
    user_agent: USER_AGENT,
    provider_name: crate::PROVIDER_NAME,
};

/// Builds a [`PeakPrivacy`] client (or, as `blocking::PeakPrivacyBuilder`, the blocking
/// one). Start with [`PeakPrivacy::builder`].
///
/// Values set here win over the environment: at `build`, a token not set (or blank) is
/// read from `PEAKPRIVACY_API_TOKEN`, and a base URL not set from `PEAKPRIVACY_API_URL`
/// (default `https://api.peakprivacy.ch/v1/`). Only [`PeakPrivacy::from_env`] also loads a
/// `.env` file. The setters are the same, with the same names and types, on every
/// provider's builder (`aligneai::AligneAIBuilder`); only the credential setter's name
/// differs (`api_token` here).
///
/// | setting | default |
/// |---|---|
/// | [`timeout`](Self::timeout) (one attempt; for a stream until headers arrive) | 120 s |
/// | [`connect_timeout`](Self::connect_timeout) | 10 s |
/// | [`stream_idle_timeout`](Self::stream_idle_timeout) | 60 s |
/// | [`total_timeout`](Self::total_timeout) (across retries) | none |
/// | [`max_retries`](Self::max_retries) | 2 (3 attempts) |
/// | [`max_response_size`](Self::max_response_size) / [`max_event_size`](Self::max_event_size) | 32 MiB / 16 MiB |
///
/// ```
/// use peakprivacy::PeakPrivacy;
/// use std::time::Duration;
///
/// let client = PeakPrivacy::builder()
///     .api_token("my-token")
///     .base_url("http://127.0.0.1:8080/v1")
///     .timeout(Duration::from_secs(30))
///     .max_retries(4)
///     .default_header("x-team", "search")
///     .build()?;
/// assert_eq!(client.base_url(), "http://127.0.0.1:8080/v1/");
/// # Ok::<(), peakprivacy::Error>(())
/// ```
#[must_use]
pub struct PeakPrivacyBuilder<M = Async> {
    config: ClientConfig,
    mode: PhantomData<M>,
}

impl<M> fmt::Debug for PeakPrivacyBuilder<M> {
    /// Never prints the token, only whether one was set.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PeakPrivacyBuilder")
            .field("config", &self.config)
            .finish()
    }
}

impl<M> Default for PeakPrivacyBuilder<M> {
    fn default() -> Self {
        Self {
            config: ClientConfig::new(),
            mode: PhantomData,
        }
    }
}

llm_core::client_builder_settings!(
    PeakPrivacyBuilder,
    krate = "peakprivacy",
    client = "PeakPrivacy",
    credential = api_token,
    credential_env = "PEAKPRIVACY_API_TOKEN"
);

impl<M> PeakPrivacyBuilder<M> {
    /// The transport with every setting and PeakPrivacy's headers applied.
    pub(crate) fn transport(self) -> Result<llm_core::Transport> {
        self.config
            .into_transport(&DEFAULTS)?
            .default_header("X-Requested-With", "XMLHttpRequest")
            .build()
    }
}

impl PeakPrivacyBuilder<Async> {
    /// A builder with every setting at its default.
    ///
    /// ```
    /// let builder = peakprivacy::PeakPrivacyBuilder::new();
    /// assert!(format!("{builder:?}").contains("credential: None"));
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Builds the client.
    ///
    /// # Errors
    /// - [`ErrorKind::MissingCredential`](crate::ErrorKind::MissingCredential) naming
    ///   `PEAKPRIVACY_API_TOKEN` when no token was set and the variable is unset or blank.
    /// - [`ErrorKind::Config`](crate::ErrorKind::Config) for an invalid base URL, header,
    ///   token characters, or TLS set-up.
    ///
    /// ```
    /// use peakprivacy::{ErrorKind, PeakPrivacy};
    /// # if std::env::var_os("PEAKPRIVACY_API_TOKEN").is_none() {
    /// let err = PeakPrivacy::builder().api_token("  ").build().unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::MissingCredential);
    /// assert_eq!(err.env_var(), Some("PEAKPRIVACY_API_TOKEN"));
    /// # }
    /// ```
    pub fn build(self) -> Result<PeakPrivacy> {
        Ok(PeakPrivacy::from_transport(self.transport()?))
    }
}
