//! Telemetry of every operation, written once for every provider: one `tracing` span per
//! operation that follows the OpenTelemetry GenAI semantic conventions, retry events on it,
//! and (cargo feature `metrics`) the conventions' client metrics through the
//! `opentelemetry` metrics API.
//!
//! **Pinned version: [OpenTelemetry semantic conventions v1.41.0][semconv]**, GenAI client
//! spans and metrics (status "development"). The conventions ask instrumentations that
//! already emitted v1.36.0 or older to keep those names unless the user sets
//! `OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental`; this SDK never emitted the
//! older names (`gen_ai.system`, ...), so it emits the pinned version's names, and no
//! opt-in is needed.
//!
//! **Spans.** A chat (plain or streamed) or an embeddings call is one span at `INFO` level,
//! target `llm_core::telemetry`, covering the whole operation: every retry, and for a
//! stream every chunk until the stream ends or is dropped. Its fields are the conventions'
//! attribute names, so `tracing-opentelemetry` exports it with no glue code:
//!
//! | field | value |
//! |---|---|
//! | `otel.name` | `{gen_ai.operation.name} {gen_ai.request.model}`, e.g. `chat mistral-swiss` |
//! | `otel.kind` | `client` |
//! | `otel.status_code` | `ERROR` when the operation failed |
//! | `gen_ai.operation.name` | `chat` or `embeddings` |
//! | `gen_ai.provider.name` | `peakprivacy`, `aligneai` |
//! | `gen_ai.request.model` | the requested model |
//! | `gen_ai.request.temperature`, `.top_p`, `.max_tokens`, `.seed`, `.encoding_formats` | when the request sets them |
//! | `gen_ai.response.id`, `.model`, `.finish_reasons` | from the answer (`finish_reasons` as a JSON array text: `tracing` has no array values) |
//! | `gen_ai.response.time_to_first_chunk` | streams: seconds from the request to the first chunk |
//! | `gen_ai.usage.input_tokens`, `.output_tokens` | when the server reports usage |
//! | `gen_ai.embeddings.dimension.count` | embeddings: the vectors' length |
//! | `server.address`, `server.port` | from the base URL |
//! | `error.type` | the error's [`ErrorKind::code`](crate::ErrorKind::code), e.g. `rate_limit` |
//! | `gen_ai.input.messages`, `gen_ai.output.messages` | only with content capture on (see below) |
//!
//! Integers are recorded as `i64` (`tracing-opentelemetry` exports a `u64` as text). The
//! `error.type` values are the [`ErrorKind::code`](crate::ErrorKind::code)s:
//! `bad_request`, `authentication`, `permission_denied`, `quota_exceeded`, `not_found`,
//! `conflict`, `request_timeout`, `payload_too_large`, `unprocessable_entity`,
//! `rate_limit`, `internal_server`, `unexpected_status`, `redirect`, `connection`,
//! `timeout`, `error_payload`, `decode`, `stream`, `response_too_large`,
//! `invalid_request`, `missing_credential`, `config`, `unsupported`,
//! `stream_interrupted`, `middleware`.
//!
//! Each retry is an `INFO` event on the span (`retrying request`, with `attempt`,
//! `delay_ms`, `reason` = the error's kind code, `status`, `request_id`); a stream's first
//! chunk is an event (`first chunk`, with `time_to_first_chunk_s`).
//!
//! **Content capture** is off by default: prompts and answers may hold personal data. A
//! client built with `.capture_content(true)` puts them on the span as the conventions'
//! JSON (`[{"role":"user","parts":[{"type":"text","content":"..."}]}]`), with the client's
//! credential replaced by `[REDACTED]`, each at most 64 KiB.
//!
//! **Never on a span, event or metric:** the credential, a request body or a response body
//! (only the ids, counts and names above; the error's message is not recorded).
//!
//! [semconv]: https://github.com/open-telemetry/semantic-conventions/tree/v1.41.0/docs/gen-ai

mod content;
#[cfg(feature = "metrics")]
mod metrics;

use std::time::Duration;

use tokio::time::Instant;
use tracing::field::Empty;
use tracing::Instrument;

use crate::chat::{ChatCompletion, ChatCompletionChunk, ChatRequest};
use crate::{Error, Transport};

pub use content::CAPTURE_CAP;

