//! Helpers shared by the integration tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use aligneai::retry::{FixedJitter, RecordingSleep};
use aligneai::{AligneAI, AligneAIBuilder};
use serde_json::{json, Value};
use wiremock::MockServer;

pub const KEY: &str = "test-key-123";

/// A builder pointed at `server` (`{uri}/v1`), with the key, a recording sleep and no jitter.
pub fn builder(server: &MockServer, sleep: &RecordingSleep) -> AligneAIBuilder {
    AligneAI::builder()
        .api_key(KEY)
        .base_url(format!("{}/v1", server.uri()))
        .sleep_impl(sleep.arc())
        .jitter(Arc::new(FixedJitter(0.0)))
}

/// A client for `server` and its recording sleep.
pub fn client(server: &MockServer) -> (AligneAI, RecordingSleep) {
    let sleep = RecordingSleep::default();
    let client = builder(server, &sleep).build().unwrap();
    (client, sleep)
}

/// An OpenAI-style embeddings body with one vector per entry, indices in order.
pub fn data_body(vectors: &[Vec<f32>]) -> Value {
    let data: Vec<Value> = vectors
        .iter()
        .enumerate()
        .map(|(i, v)| json!({"object": "embedding", "index": i, "embedding": v}))
        .collect();
    json!({"object": "list", "data": data, "model": "nomic-embed-v1.5",
           "usage": {"prompt_tokens": 3, "total_tokens": 3}})
}

/// The `inputs` of a received embeddings request.
pub fn inputs_of(body: &[u8]) -> Vec<String> {
    let body: Value = serde_json::from_slice(body).unwrap();
    body["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

/// A vector derived from an input text, so tests can check which input it belongs to.
pub fn vector_for(text: &str) -> Vec<f32> {
    let n: f32 = text
        .rsplit('-')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(-1.0);
    vec![n, text.len() as f32]
}

/// Base64 of little-endian f32s.
pub fn b64(values: &[f32]) -> String {
    use base64::Engine as _;
    let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A chat completion body.
pub fn completion_body(text: &str) -> Value {
    json!({
        "id": "chatcmpl-1", "object": "chat.completion", "created": 1700000000,
        "model": "llama-3.1-8b-instruct",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7}
    })
}
