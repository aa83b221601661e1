//! Asks an assistant about your own documents: uploads two files, creates an assistant over
//! them, asks it a question, lists files and assistants, and cleans up.
//!
//! Shows `client.files().upload(..)` (from bytes and from a path, several files in one
//! multipart request), `client.assistants().create(..)` with `file_ids`,
//! `assistants().query(..)` (whose path and body are configurable: the docs do not show
//! them), the auto-paginating `files().list_stream(..)`, and `delete`.
//!
//! ```text
//! cargo run --example assistant_with_files
//! ```
//!
//! Without `PEAKPRIVACY_API_TOKEN` it starts a local emulator; with a token it talks to the
//! real API (or to `PEAKPRIVACY_API_URL`) and deletes what it created at the end.

#[path = "common/mod.rs"]
mod common;

use futures_util::TryStreamExt;
use peakprivacy::{CreateAssistantRequest, FilePart, ListParams};

#[tokio::main]
async fn main() -> common::Result {
    let peakprivacy = common::peakprivacy().await?;
    let client = &peakprivacy.client;

    // One document from memory, one from disk (streamed, never loaded whole).
    let dir = std::env::temp_dir().join(format!("assistant-example-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let policy = dir.join("travel-policy.md");
    std::fs::write(
        &policy,
        "# Travel policy\nTrain is the default for trips under 6 hours.\nHotels up to CHF 180 per night.\n",
    )?;
    let files = client
        .files()
        .upload([
            FilePart::from_bytes(
                "invoices.txt",
                "Invoice 7: CHF 1200, due on 30 June.\nInvoice 8: CHF 300, paid.\n",
            ),
            FilePart::from_path(&policy),
        ])
        .await?;
    println!("uploaded {} files:", files.len());
    for file in &files {
        println!(
            "   {} {} ({} bytes, {})",
            file.id,
            file.name,
            file.size.unwrap_or_default(),
            file.mimetype.as_deref().unwrap_or("?")
        );
    }

    let assistant = client
        .assistants()
        .create(
            CreateAssistantRequest::new("Back office", "mistral-swiss")
                .instructions("Answer only from the attached documents.")
                .temperature(0.2)
                .file_ids(files.iter().map(|f| f.id.clone())),
        )
        .await?;
    println!(
        "created assistant {} ({}) over {} files",
        assistant.name,
        assistant.model,
        assistant.files.len()
    );

    let question = "What is the hotel limit per night?";
    let answer = client.assistants().query(&assistant.id, question).await?;
    println!("Q: {question}\nA: {}", answer.content);

    let listed: Vec<_> = client
        .files()
        .list_stream(ListParams::new().limit(1))
        .try_collect()
        .await?;
    println!("files listed page by page (1 per page): {}", listed.len());
    let assistants = client.assistants().list(ListParams::new()).await?;
    println!("assistants: {}", assistants.data.len());

    client.assistants().delete(&assistant.id).await?;
    for file in &files {
        client.files().delete(&file.id).await?;
    }
    std::fs::remove_dir_all(&dir)?;
    let left = client.files().list(ListParams::new()).await?;
    println!(
        "cleaned up: assistant and {} files deleted, {} files left",
        files.len(),
        left.data.len()
    );
    Ok(())
}
