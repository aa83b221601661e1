//! The blocking embeddings resource.

use super::AligneAI;
use crate::{
    BatchOptions, EmbeddingRequest, EmbeddingResponse, RequestOptions, Result, WithResponse,
};

/// Blocking embeddings, from [`AligneAI::embeddings`].
///
/// ```
/// let client = aligneai::blocking::AligneAI::new("k")?;
/// let embeddings = client.embeddings();
/// # let _ = embeddings; Ok::<(), aligneai::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Embeddings<'c> {
    client: &'c AligneAI,
}

impl<'c> Embeddings<'c> {
    pub(super) fn new(client: &'c AligneAI) -> Self {
        Self { client }
    }

    /// See [`crate::embeddings::Embeddings::create`].
    ///
    /// # Errors
    /// As there; [`ErrorKind::Config`](crate::ErrorKind::Config) inside an async runtime.
    ///
    /// ```no_run
    /// # let client = aligneai::blocking::AligneAI::from_env()?;
    /// let response = client.embeddings().create(aligneai::EmbeddingRequest::new(["a", "b"]))?;
    /// # let _ = response; Ok::<(), aligneai::Error>(())
    /// ```
    pub fn create(&self, request: EmbeddingRequest) -> Result<EmbeddingResponse> {
        self.create_with(request, RequestOptions::default())
    }

    /// See [`crate::embeddings::Embeddings::create_with`].
    ///
    /// # Errors
    /// As there; [`ErrorKind::Config`](crate::ErrorKind::Config) inside an async runtime.
    ///
    /// ```no_run
    /// # let client = aligneai::blocking::AligneAI::from_env()?;
    /// use aligneai::{EmbeddingRequest, RequestOptions};
    /// let response = client.embeddings().create_with(EmbeddingRequest::new("a"), RequestOptions::new())?;
    /// # let _ = response; Ok::<(), aligneai::Error>(())
    /// ```
    pub fn create_with(
        &self,
        request: EmbeddingRequest,
        options: RequestOptions,
    ) -> Result<EmbeddingResponse> {
        let inner = &self.client.inner;
        self.client
            .run(inner.embeddings().create_with(request, options))
    }

    /// See [`crate::embeddings::Embeddings::create_with_response`]: the response and its
    /// [`ResponseMeta`](crate::ResponseMeta).
    ///
    /// # Errors
    /// As [`create_with`](Self::create_with).
    ///
    /// ```no_run
    /// # let client = aligneai::blocking::AligneAI::from_env()?;
    /// use aligneai::{EmbeddingRequest, RequestOptions};
    /// let response = client.embeddings().create_with_response(EmbeddingRequest::new("a"), RequestOptions::new())?;
    /// println!("request {:?}", response.meta().request_id());
    /// # Ok::<(), aligneai::Error>(())
    /// ```
    pub fn create_with_response(
        &self,
        request: EmbeddingRequest,
        options: RequestOptions,
    ) -> Result<WithResponse<EmbeddingResponse>> {
        let inner = &self.client.inner;
        self.client
            .run(inner.embeddings().create_with_response(request, options))
    }

    /// See [`crate::embeddings::Embeddings::create_batched`].
    ///
    /// # Errors
    /// As there; [`ErrorKind::Config`](crate::ErrorKind::Config) inside an async runtime.
    ///
    /// ```no_run
    /// # let client = aligneai::blocking::AligneAI::from_env()?;
    /// use aligneai::{BatchOptions, EmbeddingRequest};
    /// let texts: Vec<String> = (0..500).map(|i| i.to_string()).collect();
    /// let response = client.embeddings().create_batched(EmbeddingRequest::new(texts), BatchOptions::new())?;
    /// # let _ = response; Ok::<(), aligneai::Error>(())
    /// ```
    pub fn create_batched(
        &self,
        request: EmbeddingRequest,
        batch: BatchOptions,
    ) -> Result<EmbeddingResponse> {
        self.create_batched_with(request, batch, RequestOptions::default())
    }

    /// See [`crate::embeddings::Embeddings::create_batched_with`].
    ///
    /// # Errors
    /// As there; [`ErrorKind::Config`](crate::ErrorKind::Config) inside an async runtime.
    ///
    /// ```no_run
    /// # let client = aligneai::blocking::AligneAI::from_env()?;
    /// use aligneai::{BatchOptions, EmbeddingRequest, RequestOptions};
    /// let response = client.embeddings().create_batched_with(
    ///     EmbeddingRequest::new(["a", "b"]),
    ///     BatchOptions::new().batch_size(1),
    ///     RequestOptions::new().max_retries(0),
    /// )?;
    /// # let _ = response; Ok::<(), aligneai::Error>(())
    /// ```
    pub fn create_batched_with(
        &self,
        request: EmbeddingRequest,
        batch: BatchOptions,
        options: RequestOptions,
    ) -> Result<EmbeddingResponse> {
        let inner = &self.client.inner;
        self.client.run(
            inner
                .embeddings()
                .create_batched_with(request, batch, options),
        )
    }
}
