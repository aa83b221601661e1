//! The blocking chat resource.

use super::PeakPrivacy;
use crate::{ApiTokenValid, RequestOptions, Result};

/// The blocking chat resource, from [`PeakPrivacy::chat`].
///
/// ```
/// let client = peakprivacy::blocking::PeakPrivacy::new("t")?;
/// let chat = client.chat();
/// # let _ = chat; Ok::<(), peakprivacy::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Chat<'a> {
    client: &'a PeakPrivacy,
}

impl<'a> Chat<'a> {
    pub(super) fn new(client: &'a PeakPrivacy) -> Self {
        Self { client }
    }

    /// Chat completions.
    ///
    /// ```
    /// let client = peakprivacy::blocking::PeakPrivacy::new("t")?;
    /// let completions = client.chat().completions();
    /// # let _ = completions; Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn completions(&self) -> Completions<'a> {
        llm_core::blocking::Completions::new(self.client)
    }

    /// Checks the API token (`GET ai/ping`); see [`crate::Chat::check_api_token`].
    ///
    /// # Errors
    /// [`ErrorKind::Authentication`](crate::ErrorKind::Authentication) on 401, any other
    /// [`Error`](crate::Error), or [`ErrorKind::Config`](crate::ErrorKind::Config) when
    /// called inside an async runtime.
    ///
    /// ```no_run
    /// let client = peakprivacy::blocking::PeakPrivacy::from_env()?;
    /// client.chat().check_api_token()?;
    /// # Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn check_api_token(&self) -> Result<ApiTokenValid> {
        self.check_api_token_with(RequestOptions::new())
    }

    /// [`check_api_token`](Self::check_api_token) with per-call options.
    ///
    /// # Errors
    /// As [`check_api_token`](Self::check_api_token).
    ///
    /// ```no_run
    /// let client = peakprivacy::blocking::PeakPrivacy::from_env()?;
    /// client.chat().check_api_token_with(peakprivacy::RequestOptions::new().max_retries(0))?;
    /// # Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn check_api_token_with(&self, options: RequestOptions) -> Result<ApiTokenValid> {
        self.client
            .run(self.client.inner.chat().check_api_token_with(options))
    }
}

/// Blocking chat completions, from [`Chat::completions`]: `create`, `create_with`,
/// `create_stream` and `create_stream_with` (streams are iterators), the same methods as
/// in every provider crate.
///
/// ```no_run
/// use peakprivacy::{ChatCompletionRequest, Message};
///
/// let client = peakprivacy::blocking::PeakPrivacy::from_env()?;
/// let request = ChatCompletionRequest::new("mistral-swiss", [Message::user("Hi")]).anonymize(false);
/// for chunk in client.chat().completions().create_stream(request)? {
///     print!("{}", chunk?.content());
/// }
/// # Ok::<(), peakprivacy::Error>(())
/// ```
pub type Completions<'a> = llm_core::blocking::Completions<'a, PeakPrivacy>;
