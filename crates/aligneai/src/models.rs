//! Models: `GET {base}/models`.

use llm_core::{ApiRequest, RequestOptions, Result};

use crate::types::ModelList;
use crate::AligneAI;

/// The models resource, from [`AligneAI::models`].
#[derive(Debug, Clone, Copy)]
pub struct Models<'c> {
    client: &'c AligneAI,
}

impl<'c> Models<'c> {
    pub(crate) fn new(client: &'c AligneAI) -> Self {
        Self { client }
    }

    /// Lists the models. Accepts `{"data": [...]}`, `{"models": [...]}` or a bare array,
    /// with model objects (`id` or `name`) or bare id strings.
    ///
    /// # Errors
    /// [`ErrorKind::Decode`](crate::ErrorKind::Decode) when the body is none of these; the
    /// mapped [`Error`](crate::Error) of an HTTP error status, or a connection error.
    ///
    /// ```no_run
    /// # async fn run() -> aligneai::Result<()> {
    /// let client = aligneai::AligneAI::from_env()?;
    /// for id in client.models().list().await?.ids() {
    ///     println!("{id}");
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn list(&self) -> Result<ModelList> {
        self.list_with(RequestOptions::default()).await
    }

    /// [`list`](Self::list) with per-call options.
    ///
    /// # Errors
    /// As for [`list`](Self::list).
    ///
    /// ```no_run
    /// # async fn run() -> aligneai::Result<()> {
    /// use aligneai::RequestOptions;
    /// let client = aligneai::AligneAI::from_env()?;
    /// let models = client.models().list_with(RequestOptions::new().max_retries(0)).await?;
    /// # let _ = models; Ok(()) }
    /// ```
    pub async fn list_with(&self, options: RequestOptions) -> Result<ModelList> {
        let raw = self
            .client
            .transport()
            .send(ApiRequest::get("models").options(options))
            .await?;
        crate::wire::models::decode(&raw.body, raw.status)
            .map_err(|err| self.client.transport().redact(err))
    }
}