/// The semantic-conventions version the telemetry follows.
///
/// ```
/// assert_eq!(llm_core::telemetry::SEMCONV_VERSION, "1.41.0");
/// ```
pub const SEMCONV_VERSION: &str = "1.41.0";

/// The schema URL of [`SEMCONV_VERSION`] (the metrics' instrumentation scope carries it).
pub const SCHEMA_URL: &str = "https://opentelemetry.io/schemas/1.41.0";

/// The `gen_ai.operation.name` of a chat completion.
pub const CHAT: &str = "chat";
/// The `gen_ai.operation.name` of an embeddings call.
pub const EMBEDDINGS: &str = "embeddings";

/// One GenAI operation being measured: its span (the conventions' attributes), its start,
/// and what the metrics need when it ends. Dropping it ends the operation (the span closes;
/// with the `metrics` feature the duration and token usage are recorded).
///
/// Provider crates create one per operation; the shared chat calls do it for chat.
///
/// ```
/// let transport = llm_core::Transport::builder("http://127.0.0.1:9/v1").provider_name("demo").build()?;
/// let mut operation = llm_core::telemetry::Operation::embeddings(&transport, "embed-small", Some("float"));
/// operation.record_usage(Some(12), None);
/// operation.record_embeddings("embed-small", 3);
/// assert_eq!(operation.operation_name(), "embeddings");
/// drop(operation); // the span closes here
/// # Ok::<(), llm_core::Error>(())
/// ```
#[derive(Debug)]
pub struct Operation {
    span: tracing::Span,
    started: Instant,
    operation_name: &'static str,
    first_chunk_at: Option<Duration>,
    output: Option<content::Output>,
    redactor: Transport,
    #[cfg(feature = "metrics")]
    metrics: metrics::Recorded,
}

impl Operation {
    /// Starts a `chat` operation for `request` on `transport` (streamed or not).
    ///
    /// ```
    /// # fn f(transport: &llm_core::Transport, request: &impl llm_core::chat::ChatRequest) {
    /// let operation = llm_core::telemetry::Operation::chat(transport, request);
    /// assert_eq!(operation.operation_name(), "chat");
    /// # }
    /// ```
    pub fn chat<R: ChatRequest>(transport: &Transport, request: &R) -> Self {
        let model = request.model();
        let (address, port) = server(transport);
        let span = tracing::info_span!(
            target: "llm_core::telemetry",
            "chat",
            otel.name = %span_name(CHAT, model),
            otel.kind = "client",
            otel.status_code = Empty,
            gen_ai.operation.name = CHAT,
            gen_ai.provider.name = transport.provider_name(),
            gen_ai.request.model = model,
            gen_ai.request.temperature = Empty,
            gen_ai.request.top_p = Empty,
            gen_ai.request.max_tokens = Empty,
            gen_ai.request.seed = Empty,
            gen_ai.response.id = Empty,
            gen_ai.response.model = Empty,
            gen_ai.response.finish_reasons = Empty,
            gen_ai.response.time_to_first_chunk = Empty,
            gen_ai.usage.input_tokens = Empty,
            gen_ai.usage.output_tokens = Empty,
            server.address = address.as_deref(),
            server.port = port,
            error.type = Empty,
            gen_ai.input.messages = Empty,
            gen_ai.output.messages = Empty,
        );
        let sampling = request.sampling();
        if let Some(value) = sampling.temperature {
            span.record("gen_ai.request.temperature", value);
        }
        if let Some(value) = sampling.top_p {
            span.record("gen_ai.request.top_p", value);
        }
        if let Some(value) = sampling.max_tokens {
            span.record("gen_ai.request.max_tokens", i64::from(value));
        }
        if let Some(value) = sampling.seed {
            record_int(&span, "gen_ai.request.seed", value);
        }
        let capture = transport.captures_content();
        if capture && !span.is_disabled() {
            let input = content::input_messages(request.messages(), transport);
            span.record("gen_ai.input.messages", input.as_str());
        }
        Self::new(span, CHAT, model, transport, capture)
    }

