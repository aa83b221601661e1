//! Response metadata on success (request id, status, redacted headers, attempts, elapsed),
//! for plain and streamed chat, on both providers, against wiremock on loopback. The
//! shared chat calls give it to every provider; this checks each one gets it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use futures_util::StreamExt;
use llm_core::retry::RecordingSleep;
use llm_core::RequestOptions;
use serde_json::{json, Value};
use support::KEY;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn completion() -> Value {
    json!({
        "id": "c1", "object": "chat.completion", "created": 1, "model": "served-model",
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": "Hello there"}}],
    })
}

fn sse() -> String {
    let chunk = json!({"id": "c1", "object": "chat.completion.chunk", "created": 1,
        "model": "served-model",
        "choices": [{"index": 0, "finish_reason": "stop", "delta": {"content": "Hello there"}}]});
    format!("data: {chunk}\n\ndata: [DONE]\n\n")
}

/// Two 503s, then a 200 carrying a request id and a header that echoes the key.
async fn retrying_server(chat_path: &str, body: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(chat_path))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(chat_path))
        .respond_with(
            body.insert_header("x-request-id", "req-meta-1")
                .insert_header("x-echo", format!("key={KEY}").as_str()),
        )
        .mount(&server)
        .await;
    server
}

fn check(meta: &llm_core::ResponseMeta, sleep: &RecordingSleep) {
    assert_eq!(meta.status(), 200);
    assert_eq!(meta.request_id(), Some("req-meta-1"));
    assert_eq!(meta.attempts(), 3, "two 503s then the answer");
    assert_eq!(meta.retries(), 2);
    assert_eq!(sleep.delays().len(), 2);
    let echo = meta.headers().get("x-echo").unwrap().to_str().unwrap();
    assert!(
        !echo.contains(KEY),
        "the key leaked into the headers: {echo}"
    );
    assert!(!format!("{meta:?}").contains(KEY));
}

fn peakprivacy(server: &MockServer, sleep: &RecordingSleep) -> peakprivacy::PeakPrivacy {
    support::peakprivacy_at(format!("{}/api/v1", server.uri()), sleep)
        .build()
        .unwrap()
}

fn aligneai(server: &MockServer, sleep: &RecordingSleep) -> aligneai::AligneAI {
    support::aligneai_at(format!("{}/v1", server.uri()), sleep)
        .build()
        .unwrap()
}

#[tokio::test]
async fn plain_chat_reports_metadata_on_both_providers() {
    let ok = || ResponseTemplate::new(200).set_body_json(completion());

    let server = retrying_server("/api/v1/ai/completions", ok()).await;
    let sleep = RecordingSleep::default();
    let request = peakprivacy::ChatCompletionRequest::new(
        "mistral-swiss",
        [peakprivacy::Message::user("Hi")],
    );
    let answer = peakprivacy(&server, &sleep)
        .chat()
        .completions()
        .create_with_response(request, RequestOptions::new())
        .await
        .unwrap();
    assert_eq!(answer.content(), "Hello there");
    check(answer.meta(), &sleep);

    let server = retrying_server("/v1/chat/completions", ok()).await;
    let sleep = RecordingSleep::default();
    let request =
        aligneai::ChatCompletionRequest::new("aligne-chat", [aligneai::Message::user("Hi")]);
    let answer = aligneai(&server, &sleep)
        .chat()
        .completions()
        .create_with_response(request, RequestOptions::new())
        .await
        .unwrap();
    assert_eq!(answer.content(), "Hello there");
    check(answer.meta(), &sleep);
}

