//! The blocking facade (feature `blocking`).
#![cfg(feature = "blocking")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::Arc;

use aligneai::blocking::AligneAI;
use aligneai::retry::{FixedJitter, RecordingSleep};
use aligneai::{
    BatchOptions, ChatCompletionRequest, EmbeddingRequest, ErrorKind, Message, RequestOptions,
};
use serde_json::json;
use support::{completion_body, data_body, KEY};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The mock server runs on its own multi-thread runtime; the test thread stays outside any
/// runtime, as a blocking caller would.
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

    fn client(&self) -> (AligneAI, RecordingSleep) {
        let sleep = RecordingSleep::default();
        let builder = AligneAI::builder()
            .api_key(KEY)
            .workspace_id("ws-b")
            .base_url(format!("{}/v1", self.server.uri()))
            .sleep_impl(Arc::new(sleep.clone()))
            .jitter(Arc::new(FixedJitter(0.0)));
        (builder.build().unwrap(), sleep)
    }

    fn verify(&self) {
        self.runtime.block_on(self.server.verify());
    }
}

#[test]
fn embeddings_create_and_batched() {
    let server = Server::start();
    server.mount(
        Mock::given(method("POST"))
            .and(path("/v1/embeddings"))
            .and(header("API-Key", KEY))
            .and(header("Workspace-ID", "ws-b"))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(data_body(&[vec![1.0], vec![2.0]])),
            )
            .expect(3),
    );
    let (client, _) = server.client();
    let response = client
        .embeddings()
        .create(EmbeddingRequest::new(["a", "b"]))
        .unwrap();
    assert_eq!(response.into_vectors(), [vec![1.0], vec![2.0]]);
    let response = client
        .embeddings()
        .create_batched(
            EmbeddingRequest::new(["a", "b", "c", "d"]),
            BatchOptions::new().batch_size(2),
        )
        .unwrap();
    assert_eq!(response.len(), 4);
    assert_eq!(response.data[3].index, 3);
    server.verify();
}

#[test]
fn chat_create_stream_models_and_ping() {
    let server = Server::start();
    server.mount(
        Mock::given(method("POST"))
            .and(path("/v1/chat/completions"))
            .and(wiremock::matchers::body_partial_json(
                json!({"stream": false}),
            ))
            .respond_with(ResponseTemplate::new(200).set_body_json(completion_body("Hello"))),
    );
    let sse = "data: {\"choices\":[{\"delta\":{\"content\":\"He\"}}]}\n\n\
               data: {\"choices\":[{\"delta\":{\"content\":\"y\"},\"finish_reason\":\"stop\"}]}\n\n\
               data: [DONE]\n\n";
    server.mount(
        Mock::given(method("POST"))
            .and(path("/v1/chat/completions"))
            .and(wiremock::matchers::body_partial_json(
                json!({"stream": true}),
            ))
            .respond_with(ResponseTemplate::new(200).set_body_raw(sse, "text/event-stream")),
    );
    server.mount(
        Mock::given(method("GET"))
            .and(path("/v1/models"))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(json!({"data": [{"id": "m1"}]})),
            ),
    );
    server.mount(
        Mock::given(method("GET"))
            .and(path("/v1/ping"))
            .respond_with(ResponseTemplate::new(200)),
    );
    let (client, _) = server.client();
    let request = || ChatCompletionRequest::new("m", [Message::user("Hi")]);
    let completions = client.chat().completions();
    assert_eq!(completions.create(request()).unwrap().content(), "Hello");
    let chunks: Vec<_> = completions
        .create_stream(request())
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(chunks.len(), 2);
    let text: Vec<String> = completions
        .create_stream_with(request(), RequestOptions::new())
        .unwrap()
        .text()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(text, ["He", "y"]);
    let completion = completions
        .create_stream(request())
        .unwrap()
        .collect_completion()
        .unwrap();
    assert_eq!(completion.content(), "Hey");
    assert_eq!(
        client
            .models()
            .list()
            .unwrap()
            .iter()
            .map(|m| m.id.clone())
            .collect::<Vec<_>>(),
        ["m1"]
    );
    client.ping().unwrap();
}

#[test]
fn errors_and_retries_behave_as_async() {
    let server = Server::start();
    server.mount(
        Mock::given(method("GET"))
            .and(path("/v1/ping"))
            .respond_with(ResponseTemplate::new(503))
            .expect(3),
    );
    server.mount(
        Mock::given(method("GET"))
            .and(path("/v1/models"))
            .respond_with(
                ResponseTemplate::new(401).set_body_json(json!({"error": "Unauthenticated"})),
            )
            .expect(1),
    );
    let (client, sleep) = server.client();
    assert_eq!(client.ping().unwrap_err().kind(), ErrorKind::InternalServer);
    assert_eq!(sleep.delays().len(), 2);
    assert_eq!(
        client.models().list().unwrap_err().kind(),
        ErrorKind::Authentication
    );
    server.verify();
}

#[test]
fn a_broken_stream_yields_an_error_then_ends() {
    let server = Server::start();
    server.mount(Mock::given(method("POST")).respond_with(
        ResponseTemplate::new(200).set_body_raw(
            "data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\ndata: {bad\n\n",
            "text/event-stream",
        ),
    ));
    let (client, _) = server.client();
    let mut chunks = client
        .chat()
        .completions()
        .create_stream(ChatCompletionRequest::new("m", [Message::user("Hi")]))
        .unwrap();
    assert_eq!(chunks.next().unwrap().unwrap().content(), "a");
    assert_eq!(
        chunks.next().unwrap().unwrap_err().kind(),
        ErrorKind::Decode
    );
    assert!(chunks.next().is_none());
}

#[test]
fn inside_an_async_runtime_it_returns_an_error_instead_of_panicking() {
    let server = Server::start();
    let (client, _) = server.client();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let err = client.ping().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
        assert!(err.to_string().contains("async runtime"), "{err}");
        let err = AligneAI::new("k").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
        // Dropping the last handle in here must not panic either.
        drop(client);
    });
}

#[test]
fn missing_key_from_async_and_debug() {
    if std::env::var_os("ALIGNEAI_API_KEY").is_none() {
        let err = AligneAI::builder().build().unwrap_err();
        assert_eq!(err.env_var(), Some("ALIGNEAI_API_KEY"));
    }
    let async_client = aligneai::AligneAI::new("k").unwrap();
    let client = AligneAI::from_async(async_client).unwrap();
    assert_eq!(client.as_async().workspace_id(), None);
    let client = AligneAI::new("sk-blocking-secret").unwrap();
    assert!(!format!("{client:?}").contains("sk-blocking-secret"));
    fn assert_traits<T: Send + Sync + Clone>() {}
    assert_traits::<AligneAI>();
}
