//! Shared helpers of the wiremock tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use peakprivacy::retry::{FixedJitter, Sleep, SleepFuture};
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

/// Records requested delays and returns at once.
#[derive(Debug, Default, Clone)]
pub struct RecordingSleep(pub Arc<Mutex<Vec<Duration>>>);

impl RecordingSleep {
    pub fn delays(&self) -> Vec<Duration> {
        self.0.lock().unwrap().clone()
    }
}

impl Sleep for RecordingSleep {
    fn sleep(&self, delay: Duration) -> SleepFuture {
        self.0.lock().unwrap().push(delay);
        Box::pin(async {})
    }
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

/// What a [`raw_server`] does after writing its bytes.
#[derive(Debug, Clone, Copy)]
pub enum AfterWrite {
    /// Close the connection abruptly.
    Close,
    /// Keep the connection open and silent.
    Stall,
}

/// A one-shot HTTP server on loopback writing `response` verbatim (for faults wiremock
/// cannot produce: a body cut mid-stream, a stalled stream). Returns the base URL.
pub async fn raw_server(response: Vec<u8>, after: AfterWrite) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = Vec::new();
        let mut buf = [0u8; 4096];
        // Read the head and the body (Content-Length) of the request.
        loop {
            let n = socket.read(&mut buf).await.unwrap();
            if n == 0 {
                return;
            }
            request.extend_from_slice(&buf[..n]);
            let text = String::from_utf8_lossy(&request).to_lowercase();
            if let Some(end) = text.find("\r\n\r\n") {
                let len = text
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .map_or(0, |v| v.trim().parse::<usize>().unwrap());
                if request.len() >= end + 4 + len {
                    break;
                }
            }
        }
        socket.write_all(&response).await.unwrap();
        socket.flush().await.unwrap();
        match after {
            AfterWrite::Close => drop(socket),
            AfterWrite::Stall => {
                tokio::time::sleep(Duration::from_secs(30)).await;
                drop(socket);
            }
        }
    });
    format!("http://{addr}/v1/")
}

/// The head of a chunked `text/event-stream` response followed by `events` as one chunk.
pub fn chunked_sse_head_and(events: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n{:x}\r\n{events}\r\n",
        events.len()
    )
    .into_bytes()
}
