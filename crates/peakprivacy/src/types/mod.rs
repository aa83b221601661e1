//! PeakPrivacy's own request and response types. The shared chat vocabulary (messages,
//! completions, chunks, models) is `llm_core::chat`, re-exported at the crate root.

mod assistants;
mod deleted;
mod files;
mod model;
mod request;
mod token;

pub use assistants::{
    Assistant, AssistantAnswer, AssistantQuery, CreateAssistantRequest, UpdateAssistantRequest,
    DEFAULT_QUERY_PATH, DEFAULT_QUESTION_FIELD,
};
pub use deleted::Deleted;
pub use files::{FileObject, ListParams};
pub use model::model_ids;
pub use request::ChatCompletionRequest;
pub use token::ApiTokenValid;