    /// Starts an `embeddings` operation for `model` on `transport`, with the requested
    /// encoding format when one is set.
    ///
    /// ```
    /// let transport = llm_core::Transport::builder("http://127.0.0.1:9/v1").build()?;
    /// let operation = llm_core::telemetry::Operation::embeddings(&transport, "embed-small", None);
    /// assert_eq!(operation.operation_name(), "embeddings");
    /// # Ok::<(), llm_core::Error>(())
    /// ```
    pub fn embeddings(transport: &Transport, model: &str, encoding_format: Option<&str>) -> Self {
        let (address, port) = server(transport);
        let span = tracing::info_span!(
            target: "llm_core::telemetry",
            "embeddings",
            otel.name = %span_name(EMBEDDINGS, model),
            otel.kind = "client",
            otel.status_code = Empty,
            gen_ai.operation.name = EMBEDDINGS,
            gen_ai.provider.name = transport.provider_name(),
            gen_ai.request.model = model,
            gen_ai.request.encoding_formats = Empty,
            gen_ai.response.model = Empty,
            gen_ai.usage.input_tokens = Empty,
            gen_ai.embeddings.dimension.count = Empty,
            server.address = address.as_deref(),
            server.port = port,
            error.type = Empty,
        );
        if let Some(format) = encoding_format {
            span.record(
                "gen_ai.request.encoding_formats",
                format!("[{}]", serde_json::Value::from(format)),
            );
        }
        Self::new(span, EMBEDDINGS, model, transport, false)
    }

    fn new(
        span: tracing::Span,
        operation_name: &'static str,
        model: &str,
        transport: &Transport,
        capture: bool,
    ) -> Self {
        #[cfg(not(feature = "metrics"))]
        let _ = model;
        // Nothing to capture into when no subscriber listens.
        let output = (capture && !span.is_disabled()).then(content::Output::default);
        Self {
            span,
            started: Instant::now(),
            operation_name,
            first_chunk_at: None,
            output,
            redactor: transport.clone(),
            #[cfg(feature = "metrics")]
            metrics: metrics::Recorded::new(operation_name, model, transport),
        }
    }

    /// The operation's span: instrument the call's future with it (the retry loop's events
    /// then land on it).
    pub fn span(&self) -> &tracing::Span {
        &self.span
    }

