//! The batching helper: split, run with bounded concurrency, split again on "too large",
//! and reassemble in input order.

use std::error::Error as StdError;
use std::fmt;
use std::ops::Range;

use futures_util::future::BoxFuture;
use futures_util::stream::{self, StreamExt};
use llm_core::{Error, ErrorKind, RequestOptions, Result};

use crate::types::{Embedding, EmbeddingRequest, EmbeddingResponse, EmbeddingUsage};
use crate::AligneAI;

/// Default largest number of inputs in one request of a batched job.
pub const DEFAULT_BATCH_SIZE: usize = 64;
/// Default largest number of requests of a batched job in flight at once.
pub const DEFAULT_CONCURRENCY: usize = 4;

/// Settings of [`Embeddings::create_batched`](crate::embeddings::Embeddings::create_batched).
/// The AligneAI batch limit is not public; the defaults ([`DEFAULT_BATCH_SIZE`] inputs per
/// request, [`DEFAULT_CONCURRENCY`] requests at once, splitting on "too large") are
/// guesses to tune.
///
/// **Idempotency keys.** A batched job sends several different payloads, so it never sends
/// the caller's idempotency key as is: the request for inputs `start..end` carries
/// `Idempotency-Key: {key}-{start}-{end}`. The retries of that request reuse it, and each
/// half of a batch split after a "too large" answer gets its own (for its own range). A
/// server that replays the answer stored for a key thus never answers one batch with
/// another batch's vectors. The batch size (and splits) decide the ranges, so rerun a job
/// with the same [`BatchOptions`] for its keys to match the first run's.
///
/// ```
/// use aligneai::BatchOptions;
///
/// let options = BatchOptions::new().batch_size(128).concurrency(8).split_on_too_large(false);
/// assert_eq!(options.get_batch_size(), 128);
/// assert_eq!(options.get_concurrency(), 8);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchOptions {
    batch_size: usize,
    concurrency: usize,
    split_on_too_large: bool,
}

impl Default for BatchOptions {
    fn default() -> Self {
        Self {
            batch_size: DEFAULT_BATCH_SIZE,
            concurrency: DEFAULT_CONCURRENCY,
            split_on_too_large: true,
        }
    }
}

impl BatchOptions {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the largest number of inputs per request (0 is rejected by the call).
    #[must_use]
    pub fn batch_size(mut self, inputs: usize) -> Self {
        self.batch_size = inputs;
        self
    }

    /// Sets the largest number of requests in flight at once (0 is rejected by the call).
    #[must_use]
    pub fn concurrency(mut self, requests: usize) -> Self {
        self.concurrency = requests;
        self
    }

    /// Whether a batch rejected as too large is split in halves and retried (default on).
    #[must_use]
    pub fn split_on_too_large(mut self, split: bool) -> Self {
        self.split_on_too_large = split;
        self
    }

    /// The batch size.
    pub fn get_batch_size(&self) -> usize {
        self.batch_size
    }

    /// The concurrency.
    pub fn get_concurrency(&self) -> usize {
        self.concurrency
    }

    /// Whether too-large batches are split.
    pub fn get_split_on_too_large(&self) -> bool {
        self.split_on_too_large
    }
}

/// Which inputs of a batched job failed, and why. It is the
/// [`source`](std::error::Error::source) of the [`Error`] a batched call returns (that
/// error keeps the failure's kind and status); get it with [`BatchError::find`].
///
/// ```
/// use aligneai::{BatchError, Error};
///
/// let plain = Error::invalid_request("not from a batch");
/// assert!(BatchError::find(&plain).is_none());
/// ```
#[derive(Debug)]
pub struct BatchError {
    failed_inputs: Range<usize>,
    error: Error,
}

impl BatchError {
    /// The positions (in the job's inputs) of the batch that failed.
    pub fn failed_inputs(&self) -> Range<usize> {
        self.failed_inputs.clone()
    }

    /// The error of the failed request, with its status, body and headers.
    pub fn error(&self) -> &Error {
        &self.error
    }

    /// Takes the error of the failed request.
    pub fn into_error(self) -> Error {
        self.error
    }

