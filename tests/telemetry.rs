//! Telemetry spans per the OpenTelemetry GenAI conventions (`llm_core::telemetry`): names,
//! attributes, retry events, time to first chunk, errors, content capture, and that no key
//! or body reaches a span; for chat (plain and streamed) on both providers, AligneAI
//! embeddings, and through `unified`. Spans are recorded in memory
//! (`llm_testkit::spans::SpanRecorder`) from calls to wiremock on loopback.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use futures_util::StreamExt;
use llm_core::retry::RecordingSleep;
use llm_testkit::spans::{RecordedSpan, SpanRecorder};
use serde_json::{json, Value};
use support::KEY;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Text a response body carries that must never reach a span.
const BODY_MARK: &str = "body-text-7f3e";

fn completion() -> Value {
    json!({
        "id": "c1", "object": "chat.completion", "created": 1, "model": "served-model",
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": format!("Hello {BODY_MARK}")}}],
        "usage": {"prompt_tokens": 11, "completion_tokens": 4, "total_tokens": 15},
    })
}

fn sse() -> String {
    let first = json!({"id": "c1", "object": "chat.completion.chunk", "model": "served-model",
        "choices": [{"index": 0, "delta": {"role": "assistant", "content": "Hello "}}]});
    let last = json!({"id": "c1", "object": "chat.completion.chunk", "model": "served-model",
        "choices": [{"index": 0, "finish_reason": "length", "delta": {"content": BODY_MARK}}],
        "usage": {"prompt_tokens": 11, "completion_tokens": 4, "total_tokens": 15}});
    format!("data: {first}\n\ndata: {last}\n\ndata: [DONE]\n\n")
}

fn embeddings_body() -> Value {
    json!({"object": "list", "model": "nomic-embed-v1.5",
           "data": [{"object": "embedding", "index": 0, "embedding": [0.5, -0.25, 1.0]}],
           "usage": {"prompt_tokens": 3, "total_tokens": 3}})
}

/// Two 503s (with the key and a body mark in their bodies), then `answer`.
async fn retrying_server(route: &str, answer: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(route))
        .respond_with(
            ResponseTemplate::new(503)
                .set_body_string(format!("overloaded {BODY_MARK} for key {KEY}")),
        )
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(route))
        .respond_with(answer.insert_header("x-request-id", "req-tel-1"))
        .mount(&server)
        .await;
    server
}

fn peakprivacy(server: &MockServer) -> peakprivacy::PeakPrivacyBuilder {
    support::peakprivacy_at(
        format!("{}/api/v1", server.uri()),
        &RecordingSleep::default(),
    )
}

fn aligneai(server: &MockServer) -> aligneai::AligneAIBuilder {
    support::aligneai_at(format!("{}/v1", server.uri()), &RecordingSleep::default())
}

/// The only span named `name`, which must have closed.
fn only(spans: &SpanRecorder, name: &str) -> RecordedSpan {
    let found = spans.named(name);
    assert_eq!(found.len(), 1, "spans: {:#?}", spans.spans());
    let span = found.into_iter().next().unwrap();
    assert!(span.closed, "the span must close with the operation");
    span
}

/// What every operation span carries, and that no key or body reached any span.
fn check_common(
    span: &RecordedSpan,
    spans: &SpanRecorder,
    operation: &str,
    provider: &str,
    server: &MockServer,
) {
    assert_eq!(span.target, "llm_core::telemetry");
    assert_eq!(span.level, "INFO");
    assert_eq!(span.name, operation);
    assert_eq!(span.field("otel.kind"), Some("client"));
    assert_eq!(span.field("gen_ai.operation.name"), Some(operation));
    assert_eq!(span.field("gen_ai.provider.name"), Some(provider));
    assert_eq!(span.field("server.address"), Some("127.0.0.1"));
    let port = server.address().port().to_string();
    assert_eq!(span.field("server.port"), Some(port.as_str()));
    let text = spans.text();
    assert!(!text.contains(KEY), "the key reached a span: {text}");
    assert!(!text.contains(BODY_MARK), "a body reached a span: {text}");
}

/// Two retry events on the span, attempts 1 and 2, for a 503.
fn check_retries(span: &RecordedSpan) {
    let retries = span.events_named("retrying request");
    assert_eq!(retries.len(), 2, "events: {:#?}", span.events);
    for (n, event) in retries.iter().enumerate() {
        assert_eq!(event.field("attempt"), Some((n + 1).to_string().as_str()));
        assert_eq!(event.field("reason"), Some("internal_server"));
        assert_eq!(event.field("status"), Some("503"));
        assert!(event.field("delay_ms").is_some());
        assert_eq!(event.level, "INFO");
    }
    assert!(span.field("error.type").is_none(), "the call succeeded");
}

