#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod builder;
mod chat;
mod client;
pub mod embeddings;
mod env;
mod models;
mod types;

#[cfg(feature = "blocking")]
pub mod blocking;

pub use builder::{AligneAIBuilder, DEFAULT_AUTH_HEADER, DEFAULT_WORKSPACE_HEADER, USER_AGENT};
pub use chat::{Chat, Completions};
pub use client::AligneAI;
pub use embeddings::{
    BatchError, BatchOptions, Embeddings, EmbeddingsResponseFormat, DEFAULT_BATCH_SIZE,
    DEFAULT_CONCURRENCY, DEFAULT_EMBEDDING_DIMENSIONS, DEFAULT_EMBEDDING_MODEL,
    DEFAULT_ENCODING_FORMAT,
};
pub use env::{API_KEY_ENV, BASE_URL_ENV, DEFAULT_BASE_URL, PROVIDER_NAME, WORKSPACE_ID_ENV};
pub use models::Models;
pub use types::{
    ChatCompletionRequest, Embedding, EmbeddingInput, EmbeddingRequest, EmbeddingResponse,
    EmbeddingUsage, EncodingFormat,
};

/// The shared vocabulary (the same in every provider crate): chat types, `Error`,
/// `ErrorKind`, `Result`, `RequestOptions`, the `retry` module, `SecretString`,
/// `same_origin_redirects`, `Transport`/`ApiRequest` and `reqwest`.
pub use llm_core::vocabulary::*;
