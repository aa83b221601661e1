//! Embeddings: `POST {base}/embeddings`, and a batching helper for large jobs.

mod batch;
mod decode;
mod wire;

pub use batch::{BatchError, BatchOptions, DEFAULT_BATCH_SIZE, DEFAULT_CONCURRENCY};
pub use decode::EmbeddingsResponseFormat;
use llm_core::telemetry::Operation;
use llm_core::{ApiRequest, RequestOptions, Result, WithResponse};

use crate::types::{EmbeddingRequest, EmbeddingResponse, EncodingFormat};
use crate::AligneAI;
use wire::RequestBody;

/// The `model` sent in an embeddings body when the request sets none: the only model the
/// sister SDK `altrumai` (1.3.0) accepts. That SDK always sends `model`, `dimensions` and
/// `encoding_format`, so a client fills in the ones a request leaves unset, unless built
/// with [`embedding_defaults(false)`](crate::AligneAIBuilder::embedding_defaults).
///
/// ```
/// assert_eq!(aligneai::DEFAULT_EMBEDDING_MODEL, "nomic-embed-v1.5");
/// ```
pub const DEFAULT_EMBEDDING_MODEL: &str = "nomic-embed-v1.5";

/// The `dimensions` sent in an embeddings body when the request sets none. The sister SDK
/// has no default here (its callers must pick one of 64, 128, 256, 512 and 768); 768 is
/// the full size of [`DEFAULT_EMBEDDING_MODEL`], so no precision is dropped unasked.
///
/// ```
/// assert_eq!(aligneai::DEFAULT_EMBEDDING_DIMENSIONS, 768);
/// ```
pub const DEFAULT_EMBEDDING_DIMENSIONS: u32 = 768;

/// The `encoding_format` sent in an embeddings body when the request sets none: `"float"`,
/// the sister SDK's default. The response is `Vec<f32>` either way.
///
/// ```
/// use aligneai::{EncodingFormat, DEFAULT_ENCODING_FORMAT};
/// assert_eq!(DEFAULT_ENCODING_FORMAT, EncodingFormat::Float);
/// ```
pub const DEFAULT_ENCODING_FORMAT: EncodingFormat = EncodingFormat::Float;

/// The embeddings resource, from [`AligneAI::embeddings`].
#[derive(Debug, Clone, Copy)]
pub struct Embeddings<'c> {
    client: &'c AligneAI,
}

impl<'c> Embeddings<'c> {
    pub(crate) fn new(client: &'c AligneAI) -> Self {
        Self { client }
    }

    /// Embeds the request's texts in one call. The response holds one vector per input, in
    /// input order, decoded from whichever shape the server used (see
    /// [`EmbeddingsResponseFormat`]) and from base64 when the server sent base64.
    ///
    /// The body always has `inputs`, and by default also `model`, `dimensions` and
    /// `encoding_format`: the request's values, else [`DEFAULT_EMBEDDING_MODEL`],
    /// [`DEFAULT_EMBEDDING_DIMENSIONS`] and [`DEFAULT_ENCODING_FORMAT`] (as the sister SDK
    /// sends). A client built with
    /// [`embedding_defaults(false)`](crate::AligneAIBuilder::embedding_defaults) sends only
    /// the fields the request sets.
    ///
    /// # Errors
    /// - [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest) before sending: no
    ///   inputs, an empty input string, zero dimensions, a blank model.
    /// - [`ErrorKind::Decode`](crate::ErrorKind::Decode) when the response is not an
    ///   accepted shape, holds invalid base64, or has a different number of vectors than
    ///   inputs.
    /// - The mapped [`Error`](crate::Error) of an HTTP error status, or a connection error
    ///   (after the retries).
    ///
    /// ```no_run
    /// use aligneai::{AligneAI, EmbeddingRequest, EncodingFormat};
    ///
    /// # async fn run() -> aligneai::Result<()> {
    /// let client = AligneAI::from_env()?;
    /// let request = EmbeddingRequest::new(vec!["alpha", "beta"])
    ///     .model("nomic-embed-v1.5")
    ///     .dimensions(256)
    ///     .encoding_format(EncodingFormat::Base64);
    /// let response = client.embeddings().create(request).await?;
    /// for (text, vector) in ["alpha", "beta"].iter().zip(response.vectors()) {
    ///     println!("{text}: {} dimensions", vector.len());
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn create(&self, request: EmbeddingRequest) -> Result<EmbeddingResponse> {
        self.create_with(request, RequestOptions::default()).await
    }

    /// [`create`](Self::create) with per-call options (timeout, retries, headers,
    /// idempotency key).
    ///
    /// # Errors
    /// As for [`create`](Self::create).
    ///
    /// ```no_run
    /// use aligneai::{AligneAI, EmbeddingRequest, RequestOptions};
    /// use std::time::Duration;
    ///
    /// # async fn run() -> aligneai::Result<()> {
    /// let client = AligneAI::from_env()?;
    /// let options = RequestOptions::new().timeout(Duration::from_secs(5)).max_retries(0);
    /// let response = client.embeddings().create_with(EmbeddingRequest::new("hi"), options).await?;
    /// # let _ = response; Ok(()) }
    /// ```
    pub async fn create_with(
        &self,
        request: EmbeddingRequest,
        options: RequestOptions,
    ) -> Result<EmbeddingResponse> {
        self.create_with_response(request, options)
            .await
            .map(WithResponse::into_inner)
    }

