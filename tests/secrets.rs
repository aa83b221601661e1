//! The key never shows: `Debug`/`Display` of every client, builder, config, request
//! options and error of both providers, errors from servers that echo the request back,
//! and redirects to another origin (which must never carry `Api-Token` / `API-Key`).
//! Also: TLS verification is on by default and no environment variable turns it off.
//! Telemetry spans and metrics are checked for the key in `tests/telemetry.rs` and
//! `tests/telemetry_metrics.rs` (binaries where every test records spans: a test binary
//! mixing threads with and without a `tracing` subscriber can cache a callsite as
//! disabled).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use aligneai::{AligneAI, EmbeddingRequest};
use llm_core::{Error, ErrorKind, RequestOptions, SecretString, Transport};
use llm_testkit::raw::{response, RawServer, Step};
use peakprivacy::{ChatCompletionRequest, Message, PeakPrivacy};
use support::{within, KEY};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const BOUND: Duration = Duration::from_secs(10);

fn assert_hidden(what: &str, shown: &str) {
    assert!(!shown.contains(KEY), "{what} shows the key: {shown}");
}

fn assert_error_hidden(err: &Error) {
    assert_hidden("error Display", &err.to_string());
    assert_hidden("error Debug", &format!("{err:?}"));
    assert_hidden("error alternate Debug", &format!("{err:#?}"));
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        assert_hidden("error source", &s.to_string());
        source = s.source();
    }
}

fn peak_builder(uri: &str) -> peakprivacy::PeakPrivacyBuilder {
    PeakPrivacy::builder()
        .api_token(KEY)
        .base_url(format!("{uri}/v1"))
        .max_retries(0)
}

fn aligne_builder(uri: &str) -> aligneai::AligneAIBuilder {
    AligneAI::builder()
        .api_key(KEY)
        .base_url(format!("{uri}/v1"))
        .max_retries(0)
}

#[test]
fn debug_and_display_of_configuration_never_show_the_key() {
    let pb = peak_builder("http://127.0.0.1:9");
    assert_hidden("PeakPrivacy builder", &format!("{pb:?} {pb:#?}"));
    let pc = pb.build().unwrap();
    assert_hidden("PeakPrivacy client", &format!("{pc:?} {pc:#?}"));
    assert_hidden("PeakPrivacy chat", &format!("{:?}", pc.chat()));
    assert_hidden(
        "PeakPrivacy completions",
        &format!("{:?}", pc.chat().completions()),
    );
    assert_hidden("PeakPrivacy models", &format!("{:?}", pc.models()));

    let ab = aligne_builder("http://127.0.0.1:9").workspace_id("ws-1");
    assert_hidden("AligneAI builder", &format!("{ab:?} {ab:#?}"));
    let ac = ab.build().unwrap();
    assert_hidden("AligneAI client", &format!("{ac:?} {ac:#?}"));
    assert_hidden("AligneAI transport", &format!("{:?}", ac.transport()));
    assert_hidden("AligneAI embeddings", &format!("{:?}", ac.embeddings()));
    assert_hidden("AligneAI chat", &format!("{:?}", ac.chat()));

    let tb = Transport::builder("http://127.0.0.1:9").auth("Api-Token", SecretString::from(KEY));
    assert_hidden("TransportBuilder", &format!("{tb:?}"));
    assert_hidden("Transport", &format!("{:?}", tb.build().unwrap()));

    let secret = SecretString::from(KEY);
    assert_hidden("SecretString", &format!("{secret:?} {secret} {secret:#?}"));

    // Per-request options may carry credentials in headers: values are never printed.
    let options = RequestOptions::new()
        .header("Api-Token", KEY)
        .header("authorization", &format!("Bearer {KEY}"))
        .idempotency_key(KEY);
    assert_hidden("RequestOptions", &format!("{options:?} {options:#?}"));
    // An invalid header value that contains the key: the error names the header only.
    let bad = RequestOptions::new().header("x-key", &format!("{KEY}\n"));
    assert_error_hidden(&bad.headers().unwrap_err());
}

#[test]
fn request_types_debug_do_not_contain_options_secrets() {
    let request = ChatCompletionRequest::new("m", [Message::user("hi")]);
    assert_hidden("PeakPrivacy request", &format!("{request:?}"));
    let request = EmbeddingRequest::new(["hi"]);
    assert_hidden("AligneAI request", &format!("{request:?}"));
}

