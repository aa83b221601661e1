//! The conventions' GenAI client metrics (cargo feature `metrics`), recorded through the
//! global `opentelemetry` meter provider when an operation ends:
//!
//! | instrument | unit | recorded |
//! |---|---|---|
//! | `gen_ai.client.operation.duration` (histogram) | `s` | once per operation, `error.type` on failure |
//! | `gen_ai.client.token.usage` (histogram) | `{token}` | per reported count, `gen_ai.token.type` = `input` / `output` |
//! | `gen_ai.client.operation.time_to_first_chunk` (histogram) | `s` | streams, at the first chunk |
//!
//! Attributes: `gen_ai.operation.name`, `gen_ai.provider.name`, `gen_ai.request.model`,
//! `gen_ai.response.model` (when known), `server.address`, `server.port`. The meter is
//! looked up when the operation ends, so a provider installed after the client was built
//! is used.

use std::time::Duration;

use opentelemetry::metrics::Meter;
use opentelemetry::{InstrumentationScope, KeyValue};

use crate::Transport;

/// Bucket advice of `gen_ai.client.operation.duration` (seconds).
const DURATION_BUCKETS: [f64; 14] = [
    0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];

/// Bucket advice of `gen_ai.client.token.usage`.
const TOKEN_BUCKETS: [f64; 14] = [
    1.0,
    4.0,
    16.0,
    64.0,
    256.0,
    1024.0,
    4096.0,
    16384.0,
    65536.0,
    262_144.0,
    1_048_576.0,
    4_194_304.0,
    16_777_216.0,
    67_108_864.0,
];

/// Bucket advice of `gen_ai.client.operation.time_to_first_chunk` (seconds).
const FIRST_CHUNK_BUCKETS: [f64; 16] = [
    0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
];

/// What an operation's metrics need, gathered while it runs.
#[derive(Debug)]
pub(super) struct Recorded {
    attributes: Vec<KeyValue>,
    input_tokens: Option<u64>,
    output_tokens: Option<u64>,
    error: Option<&'static str>,
}

impl Recorded {
    pub(super) fn new(operation: &'static str, model: &str, transport: &Transport) -> Self {
        let mut attributes = vec![
            KeyValue::new("gen_ai.operation.name", operation),
            KeyValue::new("gen_ai.provider.name", transport.provider_name()),
            KeyValue::new("gen_ai.request.model", model.to_owned()),
        ];
        let url = transport.base_url();
        if let Some(host) = url.host_str() {
            attributes.push(KeyValue::new("server.address", host.to_owned()));
            if let Some(port) = url.port_or_known_default() {
                attributes.push(KeyValue::new("server.port", i64::from(port)));
            }
        }
        Self {
            attributes,
            input_tokens: None,
            output_tokens: None,
            error: None,
        }
    }

    pub(super) fn response_model(&mut self, model: &str) {
        let key = "gen_ai.response.model";
        if !self.attributes.iter().any(|kv| kv.key.as_str() == key) {
            self.attributes.push(KeyValue::new(key, model.to_owned()));
        }
    }

    pub(super) fn usage(&mut self, input: Option<u64>, output: Option<u64>) {
        self.input_tokens = input.or(self.input_tokens);
        self.output_tokens = output.or(self.output_tokens);
    }

    pub(super) fn error(&mut self, code: &'static str) {
        self.error = Some(code);
    }

    pub(super) fn time_to_first_chunk(&self, elapsed: Duration) {
        meter()
            .f64_histogram("gen_ai.client.operation.time_to_first_chunk")
            .with_unit("s")
            .with_description("Time to receive the first chunk of a streamed answer.")
            .with_boundaries(FIRST_CHUNK_BUCKETS.to_vec())
            .build()
            .record(elapsed.as_secs_f64(), &self.attributes);
    }

    /// Records the duration and the token counts.
    pub(super) fn finish(&mut self, elapsed: Duration) {
        let meter = meter();
        let mut attributes = self.attributes.clone();
        if let Some(code) = self.error {
            attributes.push(KeyValue::new("error.type", code));
        }
        meter
            .f64_histogram("gen_ai.client.operation.duration")
            .with_unit("s")
            .with_description("GenAI operation duration.")
            .with_boundaries(DURATION_BUCKETS.to_vec())
            .build()
            .record(elapsed.as_secs_f64(), &attributes);
        if self.input_tokens.is_none() && self.output_tokens.is_none() {
            return;
        }
        let tokens = meter
            .u64_histogram("gen_ai.client.token.usage")
            .with_unit("{token}")
            .with_description("Number of input and output tokens used.")
            .with_boundaries(TOKEN_BUCKETS.to_vec())
            .build();
        for (kind, count) in [("input", self.input_tokens), ("output", self.output_tokens)] {
            if let Some(count) = count {
                let mut attributes = self.attributes.clone();
                attributes.push(KeyValue::new("gen_ai.token.type", kind));
                tokens.record(count, &attributes);
            }
        }
    }
}

/// The meter of this crate, from the global provider, with the conventions' schema URL.
fn meter() -> Meter {
    let scope = InstrumentationScope::builder("llm-core")
        .with_version(env!("CARGO_PKG_VERSION"))
        .with_schema_url(super::SCHEMA_URL)
        .build();
    opentelemetry::global::meter_with_scope(scope)
}
