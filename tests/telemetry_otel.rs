//! Our `tracing` spans through `tracing-opentelemetry` into the OpenTelemetry SDK, with no
//! glue code: the exported span has the conventions' name, kind `Client`, attributes, retry
//! events and error status. What a service with an OTLP exporter would ship.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use llm_core::retry::RecordingSleep;
use opentelemetry::trace::{SpanKind, Status, TracerProvider as _};
use opentelemetry::Value;
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SpanData};
use serde_json::json;
use tracing_subscriber::layer::SubscriberExt;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn attribute<'a>(span: &'a SpanData, key: &str) -> Option<&'a Value> {
    span.attributes
        .iter()
        .find(|kv| kv.key.as_str() == key)
        .map(|kv| &kv.value)
}

#[tokio::test]
async fn spans_export_as_opentelemetry_client_spans_with_no_glue() {
    let exporter = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(exporter.clone())
        .build();
    let subscriber = tracing_subscriber::registry()
        .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("app")));
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    let answer = json!({"id": "c9", "model": "served", "choices": [{"index": 0, "finish_reason": "stop",
        "message": {"role": "assistant", "content": "Hi"}}], "usage": {"prompt_tokens": 7, "completion_tokens": 2}});
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let client = support::peakprivacy_at(server.uri(), &RecordingSleep::default())
        .build()
        .unwrap();
    let request = || {
        peakprivacy::ChatCompletionRequest::new("mistral-swiss", [peakprivacy::Message::user("Hi")])
            .max_tokens(20)
    };
    client.chat().completions().create(request()).await.unwrap();
    let err = client
        .chat()
        .completions()
        .create(request())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), peakprivacy::ErrorKind::Authentication);
    provider.force_flush().unwrap();

    let spans = exporter.get_finished_spans().unwrap();
    let chats: Vec<&SpanData> = spans
        .iter()
        .filter(|s| s.name == "chat mistral-swiss")
        .collect();
    assert_eq!(chats.len(), 2, "{spans:#?}");
    let ok = chats[0];
    assert_eq!(ok.span_kind, SpanKind::Client);
    assert_eq!(ok.status, Status::Unset);
    assert_eq!(
        attribute(ok, "gen_ai.operation.name"),
        Some(&Value::from("chat"))
    );
    assert_eq!(
        attribute(ok, "gen_ai.provider.name"),
        Some(&Value::from("peakprivacy"))
    );
    assert_eq!(
        attribute(ok, "gen_ai.request.model"),
        Some(&Value::from("mistral-swiss"))
    );
    assert_eq!(
        attribute(ok, "gen_ai.request.max_tokens"),
        Some(&Value::I64(20))
    );
    assert_eq!(
        attribute(ok, "gen_ai.response.id"),
        Some(&Value::from("c9"))
    );
    assert_eq!(
        attribute(ok, "gen_ai.response.model"),
        Some(&Value::from("served"))
    );
    assert_eq!(
        attribute(ok, "gen_ai.usage.input_tokens"),
        Some(&Value::I64(7))
    );
    assert_eq!(
        attribute(ok, "gen_ai.usage.output_tokens"),
        Some(&Value::I64(2))
    );
    assert_eq!(
        attribute(ok, "server.address"),
        Some(&Value::from("127.0.0.1"))
    );
    let port = i64::from(server.address().port());
    assert_eq!(attribute(ok, "server.port"), Some(&Value::I64(port)));
    assert!(
        attribute(ok, "otel.name").is_none(),
        "otel.* fields become the span's own name and kind"
    );
    let retries: Vec<_> = ok
        .events
        .events
        .iter()
        .filter(|e| e.name == "retrying request")
        .collect();
    assert_eq!(retries.len(), 2, "each retry is an event on the span");
    assert!(retries[1]
        .attributes
        .iter()
        .any(|kv| kv.key.as_str() == "attempt" && kv.value == Value::I64(2)));

    let failed = chats[1];
    assert!(
        matches!(failed.status, Status::Error { .. }),
        "{:?}",
        failed.status
    );
    assert_eq!(
        attribute(failed, "error.type"),
        Some(&Value::from("authentication"))
    );
    assert!(!format!("{spans:?}").contains(support::KEY));
}
