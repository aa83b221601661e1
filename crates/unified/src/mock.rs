//! In-memory models for unit-testing code written against the traits, without a server.

use std::sync::{Arc, Mutex};

use async_trait::async_trait;

use crate::{
    ChatChunk, ChatModel, ChatRequest, ChatResponse, ChatStream, EmbeddingModel, Embeddings, Error,
    ErrorKind, FinishReason, RawResponse, Result, Role, Usage,
};

/// A deterministic chat model: answers with a fixed reply, or echoes the last user message
/// (`"You said: ..."`), streams the answer word by word, records requests, and can be told
/// to fail.
///
/// ```
/// use unified::{ChatModel, ChatRequest, ErrorKind, MockChatModel};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let echo = MockChatModel::new();
/// assert_eq!(echo.chat(ChatRequest::user("hi")).await.unwrap().text, "You said: hi");
///
/// let failing = MockChatModel::new().fail_with(ErrorKind::RateLimit);
/// let err = failing.chat(ChatRequest::user("hi")).await.unwrap_err();
/// assert!(err.is_rate_limited());
/// assert_eq!(failing.requests().len(), 1);
/// # }
/// ```
#[derive(Debug, Clone, Default)]
pub struct MockChatModel {
    reply: Option<String>,
    failure: Option<ErrorKind>,
    requests: Arc<Mutex<Vec<ChatRequest>>>,
}

impl MockChatModel {
    /// An echoing model.
    pub fn new() -> Self {
        Self::default()
    }

    /// Always answers `text`.
    #[must_use]
    pub fn reply(mut self, text: impl Into<String>) -> Self {
        self.reply = Some(text.into());
        self
    }

    /// Fails every call with an error of `kind`.
    #[must_use]
    pub fn fail_with(mut self, kind: ErrorKind) -> Self {
        self.failure = Some(kind);
        self
    }

    /// The requests received so far.
    pub fn requests(&self) -> Vec<ChatRequest> {
        self.requests.lock().map(|r| r.clone()).unwrap_or_default()
    }

    fn answer(&self, request: ChatRequest) -> Result<String> {
        if let Ok(mut log) = self.requests.lock() {
            log.push(request.clone());
        }
        if let Some(kind) = self.failure {
            return Err(Error::with_message(kind, "mock failure"));
        }
        if request.messages.is_empty() {
            return Err(Error::invalid_request("messages must not be empty"));
        }
        Ok(self.reply.clone().unwrap_or_else(|| {
            let last = request
                .messages
                .iter()
                .rev()
                .find(|m| m.role == Role::User)
                .map_or("", |m| m.content.as_str());
            format!("You said: {last}")
        }))
    }
}

fn usage_for(text: &str) -> Usage {
    let words = text.split_whitespace().count() as u64;
    Usage::new(1, words, 1 + words)
}

#[async_trait]
impl ChatModel for MockChatModel {
    fn provider(&self) -> &'static str {
        "mock"
    }

    fn model(&self) -> &str {
        "mock-chat"
    }

    async fn chat(&self, request: ChatRequest) -> Result<ChatResponse> {
        let model = request.model.clone().unwrap_or_else(|| "mock-chat".into());
        let text = self.answer(request)?;
        Ok(ChatResponse {
            usage: Some(usage_for(&text)),
            text,
            finish_reason: Some(FinishReason::Stop),
            provider: "mock".to_owned(),
            model,
            raw: RawResponse::None,
        })
    }

    async fn chat_stream(&self, request: ChatRequest) -> Result<ChatStream> {
        let text = self.answer(request)?;
        let mut chunks: Vec<Result<ChatChunk>> = text
            .split_inclusive(' ')
            .map(|piece| Ok(ChatChunk::text(piece)))
            .collect();
        chunks.push(Ok(ChatChunk {
            delta: String::new(),
            finish_reason: Some(FinishReason::Stop),
            usage: Some(usage_for(&text)),
        }));
        Ok(Box::pin(futures_util::stream::iter(chunks)))
    }
}

/// A deterministic embedding model: the same text always gives the same unit vector of
/// the configured dimension; different texts give different vectors.
///
/// ```
/// use unified::{EmbeddingModel, MockEmbeddingModel};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> unified::Result<()> {
/// let model = MockEmbeddingModel::new(4);
/// let a = model.embed(vec!["x".into(), "y".into(), "x".into()]).await?;
/// assert_eq!(a.vectors[0], a.vectors[2]);
/// assert_ne!(a.vectors[0], a.vectors[1]);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct MockEmbeddingModel {
    dimensions: usize,
    failure: Option<ErrorKind>,
}

impl MockEmbeddingModel {
    /// A model producing vectors of `dimensions` floats.
    pub fn new(dimensions: usize) -> Self {
        Self {
            dimensions,
            failure: None,
        }
    }

    /// Fails every call with an error of `kind`.
    #[must_use]
    pub fn fail_with(mut self, kind: ErrorKind) -> Self {
        self.failure = Some(kind);
        self
    }

    /// The vector for one text.
    pub fn vector(&self, text: &str) -> Vec<f32> {
        // FNV-1a seeds a xorshift generator; the result is normalised to length 1.
        let mut state = text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        }) | 1;
        let mut v: Vec<f32> = (0..self.dimensions)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 40) as f32 / (1u64 << 24) as f32 - 0.5
            })
            .collect();
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        if norm > 0.0 {
            v.iter_mut().for_each(|x| *x /= norm);
        }
        v
    }
}

#[async_trait]
impl EmbeddingModel for MockEmbeddingModel {
    fn provider(&self) -> &'static str {
        "mock"
    }

    fn model(&self) -> Option<&str> {
        Some("mock-embedding")
    }

    async fn embed(&self, inputs: Vec<String>) -> Result<Embeddings> {
        if let Some(kind) = self.failure {
            return Err(Error::with_message(kind, "mock failure"));
        }
        if inputs.is_empty() {
            return Err(Error::invalid_request("inputs must not be empty"));
        }
        let mut out = Embeddings::new(inputs.iter().map(|t| self.vector(t)).collect());
        out.dimensions = self.dimensions;
        out.model = Some("mock-embedding".into());
        Ok(out)
    }
}
