//! The blocking (synchronous) clients: no `async`, no `.await`, streams are iterators. For
//! code and users coming from the synchronous Python SDKs.
//!
//! Needs the `blocking` cargo feature of `peakprivacy` and `aligneai` (this workspace's
//! examples enable it). Do not call blocking clients from async code: there they return an
//! error instead of blocking the runtime.
//!
//! ```text
//! cargo run --example blocking
//! ```
//!
//! Without `PEAKPRIVACY_API_TOKEN` / `ALIGNEAI_API_KEY` the emulators run on background
//! threads (`start_blocking()`); with a key, that provider's real API is used (or
//! `PEAKPRIVACY_API_URL` / `ALIGNEAI_BASE_URL`).

#[path = "common/mod.rs"]
mod common;

use std::io::Write;

use aligneai::{BatchOptions, EmbeddingRequest};
use peakprivacy::{model_ids, ChatCompletionRequest, Message};

fn main() -> common::Result {
    let peakprivacy = common::peakprivacy_blocking()?;
    let aligneai = common::aligneai_blocking()?;
    let pp = &peakprivacy.client;

    // Chat: the call returns the completion directly.
    let request = ChatCompletionRequest::new(
        model_ids::MISTRAL_SWISS,
        [Message::user("Hello from blocking code")],
    );
    let completion = pp.chat().completions().create(request)?;
    println!("\nblocking chat:   {}", completion.content());

    // Streaming: a plain iterator of text pieces.
    let request = ChatCompletionRequest::new(
        model_ids::MISTRAL_SWISS,
        [Message::user("Stream without async")],
    )
    .anonymize(false);
    print!("blocking stream: ");
    let mut pieces = 0;
    for piece in pp.chat().completions().create_stream(request)?.text() {
        print!("{}", piece?);
        std::io::stdout().flush()?;
        pieces += 1;
    }
    println!("   ({pieces} pieces from an iterator)");

    // Models and the token check.
    pp.chat().check_api_token()?;
    let ids: Vec<String> = pp.models().list()?.into_iter().map(|m| m.id).collect();
    println!("blocking models: {}", ids.join(", "));

    // AligneAI: key check, embeddings, and the batching helper.
    let aa = &aligneai.client;
    aa.ping()?;
    let response = aa
        .embeddings()
        .create(EmbeddingRequest::new(["blocking", "embeddings"]).dimensions(128))?;
    println!(
        "blocking embeddings: {} vectors of {} dimensions",
        response.len(),
        response.vectors().next().map_or(0, <[f32]>::len)
    );
    let documents: Vec<String> = (0..40).map(|i| format!("document {i}")).collect();
    let batched = aa.embeddings().create_batched(
        EmbeddingRequest::new(documents),
        BatchOptions::new().batch_size(10).concurrency(2),
    )?;
    println!(
        "blocking batched embeddings: {} vectors in input order",
        batched.len()
    );
    Ok(())
}
