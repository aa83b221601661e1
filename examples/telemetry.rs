//! Telemetry: the OpenTelemetry GenAI spans and metrics of a few calls, printed.
//!
//! ```text
//! cargo run --example telemetry
//! ```
//!
//! Offline: it starts both emulators in this process. It makes a chat that the emulator
//! fails twice with 503 (so it retries), a streamed chat, an embeddings call and a call with
//! a wrong key, records the spans in memory (`llm_testkit::spans::SpanRecorder`, a
//! `tracing` subscriber) and the metrics with the OpenTelemetry SDK's in-memory exporter, and
//! prints both. In a service you would install `tracing-opentelemetry` and an OTLP exporter
//! instead; the spans and metrics are the same.

use std::time::Duration;

use futures_util::StreamExt;
use llm_testkit::spans::SpanRecorder;
use llm_testkit::{AligneAIEmulator, Fault, PeakPrivacyEmulator};
use opentelemetry_sdk::metrics::data::{AggregatedMetrics, MetricData};
use opentelemetry_sdk::metrics::{InMemoryMetricExporter, PeriodicReader, SdkMeterProvider};

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result {
    let spans = SpanRecorder::new();
    let _guard = tracing::subscriber::set_default(spans.clone());
    let exporter = InMemoryMetricExporter::default();
    let meters = SdkMeterProvider::builder()
        .with_reader(PeriodicReader::builder(exporter.clone()).build())
        .build();
    opentelemetry::global::set_meter_provider(meters.clone());

    let peakprivacy = PeakPrivacyEmulator::start().await;
    let aligneai = AligneAIEmulator::start().await;
    let pp = peakprivacy
        .client_builder()
        .retry_policy(fast_retries())
        .build()?;
    let al = aligneai.client_builder().build()?;

    println!("1. chat (PeakPrivacy), the emulator answers 503 twice first");
    peakprivacy.fail_next(Fault::status(503).times(2));
    let request = peakprivacy::ChatCompletionRequest::new(
        peakprivacy::model_ids::MISTRAL_SWISS,
        [peakprivacy::Message::user("What is a span?")],
    )
    .temperature(0.2);
    let answer = pp.chat().completions().create(request).await?;
    println!("   < {}", answer.content());

    println!("2. streamed chat (AligneAI)");
    let request = aligneai::ChatCompletionRequest::new(
        "llama-3.1-8b-instruct",
        [aligneai::Message::user("Stream, please")],
    );
    let mut stream = al.chat().completions().create_stream(request).await?;
    let mut pieces = 0;
    while let Some(chunk) = stream.next().await {
        chunk?;
        pieces += 1;
    }
    drop(stream);
    println!("   < {pieces} chunks");

    println!("3. embeddings (AligneAI)");
    let response = al
        .embeddings()
        .create(aligneai::EmbeddingRequest::new(vec!["one", "two"]))
        .await?;
    println!("   < {} vectors", response.len());

    println!("4. a wrong key (PeakPrivacy)");
    let wrong = peakprivacy
        .client_builder()
        .api_token("not-the-key")
        .build()?;
    let request = peakprivacy::ChatCompletionRequest::new(
        peakprivacy::model_ids::MISTRAL_SWISS,
        [peakprivacy::Message::user("Hi")],
    );
    let err = wrong.chat().completions().create(request).await.err();
    println!(
        "   < {}",
        err.map_or("no error?".to_owned(), |e| e.kind().to_string())
    );

    println!(
        "\nSpans (OpenTelemetry GenAI conventions v{}):",
        llm_core::telemetry::SEMCONV_VERSION
    );
    for span in spans
        .spans()
        .iter()
        .filter(|s| s.target == "llm_core::telemetry")
    {
        println!("- {}", span.field("otel.name").unwrap_or(&span.name));
        for (name, value) in &span.fields {
            if name != "otel.name" {
                println!("    {name} = {value}");
            }
        }
        for event in &span.events {
            if let Some(message @ ("retrying request" | "first chunk")) = event.message() {
                let detail: Vec<String> = event
                    .fields
                    .iter()
                    .filter(|(k, _)| k.as_str() != "message")
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect();
                println!("    event: {message} ({})", detail.join(", "));
            }
        }
    }

    meters.force_flush()?;
    println!("\nMetrics:");
    for resource in exporter.get_finished_metrics()? {
        for scope in resource.scope_metrics() {
            for metric in scope.metrics() {
                let points: Vec<(u64, String, Vec<String>)> = match metric.data() {
                    AggregatedMetrics::F64(MetricData::Histogram(h)) => h
                        .data_points()
                        .map(|p| (p.count(), format!("{:.3}", p.sum()), labels(p.attributes())))
                        .collect(),
                    AggregatedMetrics::U64(MetricData::Histogram(h)) => h
                        .data_points()
                        .map(|p| (p.count(), p.sum().to_string(), labels(p.attributes())))
                        .collect(),
                    _ => Vec::new(),
                };
                for (count, sum, labels) in points {
                    println!(
                        "- {} [{}] count={count} sum={sum} {{{}}}",
                        metric.name(),
                        metric.unit(),
                        labels.join(", ")
                    );
                }
            }
        }
    }
    Ok(())
}

/// Retries without the default backoff's waits, so the example runs fast.
fn fast_retries() -> peakprivacy::RetryPolicy {
    peakprivacy::RetryPolicy::default()
        .with_max_retries(2)
        .with_backoff(peakprivacy::retry::Backoff::new(
            Duration::from_millis(10),
            Duration::from_millis(20),
        ))
}

/// The attributes that tell series apart, as `key=value`.
fn labels<'a>(attributes: impl Iterator<Item = &'a opentelemetry::KeyValue>) -> Vec<String> {
    attributes
        .filter(|kv| !matches!(kv.key.as_str(), "server.address" | "server.port"))
        .map(|kv| format!("{}={}", kv.key, kv.value))
        .collect()
}
