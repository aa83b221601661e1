//! `GET ai/models`.

use crate::{Model, PeakPrivacy, RequestOptions, Result};

/// The path of the model list.
const MODELS_PATH: &str = "ai/models";

/// The models resource, from [`PeakPrivacy::models`].
///
/// ```
/// let client = peakprivacy::PeakPrivacy::new("t")?;
/// let models = client.models();
/// # let _ = models; Ok::<(), peakprivacy::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Models<'a> {
    client: &'a PeakPrivacy,
}

impl<'a> Models<'a> {
    pub(crate) fn new(client: &'a PeakPrivacy) -> Self {
        Self { client }
    }

    /// Lists the models the account can use (`GET ai/models`).
    ///
    /// # Errors
    /// Any [`Error`](crate::Error) of the status table, or
    /// [`ErrorKind::Decode`](crate::ErrorKind::Decode) for an unexpected body.
    ///
    /// ```no_run
    /// # async fn run() -> peakprivacy::Result<()> {
    /// let client = peakprivacy::PeakPrivacy::from_env()?;
    /// for model in client.models().list().await? {
    ///     println!("{} (max {:?} tokens)", model.id, model.max_tokens);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn list(&self) -> Result<Vec<Model>> {
        self.list_with(RequestOptions::new()).await
    }

    /// [`list`](Self::list) with per-call options.
    ///
    /// # Errors
    /// As [`list`](Self::list).
    ///
    /// ```no_run
    /// # async fn run() -> peakprivacy::Result<()> {
    /// let client = peakprivacy::PeakPrivacy::from_env()?;
    /// let options = peakprivacy::RequestOptions::new().max_retries(5);
    /// let models = client.models().list_with(options).await?;
    /// # let _ = models; Ok(()) }
    /// ```
    pub async fn list_with(&self, options: RequestOptions) -> Result<Vec<Model>> {
        llm_core::chat::list_models(self.client.transport(), MODELS_PATH, options).await
    }
}
