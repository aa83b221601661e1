//! The quickstart: every main capability of the SDKs in one run.
//!
//! 1. a chat completion (PeakPrivacy),
//! 2. a streamed answer printed token by token (PeakPrivacy),
//! 3. the model lists (both providers),
//! 4. embeddings (AligneAI),
//! 5. a handled error (a wrong token gives 401, matched on `err.kind()`),
//!
//! then a one-line summary of each.
//!
//! ```text
//! cargo run --example quickstart
//! ```
//!
//! Nothing is needed for a first run: without `PEAKPRIVACY_API_TOKEN` / `ALIGNEAI_API_KEY`
//! it starts local emulators of both APIs in this process (no network, no key). Set a
//! provider's key (in the environment or a `.env` file) and the same code talks to its real
//! API; `PEAKPRIVACY_API_URL` / `ALIGNEAI_BASE_URL` point it at any other server.

#[path = "common/mod.rs"]
mod common;

use std::io::Write;

use aligneai::EmbeddingRequest;
use futures_util::StreamExt;
use peakprivacy::{model_ids, ChatCompletionRequest, ErrorKind, Message, PeakPrivacy};

#[tokio::main]
async fn main() -> common::Result {
    println!("LLM SDK quickstart\n");
    let peakprivacy = common::peakprivacy().await?;
    let aligneai = common::aligneai().await?;
    let mut summary: Vec<(&str, String)> = Vec::new();

    // 1. Chat.
    let question = "What does pseudonymisation do?";
    println!("\n1. Chat (PeakPrivacy, {})", model_ids::MISTRAL_SWISS);
    let request = ChatCompletionRequest::new(
        model_ids::MISTRAL_SWISS,
        [Message::system("Answer briefly."), Message::user(question)],
    );
    let completion = peakprivacy
        .client
        .chat()
        .completions()
        .create(request)
        .await?;
    println!("   > {question}");
    println!("   < {}", completion.content());
    let tokens = completion
        .usage
        .map_or_else(String::new, |u| format!(" ({} tokens)", u.total_tokens));
    summary.push((
        "chat",
        format!(
            "answered{tokens}: {}",
            common::shorten(completion.content(), 50)
        ),
    ));

    // 2. Streaming: PeakPrivacy streams only with anonymize(false).
    println!("\n2. Streamed answer (PeakPrivacy, printed token by token)");
    let request = ChatCompletionRequest::new(
        model_ids::MISTRAL_SWISS,
        [Message::user("Count from one to five in words")],
    )
    .anonymize(false);
    let mut stream = peakprivacy
        .client
        .chat()
        .completions()
        .create_stream(request)
        .await?;
    let mut pieces = 0;
    print!("   < ");
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        if !chunk.content().is_empty() {
            pieces += 1;
        }
        print!("{}", chunk.content());
        std::io::stdout().flush()?;
    }
    println!();
    summary.push(("stream", format!("{pieces} pieces printed as they arrived")));

    // 3. Models.
    println!("\n3. Models");
    let pp_models = peakprivacy.client.models().list().await?;
    let pp_ids: Vec<&str> = pp_models.iter().map(|m| m.id.as_str()).collect();
    println!("   PeakPrivacy models: {}", pp_ids.join(", "));
    let aa_models = aligneai.client.models().list().await?;
    let aa_ids: Vec<&str> = aa_models.iter().map(|m| m.id.as_str()).collect();
    println!("   AligneAI models:    {}", aa_ids.join(", "));
    summary.push((
        "models",
        format!(
            "{} PeakPrivacy models, {} AligneAI models",
            pp_ids.len(),
            aa_ids.len()
        ),
    ));

    // 4. Embeddings.
    println!("\n4. Embeddings (AligneAI)");
    let texts = ["Privacy-first AI", "Data stays in Switzerland"];
    let response = aligneai
        .client
        .embeddings()
        .create(EmbeddingRequest::new(texts))
        .await?;
    for (text, vector) in texts.iter().zip(response.vectors()) {
        let head: Vec<String> = vector.iter().take(3).map(|x| format!("{x:+.3}")).collect();
        println!(
            "   {text:<28} -> embedding of {} dimensions [{}, ...]",
            vector.len(),
            head.join(", ")
        );
    }
    let dimensions = response.vectors().next().map_or(0, <[f32]>::len);
    summary.push((
        "embeddings",
        format!(
            "{} embedding vectors of {dimensions} dimensions",
            response.len()
        ),
    ));

    // 5. A handled error: a wrong token against the same server.
    println!("\n5. A handled error (wrong token)");
    let wrong = PeakPrivacy::builder()
        .api_token("not-a-valid-token")
        .base_url(peakprivacy.client.base_url())
        .max_retries(0)
        .build()?;
    let handled = match wrong.chat().check_api_token().await {
        Err(err) if err.kind() == ErrorKind::Authentication => {
            println!("   error: {err}");
            println!("   handled: ErrorKind::Authentication -> ask the user for a valid token");
            format!("401 handled as ErrorKind::Authentication ({err})")
        }
        Err(err) => return Err(err.into()),
        Ok(_) => return Err("a wrong token was accepted".into()),
    };
    summary.push(("error", handled));

    let backend = match (&peakprivacy.emulator, &aligneai.emulator) {
        (Some(_), Some(_)) => "the local emulators",
        (None, None) => "the configured APIs",
        _ => "one API and one local emulator",
    };
    println!("\nSummary (against {backend}):");
    for (what, result) in &summary {
        println!("   {what:<11} ok  {result}");
    }
    Ok(())
}