#[tokio::test]
async fn streamed_chat_reports_metadata_on_both_providers() {
    let ok = || ResponseTemplate::new(200).set_body_raw(sse(), "text/event-stream");

    let server = retrying_server("/api/v1/ai/completions", ok()).await;
    let sleep = RecordingSleep::default();
    let request = peakprivacy::ChatCompletionRequest::new(
        "mistral-swiss",
        [peakprivacy::Message::user("Hi")],
    );
    let mut stream = peakprivacy(&server, &sleep)
        .chat()
        .completions()
        .create_stream(request)
        .await
        .unwrap();
    check(
        stream
            .meta()
            .expect("a stream from a response has metadata"),
        &sleep,
    );
    assert_eq!(
        stream.next().await.unwrap().unwrap().content(),
        "Hello there"
    );

    let server = retrying_server("/v1/chat/completions", ok()).await;
    let sleep = RecordingSleep::default();
    let request =
        aligneai::ChatCompletionRequest::new("aligne-chat", [aligneai::Message::user("Hi")]);
    let stream = aligneai(&server, &sleep)
        .chat()
        .completions()
        .create_stream(request)
        .await
        .unwrap();
    check(
        stream
            .meta()
            .expect("a stream from a response has metadata"),
        &sleep,
    );
    assert_eq!(
        stream.collect_completion().await.unwrap().content(),
        "Hello there"
    );
}

#[tokio::test]
async fn a_json_answer_to_a_stream_request_keeps_its_metadata() {
    // PeakPrivacy answers a streaming request with one JSON body while it anonymises.
    let server = retrying_server(
        "/api/v1/ai/completions",
        ResponseTemplate::new(200).set_body_json(completion()),
    )
    .await;
    let sleep = RecordingSleep::default();
    let request = peakprivacy::ChatCompletionRequest::new(
        "mistral-swiss",
        [peakprivacy::Message::user("Hi")],
    );
    let stream = peakprivacy(&server, &sleep)
        .chat()
        .completions()
        .create_stream(request)
        .await
        .unwrap();
    check(stream.meta().unwrap(), &sleep);
    assert_eq!(
        stream.collect_completion().await.unwrap().content(),
        "Hello there"
    );
}

#[tokio::test]
async fn unified_chat_carries_the_metadata_of_either_provider() {
    use unified::ChatModel;
    let ok = || ResponseTemplate::new(200).set_body_json(completion());

    let server = retrying_server("/api/v1/ai/completions", ok()).await;
    let sleep = RecordingSleep::default();
    let model = unified::ProviderChat::new(peakprivacy(&server, &sleep), "mistral-swiss");
    let answer = model.chat(unified::ChatRequest::user("Hi")).await.unwrap();
    assert_eq!(answer.text, "Hello there");
    check(
        answer
            .meta
            .as_ref()
            .expect("a provider answer has metadata"),
        &sleep,
    );

    let server = retrying_server("/v1/chat/completions", ok()).await;
    let sleep = RecordingSleep::default();
    let model = unified::ProviderChat::new(aligneai(&server, &sleep), "aligne-chat");
    let answer = model.chat(unified::ChatRequest::user("Hi")).await.unwrap();
    check(
        answer
            .meta
            .as_ref()
            .expect("a provider answer has metadata"),
        &sleep,
    );

    // A unified stream: the first chunk carries it, and so does the collected answer.
    let stream_ok = || ResponseTemplate::new(200).set_body_raw(sse(), "text/event-stream");
    let server = retrying_server("/api/v1/ai/completions", stream_ok()).await;
    let sleep = RecordingSleep::default();
    let model = unified::ProviderChat::new(peakprivacy(&server, &sleep), "mistral-swiss");
    let mut stream = model
        .chat_stream(unified::ChatRequest::user("Hi"))
        .await
        .unwrap();
    let first = stream.next().await.unwrap().unwrap();
    check(
        first.meta.as_ref().expect("the first chunk has metadata"),
        &sleep,
    );
    assert!(stream
        .next()
        .await
        .is_none_or(|rest| rest.unwrap().meta.is_none()));
    let server = retrying_server("/v1/chat/completions", stream_ok()).await;
    let sleep = RecordingSleep::default();
    let model = unified::ProviderChat::new(aligneai(&server, &sleep), "aligne-chat");
    let stream = model
        .chat_stream(unified::ChatRequest::user("Hi"))
        .await
        .unwrap();
    let answer = unified::collect_stream(stream).await.unwrap();
    check(
        answer
            .meta
            .as_ref()
            .expect("a collected stream has metadata"),
        &sleep,
    );

    // A mock answer has no HTTP response behind it.
    let mock = unified::MockChatModel::new().reply("x");
    assert!(mock
        .chat(unified::ChatRequest::user("Hi"))
        .await
        .unwrap()
        .meta
        .is_none());
}

