//! One conformance suite for the `unified` traits, written once and run against every
//! provider behind wiremock; the provider is swapped by the factory
//! (`unified::chat_model_with("provider:model", ..)`), nothing else changes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use unified::{
    chat_model_with, collect_stream, embedding_model_with, ChatModel, ChatRequest, EmbeddingModel,
    ErrorKind, FinishReason, Message, MockChatModel, MockReply, PartialResponse, RequestOptions,
};
use wiremock::matchers::{any, body_partial_json, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const ANSWER: &str = "Bern is the federal city of Switzerland.";

/// A provider behind a wiremock server, with the wire shapes it speaks.
#[derive(Debug, Clone, Copy)]
enum Backend {
    PeakPrivacy,
    AligneAI,
}

const BACKENDS: [Backend; 2] = [Backend::PeakPrivacy, Backend::AligneAI];

impl Backend {
    fn chat_path(self) -> &'static str {
        match self {
            Backend::PeakPrivacy => "/v1/ai/completions",
            Backend::AligneAI => "/v1/chat/completions",
        }
    }

    fn spec(self) -> &'static str {
        match self {
            Backend::PeakPrivacy => "peakprivacy:mistral-swiss",
            Backend::AligneAI => "aligneai:llama-3-8b",
        }
    }

    fn env(self, server: &MockServer) -> HashMap<&'static str, String> {
        let mut env = HashMap::new();
        match self {
            Backend::PeakPrivacy => {
                env.insert("PEAKPRIVACY_API_TOKEN", self.key().to_owned());
                env.insert("PEAKPRIVACY_API_URL", format!("{}/v1/", server.uri()));
            }
            Backend::AligneAI => {
                env.insert("ALIGNEAI_API_KEY", self.key().to_owned());
                env.insert("ALIGNEAI_BASE_URL", format!("{}/v1", server.uri()));
            }
        }
        env
    }

    fn completion(self) -> Value {
        json!({
            "id": "c1", "object": "chat.completion", "created": 1_705_942_239,
            "model": "served-model",
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": ANSWER}}],
            "usage": {"prompt_tokens": 8, "completion_tokens": 9, "total_tokens": 17}
        })
    }

    /// The answer as SSE, split into word pieces, in each provider's chunk style.
    fn stream_body(self) -> String {
        let key = match self {
            Backend::PeakPrivacy => "message",
            Backend::AligneAI => "delta",
        };
        let mut body = String::new();
        for piece in ANSWER.split_inclusive(' ') {
            let chunk = json!({"id": "c1", "object": "chat.completion.chunk", "created": 1,
                "model": "served-model",
                "choices": [{"index": 0, "finish_reason": null, key: {"role": "assistant", "content": piece}}]});
            body.push_str(&format!("data: {chunk}\n\n"));
        }
        let last = json!({"id": "c1", "object": "chat.completion.chunk", "created": 1,
            "model": "served-model",
            "choices": [{"index": 0, "finish_reason": "stop", key: {"role": "assistant", "content": ""}}]});
        body.push_str(&format!("data: {last}\n\n"));
        if matches!(self, Backend::AligneAI) {
            body.push_str("data: [DONE]\n\n");
        }
        body
    }

    async fn model(self, server: &MockServer) -> Arc<dyn ChatModel> {
        let env = self.env(server);
        chat_model_with(self.spec(), &|name| env.get(name).cloned()).unwrap()
    }

    /// The provider's embedding model, if it has embeddings.
    fn embedding_model(self, server: &MockServer) -> Option<Arc<dyn EmbeddingModel>> {
        let env = self.env(server);
        match self {
            Backend::PeakPrivacy => None,
            Backend::AligneAI => {
                Some(embedding_model_with("aligneai:emb-1", &|n| env.get(n).cloned()).unwrap())
            }
        }
    }

    /// The credential [`env`](Self::env) sets; no error may show it.
    fn key(self) -> &'static str {
        match self {
            Backend::PeakPrivacy => "pp-key",
            Backend::AligneAI => "al-key",
        }
    }
}

