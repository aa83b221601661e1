//! User middleware (`reqwest_middleware::Middleware`, added with the builders'
//! `middleware` setter) against wiremock on loopback: it runs once per attempt inside the
//! retry loop, sees our headers and may replace them (auth refresh), may answer without
//! the server (a cache), and its own error is `ErrorKind::Middleware`, not retried; on both
//! providers, plain and streamed, async and blocking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use futures_util::StreamExt;
use llm_core::reqwest::{Request, Response};
use llm_core::reqwest_middleware::{Middleware, Next, Result};
use llm_core::retry::RecordingSleep;
use serde_json::json;
use support::KEY;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Counts the attempts it sees, records the auth header each carried, and tags them.
#[derive(Default, Clone)]
struct Recorder {
    attempts: Arc<AtomicU32>,
    auth: Arc<Mutex<Vec<String>>>,
    auth_header: &'static str,
}

#[async_trait::async_trait]
impl Middleware for Recorder {
    async fn handle(
        &self,
        mut req: Request,
        ext: &mut http::Extensions,
        next: Next<'_>,
    ) -> Result<Response> {
        self.attempts.fetch_add(1, Ordering::SeqCst);
        let auth = req
            .headers()
            .get(self.auth_header)
            .map(|v| v.to_str().unwrap_or("?").to_owned());
        self.auth.lock().unwrap().push(auth.unwrap_or_default());
        req.headers_mut()
            .insert("x-tagged-by", "middleware".parse().unwrap());
        next.run(req, ext).await
    }
}

/// Replaces the credential with a fresh one (what an auth-refresh middleware does).
struct Refresh {
    header: &'static str,
}

#[async_trait::async_trait]
impl Middleware for Refresh {
    async fn handle(
        &self,
        mut req: Request,
        ext: &mut http::Extensions,
        next: Next<'_>,
    ) -> Result<Response> {
        req.headers_mut()
            .insert(self.header, "fresh-token".parse().unwrap());
        next.run(req, ext).await
    }
}

/// Answers `GET .../models` itself, never asking the server.
struct Cache;

#[async_trait::async_trait]
impl Middleware for Cache {
    async fn handle(
        &self,
        req: Request,
        ext: &mut http::Extensions,
        next: Next<'_>,
    ) -> Result<Response> {
        if req.method() == http::Method::GET && req.url().path().ends_with("/models") {
            let body = json!({"data": [{"id": "cached-model"}]}).to_string();
            let response = http::Response::builder()
                .status(200)
                .header("content-type", "application/json")
                .body(body)
                .unwrap();
            return Ok(Response::from(response));
        }
        next.run(req, ext).await
    }
}

/// Refuses every request.
struct Deny;

#[async_trait::async_trait]
impl Middleware for Deny {
    async fn handle(&self, _: Request, _: &mut http::Extensions, _: Next<'_>) -> Result<Response> {
        Err(llm_core::reqwest_middleware::Error::middleware(
            std::io::Error::other("policy: requests to this provider are blocked"),
        ))
    }
}