fn check_chat_answer(span: &RecordedSpan, finish: &str) {
    assert_eq!(span.field("gen_ai.response.id"), Some("c1"));
    assert_eq!(span.field("gen_ai.response.model"), Some("served-model"));
    let reasons = format!("[\"{finish}\"]");
    assert_eq!(
        span.field("gen_ai.response.finish_reasons"),
        Some(reasons.as_str())
    );
    assert_eq!(span.field("gen_ai.usage.input_tokens"), Some("11"));
    assert_eq!(span.field("gen_ai.usage.output_tokens"), Some("4"));
    assert!(
        span.field("gen_ai.input.messages").is_none(),
        "content capture is off by default"
    );
    assert!(span.field("gen_ai.output.messages").is_none());
}

#[tokio::test]
async fn a_chat_that_retried_twice_is_one_span_on_each_provider() {
    let spans = SpanRecorder::new();
    let _guard = tracing::subscriber::set_default(spans.clone());
    let ok = || ResponseTemplate::new(200).set_body_json(completion());

    let server = retrying_server("/api/v1/ai/completions", ok()).await;
    let request = peakprivacy::ChatCompletionRequest::new(
        "mistral-swiss",
        [peakprivacy::Message::user("Hi")],
    )
    .temperature(0.2)
    .max_tokens(50)
    .seed(7);
    let client = peakprivacy(&server).build().unwrap();
    client.chat().completions().create(request).await.unwrap();
    let span = only(&spans, "chat mistral-swiss");
    check_common(&span, &spans, "chat", "peakprivacy", &server);
    check_retries(&span);
    check_chat_answer(&span, "stop");
    assert_eq!(span.field("gen_ai.request.model"), Some("mistral-swiss"));
    assert_eq!(span.field("gen_ai.request.temperature"), Some("0.2"));
    assert_eq!(span.field("gen_ai.request.max_tokens"), Some("50"));
    assert_eq!(span.field("gen_ai.request.seed"), Some("7"));
    assert!(
        span.field("gen_ai.request.top_p").is_none(),
        "unset parameters are left out"
    );
    assert!(span.field("gen_ai.response.time_to_first_chunk").is_none());

    let server = retrying_server("/v1/chat/completions", ok()).await;
    let request =
        aligneai::ChatCompletionRequest::new("aligne-chat", [aligneai::Message::user("Hi")])
            .top_p(0.9);
    aligneai(&server)
        .build()
        .unwrap()
        .chat()
        .completions()
        .create(request)
        .await
        .unwrap();
    let span = only(&spans, "chat aligne-chat");
    check_common(&span, &spans, "chat", "aligneai", &server);
    check_retries(&span);
    check_chat_answer(&span, "stop");
    assert_eq!(span.field("gen_ai.request.top_p"), Some("0.9"));
}

#[tokio::test]
async fn a_streamed_chat_span_lasts_until_the_stream_ends_and_has_the_time_to_first_chunk() {
    let spans = SpanRecorder::new();
    let _guard = tracing::subscriber::set_default(spans.clone());
    let ok = || ResponseTemplate::new(200).set_body_raw(sse(), "text/event-stream");

    let server = retrying_server("/api/v1/ai/completions", ok()).await;
    let client = peakprivacy(&server).build().unwrap();
    let request = peakprivacy::ChatCompletionRequest::new(
        "mistral-swiss",
        [peakprivacy::Message::user("Hi")],
    );
    let mut stream = client
        .chat()
        .completions()
        .create_stream(request)
        .await
        .unwrap();
    assert!(
        !spans.named("chat mistral-swiss")[0].closed,
        "open while the stream is read"
    );
    let mut text = String::new();
    while let Some(chunk) = stream.next().await {
        text.push_str(chunk.unwrap().content());
    }
    assert_eq!(text, format!("Hello {BODY_MARK}"));
    let span = only(&spans, "chat mistral-swiss");
    check_common(&span, &spans, "chat", "peakprivacy", &server);
    check_retries(&span);
    check_chat_answer(&span, "length");
    let first: f64 = span
        .field("gen_ai.response.time_to_first_chunk")
        .unwrap()
        .parse()
        .unwrap();
    assert!(first > 0.0 && first < 30.0, "time to first chunk: {first}");
    let events = span.events_named("first chunk");
    assert_eq!(events.len(), 1, "one event at the first chunk only");

    let server = retrying_server("/v1/chat/completions", ok()).await;
    let client = aligneai(&server).build().unwrap();
    let request =
        aligneai::ChatCompletionRequest::new("aligne-chat", [aligneai::Message::user("Hi")]);
    let stream = client
        .chat()
        .completions()
        .create_stream(request)
        .await
        .unwrap();
    drop(stream); // a stream dropped early ends its operation too
    let span = only(&spans, "chat aligne-chat");
    check_common(&span, &spans, "chat", "aligneai", &server);
    check_retries(&span);
}

