//! The blocking facade (`--features blocking`).
#![cfg(feature = "blocking")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use llm_core::retry::RecordingSleep;
use peakprivacy::blocking::PeakPrivacy;
use peakprivacy::{ErrorKind, FinishReason, RequestOptions};
use serde_json::json;
use wiremock::matchers::{body_partial_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A mock server on its own multi-threaded runtime, so the test thread stays outside any
/// runtime (as a blocking user's would).
struct Server {
    runtime: tokio::runtime::Runtime,
    server: MockServer,
}

impl Server {
    fn start() -> Self {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let server = runtime.block_on(MockServer::start());
        Self { runtime, server }
    }

    fn mount(&self, mock: Mock) {
        self.runtime.block_on(mock.mount(&self.server));
    }

    fn client(&self) -> PeakPrivacy {
        PeakPrivacy::builder()
            .api_token(TOKEN)
            .base_url(format!("{}/v1", self.server.uri()))
            .max_retries(0)
            .build()
            .unwrap()
    }
}

#[test]
fn create_models_and_ping() {
    let s = Server::start();
    s.mount(
        Mock::given(method("POST"))
            .and(path("/v1/ai/completions"))
            .and(header("api-token", TOKEN))
            .and(header("x-requested-with", "XMLHttpRequest"))
            .and(header("accept", "application/json"))
            .respond_with(ResponseTemplate::new(200).set_body_json(completion_json()))
            .expect(2),
    );
    s.mount(
        Mock::given(method("GET"))
            .and(path("/v1/ai/models"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [{"id": "m1"}]})))
            .expect(2),
    );
    s.mount(
        Mock::given(method("GET"))
            .and(path("/v1/ai/ping"))
            .respond_with(ResponseTemplate::new(200))
            .expect(2),
    );
    let client = s.client();
    let completion = client.chat().completions().create(request()).unwrap();
    assert_eq!(completion.content(), "Hello! How can I assist you today?");
    let completion = client
        .chat()
        .completions()
        .create_with(request(), RequestOptions::new().max_retries(0))
        .unwrap();
    assert_eq!(completion.usage.unwrap().total_tokens, 17);
    assert_eq!(client.models().list().unwrap()[0].id, "m1");
    assert_eq!(
        client
            .models()
            .list_with(RequestOptions::new())
            .unwrap()
            .len(),
        1
    );
    client.chat().check_api_token().unwrap();
    client
        .chat()
        .check_api_token_with(RequestOptions::new())
        .unwrap();
    assert!(!format!("{client:?}").contains(TOKEN));
}

#[test]
fn streams_are_iterators() {
    let s = Server::start();
    let body = format!(
        "data: {}\n\ndata: {}\n\ndata: {}\n\n",
        message_chunk("Hel"),
        message_chunk("lo"),
        finish_chunk()
    );
    s.mount(
        Mock::given(method("POST"))
            .and(path("/v1/ai/completions"))
            .and(body_partial_json(json!({"stream": true})))
            .respond_with(sse(body)),
    );
    let client = s.client();
    let completions = client.chat().completions();
    let chunks: Vec<_> = completions
        .create_stream(request().anonymize(false))
        .unwrap()
        .collect::<peakprivacy::Result<_>>()
        .unwrap();
    assert_eq!(chunks.len(), 3);
    assert_eq!(chunks[2].finish_reason(), Some(&FinishReason::Stop));

    let text: String = completions
        .create_stream(request().anonymize(false))
        .unwrap()
        .text()
        .collect::<peakprivacy::Result<_>>()
        .unwrap();
    assert_eq!(text, "Hello");

    let completion = completions
        .create_stream_with(request().anonymize(false), RequestOptions::new())
        .unwrap()
        .collect_completion()
        .unwrap();
    assert_eq!(completion.content(), "Hello");
}

#[test]
fn json_instead_of_stream_and_stream_errors() {
    let s = Server::start();
    s.mount(
        Mock::given(method("POST"))
            .and(body_partial_json(json!({"model": "json"})))
            .respond_with(ResponseTemplate::new(200).set_body_json(completion_json())),
    );
    s.mount(
        Mock::given(method("POST"))
            .and(body_partial_json(json!({"model": "broken"})))
            .respond_with(sse(format!(
                "data: {}\n\ndata: {{oops\n\n",
                message_chunk("a")
            ))),
    );
    s.mount(
        Mock::given(method("POST"))
            .and(body_partial_json(json!({"model": "denied"})))
            .respond_with(
                ResponseTemplate::new(403)
                    .set_body_json(json!({"error": "Subscription amount limit has been reached"})),
            ),
    );
    let client = s.client();
    let completions = client.chat().completions();
    let mut req = request();

    req.model = "json".into();
    let mut stream = completions.create_stream(req.clone()).unwrap();
    assert_eq!(
        stream.next().unwrap().unwrap().content(),
        "Hello! How can I assist you today?"
    );
    assert!(stream.next().is_none());

    req.model = "broken".into();
    let mut stream = completions.create_stream(req.clone()).unwrap();
    assert_eq!(stream.next().unwrap().unwrap().content(), "a");
    assert_eq!(
        stream.next().unwrap().unwrap_err().kind(),
        ErrorKind::Decode
    );
    assert!(stream.next().is_none());

    req.model = "denied".into();
    let err = completions.create_stream(req).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::QuotaExceeded);
}

#[test]
fn validation_and_retries_work_the_same() {
    let s = Server::start();
    s.mount(
        Mock::given(method("GET"))
            .and(path("/v1/ai/models"))
            .respond_with(ResponseTemplate::new(503))
            .expect(3),
    );
    let sleep = RecordingSleep::default();
    let client = PeakPrivacy::builder()
        .api_token(TOKEN)
        .base_url(format!("{}/v1/", s.server.uri()))
        .max_retries(2)
        .sleep_impl(Arc::new(sleep.clone()))
        .jitter(Arc::new(peakprivacy::retry::FixedJitter(0.0)))
        .build()
        .unwrap();
    let err = client.models().list().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InternalServer);
    assert_eq!(
        sleep.delays(),
        [Duration::from_millis(500), Duration::from_secs(1)]
    );
    let err = client
        .chat()
        .completions()
        .create(request().temperature(3.0))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
}

#[test]
fn inside_an_async_runtime_it_errors_instead_of_panicking() {
    let s = Server::start();
    let client = s.client();
    let outer = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    outer.block_on(async {
        let err = client.models().list().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
        assert!(err.to_string().contains("async"), "{err}");
        let err = client.chat().completions().create(request()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
        // Building a blocking client here is refused with the same typed error.
        let err = PeakPrivacy::new("t").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
    });
    // The last handle dropped inside a runtime does not panic.
    outer.block_on(async move { drop(client) });
}

#[test]
fn missing_token_is_typed() {
    if std::env::var_os(peakprivacy::API_TOKEN_ENV).is_some() {
        return;
    }
    let err = PeakPrivacy::builder().build().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MissingCredential);
    assert_eq!(err.env_var(), Some("PEAKPRIVACY_API_TOKEN"));
}
