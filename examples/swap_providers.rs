//! One function, written once against `&dyn unified::ChatModel`, run against PeakPrivacy,
//! AligneAI and the in-memory mock: swapping the provider touches no call site.
//!
//! ```text
//! cargo run --example swap_providers
//! ```
//!
//! Offline by default: without `PEAKPRIVACY_API_TOKEN` / `ALIGNEAI_API_KEY` both providers
//! are local emulators. With a key set, that provider's real API is used (or
//! `PEAKPRIVACY_API_URL` / `ALIGNEAI_BASE_URL`); `ALIGNEAI_CHAT_MODEL` picks the AligneAI chat
//! model. In an application the model usually comes from configuration:
//! `LLM_MODEL="peakprivacy:mistral-swiss"` with `unified::chat_model_from_env()`; set
//! `LLM_MODEL` here and that model is run too.

#[path = "common/mod.rs"]
mod common;

use std::io::Write;
use std::sync::Arc;

use futures_util::StreamExt;
use unified::{AligneAIChat, ChatModel, ChatRequest, Message, PeakPrivacyChat, PeakPrivacyOptions};

/// The application code: it knows nothing about providers. It streams the answer, printing
/// it as it arrives, and returns the whole text.
async fn explain(model: &dyn ChatModel, topic: &str) -> common::Result<String> {
    let request = ChatRequest::new(vec![
        Message::system("Explain in one sentence."),
        Message::user(topic),
    ])
    .temperature(0.2)
    // Provider-specific options ride along and are ignored by other providers: PeakPrivacy
    // streams only without pseudonymisation.
    .peakprivacy(PeakPrivacyOptions::new().anonymize(false));

    let mut stream = model.chat_stream(request).await?;
    let mut answer = String::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        print!("{}", chunk.delta);
        std::io::stdout().flush()?;
        answer.push_str(&chunk.delta);
    }
    println!();
    Ok(answer)
}

#[tokio::main]
async fn main() -> common::Result {
    let peakprivacy = common::peakprivacy().await?;
    let aligneai = common::aligneai().await?;

    let mut models: Vec<Arc<dyn ChatModel>> = vec![
        Arc::new(PeakPrivacyChat::new(
            peakprivacy.client.clone(),
            peakprivacy::model_ids::MISTRAL_SWISS,
        )),
        Arc::new(AligneAIChat::new(
            aligneai.client.clone(),
            common::aligneai_chat_model(),
        )),
        // The same factory reads "provider:model" strings from configuration.
        unified::chat_model_with("mock", &|_| None)?,
    ];
    if std::env::var_os("LLM_MODEL").is_some() {
        models.push(unified::chat_model_from_env()?);
    }

    let mut answers = Vec::new();
    for model in &models {
        println!("\n[{}:{}]", model.provider(), model.model());
        print!("   ");
        let answer = explain(model.as_ref(), "What is a Rust trait object?").await?;
        answers.push((model.provider(), answer));
    }

    println!(
        "\nThe same function ran against {} providers:",
        answers.len()
    );
    for (provider, answer) in &answers {
        println!("   {provider:<12} {}", common::shorten(answer, 60));
    }
    Ok(())
}
