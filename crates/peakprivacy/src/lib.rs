#![doc = include_str!("../README.md")]

mod assistants;
mod builder;
mod chat;
mod client;
mod env;
mod files;
mod models;
mod types;
mod wire;

#[cfg(feature = "blocking")]
pub mod blocking;

pub use assistants::Assistants;
pub use builder::PeakPrivacyBuilder;
pub use chat::{Chat, Completions};
pub use client::PeakPrivacy;
pub use env::{API_TOKEN_ENV, BASE_URL_ENV, DEFAULT_BASE_URL, PROVIDER_NAME};
pub use files::Files;
pub use llm_core::multipart::FilePart;
pub use llm_core::page::{Page, PageStream};
pub use models::Models;
pub use types::{
    model_ids, ApiTokenValid, Assistant, AssistantAnswer, AssistantQuery, ChatCompletionRequest,
    CreateAssistantRequest, Deleted, FileObject, ListParams, UpdateAssistantRequest,
    DEFAULT_QUERY_PATH, DEFAULT_QUESTION_FIELD,
};

/// The shared vocabulary (the same in every provider crate): chat types, `Error`,
/// `ErrorKind`, `Result`, `RequestOptions`, the `retry` module, `SecretString`,
/// `same_origin_redirects`, `Transport`/`ApiRequest` and `reqwest`.
pub use llm_core::vocabulary::*;