fn completion() -> serde_json::Value {
    json!({"id": "c1", "model": "m",
           "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "Hello"}}]})
}

/// Two 503s, then the answer, for requests tagged by the middleware only.
async fn tagged_server(route: &str, answer: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(route))
        .and(header("x-tagged-by", "middleware"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(route))
        .and(header("x-tagged-by", "middleware"))
        .respond_with(answer)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn middleware_runs_once_per_attempt_inside_the_retry_loop() {
    // PeakPrivacy, plain: two 503s then 200 is three attempts, each through the middleware.
    let server = tagged_server(
        "/api/v1/ai/completions",
        ResponseTemplate::new(200).set_body_json(completion()),
    )
    .await;
    let recorder = Recorder {
        auth_header: "api-token",
        ..Recorder::default()
    };
    let sleep = RecordingSleep::default();
    let client = support::peakprivacy_at(format!("{}/api/v1", server.uri()), &sleep)
        .middleware(recorder.clone())
        .build()
        .unwrap();
    let request = peakprivacy::ChatCompletionRequest::new("m", [peakprivacy::Message::user("Hi")]);
    let answer = client
        .chat()
        .completions()
        .create_with_response(request, Default::default())
        .await
        .unwrap();
    assert_eq!(answer.content(), "Hello");
    assert_eq!(
        recorder.attempts.load(Ordering::SeqCst),
        3,
        "once per attempt"
    );
    assert_eq!(answer.meta().attempts(), 3);
    assert_eq!(
        sleep.delays().len(),
        2,
        "the retry loop, not the middleware, waited"
    );
    assert_eq!(
        *recorder.auth.lock().unwrap(),
        vec![KEY.to_owned(); 3],
        "it sees our credential"
    );

    // AligneAI, streamed: the same, until the headers arrive.
    let sse =
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\ndata: [DONE]\n\n";
    let server = tagged_server(
        "/v1/chat/completions",
        ResponseTemplate::new(200).set_body_raw(sse, "text/event-stream"),
    )
    .await;
    let recorder = Recorder {
        auth_header: "api-key",
        ..Recorder::default()
    };
    let client = support::aligneai_at(format!("{}/v1", server.uri()), &RecordingSleep::default())
        .middleware(recorder.clone())
        .build()
        .unwrap();
    let request = aligneai::ChatCompletionRequest::new("m", [aligneai::Message::user("Hi")]);
    let mut stream = client
        .chat()
        .completions()
        .create_stream(request)
        .await
        .unwrap();
    assert_eq!(stream.next().await.unwrap().unwrap().content(), "Hi");
    assert_eq!(recorder.attempts.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn middleware_can_refresh_the_credential() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(header("api-key", "fresh-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(completion()))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let build = |refresh: bool| {
        let builder = aligneai::AligneAI::builder()
            .api_key("stale-token")
            .base_url(server.uri())
            .max_retries(0);
        let builder = if refresh {
            builder.middleware(Refresh { header: "api-key" })
        } else {
            builder
        };
        builder.build().unwrap()
    };
    let request = || aligneai::ChatCompletionRequest::new("m", [aligneai::Message::user("Hi")]);
    let err = build(false)
        .chat()
        .completions()
        .create(request())
        .await
        .unwrap_err();
    assert_eq!(
        err.kind(),
        aligneai::ErrorKind::Authentication,
        "without it the stale key fails"
    );
    let answer = build(true)
        .chat()
        .completions()
        .create(request())
        .await
        .unwrap();
    assert_eq!(answer.content(), "Hello");
}

#[tokio::test]
async fn middleware_can_answer_without_the_server() {
    let server = MockServer::start().await; // no routes: any request it receives is a 404
    let client = peakprivacy::PeakPrivacy::builder()
        .api_token(KEY)
        .base_url(server.uri())
        .middleware(Cache)
        .build()
        .unwrap();
    let models = client.models().list().await.unwrap();
    assert_eq!(models[0].id, "cached-model");
    assert!(
        server.received_requests().await.unwrap().is_empty(),
        "the server was never asked"
    );
}

#[tokio::test]
async fn a_middleware_error_is_typed_and_not_retried() {
    let server = MockServer::start().await;
    let recorder = Recorder {
        auth_header: "api-token",
        ..Recorder::default()
    };
    let client = peakprivacy::PeakPrivacy::builder()
        .api_token(KEY)
        .base_url(server.uri())
        .sleep_impl(RecordingSleep::default().arc())
        .middleware(recorder.clone())
        .middleware(Deny)
        .build()
        .unwrap();
    let request = peakprivacy::ChatCompletionRequest::new("m", [peakprivacy::Message::user("Hi")]);
    let err = client
        .chat()
        .completions()
        .create(request)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), peakprivacy::ErrorKind::Middleware);
    assert!(!err.is_retryable());
    let source = std::error::Error::source(&err)
        .map(ToString::to_string)
        .unwrap_or_default();
    assert!(
        source.contains("blocked"),
        "the middleware's error is the source: {source}"
    );
    assert_eq!(
        recorder.attempts.load(Ordering::SeqCst),
        1,
        "middleware run in order, once"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[test]
fn blocking_clients_take_middleware_too() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(tagged_server(
        "/v1/chat/completions",
        ResponseTemplate::new(200).set_body_json(completion()),
    ));
    let recorder = Recorder {
        auth_header: "api-key",
        ..Recorder::default()
    };
    let client = aligneai::blocking::AligneAI::from_async(
        support::aligneai_at(format!("{}/v1", server.uri()), &RecordingSleep::default())
            .middleware(recorder.clone())
            .build()
            .unwrap(),
    )
    .unwrap();
    let request = aligneai::ChatCompletionRequest::new("m", [aligneai::Message::user("Hi")]);
    assert_eq!(
        client
            .chat()
            .completions()
            .create(request)
            .unwrap()
            .content(),
        "Hello"
    );
    assert_eq!(recorder.attempts.load(Ordering::SeqCst), 3);
}
