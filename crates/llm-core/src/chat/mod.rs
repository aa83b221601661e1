//! The chat vocabulary every provider crate shares: messages, requests' common settings,
//! completions, streamed chunks, models, and the stream that maps SSE events to chunks.
//!
//! Provider crates re-export these types under their own names (`peakprivacy::Message` is
//! `llm_core::chat::Message`, and so is `aligneai::Message`), so code written against one
//! provider's chat API compiles against the other. The shapes follow the OpenAI-style
//! chat API both providers speak; decoding is tolerant (unknown fields ignored, numbers
//! where strings were expected kept, unknown enum values kept).
//!
//! ```
//! use llm_core::chat::{ChatCompletion, Message, Role};
//!
//! let json = r#"{"id":"c1","choices":[{"index":0,"message":{"role":"assistant","content":"Hi"}}]}"#;
//! let completion: ChatCompletion = serde_json::from_str(json)?;
//! assert_eq!(completion.content(), "Hi");
//! assert_eq!(completion.choices[0].message, Message::new(Role::Assistant, "Hi"));
//! # Ok::<(), serde_json::Error>(())
//! ```

mod call;
mod chunk;
mod chunk_reader;
mod completion;
mod message;
mod model;
mod request;
mod resource;
mod stream;

pub use call::{create, create_stream, create_with_response, list_models};
pub use chunk::{ChatCompletionChunk, ChunkChoice, Delta};
pub use completion::{ChatCompletion, Choice, FinishReason, Usage};
pub use message::{Message, Role};
pub use model::{decode_model_list, Model};
pub use request::{
    check_request, serialize_extra, ChatRequest, ChatRequestBody, Sampling, SamplingLimits,
    SharedSettings,
};
pub use resource::{ChatProvider, Completions, Models};
pub use stream::{ChatCompletionStream, TextStream};