async fn mount_chat(server: &MockServer, backend: Backend) {
    Mock::given(method("POST"))
        .and(path(backend.chat_path()))
        .and(body_partial_json(json!({"stream": true})))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(backend.stream_body(), "text/event-stream"),
        )
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path(backend.chat_path()))
        .respond_with(ResponseTemplate::new(200).set_body_json(backend.completion()))
        .mount(server)
        .await;
}

fn request() -> ChatRequest {
    ChatRequest::new(vec![
        Message::system("Answer in one sentence."),
        Message::user("What is the capital of Switzerland?"),
    ])
    .temperature(0.2)
    .max_tokens(64)
}

#[tokio::test]
async fn plain_chat() {
    for backend in BACKENDS {
        let server = MockServer::start().await;
        mount_chat(&server, backend).await;
        let model = backend.model(&server).await;
        let response = model.chat(request()).await.unwrap();
        assert_eq!(response.text, ANSWER, "{backend:?}");
        assert_eq!(
            response.finish_reason,
            Some(FinishReason::Stop),
            "{backend:?}"
        );
        assert_eq!(
            response.usage.unwrap().total_tokens,
            Some(17),
            "{backend:?}"
        );
        assert_eq!(response.model, "served-model", "{backend:?}");
        assert_eq!(response.provider, model.provider());
        // The request carried the conversation and options in the provider's wire shape.
        let sent: Value = server.received_requests().await.unwrap()[0]
            .body_json()
            .unwrap();
        assert_eq!(
            sent["messages"][1]["content"],
            "What is the capital of Switzerland?"
        );
        assert_eq!(sent["messages"][0]["role"], "system");
        assert_eq!(sent["max_tokens"], 64, "{backend:?}");
    }
}

#[tokio::test]
async fn streamed_chat_assembles_to_the_plain_answer() {
    for backend in BACKENDS {
        let server = MockServer::start().await;
        mount_chat(&server, backend).await;
        let model = backend.model(&server).await;
        let plain = model.chat(request()).await.unwrap().text;
        let stream = model.chat_stream(request()).await.unwrap();
        let assembled = collect_stream(stream).await.unwrap();
        assert_eq!(assembled.text, plain, "{backend:?}");
        assert_eq!(assembled.provider, model.provider(), "{backend:?}");
        assert_eq!(assembled.model, "served-model", "{backend:?}");
        assert_eq!(
            assembled.finish_reason,
            Some(FinishReason::Stop),
            "{backend:?}"
        );
    }
}

/// A stream cut after some chunks is `StreamInterrupted`, carrying the text so far, the
/// chunk count, the cause and the response's request id; the same for the mock.
#[tokio::test]
async fn a_cut_stream_is_interrupted_with_the_partial_answer() {
    for backend in BACKENDS {
        let server = MockServer::start().await;
        let mut body = backend.stream_body();
        body.truncate(body.len() / 2); // ends inside an event, without the blank line
        Mock::given(path(backend.chat_path()))
            .respond_with(
                ResponseTemplate::new(200)
                    .insert_header("x-request-id", "req-cut")
                    .set_body_raw(body, "text/event-stream"),
            )
            .mount(&server)
            .await;
        let model = backend.model(&server).await;
        let stream = model.chat_stream(request()).await.unwrap();
        let err = collect_stream(stream).await.unwrap_err();
        assert_eq!(
            err.kind(),
            ErrorKind::StreamInterrupted,
            "{backend:?}: {err:?}"
        );
        assert_eq!(err.request_id(), Some("req-cut"), "{backend:?}");
        let cause = err.interruption_cause().unwrap();
        assert!(
            matches!(cause.kind(), ErrorKind::Stream | ErrorKind::Decode),
            "{backend:?}: {cause:?}"
        );
        let partial = err.partial::<PartialResponse>().unwrap();
        assert!(partial.chunks > 0, "{backend:?}");
        assert!(!partial.response.text.is_empty(), "{backend:?}");
        assert!(ANSWER.starts_with(&partial.response.text), "{backend:?}");
        assert_eq!(partial.response.finish_reason, None, "{backend:?}");
        assert_eq!(partial.response.provider, model.provider());
        // Sent once: a stream is never retried after its headers arrived.
        assert_eq!(server.received_requests().await.unwrap().len(), 1);
    }
    let mock = MockChatModel::new().then(
        MockReply::stream(["Bern ", "is "])
            .then_fail(ErrorKind::Connection)
            .request_id("req-cut"),
    );
    let err = collect_stream(mock.chat_stream(request()).await.unwrap())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::StreamInterrupted);
    assert_eq!(err.request_id(), Some("req-cut"));
    assert!(
        err.is_retryable(),
        "a broken connection is worth re-sending"
    );
    let partial = err.partial::<PartialResponse>().unwrap();
    assert_eq!(
        (partial.response.text.as_str(), partial.chunks),
        ("Bern is ", 2)
    );
}

