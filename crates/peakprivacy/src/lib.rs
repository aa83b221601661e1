#![doc = include_str!("../README.md")]

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

pub use builder::PeakPrivacyBuilder;
pub use chat::{Chat, Completions};
pub use client::PeakPrivacy;
pub use env::{API_TOKEN_ENV, BASE_URL_ENV, DEFAULT_BASE_URL};
pub use files::Files;
pub use llm_core::multipart::FilePart;
pub use llm_core::page::{Page, PageStream};
pub use models::Models;
pub use types::{
    model_ids, ApiTokenValid, ChatCompletionRequest, Deleted, FileObject, ListFilesParams,
};

/// The shared vocabulary (the same in every provider crate): chat types, `Error`,
/// `ErrorKind`, `Result`, `RequestOptions`, the `retry` module, `SecretString`,
/// `same_origin_redirects`, `Transport`/`ApiRequest` and `reqwest`.
pub use llm_core::vocabulary::*;
