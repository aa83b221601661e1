//! Creates AligneAI embeddings: one text, many texts, base64-encoded vectors, and a large
//! job through the batching helper.
//!
//! The local emulator is started with a limit of 16 inputs per request (larger requests
//! get 413 Payload Too Large), so the example shows both the error and how
//! `create_batched` splits a job into requests that fit, runs a few at once and returns the
//! vectors in input order.
//!
//! ```text
//! cargo run --example embeddings
//! ```
//!
//! Without `ALIGNEAI_API_KEY` it starts the local emulator; with it, it talks to the real
//! API (or to `ALIGNEAI_BASE_URL` when set, with `ALIGNEAI_WORKSPACE_ID` if set).

#[path = "common/mod.rs"]
mod common;

use aligneai::{BatchError, BatchOptions, EmbeddingRequest, EncodingFormat, ErrorKind};

/// The emulator's batch limit in this example.
const EMULATOR_BATCH_LIMIT: usize = 16;

fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let norm = |v: &[f32]| v.iter().map(|x| x * x).sum::<f32>().sqrt();
    let denominator = norm(a) * norm(b);
    if denominator == 0.0 {
        0.0
    } else {
        dot / denominator
    }
}

fn preview(vector: &[f32]) -> String {
    let head: Vec<String> = vector.iter().take(4).map(|x| format!("{x:+.4}")).collect();
    format!("[{}, ...]", head.join(", "))
}

#[tokio::main]
async fn main() -> common::Result {
    let backend =
        common::aligneai_with(|emulator| emulator.max_batch_size(EMULATOR_BATCH_LIMIT)).await?;
    let embeddings = backend.client.embeddings();

    // 1. One text.
    let response = embeddings
        .create(EmbeddingRequest::new("The quick brown fox"))
        .await?;
    let vector = response
        .vectors()
        .next()
        .ok_or("the answer has no vector")?;
    println!(
        "\n1. One embedding: {} dimensions {}",
        vector.len(),
        preview(vector)
    );
    if let Some(model) = &response.model {
        println!("   model: {model}");
    }

    // 2. Many texts, fewer dimensions: one vector per input, in input order.
    let texts = [
        "Zurich is a city in Switzerland",
        "Zurich is a city in Switzerland",
        "Bananas are rich in potassium",
    ];
    let response = embeddings
        .create(EmbeddingRequest::new(texts).dimensions(256))
        .await?;
    let vectors: Vec<&[f32]> = response.vectors().collect();
    println!(
        "\n2. {} embeddings of {} dimensions",
        vectors.len(),
        vectors.first().map_or(0, |v| v.len())
    );
    for (text, vector) in texts.iter().zip(&vectors) {
        println!("   {text:<34} {}", preview(vector));
    }
    if let [first, second, third] = vectors[..] {
        println!("   cosine(same text)      = {:.3}", cosine(first, second));
        println!("   cosine(different text) = {:.3}", cosine(first, third));
    }
    if let Some(tokens) = response.usage.and_then(|usage| usage.prompt_tokens) {
        println!("   usage: {tokens} prompt tokens");
    }

    // 3. Base64: smaller answers, decoded by the SDK to the same f32 vectors.
    let base64 = embeddings
        .create(
            EmbeddingRequest::new(texts)
                .dimensions(256)
                .encoding_format(EncodingFormat::Base64),
        )
        .await?;
    let same = base64.vectors().eq(response.vectors());
    println!("\n3. base64-encoded embeddings decoded to the same vectors as floats: {same}");

    // 4. A large job: 100 documents.
    let documents: Vec<String> = (1..=100)
        .map(|i| format!("document number {i} about privacy-first AI"))
        .collect();

    if let Some(server) = &backend.emulator {
        // Everything in one request is more than the emulator accepts.
        match embeddings
            .create(EmbeddingRequest::new(documents.clone()))
            .await
        {
            Err(err) if err.kind() == ErrorKind::PayloadTooLarge => println!(
                "\n4. 100 inputs in one request: {err} (this emulator accepts at most {EMULATOR_BATCH_LIMIT} per request)"
            ),
            Err(err) => return Err(err.into()),
            Ok(_) => return Err("the emulator accepted a batch over its limit".into()),
        }
        server.clear_requests();
    } else {
        println!("\n4. Batching 100 inputs:");
    }

    let options = BatchOptions::new()
        .batch_size(EMULATOR_BATCH_LIMIT)
        .concurrency(4);
    let response = match embeddings
        .create_batched(EmbeddingRequest::new(documents.clone()), options)
        .await
    {
        Ok(response) => response,
        Err(err) => {
            if let Some(batch) = BatchError::find(&err) {
                eprintln!(
                    "inputs {:?} failed: {}",
                    batch.failed_inputs(),
                    batch.error()
                );
            }
            return Err(err.into());
        }
    };
    println!(
        "   create_batched(batch_size {EMULATOR_BATCH_LIMIT}, concurrency 4): {} embeddings, in input order",
        response.len()
    );
    if let Some(server) = &backend.emulator {
        println!("   requests sent: {}", server.received_count());
        // The emulator's vectors are a function of the text: check the order.
        let dimensions = response.vectors().next().map_or(0, <[f32]>::len);
        let in_order = documents
            .iter()
            .zip(response.vectors())
            .all(|(text, vector)| {
                llm_testkit::AligneAIEmulator::embedding_for(text, dimensions) == vector
            });
        println!("   every vector matches its input: {in_order}");

        // Too large a batch size: the helper splits rejected batches in halves.
        server.clear_requests();
        let response = embeddings
            .create_batched(
                EmbeddingRequest::new(documents),
                BatchOptions::new().batch_size(64),
            )
            .await?;
        println!(
            "   create_batched(batch_size 64): 413s split automatically, {} embeddings after {} requests",
            response.len(),
            server.received_count()
        );
    }
    Ok(())
}