fn embeddings_body() -> Value {
    json!({"object": "list", "model": "nomic-embed-v1.5",
           "data": [{"object": "embedding", "index": 0, "embedding": [0.5, -0.25]}],
           "usage": {"prompt_tokens": 1, "total_tokens": 1}})
}

#[tokio::test]
async fn embeddings_report_metadata() {
    let ok = ResponseTemplate::new(200).set_body_json(embeddings_body());
    let server = retrying_server("/v1/embeddings", ok).await;
    let sleep = RecordingSleep::default();
    let response = aligneai(&server, &sleep)
        .embeddings()
        .create_with_response(aligneai::EmbeddingRequest::new("hi"), RequestOptions::new())
        .await
        .unwrap();
    assert_eq!(response.data[0].embedding, vec![0.5, -0.25]);
    check(response.meta(), &sleep);
}

#[test]
fn blocking_calls_report_metadata() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sleep = RecordingSleep::default();
    let (server, embed_server) = runtime.block_on(async {
        let chat = retrying_server(
            "/api/v1/ai/completions",
            ResponseTemplate::new(200).set_body_json(completion()),
        )
        .await;
        let embed = retrying_server(
            "/v1/embeddings",
            ResponseTemplate::new(200).set_body_json(embeddings_body()),
        )
        .await;
        (chat, embed)
    });
    let client = peakprivacy::blocking::PeakPrivacy::from_async(
        support::peakprivacy_at(format!("{}/api/v1", server.uri()), &sleep)
            .build()
            .unwrap(),
    )
    .unwrap();
    let request = peakprivacy::ChatCompletionRequest::new(
        "mistral-swiss",
        [peakprivacy::Message::user("Hi")],
    );
    let answer = client
        .chat()
        .completions()
        .create_with_response(request, RequestOptions::new())
        .unwrap();
    assert_eq!(answer.content(), "Hello there");
    check(answer.meta(), &sleep);

    let sleep = RecordingSleep::default();
    let client = aligneai::blocking::AligneAI::from_async(
        support::aligneai_at(format!("{}/v1", embed_server.uri()), &sleep)
            .build()
            .unwrap(),
    )
    .unwrap();
    let response = client
        .embeddings()
        .create_with_response(aligneai::EmbeddingRequest::new("hi"), RequestOptions::new())
        .unwrap();
    check(response.meta(), &sleep);

    // A blocking stream has it while it is open.
    let stream_server = runtime.block_on(retrying_server(
        "/api/v1/ai/completions",
        ResponseTemplate::new(200).set_body_raw(sse(), "text/event-stream"),
    ));
    let sleep = RecordingSleep::default();
    let client = peakprivacy::blocking::PeakPrivacy::from_async(
        support::peakprivacy_at(format!("{}/api/v1", stream_server.uri()), &sleep)
            .build()
            .unwrap(),
    )
    .unwrap();
    let request = peakprivacy::ChatCompletionRequest::new(
        "mistral-swiss",
        [peakprivacy::Message::user("Hi")],
    );
    let stream = client.chat().completions().create_stream(request).unwrap();
    check(stream.meta().expect("an open stream has metadata"), &sleep);
    assert_eq!(
        stream.collect_completion().unwrap().content(),
        "Hello there"
    );
}