/// The `*_with` methods pass per-call options to the provider: headers, idempotency key,
/// retries (exact attempt counts) and the total deadline; the mock records them.
#[tokio::test]
async fn per_call_options_reach_the_provider() {
    for backend in BACKENDS {
        let server = MockServer::start().await;
        // Two 503s first: with max_retries(0) the first call fails after one attempt.
        Mock::given(path(backend.chat_path()))
            .respond_with(ResponseTemplate::new(503).insert_header("retry-after-ms", "1"))
            .up_to_n_times(2)
            .mount(&server)
            .await;
        mount_chat(&server, backend).await;
        let model = backend.model(&server).await;
        let no_retries = RequestOptions::new().max_retries(0);
        let err = model
            .chat_with(request(), no_retries.clone())
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InternalServer, "{backend:?}");
        assert_eq!(
            server.received_requests().await.unwrap().len(),
            1,
            "{backend:?}"
        );
        let err = model
            .chat_stream_with(request(), no_retries)
            .await
            .map(|_| ())
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InternalServer, "{backend:?}");
        assert_eq!(
            server.received_requests().await.unwrap().len(),
            2,
            "{backend:?}"
        );

        let options = RequestOptions::new()
            .header("x-trace-id", "trace-1")
            .idempotency_key("order-42");
        let answer = model.chat_with(request(), options.clone()).await.unwrap();
        assert_eq!(answer.text, ANSWER, "{backend:?}");
        let stream = model.chat_stream_with(request(), options).await.unwrap();
        assert_eq!(
            collect_stream(stream).await.unwrap().text,
            ANSWER,
            "{backend:?}"
        );
        let received = server.received_requests().await.unwrap();
        assert_eq!(received.len(), 4, "{backend:?}");
        for sent in &received[2..] {
            assert_eq!(sent.headers["x-trace-id"], "trace-1", "{backend:?}");
            assert_eq!(sent.headers["idempotency-key"], "order-42", "{backend:?}");
        }

        // The total deadline covers the call: a slow server is a timeout, quickly.
        let slow = MockServer::start().await;
        Mock::given(path(backend.chat_path()))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(backend.completion())
                    .set_delay(Duration::from_secs(5)),
            )
            .mount(&slow)
            .await;
        let model = backend.model(&slow).await;
        let started = std::time::Instant::now();
        let options = RequestOptions::new().total_timeout(Duration::from_millis(200));
        let err = model
            .chat_with(request(), options.clone())
            .await
            .unwrap_err();
        assert!(err.is_timeout(), "{backend:?}: {err:?}");
        let err = model
            .chat_stream_with(request(), options)
            .await
            .map(|_| ())
            .unwrap_err();
        assert!(err.is_timeout(), "{backend:?}: {err:?}");
        assert!(started.elapsed() < Duration::from_secs(3), "{backend:?}");
    }
    let mock = MockChatModel::new();
    let options = RequestOptions::new()
        .max_retries(0)
        .header("x-trace-id", "t");
    mock.chat_with(request(), options.clone()).await.unwrap();
    let _stream = mock.chat_stream_with(request(), options).await.unwrap();
    let calls = mock.calls();
    assert_eq!(calls.len(), 2);
    assert!(calls.iter().all(|c| c.options.get_max_retries() == Some(0)));
    assert_eq!((calls[0].streamed, calls[1].streamed), (false, true));
}

