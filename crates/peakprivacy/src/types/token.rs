//! The result of the token check.

/// Proof that `GET ai/ping` accepted the API token (returned by
/// [`Chat::check_api_token`](crate::Chat::check_api_token)).
///
/// ```no_run
/// # async fn run() -> peakprivacy::Result<()> {
/// let client = peakprivacy::PeakPrivacy::from_env()?;
/// let peakprivacy::ApiTokenValid { .. } = client.chat().check_api_token().await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct ApiTokenValid;

impl ApiTokenValid {
    pub(crate) fn new() -> Self {
        Self
    }
}
