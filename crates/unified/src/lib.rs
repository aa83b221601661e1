#![doc = include_str!("../README.md")]

mod adapters;
mod factory;
mod mock;
mod traits;
mod types;

pub use adapters::{
    AligneAIChat, AligneAIEmbeddings, NeutralProvider, PeakPrivacyChat, ProviderChat,
};
pub use factory::{
    chat_model_from_env, chat_model_with, embedding_model_from_env, embedding_model_with, Provider,
};
pub use llm_core::{Error, ErrorKind, RequestOptions, Result};
pub use mock::{MockChatModel, MockEmbeddingModel};
pub use traits::{collect_stream, ChatModel, ChatStream, EmbeddingModel};
pub use types::{
    ChatChunk, ChatCompletion, ChatRequest, ChatResponse, Embeddings, FinishReason, Message,
    PeakPrivacyOptions, ProviderOptions, RawResponse, Role, Usage,
};

/// Re-exported provider crates, for their own types and clients.
pub use {aligneai, peakprivacy};
