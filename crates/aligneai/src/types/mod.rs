//! AligneAI's own request and response types. The shared chat vocabulary (messages,
//! completions, chunks, models) is `llm_core::chat`, re-exported at the crate root; the
//! JSON shapes of embeddings responses live with their decoder in `crate::embeddings`.

mod embeddings;
mod request;

pub use embeddings::{
    Embedding, EmbeddingInput, EmbeddingRequest, EmbeddingResponse, EmbeddingUsage, EncodingFormat,
};
pub use request::ChatCompletionRequest;
