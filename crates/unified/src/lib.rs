#![doc = include_str!("../README.md")]

mod adapters;
mod capabilities;
mod convert;
mod factory;
mod fallback;
mod mock;
mod stream;
mod traits;
mod types;

pub use adapters::{
    AligneAIChat, AligneAIEmbeddings, NeutralProvider, PeakPrivacyChat, ProviderChat,
};
pub use capabilities::Capabilities;
pub use factory::{
    chat_model_from_env, chat_model_with, embedding_model_from_env, embedding_model_with,
    ClientSettings, ModelConfig, Provider,
};
pub use fallback::{
    BreakerConfig, BreakerState, BudgetConfig, CallPermit, CircuitBreaker, FallbackBuilder,
    FallbackChat, FallbackEmbeddings, FallbackRules, ManualClock, OnError, RecordingSleep,
    RetryBudget,
};
pub use llm_core::{Error, ErrorKind, RequestOptions, ResponseMeta, Result};
pub use mock::{MockCall, MockChatModel, MockEmbeddingModel, MockFailure, MockReply};
pub use stream::{
    collect_stream, guard_stream, PartialResponse, COLLECT_TEXT_CAP, PARTIAL_TEXT_CAP,
};
pub use traits::{ChatModel, ChatStream, EmbeddingModel};
pub use types::{
    ChatChunk, ChatCompletion, ChatRequest, ChatResponse, Embeddings, FinishReason, Message,
    PeakPrivacyOptions, ProviderOptions, RawResponse, Role, Usage,
};

/// Re-exported provider crates, for their own types and clients.
pub use {aligneai, peakprivacy};
