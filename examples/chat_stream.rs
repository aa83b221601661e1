//! Streams a PeakPrivacy chat answer and prints it token by token.
//!
//! PeakPrivacy streams only when pseudonymisation is off (`anonymize(false)`); with its
//! default (`anonymize: true`) the server answers with one plain JSON completion, which the
//! SDK hands out as a one-chunk stream, so the same loop works either way. Both cases are
//! shown, then `collect_completion()` and `text()`.
//!
//! ```text
//! cargo run --example chat_stream
//! ```
//!
//! Without `PEAKPRIVACY_API_TOKEN` it starts a local emulator; with it, it talks to the real
//! API (or to `PEAKPRIVACY_API_URL` when set).

#[path = "common/mod.rs"]
mod common;

use std::io::Write;

use futures_util::StreamExt;
use peakprivacy::{model_ids, ChatCompletionRequest, Message};

#[tokio::main]
async fn main() -> common::Result {
    let backend = common::peakprivacy().await?;
    let completions = backend.client.chat().completions();
    let question = "Explain in one sentence why streaming feels faster";

    // 1. A real stream: anonymize(false).
    println!("\n1. Streamed answer (anonymize = false), printed token by token:");
    let request = ChatCompletionRequest::new(
        model_ids::MISTRAL_SWISS,
        [Message::system("Be brief."), Message::user(question)],
    )
    .anonymize(false);
    let mut stream = completions.create_stream(request).await?;
    let mut chunks = 0;
    let mut finish = None;
    print!("   ");
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        chunks += 1;
        if let Some(reason) = chunk.finish_reason() {
            finish = Some(reason.to_string());
        }
        print!("{}", chunk.content());
        std::io::stdout().flush()?;
    }
    println!();
    println!(
        "   -> streamed {chunks} chunks, finish reason: {}",
        finish.as_deref().unwrap_or("none sent")
    );

    // 2. The server's default anonymize = true turns streaming off: one JSON answer.
    println!("\n2. Same call with the default anonymize = true (the server does not stream):");
    let request = ChatCompletionRequest::new(model_ids::MISTRAL_SWISS, [Message::user(question)]);
    let mut stream = completions.create_stream(request).await?;
    let mut pieces = Vec::new();
    while let Some(chunk) = stream.next().await {
        pieces.push(chunk?.content().to_owned());
    }
    println!(
        "   -> got {} chunk{} (a plain JSON completion): {}",
        pieces.len(),
        if pieces.len() == 1 { "" } else { "s" },
        pieces.concat()
    );

    // 3. Helpers: collect the whole answer, or iterate over just the text.
    println!("\n3. Helpers:");
    let request =
        ChatCompletionRequest::new(model_ids::MISTRAL_SWISS, [Message::user("Hello stream")])
            .anonymize(false);
    let completion = completions
        .create_stream(request.clone())
        .await?
        .collect_completion()
        .await?;
    println!("   collect_completion(): {}", completion.content());
    let mut text = completions.create_stream(request).await?.text();
    print!("   text():               ");
    while let Some(piece) = text.next().await {
        print!("{}", piece?);
        std::io::stdout().flush()?;
    }
    println!();
    Ok(())
}