#[tokio::test]
async fn embeddings_are_one_span_with_usage_and_dimensions() {
    let spans = SpanRecorder::new();
    let _guard = tracing::subscriber::set_default(spans.clone());
    let ok = ResponseTemplate::new(200).set_body_json(embeddings_body());
    let server = retrying_server("/v1/embeddings", ok).await;
    let request = aligneai::EmbeddingRequest::new(format!("text {BODY_MARK}"))
        .model("nomic-embed-v1.5")
        .encoding_format(aligneai::EncodingFormat::Float);
    let response = aligneai(&server)
        .build()
        .unwrap()
        .embeddings()
        .create(request)
        .await
        .unwrap();
    assert_eq!(response.data[0].embedding.len(), 3);
    let span = only(&spans, "embeddings nomic-embed-v1.5");
    check_common(&span, &spans, "embeddings", "aligneai", &server);
    check_retries(&span);
    assert_eq!(span.field("gen_ai.request.model"), Some("nomic-embed-v1.5"));
    assert_eq!(
        span.field("gen_ai.request.encoding_formats"),
        Some("[\"float\"]")
    );
    assert_eq!(
        span.field("gen_ai.response.model"),
        Some("nomic-embed-v1.5")
    );
    assert_eq!(span.field("gen_ai.usage.input_tokens"), Some("3"));
    assert_eq!(span.field("gen_ai.embeddings.dimension.count"), Some("3"));
}

#[tokio::test]
async fn a_failed_call_sets_error_type_and_status_but_never_the_message() {
    let spans = SpanRecorder::new();
    let _guard = tracing::subscriber::set_default(spans.clone());
    let server = MockServer::start().await;
    let denied = json!({"error": {"message": format!("key {KEY} is invalid {BODY_MARK}")}});
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(401).set_body_json(denied))
        .mount(&server)
        .await;

    let client = peakprivacy(&server).build().unwrap();
    let request = peakprivacy::ChatCompletionRequest::new(
        "mistral-swiss",
        [peakprivacy::Message::user("Hi")],
    );
    let err = client
        .chat()
        .completions()
        .create(request)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), peakprivacy::ErrorKind::Authentication);
    let span = only(&spans, "chat mistral-swiss");
    check_common(&span, &spans, "chat", "peakprivacy", &server);
    assert_eq!(span.field("error.type"), Some("authentication"));
    assert_eq!(span.field("otel.status_code"), Some("ERROR"));
    assert!(
        span.events_named("retrying request").is_empty(),
        "a 401 is not retried"
    );

    let client = aligneai(&server).build().unwrap();
    let err = client
        .embeddings()
        .create(aligneai::EmbeddingRequest::new("hi"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), aligneai::ErrorKind::Authentication);
    let span = spans
        .spans()
        .into_iter()
        .find(|s| s.name == "embeddings")
        .unwrap();
    check_common(&span, &spans, "embeddings", "aligneai", &server);
    assert_eq!(span.field("error.type"), Some("authentication"));

    // A request refused before sending is an operation that failed too.
    let bad = peakprivacy::ChatCompletionRequest::new(
        "mistral-swiss",
        [peakprivacy::Message::user("Hi")],
    )
    .temperature(f64::NAN);
    let client = peakprivacy(&server).build().unwrap();
    assert!(client
        .chat()
        .completions()
        .create_stream(bad)
        .await
        .is_err());
    let failed: Vec<_> = spans.named("chat mistral-swiss");
    assert_eq!(failed.len(), 2);
    assert_eq!(failed[1].field("error.type"), Some("invalid_request"));
}

