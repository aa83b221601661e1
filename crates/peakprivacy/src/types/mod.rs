//! The public request and response types (wire shapes of the PeakPrivacy API).

mod chunk;
mod completion;
mod de;
mod message;
mod model;
mod request;
mod token;

pub use chunk::{ChatCompletionChunk, ChunkChoice, Delta};
pub use completion::{ChatCompletion, Choice, FinishReason, Usage};
pub use message::{Message, Role};
pub(crate) use model::WireModelList;
pub use model::{model_ids, Model};
pub use request::ChatCompletionRequest;
pub use token::ApiTokenValid;