/// What each model says it can do, and that it does it.
#[tokio::test]
async fn capabilities_are_reported() {
    let server = MockServer::start().await;
    let pp = Backend::PeakPrivacy.model(&server).await;
    let caps = pp.capabilities();
    assert!(caps.anonymizes && caps.streaming && caps.provider_options && caps.raw_response);
    assert!(
        !pp.streams_natively(),
        "PeakPrivacy anonymises by default: no native stream"
    );
    assert!(!caps.embeddings);
    let al = Backend::AligneAI.model(&server).await;
    assert!(al.streams_natively() && al.capabilities().embeddings);
    assert!(!al.capabilities().anonymizes);
    let mock = chat_model_with("mock", &|_| None).unwrap();
    assert!(mock.streams_natively() && !mock.capabilities().raw_response);
}

/// PeakPrivacy models send `anonymize` explicitly: true by default (the answer arrives as
/// one JSON body even when streamed), false when the model or request turns it off.
#[tokio::test]
async fn peakprivacy_sends_its_documented_anonymize_default() {
    let server = MockServer::start().await;
    mount_chat(&server, Backend::PeakPrivacy).await;
    let model = Backend::PeakPrivacy.model(&server).await;
    model.chat(request()).await.unwrap();
    let off = request().peakprivacy(unified::PeakPrivacyOptions::new().anonymize(false));
    model.chat(off).await.unwrap();
    let sent = server.received_requests().await.unwrap();
    let anonymize: Vec<Value> = sent
        .iter()
        .map(|r| r.body_json::<Value>().unwrap()["anonymize"].clone())
        .collect();
    assert_eq!(anonymize, [json!(true), json!(false)]);
}

#[tokio::test]
async fn embed_with_passes_options() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/embeddings"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/embeddings"))
        .respond_with(embeddings_responder)
        .mount(&server)
        .await;
    let env = Backend::AligneAI.env(&server);
    let model = embedding_model_with("aligneai:emb-1", &|n| env.get(n).cloned()).unwrap();
    let options = RequestOptions::new()
        .max_retries(0)
        .header("x-trace-id", "e-1");
    let err = model
        .embed_with(vec!["a".into()], options.clone())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InternalServer);
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    let out = model.embed_with(vec!["a".into()], options).await.unwrap();
    assert_eq!(out.vectors.len(), 1);
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 2);
    assert_eq!(received[1].headers["x-trace-id"], "e-1");
    let mock = unified::MockEmbeddingModel::new(8);
    mock.embed_with(vec!["a".into()], RequestOptions::new().max_retries(3))
        .await
        .unwrap();
    assert_eq!(mock.calls()[0].options.get_max_retries(), Some(3));
}

/// An error body as a server sends it.
#[derive(Debug, Clone)]
enum Body {
    Json(Value),
    /// A proxy's HTML page.
    Html(&'static str),
}

impl Body {
    fn template(&self, status: u16) -> ResponseTemplate {
        let template = ResponseTemplate::new(status);
        match self {
            Body::Json(value) => template.set_body_json(value),
            Body::Html(page) => template.set_body_raw(*page, "text/html"),
        }
    }