#[test]
fn construction_errors_never_show_the_key() {
    let err = Error::missing_credential("PEAKPRIVACY_API_TOKEN");
    assert_eq!(err.kind(), ErrorKind::MissingCredential);
    assert!(err.to_string().contains("PEAKPRIVACY_API_TOKEN"));
    assert_error_hidden(&err);

    // A key with characters not allowed in a header: a Config error that does not echo it.
    let bad = format!("{KEY}\r\nx-injected: 1");
    let err = PeakPrivacy::builder()
        .api_token(bad.as_str())
        .base_url("http://127.0.0.1:9")
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert_error_hidden(&err);
    let err = AligneAI::builder()
        .api_key(bad.as_str())
        .base_url("http://127.0.0.1:9")
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert_error_hidden(&err);
}

#[test]
fn invalid_base_url_with_user_info_is_not_echoed() {
    let err = PeakPrivacy::builder()
        .api_token("t")
        .base_url(format!("ftp://user:{KEY}@example.com/"))
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert_hidden("invalid base URL error", &err.to_string());
}

/// The raw request head as text, as a careless server might echo it.
fn echo_body(request: &Request) -> String {
    let mut text = format!("{} {}\n", request.method, request.url);
    for (name, value) in &request.headers {
        text.push_str(&format!("{name}: {}\n", value.to_str().unwrap_or("?")));
    }
    text
}

#[tokio::test]
async fn errors_from_a_server_that_echoes_the_request_never_show_the_key() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(|request: &Request| {
            let echoed = echo_body(request);
            ResponseTemplate::new(401).set_body_json(serde_json::json!({
                "error": format!("invalid token; you sent:\n{echoed}"),
                "message": echoed,
            }))
        })
        .mount(&server)
        .await;

    let peak = peak_builder(&server.uri()).build().unwrap();
    let request = ChatCompletionRequest::new("m", [Message::user("hi")]);
    let (result, _) = within(BOUND, peak.chat().completions().create(request)).await;
    let err = result.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
    // The server did echo the key: it is in the server's own text...
    assert!(
        err.raw_body().unwrap().contains(KEY),
        "the test server must echo the key"
    );
    // ...but never in what our error prints.
    assert_error_hidden(&err);

    let (result, _) = within(BOUND, peak.chat().check_api_token()).await;
    assert_error_hidden(&result.unwrap_err());
    let (result, _) = within(BOUND, peak.models().list()).await;
    assert_error_hidden(&result.unwrap_err());

    let aligne = aligne_builder(&server.uri()).build().unwrap();
    let (result, _) = within(
        BOUND,
        aligne.embeddings().create(EmbeddingRequest::new("hi")),
    )
    .await;
    let err = result.unwrap_err();
    assert!(err.raw_body().unwrap().contains(KEY));
    assert_error_hidden(&err);
}

#[tokio::test]
async fn stream_errors_from_an_echoing_server_never_show_the_key() {
    // An error event mid-stream that repeats the key.
    let event = format!("data: {{\"error\":\"token {KEY} is not allowed to stream\"}}\n\n");
    let server = RawServer::start(vec![vec![Step::Write(response(
        200,
        "text/event-stream",
        &[],
        event.as_bytes(),
    ))]])
    .await;
    let peak = peak_builder(&server.uri()).build().unwrap();
    let request = ChatCompletionRequest::new("m", [Message::user("hi")]).anonymize(false);
    let (result, _) = within(BOUND, async {
        use futures_util::StreamExt;
        let mut stream = peak
            .chat()
            .completions()
            .create_stream(request)
            .await
            .unwrap();
        stream.next().await.unwrap()
    })
    .await;
    let err = result.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Stream);
    assert_error_hidden(&err);

    // A plain-JSON answer to a stream request is decoded before the stream is returned
    // (the same on every provider): its error must not show the key either.
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(format!("\"{KEY}\""), "application/json"),
        )
        .mount(&server)
        .await;
    let aligne = aligne_builder(&server.uri()).build().unwrap();
    let chat = aligneai::ChatCompletionRequest::new("m", [aligneai::Message::user("hi")]);
    let (result, _) = within(BOUND, aligne.chat().completions().create_stream(chat)).await;
    let err = result.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert_error_hidden(&err);
}

