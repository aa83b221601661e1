//! PeakPrivacy failing over to AligneAI, behind one `unified::ChatModel`: which errors fall
//! back, how many attempts a call makes (one retry loop), the circuit breaker opening, and
//! a stream that breaks mid-answer (never replaced: the caller already has part of it).
//!
//! ```text
//! cargo run --example fallback
//! ```
//!
//! Offline by default: both providers are local emulators, whose scripted faults play the
//! outages. With `PEAKPRIVACY_API_TOKEN` / `ALIGNEAI_API_KEY` set the real APIs are used and
//! the parts that need fault injection are skipped.

#[path = "common/mod.rs"]
mod common;

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use llm_testkit::Fault;
use unified::{
    AligneAIChat, BreakerConfig, ChatModel, ChatRequest, FallbackChat, FallbackRules,
    PartialResponse, PeakPrivacyChat,
};

fn question() -> ChatRequest {
    ChatRequest::user("Which city hosts the Swiss federal government?").system("Answer briefly.")
}

#[tokio::main]
async fn main() -> common::Result {
    let peakprivacy = common::peakprivacy().await?;
    let aligneai = common::aligneai().await?;

    // PeakPrivacy first (not anonymising, so it streams natively), AligneAI as the backup.
    let primary: Arc<dyn ChatModel> = Arc::new(
        PeakPrivacyChat::new(
            peakprivacy.client.clone(),
            peakprivacy::model_ids::MISTRAL_SWISS,
        )
        .anonymize(false),
    );
    let backup: Arc<dyn ChatModel> = Arc::new(AligneAIChat::new(
        aligneai.client.clone(),
        common::aligneai_chat_model(),
    ));
    let build = || {
        FallbackChat::builder()
            .model(primary.clone())
            .model(backup.clone())
            // Open a model's breaker when 3 calls in 30 s were made and half failed.
            .breaker(BreakerConfig::new().min_calls(3))
            // A short backoff keeps the demo quick (the default starts at 0.5 s).
            .rules(
                FallbackRules::new().backoff(peakprivacy::retry::Backoff::new(
                    Duration::from_millis(20),
                    Duration::from_millis(200),
                )),
            )
            .build()
    };
    let model = build()?;

    let answer = model.chat(question()).await?;
    println!(
        "healthy: answered by {}:{}: {}",
        answer.provider,
        answer.model,
        common::shorten(&answer.text, 50)
    );

    let Some(pp_server) = &peakprivacy.emulator else {
        println!("(the outage scenarios need the local PeakPrivacy emulator: skipped)");
        return Ok(());
    };
    let count = || pp_server.received_count();

    // 1. PeakPrivacy answers 503: retried on the same model (up to 1 + 2 attempts), then
    //    AligneAI. Here the breaker opens after the second failure (3 calls in its window,
    //    the healthy one included, 2 failed), which ends the retries early.
    pp_server.fail_next(Fault::status(503).always());
    let before = count();
    let answer = model.chat(question()).await?;
    println!(
        "PeakPrivacy answered 503 to {} attempts; answered by {}",
        count() - before,
        answer.provider
    );
    for (name, state) in model.breaker_states() {
        println!("breaker {name}: {state:?}");
    }

    // 2. The breaker is open: PeakPrivacy is not even called.
    let before = count();
    let answer = model.chat(question()).await?;
    println!(
        "breaker open: {} PeakPrivacy attempts, answered by {}",
        count() - before,
        answer.provider
    );
    pp_server.clear_faults();

    // 3. A 401 is the caller's problem: no retry, no fallback.
    let fresh = build()?;
    pp_server.fail_next(Fault::status(401));
    let before = count();
    let err = fresh.chat(question()).await.unwrap_err();
    println!(
        "401 is not retried elsewhere: ErrorKind::{:?} after {} attempt",
        err.kind(),
        count() - before
    );

    // 4. A stream that breaks after two chunks: the caller has seen them, so nothing falls
    //    back; the error carries the partial answer.
    pp_server.fail_next(Fault::cut_stream_after(2));
    let mut stream = fresh.chat_stream(question()).await?;
    print!("streaming: ");
    while let Some(item) = stream.next().await {
        match item {
            Ok(chunk) => print!("{}", chunk.delta),
            Err(err) => {
                println!();
                let partial = err.partial::<PartialResponse>();
                println!(
                    "stream cut after {} chunks: ErrorKind::{:?}, partial text {:?}, retryable: {}",
                    partial.map_or(0, |p| p.chunks),
                    err.kind(),
                    partial.map_or("", |p| p.response.text.as_str()),
                    err.is_retryable()
                );
            }
        }
    }
    println!(
        "budget left: {} of {} tokens",
        model.budget().available(),
        model.budget().config().capacity
    );
    Ok(())
}