    /// The field errors the body carries (`{"errors": {field: [..]}}`).
    fn field_errors(&self) -> Vec<(String, usize)> {
        match self {
            Body::Json(value) => value["errors"]
                .as_object()
                .map(|fields| {
                    fields
                        .iter()
                        .map(|(field, msgs)| (field.clone(), msgs.as_array().map_or(0, Vec::len)))
                        .collect()
                })
                .unwrap_or_default(),
            Body::Html(_) => Vec::new(),
        }
    }
}

/// The status -> kind table, with the body shapes both APIs send (the single place it is
/// tested end to end; llm-core unit-tests the classifier itself).
fn status_cases() -> Vec<(u16, Body, ErrorKind)> {
    let json = |v: Value| Body::Json(v);
    vec![
        (400, json(json!({"error": "Bad request"})), ErrorKind::BadRequest),
        (
            400,
            json(json!({"message": "Validation error", "errors": {"files.0": ["bad mimetype"]}})),
            ErrorKind::BadRequest,
        ),
        (
            401,
            json(json!({"error": "Unauthenticated"})),
            ErrorKind::Authentication,
        ),
        (
            403,
            json(json!({"error": "This action is unauthorized."})),
            ErrorKind::PermissionDenied,
        ),
        (
            403,
            json(json!({"error": "Subscription amount limit has been reached"})),
            ErrorKind::QuotaExceeded,
        ),
        (404, json(json!({"error": "Not found"})), ErrorKind::NotFound),
        (404, json(json!({"message": "Not Found"})), ErrorKind::NotFound),
        (
            408,
            json(json!({"error": "Request timeout"})),
            ErrorKind::RequestTimeout,
        ),
        (409, json(json!({"error": "Conflict"})), ErrorKind::Conflict),
        (
            413,
            json(json!({"error": "Request Entity Too Large"})),
            ErrorKind::PayloadTooLarge,
        ),
        (
            422,
            json(json!({"message": "Validation error",
                        "errors": {"model": ["The model field must be a string.", "The selected model is invalid."],
                                   "name": ["The name field is required."]}})),
            ErrorKind::UnprocessableEntity,
        ),
        (
            429,
            json(json!({"message": "Too Many Attempts."})),
            ErrorKind::RateLimit,
        ),
        (
            429,
            json(json!({"error": {"message": "Slow down", "type": "rate_limit"}})),
            ErrorKind::RateLimit,
        ),
        (
            500,
            json(json!({"message": "Server Error"})),
            ErrorKind::InternalServer,
        ),
        (
            502,
            json(json!({"error": "Bad gateway"})),
            ErrorKind::InternalServer,
        ),
        (
            502,
            Body::Html("<html><title>502 Bad Gateway</title></html>"),
            ErrorKind::InternalServer,
        ),
        (
            503,
            json(json!({"error": "Unavailable"})),
            ErrorKind::InternalServer,
        ),
        (
            503,
            Body::Html("<html><head><title>503 Service Temporarily Unavailable</title></head><body>nginx</body></html>"),
            ErrorKind::InternalServer,
        ),
    ]
}

/// Every status surfaces as the same kind, with the same accessors, for every provider, on
/// the plain, streamed and (where the provider has them) embeddings calls.
#[tokio::test]
async fn each_error_kind_surfaces_identically() {
    for backend in BACKENDS {
        for (status, body, kind) in status_cases() {
            let server = MockServer::start().await;
            Mock::given(any())
                // A 1 ms server hint keeps the retries of 408/409/429/5xx instant.
                .respond_with(
                    body.template(status)
                        .insert_header("retry-after-ms", "1")
                        .insert_header("x-request-id", "req-42"),
                )
                .mount(&server)
                .await;
            let model = backend.model(&server).await;
            let err = model.chat(request()).await.unwrap_err();
            let what = format!("{backend:?} {status} {body:?}");
            assert_eq!(err.kind(), kind, "{what}");
            assert_eq!(err.status(), Some(status), "{what}");
            assert_eq!(err.request_id(), Some("req-42"), "{what}");
            assert!(err.api_message().is_some(), "{what}: {err:?}");
            assert!(err.raw_body().is_some(), "{what}");
            for (field, count) in body.field_errors() {
                assert_eq!(err.field_errors().unwrap()[&field].len(), count, "{what}");
            }
            if let Body::Html(page) = &body {
                assert_eq!(err.raw_body(), Some(*page), "{what}: kept raw");
            }
            let shown = format!("{err} {err:?}");
            assert!(!shown.contains(backend.key()), "{what}: {shown}");
            let expected_attempts = if err.is_retryable() { 3 } else { 1 };
            assert_eq!(
                server.received_requests().await.unwrap().len(),
                expected_attempts,
                "{what}"
            );
            // The stream path reports the same kind.
            let err = model.chat_stream(request()).await.map(|_| ()).unwrap_err();
            assert_eq!(err.kind(), kind, "{what} (stream)");
            assert_eq!(err.status(), Some(status), "{what} (stream)");
            // So does the embeddings path (batched: the error names the failed inputs and
            // keeps kind and status; the server's details stay on the batch error's source).
            if let Some(embedder) = backend.embedding_model(&server) {
                let err = embedder.embed(vec!["a".into()]).await.unwrap_err();
                assert_eq!(err.kind(), kind, "{what} (embeddings)");
                assert_eq!(err.status(), Some(status), "{what} (embeddings)");
            }
        }
    }
}

#[tokio::test]
async fn connection_errors_surface_identically() {
    let addr = llm_testkit::raw::refused_addr();
    for backend in BACKENDS {
        let env: HashMap<&str, String> = match backend {
            Backend::PeakPrivacy => HashMap::from([
                ("PEAKPRIVACY_API_TOKEN", "k".to_owned()),
                ("PEAKPRIVACY_API_URL", format!("http://{addr}/v1/")),
            ]),
            Backend::AligneAI => HashMap::from([
                ("ALIGNEAI_API_KEY", "k".to_owned()),
                ("ALIGNEAI_BASE_URL", format!("http://{addr}/v1")),
            ]),
        };
        let model = chat_model_with(backend.spec(), &|n| env.get(n).cloned()).unwrap();
        let err = tokio::time::timeout(Duration::from_secs(10), model.chat(request()))
            .await
            .expect("returns quickly")
            .unwrap_err();
        assert!(err.is_connect(), "{backend:?}: {err:?}");
    }
}

/// Retries apply the same way: two 503s (with the default backoff) then success.
#[tokio::test]
async fn retries_apply() {
    for backend in BACKENDS {
        let server = MockServer::start().await;
        Mock::given(path(backend.chat_path()))
            .respond_with(ResponseTemplate::new(503))
            .up_to_n_times(2)
            .mount(&server)
            .await;
        mount_chat(&server, backend).await;
        let model = backend.model(&server).await;
        let started = std::time::Instant::now();
        let response = model.chat(request()).await.unwrap();
        assert_eq!(response.text, ANSWER);
        assert_eq!(
            server.received_requests().await.unwrap().len(),
            3,
            "{backend:?}"
        );
        // 0.5 s then 1 s, each shortened by at most 25 % jitter.
        assert!(
            started.elapsed() >= Duration::from_millis(1100),
            "{backend:?}"
        );
    }
}

fn embeddings_responder(req: &Request) -> ResponseTemplate {
    let body: Value = req.body_json().unwrap();
    let inputs = body["inputs"].as_array().unwrap();
    // Vectors as long as the request asks (`dimensions`, sent by default), else 3.
    let dimensions = body["dimensions"].as_u64().map_or(3, |d| d as usize);
    // Answer in reverse order with explicit indexes: the SDK must restore input order.
    let data: Vec<Value> = inputs
        .iter()
        .enumerate()
        .rev()
        .map(|(i, text)| {
            let len = text.as_str().unwrap().len() as f32;
            let mut vector = vec![len, i as f32];
            vector.resize(dimensions.max(2), 0.5);
            json!({"object": "embedding", "index": i, "embedding": vector})
        })
        .collect();
    ResponseTemplate::new(200)
        .set_body_json(json!({"object": "list", "data": data, "model": "emb-1",
        "usage": {"prompt_tokens": 3, "total_tokens": 3}}))
}

async fn check_embeddings(model: Arc<dyn EmbeddingModel>, dims: Option<usize>) {
    let inputs: Vec<String> = ["a", "bbb", "cc", "dddd"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    let out = model.embed(inputs.clone()).await.unwrap();
    assert_eq!(out.vectors.len(), inputs.len(), "{}", model.provider());
    for v in &out.vectors {
        assert_eq!(v.len(), out.dimensions);
    }
    if let Some(d) = dims {
        assert_eq!(out.dimensions, d);
    }
    let err = model.embed(Vec::new()).await.unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::InvalidRequest,
        "{}",
        model.provider()
    );
}

#[tokio::test]
async fn embeddings_order_and_dimensions() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/embeddings"))
        .respond_with(embeddings_responder)
        .mount(&server)
        .await;
    let env = Backend::AligneAI.env(&server);
    let model = embedding_model_with("aligneai:emb-1", &|n| env.get(n).cloned()).unwrap();
    // The client sends the default dimensions; the model declares them.
    check_embeddings(model.clone(), Some(768)).await;
    let out = model
        .embed(vec!["a".into(), "bbb".into(), "cc".into()])
        .await
        .unwrap();
    // Vector i was computed from input i (len, index): order is the input order.
    let firsts: Vec<(f32, f32)> = out.vectors.iter().map(|v| (v[0], v[1])).collect();
    assert_eq!(firsts, [(1.0, 0.0), (3.0, 1.0), (2.0, 2.0)]);
    // Any number of inputs: the adapter batches (64 per request by default), order kept.
    let many: Vec<String> = (0..150).map(|i| "x".repeat(i + 1)).collect();
    let out = model.embed(many).await.unwrap();
    let lens: Vec<f32> = out.vectors.iter().map(|v| v[0]).collect();
    assert_eq!(lens, (1..=150).map(|n| n as f32).collect::<Vec<_>>());
    // The mock passes the same checks.
    check_embeddings(embedding_model_with("mock", &|_| None).unwrap(), None).await;
}

