//! PeakPrivacy's own request and response types. The shared chat vocabulary (messages,
//! completions, chunks, models) is `llm_core::chat`, re-exported at the crate root.

mod deleted;
mod files;
mod model;
mod request;
mod token;

pub use deleted::Deleted;
pub use files::{FileObject, ListFilesParams};
pub use model::model_ids;
pub use request::ChatCompletionRequest;
pub use token::ApiTokenValid;
