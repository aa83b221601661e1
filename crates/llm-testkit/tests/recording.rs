//! Request recording, and the blocking (own-thread) start.

mod support;

use std::io::{Read, Write};

use llm_testkit::{AligneAIEmulator, PeakPrivacyEmulator};
use reqwest::Method;
use serde_json::json;
use support::send;

#[tokio::test]
async fn records_method_path_headers_and_body() {
    let server = PeakPrivacyEmulator::start().await;
    let body = json!({"model": "mistral-swiss", "messages": [{"role": "user", "content": "hi"}]});
    send(
        Method::POST,
        &format!("{}ai/completions?trace=1", server.base_url()),
        &[
            ("Api-Token", server.token()),
            ("X-Requested-With", "XMLHttpRequest"),
        ],
        Some(body.clone()),
    )
    .await;
    send(
        Method::GET,
        &format!("{}ai/models", server.base_url()),
        &[],
        None,
    )
    .await;

    assert_eq!(server.received_count(), 2);
    let requests = server.requests();
    let first = &requests[0];
    assert_eq!(first.method(), "POST");
    assert_eq!(first.path(), "/v1/ai/completions");
    assert_eq!(first.query(), Some("trace=1"));
    assert_eq!(first.header("api-token"), Some(server.token()));
    assert_eq!(first.header("x-requested-with"), Some("XMLHttpRequest"));
    assert_eq!(first.header("Content-Type"), Some("application/json"));
    assert!(first
        .headers()
        .iter()
        .all(|(name, _)| name == &name.to_lowercase()));
    assert_eq!(first.body_json(), Some(body));
    // Rejected requests (here: no token, 401) are recorded too.
    let last = server.last_request().unwrap();
    assert_eq!((last.method(), last.path()), ("GET", "/v1/ai/models"));
    assert!(last.body().is_empty());
    assert_eq!(last.body_json(), None);

    server.clear_requests();
    assert_eq!(server.received_count(), 0);
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn dropping_the_emulator_stops_the_server() {
    let server = AligneAIEmulator::start().await;
    let url = format!("{}/ping", server.base_url());
    assert_eq!(
        send(Method::GET, &url, &[("API-Key", server.api_key())], None)
            .await
            .status,
        200
    );
    drop(server);
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let result = reqwest::Client::new().get(&url).send().await;
    assert!(result.is_err(), "the port no longer answers");
}

#[test]
fn blocking_start_serves_without_a_runtime() {
    let server = PeakPrivacyEmulator::start_blocking();
    let mut stream = std::net::TcpStream::connect(server.addr()).unwrap();
    write!(
        stream,
        "GET /v1/ai/ping HTTP/1.1\r\nHost: localhost\r\nApi-Token: {}\r\nConnection: close\r\n\r\n",
        server.token()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.ends_with(r#"{"message":"pong"}"#), "{response}");
    assert_eq!(server.received_count(), 1);
}