#[tokio::test]
async fn capabilities_and_unknown_providers_are_clear_errors() {
    let err = embedding_model_with("peakprivacy", &|_| Some("k".into())).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsupported);
    assert!(err.to_string().contains("aligneai"));
    let err = chat_model_with("openai:gpt-4", &|_| None).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(err.to_string().contains("peakprivacy, aligneai, mock"));
}

#[tokio::test]
async fn models_are_object_safe_send_and_spawnable() {
    let server = MockServer::start().await;
    mount_chat(&server, Backend::PeakPrivacy).await;
    let models: Vec<Arc<dyn ChatModel>> = vec![
        Backend::PeakPrivacy.model(&server).await,
        chat_model_with("mock", &|_| None).unwrap(),
    ];
    let handles: Vec<_> = models
        .into_iter()
        .map(|m| {
            tokio::spawn(async move { m.chat(ChatRequest::user("hi")).await.map(|r| r.provider) })
        })
        .collect();
    let mut providers = Vec::new();
    for h in handles {
        providers.push(h.await.unwrap().unwrap());
    }
    assert_eq!(providers, ["peakprivacy", "mock"]);
}

/// A fallback model over one provider behaves like the provider: the same answers and
/// error kinds, and its single retry loop makes the same attempts (3 for a retryable
/// error, 1 otherwise), the provider client adding none.
#[tokio::test]
async fn a_fallback_over_each_provider_conforms() {
    for backend in BACKENDS {
        let server = MockServer::start().await;
        mount_chat(&server, backend).await;
        let sleep = unified::RecordingSleep::new();
        let model = unified::FallbackChat::builder()
            .model(backend.model(&server).await)
            .sleep_impl(Arc::new(sleep.clone()))
            .build()
            .unwrap();
        assert_eq!(
            model.chat(request()).await.unwrap().text,
            ANSWER,
            "{backend:?}"
        );
        let stream = model.chat_stream(request()).await.unwrap();
        assert_eq!(
            collect_stream(stream).await.unwrap().text,
            ANSWER,
            "{backend:?}"
        );

        for (status, kind, attempts) in [
            (503, ErrorKind::InternalServer, 3),
            (401, ErrorKind::Authentication, 1),
        ] {
            let failing = MockServer::start().await;
            Mock::given(path(backend.chat_path()))
                .respond_with(ResponseTemplate::new(status).set_body_json(json!({"error": "x"})))
                .mount(&failing)
                .await;
            let model = unified::FallbackChat::builder()
                .model(backend.model(&failing).await)
                .sleep_impl(Arc::new(sleep.clone()))
                .build()
                .unwrap();
            let err = model.chat(request()).await.unwrap_err();
            assert_eq!(err.kind(), kind, "{backend:?} {status}");
            assert_eq!(
                failing.received_requests().await.unwrap().len(),
                attempts,
                "{backend:?} {status}"
            );
        }
    }
}
