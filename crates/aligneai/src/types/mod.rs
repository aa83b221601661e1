//! Public request and response types. The JSON shapes on the wire live in `crate::wire`;
//! these types are what callers build and read.

mod chat;
mod embeddings;
mod models;

pub(crate) use chat::ChunkAccumulator;
pub use chat::{
    ChatChoice, ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, ChatDelta, ChatMessage,
    ChunkChoice, FinishReason, Role, Usage,
};
pub use embeddings::{
    Embedding, EmbeddingInput, EmbeddingRequest, EmbeddingResponse, EmbeddingUsage, EncodingFormat,
};
pub use models::{Model, ModelList};