    /// Finds the `BatchError` in `error`'s source chain.
    pub fn find(error: &Error) -> Option<&BatchError> {
        let mut source = StdError::source(error);
        while let Some(err) = source {
            if let Some(batch) = err.downcast_ref::<BatchError>() {
                return Some(batch);
            }
            source = err.source();
        }
        None
    }

    /// Wraps `error` (of the inputs `range`) into the error a batched call returns.
    fn wrap(range: Range<usize>, error: Error) -> Error {
        let kind = error.kind();
        let status = error.status();
        let message = format!("embedding inputs {}..{} failed", range.start, range.end);
        let wrapped = Error::with_source(
            kind,
            message,
            BatchError {
                failed_inputs: range,
                error,
            },
        );
        match status {
            Some(status) => wrapped.with_status(status),
            None => wrapped,
        }
    }
}

impl fmt::Display for BatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "embedding inputs {}..{} failed",
            self.failed_inputs.start, self.failed_inputs.end
        )
    }
}

impl StdError for BatchError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&self.error)
    }
}

/// True when the server said the batch is too big (so halves may pass).
fn is_too_large(error: &Error) -> bool {
    match error.kind() {
        ErrorKind::PayloadTooLarge => true,
        ErrorKind::BadRequest | ErrorKind::UnprocessableEntity => {
            let text = error.raw_body().unwrap_or_default().to_ascii_lowercase();
            ["batch", "too large", "too many"]
                .iter()
                .any(|needle| text.contains(needle))
        }
        _ => false,
    }
}

/// The vectors of one successful range: `(first input index, response)` pairs.
type Parts = Vec<(usize, EmbeddingResponse)>;

pub(crate) async fn run(
    client: &AligneAI,
    request: &EmbeddingRequest,
    batch: &BatchOptions,
    options: &RequestOptions,
) -> Result<EmbeddingResponse> {
    if batch.batch_size == 0 {
        return Err(Error::invalid_request("batch_size must be at least 1"));
    }
    if batch.concurrency == 0 {
        return Err(Error::invalid_request("concurrency must be at least 1"));
    }
    let n = request.inputs().len();
    let job_key = job_key(options);
    let job_key = job_key.as_deref();
    let ranges = (0..n)
        .step_by(batch.batch_size)
        .map(|start| start..(start + batch.batch_size).min(n));
    let mut results = stream::iter(ranges)
        .map(|range| run_range(client, request, range, batch, options, job_key))
        .buffer_unordered(batch.concurrency);

    let mut slots: Vec<Option<Vec<f32>>> = vec![None; n];
    let mut model = None;
    let mut usage: Option<EmbeddingUsage> = None;
    while let Some(parts) = results.next().await {
        // On the first failure, return: dropping `results` cancels the other requests.
        for (start, response) in parts? {
            model = model.or(response.model);
            if let Some(u) = response.usage {
                usage = Some(usage.map_or(u, |acc| acc.add(u)));
            }
            for embedding in response.data {
                slots[start + embedding.index] = Some(embedding.embedding);
            }
        }
    }
    let data = slots
        .into_iter()
        .enumerate()
        .map(|(index, vector)| {
            vector
                .map(|embedding| Embedding { index, embedding })
                .ok_or_else(|| {
                    Error::with_message(
                        ErrorKind::Decode,
                        format!("no vector was received for input {index}"),
                    )
                })
        })
        .collect::<Result<_>>()?;
    Ok(EmbeddingResponse { data, model, usage })
}

/// The idempotency key the caller set for the whole job: the
/// [`RequestOptions::idempotency_key`], else an `Idempotency-Key` given as a plain header.
fn job_key(options: &RequestOptions) -> Option<String> {
    if let Some(key) = options.get_idempotency_key() {
        return Some(key.to_owned());
    }
    // An invalid header makes `headers` fail; the request reports that error when sent.
    let headers = options.headers().ok()?;
    let value = headers.get("idempotency-key")?;
    value.to_str().ok().map(str::to_owned)
}