    /// [`create_with`](Self::create_with) that also returns the response's
    /// [`ResponseMeta`](llm_core::ResponseMeta): request id, status, headers (credential
    /// redacted), attempts made and elapsed time. The result derefs to the
    /// [`EmbeddingResponse`].
    ///
    /// # Errors
    /// As for [`create`](Self::create).
    ///
    /// ```no_run
    /// use aligneai::{AligneAI, EmbeddingRequest, RequestOptions};
    ///
    /// # async fn run() -> aligneai::Result<()> {
    /// let client = AligneAI::from_env()?;
    /// let response = client
    ///     .embeddings()
    ///     .create_with_response(EmbeddingRequest::new("hi"), RequestOptions::new())
    ///     .await?;
    /// println!("{} vectors, request {:?}, {} attempt(s)",
    ///     response.data.len(), response.meta().request_id(), response.meta().attempts());
    /// # Ok(()) }
    /// ```
    pub async fn create_with_response(
        &self,
        request: EmbeddingRequest,
        options: RequestOptions,
    ) -> Result<WithResponse<EmbeddingResponse>> {
        request.validate()?;
        send(self.client, &request, request.inputs().as_slice(), options).await
    }

    /// Embeds many texts in batches of at most [`BatchOptions::batch_size`] inputs, with at
    /// most [`BatchOptions::concurrency`] requests in flight, and returns all vectors in
    /// input order (`data[i].index == i`) with the usage summed. A batch the server rejects
    /// as too large (413, or a 400/422 whose body mentions "batch", "too large" or "too
    /// many") is split in halves and retried, down to single inputs.
    ///
    /// # Errors
    /// - [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest) before sending, as
    ///   for [`create`](Self::create), or for a batch size or concurrency of 0.
    /// - When a batch fails, the first failure is returned with its own kind and status,
    ///   and carries a [`BatchError`] naming the failed input range:
    ///   [`BatchError::find`] gets it. The other batches are cancelled.
    ///
    /// ```no_run
    /// use aligneai::{AligneAI, BatchError, BatchOptions, EmbeddingRequest};
    ///
    /// # async fn run() -> aligneai::Result<()> {
    /// let client = AligneAI::from_env()?;
    /// let texts: Vec<String> = (0..1000).map(|i| format!("document {i}")).collect();
    /// let options = BatchOptions::new().batch_size(100).concurrency(4);
    /// match client.embeddings().create_batched(EmbeddingRequest::new(texts), options).await {
    ///     Ok(response) => assert_eq!(response.len(), 1000),
    ///     Err(err) => {
    ///         if let Some(batch) = BatchError::find(&err) {
    ///             eprintln!("inputs {:?} failed: {}", batch.failed_inputs(), batch.error());
    ///         }
    ///         return Err(err);
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn create_batched(
        &self,
        request: EmbeddingRequest,
        batch: BatchOptions,
    ) -> Result<EmbeddingResponse> {
        self.create_batched_with(request, batch, RequestOptions::default())
            .await
    }

    /// [`create_batched`](Self::create_batched) with per-call options applied to every
    /// request of the job (retries count per request).
    ///
    /// An idempotency key (from [`RequestOptions::idempotency_key`], or an
    /// `Idempotency-Key` header) identifies the job, not one request: each request carries a
    /// key derived from it and from the range of inputs it holds, `{key}-{start}-{end}`
    /// (end exclusive). Its retries reuse that key, and the halves of a split batch get keys
    /// of their own. With `idempotency_key("job-1")` and a batch size of 10, 25 inputs are
    /// sent as `job-1-0-10`, `job-1-10-20` and `job-1-20-25`. See [`BatchOptions`].
    ///
    /// # Errors
    /// As for [`create_batched`](Self::create_batched).
    ///
    /// ```no_run
    /// use aligneai::{AligneAI, BatchOptions, EmbeddingRequest, RequestOptions};
    ///
    /// # async fn run() -> aligneai::Result<()> {
    /// let client = AligneAI::from_env()?;
    /// let response = client
    ///     .embeddings()
    ///     .create_batched_with(
    ///         EmbeddingRequest::new(vec!["a", "b", "c"]),
    ///         BatchOptions::new().batch_size(2),
    ///         // Sent as `Idempotency-Key: job-1-0-2`, then `job-1-2-3`.
    ///         RequestOptions::new().max_retries(5).idempotency_key("job-1"),
    ///     )
    ///     .await?;
    /// # let _ = response; Ok(()) }
    /// ```
    pub async fn create_batched_with(
        &self,
        request: EmbeddingRequest,
        batch: BatchOptions,
        options: RequestOptions,
    ) -> Result<EmbeddingResponse> {
        request.validate()?;
        batch::run(self.client, &request, &batch, &options).await
    }
}

/// One `POST /embeddings` for `inputs` with the request's other settings.
pub(crate) async fn send(
    client: &AligneAI,
    request: &EmbeddingRequest,
    inputs: &[String],
    options: RequestOptions,
) -> Result<WithResponse<EmbeddingResponse>> {
    let body = RequestBody::new(inputs, request, client.config().embedding_defaults);
    let transport = client.transport();
    let mut operation =
        Operation::embeddings(transport, body.model.unwrap_or(""), body.encoding_format);
    let call = async {
        let api_request = ApiRequest::post("embeddings").json(&body)?.options(options);
        let raw = transport.send(api_request).await?;
        let response = decode::decode(
            &raw.body,
            raw.status,
            client.config().embeddings_format,
            inputs.len(),
        )
        .map_err(|err| transport.redact(err))?;
        Ok(WithResponse::new(response, raw.into_meta()))
    };
    let response = operation.run(call).await?;
    let dimensions = response.data.first().map_or(0, |item| item.embedding.len());
    operation.record_embeddings(response.model.as_deref().unwrap_or(""), dimensions);
    let input_tokens = response
        .usage
        .as_ref()
        .and_then(|usage| usage.prompt_tokens);
    operation.record_usage(input_tokens, None);
    Ok(response)
}