#[tokio::test]
async fn content_capture_is_opt_in_and_redacts_the_key() {
    let spans = SpanRecorder::new();
    let _guard = tracing::subscriber::set_default(spans.clone());
    let answer = json!({"id": "c2", "model": "served-model",
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": format!("your key is {KEY}")}}]});
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
        .mount(&server)
        .await;
    let client = peakprivacy(&server).capture_content(true).build().unwrap();
    let request = peakprivacy::ChatCompletionRequest::new(
        "mistral-swiss",
        [
            peakprivacy::Message::system("Be brief."),
            peakprivacy::Message::user(format!("is {KEY} valid?")),
        ],
    );
    client.chat().completions().create(request).await.unwrap();
    let span = only(&spans, "chat mistral-swiss");
    let input: Value = serde_json::from_str(span.field("gen_ai.input.messages").unwrap()).unwrap();
    assert_eq!(
        input,
        json!([
            {"role": "system", "parts": [{"type": "text", "content": "Be brief."}]},
            {"role": "user", "parts": [{"type": "text", "content": "is [REDACTED] valid?"}]},
        ])
    );
    let output: Value =
        serde_json::from_str(span.field("gen_ai.output.messages").unwrap()).unwrap();
    assert_eq!(
        output,
        json!([{"role": "assistant", "finish_reason": "stop",
                "parts": [{"type": "text", "content": "your key is [REDACTED]"}]}])
    );
    assert!(!spans.text().contains(KEY));
}

#[tokio::test]
async fn unified_calls_carry_the_answering_provider_span() {
    use unified::ChatModel;
    let spans = SpanRecorder::new();
    let _guard = tracing::subscriber::set_default(spans.clone());
    let ok = || ResponseTemplate::new(200).set_body_json(completion());

    let server = retrying_server("/api/v1/ai/completions", ok()).await;
    let model = unified::ProviderChat::new(peakprivacy(&server).build().unwrap(), "mistral-swiss");
    model
        .chat(unified::ChatRequest::user("Hi").temperature(0.5))
        .await
        .unwrap();
    let span = only(&spans, "chat mistral-swiss");
    check_common(&span, &spans, "chat", "peakprivacy", &server);
    check_retries(&span);
    check_chat_answer(&span, "stop");
    assert_eq!(span.field("gen_ai.request.temperature"), Some("0.5"));

    let server = retrying_server("/v1/chat/completions", ok()).await;
    let model = unified::ProviderChat::new(aligneai(&server).build().unwrap(), "aligne-chat");
    let mut stream = model
        .chat_stream(unified::ChatRequest::user("Hi"))
        .await
        .unwrap();
    while let Some(chunk) = stream.next().await {
        chunk.unwrap();
    }
    drop(stream);
    let span = only(&spans, "chat aligne-chat");
    check_common(&span, &spans, "chat", "aligneai", &server);
    check_retries(&span);
    check_chat_answer(&span, "stop");
}

#[tokio::test]
async fn spans_of_calls_to_a_server_that_echoes_the_key_never_show_it() {
    let spans = SpanRecorder::new();
    let _guard = tracing::subscriber::set_default(spans.clone());
    // A 401 whose body and headers repeat every request header, the key included.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(|request: &wiremock::Request| {
            let echoed: Vec<String> = request
                .headers
                .iter()
                .map(|(name, value)| format!("{name}: {}", value.to_str().unwrap_or("?")))
                .collect();
            ResponseTemplate::new(401)
                .insert_header("x-echo", echoed.join("; ").as_str())
                .set_body_json(json!({"error": {"message": echoed.join("\n")}}))
        })
        .mount(&server)
        .await;
    let client = peakprivacy(&server).capture_content(true).build().unwrap();
    let request = peakprivacy::ChatCompletionRequest::new(
        "mistral-swiss",
        [peakprivacy::Message::user("Hi")],
    );
    assert!(client.chat().completions().create(request).await.is_err());
    let client = aligneai(&server).build().unwrap();
    assert!(client
        .embeddings()
        .create(aligneai::EmbeddingRequest::new("hi"))
        .await
        .is_err());

    // A stream whose error event repeats the key.
    let event = format!("data: {{\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"Hi\"}}}}]}}\n\nevent: error\ndata: {{\"error\":\"token {KEY} may not stream\"}}\n\n");
    let streaming = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(event, "text/event-stream"))
        .mount(&streaming)
        .await;
    let client = aligneai(&streaming).capture_content(true).build().unwrap();
    let request =
        aligneai::ChatCompletionRequest::new("aligne-chat", [aligneai::Message::user("Hi")]);
    let mut stream = client
        .chat()
        .completions()
        .create_stream(request)
        .await
        .unwrap();
    assert_eq!(stream.next().await.unwrap().unwrap().content(), "Hi");
    assert!(stream.next().await.unwrap().is_err());
    drop(stream);

    let recorded = spans
        .spans()
        .into_iter()
        .filter(|s| s.target == "llm_core::telemetry")
        .count();
    assert_eq!(recorded, 3, "one span per operation");
    let streamed = only(&spans, "chat aligne-chat");
    assert_eq!(streamed.field("error.type"), Some("stream"));
    let text = spans.text();
    assert!(!text.contains(KEY), "the key reached a span: {text}");
}