    /// `chat` or `embeddings`.
    pub fn operation_name(&self) -> &'static str {
        self.operation_name
    }

    /// Records a whole chat answer: response id, model, finish reasons, usage, and (with
    /// content capture) the answer.
    pub fn record_completion(&mut self, completion: &ChatCompletion) {
        self.record_response(&completion.id, &completion.model);
        let reasons = completion
            .choices
            .iter()
            .filter_map(|choice| choice.finish_reason.as_ref().map(|r| r.as_str().to_owned()));
        self.record_finish_reasons(reasons.collect());
        if let Some(usage) = &completion.usage {
            self.record_usage(
                Some(u64::from(usage.prompt_tokens)),
                Some(u64::from(usage.completion_tokens)),
            );
        }
        if let Some(output) = &mut self.output {
            for choice in &completion.choices {
                output.push(&choice.message.content, choice.finish_reason.as_ref());
            }
        }
    }

    /// Records a streamed chunk: the first one sets the time to first chunk; id, model,
    /// finish reasons and usage are recorded when a chunk carries them.
    pub fn record_chunk(&mut self, chunk: &ChatCompletionChunk) {
        if self.first_chunk_at.is_none() {
            let elapsed = self.started.elapsed();
            self.first_chunk_at = Some(elapsed);
            let seconds = elapsed.as_secs_f64();
            self.span
                .record("gen_ai.response.time_to_first_chunk", seconds);
            self.span.in_scope(|| {
                tracing::info!(target: "llm_core::telemetry", time_to_first_chunk_s = seconds, "first chunk");
            });
            #[cfg(feature = "metrics")]
            self.metrics.time_to_first_chunk(elapsed);
        }
        self.record_response(&chunk.id, &chunk.model);
        let reasons: Vec<String> = chunk
            .choices
            .iter()
            .filter_map(|choice| choice.finish_reason.as_ref().map(|r| r.as_str().to_owned()))
            .collect();
        if !reasons.is_empty() {
            self.record_finish_reasons(reasons);
        }
        if let Some(usage) = &chunk.usage {
            self.record_usage(
                Some(u64::from(usage.prompt_tokens)),
                Some(u64::from(usage.completion_tokens)),
            );
        }
        if let Some(output) = &mut self.output {
            if let Some(choice) = chunk.choices.first() {
                output.append(chunk.content(), choice.finish_reason.as_ref());
            }
        }
    }

    /// Records the response id and model (an empty value is left out).
    pub fn record_response(&mut self, id: &str, model: &str) {
        if !id.is_empty() {
            self.span.record("gen_ai.response.id", id);
        }
        if !model.is_empty() {
            self.span.record("gen_ai.response.model", model);
            #[cfg(feature = "metrics")]
            self.metrics.response_model(model);
        }
    }

    /// Records token usage (input, output) as reported by the server.
    pub fn record_usage(&mut self, input: Option<u64>, output: Option<u64>) {
        if let Some(tokens) = input {
            record_int(&self.span, "gen_ai.usage.input_tokens", tokens);
        }
        if let Some(tokens) = output {
            record_int(&self.span, "gen_ai.usage.output_tokens", tokens);
        }
        #[cfg(feature = "metrics")]
        self.metrics.usage(input, output);
    }

    /// Records an embeddings answer: the model that answered and the vectors' length.
    pub fn record_embeddings(&mut self, model: &str, dimensions: usize) {
        self.record_response("", model);
        if dimensions > 0 {
            let dimensions = u64::try_from(dimensions).unwrap_or(u64::MAX);
            record_int(&self.span, "gen_ai.embeddings.dimension.count", dimensions);
        }
    }

    /// Records that the operation failed: `error.type` is the kind's code and the span's
    /// status is `ERROR`. The error's message is not recorded (it may quote a body).
    pub fn record_error(&mut self, error: &Error) {
        let code = error.kind().code();
        self.span.record("error.type", code);
        self.span.record("otel.status_code", "ERROR");
        #[cfg(feature = "metrics")]
        self.metrics.error(code);
    }

    /// Runs `call` inside the operation's span (the retry loop's events land on it) and
    /// records its error, if any. Returns the call's result unchanged; record an answer
    /// with [`record_completion`](Self::record_completion) or
    /// [`record_embeddings`](Self::record_embeddings).
    ///
    /// # Errors
    /// `call`'s error.
    ///
    /// ```
    /// # futures_executor::block_on(async {
    /// let transport = llm_core::Transport::builder("http://127.0.0.1:9/v1").build()?;
    /// let mut operation = llm_core::telemetry::Operation::embeddings(&transport, "m", None);
    /// let failed: llm_core::Result<()> = operation
    ///     .run(async { Err(llm_core::Error::timeout("too slow")) })
    ///     .await;
    /// assert_eq!(failed.unwrap_err().kind(), llm_core::ErrorKind::Timeout);
    /// # Ok::<(), llm_core::Error>(()) }).unwrap();
    /// ```
    pub async fn run<T, F>(&mut self, call: F) -> crate::Result<T>
    where
        F: std::future::Future<Output = crate::Result<T>>,
    {
        let result = call.instrument(self.span.clone()).await;
        if let Err(error) = &result {
            self.record_error(error);
        }
        result
    }

    fn record_finish_reasons(&self, reasons: Vec<String>) {
        if reasons.is_empty() {
            return;
        }
        let text = serde_json::Value::from(reasons).to_string();
        self.span
            .record("gen_ai.response.finish_reasons", text.as_str());
    }
}

impl Drop for Operation {
    fn drop(&mut self) {
        if let Some(output) = self.output.take() {
            let text = output.to_json(&self.redactor);
            self.span.record("gen_ai.output.messages", text.as_str());
        }
        #[cfg(feature = "metrics")]
        self.metrics.finish(self.started.elapsed());
    }
}

/// Records `value` as an `i64` (OpenTelemetry's integer; `tracing-opentelemetry` would
/// export a `u64` as text), or as text when it does not fit.
fn record_int(span: &tracing::Span, field: &'static str, value: u64) {
    match i64::try_from(value) {
        Ok(value) => span.record(field, value),
        Err(_) => span.record(field, value.to_string().as_str()),
    };
}

/// `{operation} {model}`, or the operation alone when the model is unknown.
fn span_name(operation: &str, model: &str) -> String {
    if model.trim().is_empty() {
        operation.to_owned()
    } else {
        format!("{operation} {model}")
    }
}

/// `server.address` and `server.port` of the transport's base URL.
fn server(transport: &Transport) -> (Option<String>, Option<i64>) {
    let url = transport.base_url();
    (
        url.host_str().map(str::to_owned),
        url.port_or_known_default().map(i64::from),
    )
}