#[tokio::test]
async fn transport_errors_never_show_the_key() {
    // Connection refused, with the key also in the URL's query (it must be dropped).
    let uri = format!("http://{}", llm_testkit::raw::refused_addr());
    let peak = peak_builder(&uri).build().unwrap();
    let (result, _) = within(BOUND, peak.models().list()).await;
    assert_error_hidden(&result.unwrap_err());
    // A base URL with a query is refused at build (it would be dropped from every
    // request), and the refusal does not quote it.
    let err = AligneAI::builder()
        .api_key(KEY)
        .base_url(format!("{uri}/v1?key={KEY}"))
        .max_retries(0)
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert_error_hidden(&err);
}

#[tokio::test]
async fn a_key_echoed_in_response_headers_never_shows() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(401)
                .insert_header("x-request-id", format!("req-{KEY}").as_str())
                .insert_header("www-authenticate", format!("Token {KEY}").as_str())
                .set_body_json(serde_json::json!({"error": "Unauthenticated"})),
        )
        .mount(&server)
        .await;
    let peak = peak_builder(&server.uri()).build().unwrap();
    let request = ChatCompletionRequest::new("m", [Message::user("hi")]);
    let (result, _) = within(BOUND, peak.chat().completions().create(request)).await;
    let err = result.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
    assert_eq!(err.request_id(), Some("req-[REDACTED]"));
    assert_error_hidden(&err);
    for (name, value) in err.headers().unwrap() {
        let value = String::from_utf8_lossy(value.as_bytes());
        assert_hidden(&format!("header {name}"), &value);
    }
    let aligne = aligne_builder(&server.uri()).build().unwrap();
    let (result, _) = within(BOUND, aligne.models().list()).await;
    let err = result.unwrap_err();
    assert_eq!(err.request_id(), Some("req-[REDACTED]"));
    assert_error_hidden(&err);
}

// ---------------------------------------------------------------- redirects

/// A server that records every request and answers 200 `{}`.
async fn elsewhere() -> MockServer {
    let other = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"data": []})))
        .mount(&other)
        .await;
    other
}

async fn redirecting_home(to: &str, status: u16) -> MockServer {
    let home = MockServer::start().await;
    let location = format!("{to}/v1/elsewhere");
    Mock::given(any())
        .respond_with(ResponseTemplate::new(status).insert_header("location", location.as_str()))
        .mount(&home)
        .await;
    home
}

fn assert_no_credentials(other: &[Request]) {
    for request in other {
        for name in ["api-token", "api-key", "authorization", "workspace-id"] {
            assert!(
                request.headers.get(name).is_none(),
                "{name} was sent to another origin: {request:?}"
            );
        }
        assert!(
            !echo_body(request).contains(KEY),
            "the key reached another origin"
        );
    }
}

#[tokio::test]
async fn cross_origin_redirects_never_carry_the_credential() {
    let other = elsewhere().await;
    for status in [301u16, 302, 303, 307, 308] {
        let home = redirecting_home(&other.uri(), status).await;

        let peak = peak_builder(&home.uri()).build().unwrap();
        let (result, _) = within(BOUND, peak.models().list()).await;
        let err = result.expect_err("a cross-origin redirect must not be followed");
        assert_eq!(err.kind(), ErrorKind::UnexpectedStatus, "{status}: {err:?}");
        assert_eq!(err.status(), Some(status));
        let request = ChatCompletionRequest::new("m", [Message::user("hi")]);
        let (result, _) = within(BOUND, peak.chat().completions().create(request)).await;
        assert!(result.is_err());

        let aligne = aligne_builder(&home.uri())
            .workspace_id("ws-1")
            .build()
            .unwrap();
        let (result, _) = within(
            BOUND,
            aligne.embeddings().create(EmbeddingRequest::new("hi")),
        )
        .await;
        assert!(result.is_err(), "{status}");
        let (result, _) = within(BOUND, aligne.models().list()).await;
        assert!(result.is_err(), "{status}");

        assert!(!home.received_requests().await.unwrap().is_empty());
    }
    assert_no_credentials(&other.received_requests().await.unwrap());
}

