//! The chat resource: completions and the token check.

mod completions;

pub use completions::Completions;

use llm_core::{ApiRequest, RequestOptions};

use crate::{ApiTokenValid, PeakPrivacy, Result};

/// The path of the token check.
const PING_PATH: &str = "ai/ping";

/// The chat resource, from [`PeakPrivacy::chat`].
///
/// ```
/// let client = peakprivacy::PeakPrivacy::new("t")?;
/// let chat = client.chat();
/// # let _ = chat; Ok::<(), peakprivacy::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Chat<'a> {
    client: &'a PeakPrivacy,
}

impl<'a> Chat<'a> {
    pub(crate) fn new(client: &'a PeakPrivacy) -> Self {
        Self { client }
    }

    /// Chat completions: [`create`](Completions::create) and
    /// [`create_stream`](Completions::create_stream).
    ///
    /// ```
    /// let client = peakprivacy::PeakPrivacy::new("t")?;
    /// let completions = client.chat().completions();
    /// # let _ = completions; Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn completions(&self) -> Completions<'a> {
        Completions::new(self.client)
    }

    /// Checks the API token with `GET ai/ping` (the body is ignored).
    ///
    /// # Errors
    /// [`ErrorKind::Authentication`](crate::ErrorKind::Authentication) on 401 (invalid or
    /// expired token, or inactive subscription), and any other [`Error`](crate::Error).
    ///
    /// ```no_run
    /// use peakprivacy::{ErrorKind, PeakPrivacy};
    ///
    /// # async fn run() -> peakprivacy::Result<()> {
    /// let client = PeakPrivacy::from_env()?;
    /// match client.chat().check_api_token().await {
    ///     Ok(_) => println!("token is valid"),
    ///     Err(err) if err.kind() == ErrorKind::Authentication => println!("bad token"),
    ///     Err(err) => return Err(err),
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn check_api_token(&self) -> Result<ApiTokenValid> {
        self.check_api_token_with(RequestOptions::new()).await
    }

    /// [`check_api_token`](Self::check_api_token) with per-call options.
    ///
    /// # Errors
    /// As [`check_api_token`](Self::check_api_token).
    ///
    /// ```no_run
    /// use peakprivacy::RequestOptions;
    /// use std::time::Duration;
    ///
    /// # async fn run() -> peakprivacy::Result<()> {
    /// let client = peakprivacy::PeakPrivacy::from_env()?;
    /// let options = RequestOptions::new().timeout(Duration::from_secs(5)).max_retries(0);
    /// client.chat().check_api_token_with(options).await?;
    /// # Ok(()) }
    /// ```
    pub async fn check_api_token_with(&self, options: RequestOptions) -> Result<ApiTokenValid> {
        let request = ApiRequest::get(PING_PATH).options(options);
        self.client.transport().send(request).await?;
        Ok(ApiTokenValid::new())
    }
}
