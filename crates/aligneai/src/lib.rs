#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod builder;
pub mod chat;
mod client;
pub mod embeddings;
mod env;
pub mod models;
mod stream;
mod types;
mod wire;

#[cfg(feature = "blocking")]
pub mod blocking;

pub use builder::{
    AligneAIBuilder, DEFAULT_AUTH_HEADER, DEFAULT_BASE_URL, DEFAULT_WORKSPACE_HEADER, USER_AGENT,
};
pub use client::AligneAI;
pub use embeddings::{
    BatchError, BatchOptions, EmbeddingsResponseFormat, DEFAULT_BATCH_SIZE, DEFAULT_CONCURRENCY,
};
pub use env::{ENV_API_KEY, ENV_BASE_URL, ENV_WORKSPACE_ID};
pub use stream::{ChatCompletionStream, TextStream};
pub use types::{
    ChatChoice, ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, ChatDelta, ChatMessage,
    ChunkChoice, Embedding, EmbeddingInput, EmbeddingRequest, EmbeddingResponse, EmbeddingUsage,
    EncodingFormat, FinishReason, Model, ModelList, Role, Usage,
};

/// The foundation crate, re-exported for [`AligneAI::transport`] and advanced use.
pub use llm_core;
/// Retry building blocks: policy, backoff, and the injectable sleep, clock and jitter.
pub use llm_core::retry;
pub use llm_core::retry::{Backoff, RetryPolicy};
pub use llm_core::{Error, ErrorKind, RequestOptions, Result, SecretString};