/// The options of the request for `range`: the caller's, with the job's idempotency key
/// (if any) replaced by `{key}-{start}-{end}`, so each payload has a key of its own, the
/// same on every retry of that payload.
fn range_options(
    job_key: Option<&str>,
    options: &RequestOptions,
    range: &Range<usize>,
) -> RequestOptions {
    match job_key {
        Some(key) => options
            .clone()
            .idempotency_key(format!("{key}-{}-{}", range.start, range.end)),
        None => options.clone(),
    }
}

/// Sends one range; on "too large", sends its halves one after the other (so the job
/// never has more than `concurrency` requests in flight).
fn run_range<'a>(
    client: &'a AligneAI,
    request: &'a EmbeddingRequest,
    range: Range<usize>,
    batch: &'a BatchOptions,
    options: &'a RequestOptions,
    job_key: Option<&'a str>,
) -> BoxFuture<'a, Result<Parts>> {
    Box::pin(async move {
        let inputs = &request.inputs().as_slice()[range.clone()];
        let range_options = range_options(job_key, options, &range);
        match super::send(client, request, inputs, range_options).await {
            Ok(response) => Ok(vec![(range.start, response.into_inner())]),
            Err(err) if batch.split_on_too_large && range.len() > 1 && is_too_large(&err) => {
                let mid = range.start + range.len() / 2;
                let mut parts =
                    run_range(client, request, range.start..mid, batch, options, job_key).await?;
                parts.extend(
                    run_range(client, request, mid..range.end, batch, options, job_key).await?,
                );
                Ok(parts)
            }
            Err(err) => Err(BatchError::wrap(range, err)),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use llm_core::reqwest::header::HeaderMap;

    #[test]
    fn too_large_detection() {
        let e = |status, body: &[u8]| Error::from_response(status, HeaderMap::new(), body);
        assert!(is_too_large(&e(413, b"")));
        assert!(is_too_large(&e(
            400,
            br#"{"error":"Batch size exceeds 32"}"#
        )));
        assert!(is_too_large(&e(422, br#"{"message":"Too many inputs"}"#)));
        assert!(is_too_large(&e(400, b"request entity TOO LARGE")));
        assert!(!is_too_large(&e(400, br#"{"error":"bad model"}"#)));
        assert!(!is_too_large(&e(500, b"batch")));
    }

    #[test]
    fn each_range_gets_its_own_key_derived_from_the_job_key() {
        let key_of = |options: &RequestOptions, range: Range<usize>| {
            let job = job_key(options);
            let options = range_options(job.as_deref(), options, &range);
            options.headers().unwrap().get("idempotency-key").cloned()
        };
        let keyed = RequestOptions::new().idempotency_key("job-7");
        assert_eq!(key_of(&keyed, 0..10).unwrap(), "job-7-0-10");
        assert_eq!(key_of(&keyed, 10..15).unwrap(), "job-7-10-15");
        // A key given as a plain header is derived the same way, not sent as is.
        let header = RequestOptions::new().header("Idempotency-Key", "h-1");
        assert_eq!(key_of(&header, 5..6).unwrap(), "h-1-5-6");
        // No key: none is invented.
        assert!(key_of(&RequestOptions::new(), 0..3).is_none());
        // An invalid header is left for the request to report.
        let bad = RequestOptions::new().header("bad header", "x");
        assert!(job_key(&bad).is_none());
        assert!(range_options(None, &bad, &(0..1)).headers().is_err());
    }

    #[test]
    fn wrapped_error_keeps_kind_status_and_range() {
        let inner = Error::from_response(413, HeaderMap::new(), b"{}");
        let err = BatchError::wrap(3..4, inner);
        assert_eq!(err.kind(), ErrorKind::PayloadTooLarge);
        assert_eq!(err.status(), Some(413));
        assert_eq!(
            err.to_string(),
            "payload too large (HTTP 413): embedding inputs 3..4 failed"
        );
        let batch = BatchError::find(&err).unwrap();
        assert_eq!(batch.failed_inputs(), 3..4);
        assert_eq!(batch.error().status(), Some(413));
    }
}