#[tokio::test]
async fn same_origin_redirects_are_followed() {
    let home = MockServer::start().await;
    Mock::given(wiremock::matchers::path("/v1/ai/models"))
        .respond_with(ResponseTemplate::new(307).insert_header("location", "/v1/ai/models2"))
        .mount(&home)
        .await;
    Mock::given(wiremock::matchers::path("/v1/ai/models2"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"data": [{"id": "m"}]})),
        )
        .mount(&home)
        .await;
    let peak = peak_builder(&home.uri()).build().unwrap();
    let (result, _) = within(BOUND, peak.models().list()).await;
    assert_eq!(result.unwrap()[0].id, "m");
}

// ---------------------------------------------------------------- TLS

#[test]
fn tls_verification_is_on_by_default_and_no_env_var_turns_it_off() {
    // The Python SDK's switch; ours must ignore it (only the explicit builder option exists).
    std::env::set_var("PEAKPRIVACY_VERIFY_REQUEST", "False");
    let pb = PeakPrivacy::builder()
        .api_token("t")
        .base_url("https://127.0.0.1:9");
    assert!(
        format!("{pb:?}").contains("danger_accept_invalid_certs: false"),
        "{pb:?}"
    );
    pb.build().unwrap();
    let ab = AligneAI::builder()
        .api_key("k")
        .base_url("https://127.0.0.1:9");
    assert!(
        format!("{ab:?}").contains("danger_accept_invalid_certs: false"),
        "{ab:?}"
    );
    let tb = Transport::builder("https://127.0.0.1:9");
    assert!(
        format!("{tb:?}").contains("danger_accept_invalid_certs: false"),
        "{tb:?}"
    );
    std::env::remove_var("PEAKPRIVACY_VERIFY_REQUEST");

    // The opt-out is explicit, named as dangerous, and visible in Debug.
    let pb = PeakPrivacy::builder()
        .api_token("t")
        .danger_accept_invalid_certs(true);
    assert!(format!("{pb:?}").contains("danger_accept_invalid_certs: true"));
    let ab = AligneAI::builder()
        .api_key("k")
        .danger_accept_invalid_certs(true);
    assert!(format!("{ab:?}").contains("danger_accept_invalid_certs: true"));
}

#[tokio::test]
async fn https_to_a_plain_server_fails_as_a_connection_error() {
    // No TLS server is available here; at least an https URL really speaks TLS (the
    // handshake against a plain-text server fails) and the error is typed and key-free.
    let server = RawServer::start_without_reading(vec![vec![Step::Write(
        b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n".to_vec(),
    )]])
    .await;
    let uri = server.uri().replace("http://", "https://");
    let peak = peak_builder(&uri)
        .connect_timeout(Duration::from_secs(3))
        .build()
        .unwrap();
    let (result, elapsed) = within(BOUND, peak.models().list()).await;
    let err = result.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connection, "{err:?}");
    assert_error_hidden(&err);
    assert!(elapsed < Duration::from_secs(5));
}

#[tokio::test]
async fn decode_errors_of_a_body_echoing_the_key_never_show_it() {
    // A 200 whose body is a JSON string holding the key: serde's message quotes it.
    let body = format!("\"{KEY}\"");
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_raw(body.clone(), "application/json"))
        .mount(&server)
        .await;
    let peak = peak_builder(&server.uri()).build().unwrap();
    let request = ChatCompletionRequest::new("m", [Message::user("hi")]);
    let (result, _) = within(BOUND, peak.chat().completions().create(request)).await;
    let err = result.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert_error_hidden(&err);
    let (result, _) = within(BOUND, peak.models().list()).await;
    assert_error_hidden(&result.unwrap_err());
    // A stream request answered with plain JSON (streaming turned off by the server).
    let request = ChatCompletionRequest::new("m", [Message::user("hi")]);
    let (result, _) = within(BOUND, peak.chat().completions().create_stream(request)).await;
    assert_error_hidden(&result.unwrap_err());

    let aligne = aligne_builder(&server.uri()).build().unwrap();
    let (result, _) = within(
        BOUND,
        aligne.embeddings().create(EmbeddingRequest::new("hi")),
    )
    .await;
    assert_error_hidden(&result.unwrap_err());
    let (result, _) = within(BOUND, aligne.models().list()).await;
    assert_error_hidden(&result.unwrap_err());
    let chat = || aligneai::ChatCompletionRequest::new("m", [aligneai::Message::user("hi")]);
    let (result, _) = within(BOUND, aligne.chat().completions().create(chat())).await;
    assert_error_hidden(&result.unwrap_err());
}
