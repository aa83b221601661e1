//! Shared helpers of the wiremock tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use peakprivacy::retry::FixedJitter;
use peakprivacy::{ChatCompletionRequest, Message, PeakPrivacy, PeakPrivacyBuilder};
use serde_json::{json, Value};
use wiremock::{MockServer, ResponseTemplate};

pub const TOKEN: &str = "test-token-123";

/// A builder pointed at `server` (`{uri}/v1/`) with the test token, no retries, instant
/// sleeps and no jitter.
pub fn builder(server: &MockServer) -> PeakPrivacyBuilder {
    PeakPrivacy::builder()
        .api_token(TOKEN)
        .base_url(format!("{}/v1/", server.uri()))
        .max_retries(0)
        .jitter(Arc::new(FixedJitter(0.0)))
}

pub fn client(server: &MockServer) -> PeakPrivacy {
    builder(server).build().unwrap()
}

pub fn request() -> ChatCompletionRequest {
    ChatCompletionRequest::new("mistral-swiss", [Message::user("Hello")])
}

/// The documented 200 body of `ai/completions`.
pub fn completion_json() -> Value {
    json!({
        "id": "1df8f5af-c96d-42ba-938a-3f5c4f62e633",
        "object": "chat.completion",
        "created": 1705942239,
        "model": "gpt-3.5-turbo-1106",
        "choices": [{"finish_reason": "stop", "index": 0,
                     "message": {"content": "Hello! How can I assist you today?", "role": "assistant"}}],
        "usage": {"completion_tokens": 9, "prompt_tokens": 8, "total_tokens": 17}
    })
}

/// One `data:` chunk carrying `piece` in `choices[0].message` (the official client's shape).
pub fn message_chunk(piece: &str) -> String {
    json!({"id": "c1", "object": "chat.completion", "created": 1, "model": "mistral-swiss",
           "choices": [{"index": 0, "finish_reason": null,
                        "message": {"role": "assistant", "content": piece}}]})
    .to_string()
}

/// One chunk carrying `piece` in `choices[0].delta` (OpenAI's shape).
pub fn delta_chunk(piece: &str) -> String {
    json!({"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "mistral-swiss",
           "choices": [{"index": 0, "finish_reason": null, "delta": {"content": piece}}]})
    .to_string()
}

/// The final chunk with only a finish reason.
pub fn finish_chunk() -> String {
    json!({"id": "c1", "object": "chat.completion", "created": 1, "model": "mistral-swiss",
           "choices": [{"index": 0, "finish_reason": "stop",
                        "message": {"role": "assistant", "content": ""}}]})
    .to_string()
}

/// A `text/event-stream` response with `body`.
pub fn sse(body: impl Into<String>) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("content-type", "text/event-stream")
        .set_body_raw(body.into().into_bytes(), "text/event-stream")
}
