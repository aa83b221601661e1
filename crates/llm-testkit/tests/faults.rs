//! Scripted faults: failures then success, headers, delays, broken streams.

mod support;

use std::time::{Duration, Instant};

use llm_testkit::{AligneAIEmulator, Fault, PeakPrivacyEmulator};
use reqwest::Method;
use serde_json::{json, Value};
use support::{send, sse_data};

fn stream_request(server: &PeakPrivacyEmulator) -> reqwest::RequestBuilder {
    reqwest::Client::new()
        .post(format!("{}ai/completions", server.base_url()))
        .header("Api-Token", server.token())
        .body(
            json!({
                "model": "mistral-swiss",
                "messages": [{"role": "user", "content": "one two three four"}],
                "stream": true,
                "anonymize": false
            })
            .to_string(),
        )
}

#[tokio::test]
async fn n_failures_then_success_with_retry_after() {
    let server = PeakPrivacyEmulator::start().await;
    server.fail_next(
        Fault::status(503)
            .retry_after(Duration::from_secs(1))
            .times(2),
    );
    let url = format!("{}ai/ping", server.base_url());
    let auth = [("Api-Token", server.token())];
    for _ in 0..2 {
        let reply = send(Method::GET, &url, &auth, None).await;
        assert_eq!(reply.status, 503);
        assert_eq!(reply.headers["retry-after"], "1");
        assert_eq!(reply.json(), json!({"message": "Service Unavailable"}));
    }
    assert_eq!(send(Method::GET, &url, &auth, None).await.status, 200);
    assert_eq!(server.pending_faults(), 0);
    assert_eq!(server.received_count(), 3);
}

#[tokio::test]
async fn status_faults_fire_before_auth_with_realistic_bodies() {
    let server = AligneAIEmulator::start().await;
    let url = format!("{}/ping", server.base_url());
    for (status, expected) in [
        (
            403,
            json!({"error": "Subscription amount limit has been reached"}),
        ),
        (413, json!({"error": "Request Entity Too Large"})),
        (500, json!({"error": "Server Error"})),
        (429, json!({"message": "Too Many Attempts."})),
    ] {
        server.fail_next(Fault::status(status));
        let reply = send(Method::GET, &url, &[], None).await;
        assert_eq!(reply.status, status);
        assert_eq!(reply.json(), expected);
    }
    server.fail_next(Fault::status(502));
    let reply = send(Method::GET, &url, &[], None).await;
    assert_eq!(reply.status, 502);
    assert!(reply.content_type().starts_with("text/html"));
    assert!(reply.text().contains("502 Bad Gateway"));
}

#[tokio::test]
async fn custom_headers_body_and_path_scope() {
    let server = PeakPrivacyEmulator::start().await;
    server.fail_next(
        Fault::status(429)
            .header("retry-after-ms", "50")
            .header("x-should-retry", "true")
            .body(r#"{"error":"slow down"}"#)
            .path("/v1/ai/models"),
    );
    let auth = [("Api-Token", server.token())];
    let ping = send(
        Method::GET,
        &format!("{}ai/ping", server.base_url()),
        &auth,
        None,
    )
    .await;
    assert_eq!(ping.status, 200, "the fault is scoped to the models path");
    let models = send(
        Method::GET,
        &format!("{}ai/models", server.base_url()),
        &auth,
        None,
    )
    .await;
    assert_eq!(models.status, 429);
    assert_eq!(models.headers["retry-after-ms"], "50");
    assert_eq!(models.headers["x-should-retry"], "true");
    assert_eq!(models.json(), json!({"error": "slow down"}));
}

#[tokio::test]
async fn always_fails_until_cleared() {
    let server = PeakPrivacyEmulator::start().await;
    server.fail_next(Fault::status(500).always());
    let url = format!("{}ai/ping", server.base_url());
    let auth = [("Api-Token", server.token())];
    for _ in 0..3 {
        assert_eq!(send(Method::GET, &url, &auth, None).await.status, 500);
    }
    server.clear_faults();
    assert_eq!(send(Method::GET, &url, &auth, None).await.status, 200);
}

#[tokio::test]
async fn delay_slows_the_answer_and_can_trigger_a_client_timeout() {
    let server = PeakPrivacyEmulator::start().await;
    server.fail_next(Fault::delay(Duration::from_millis(150)));
    let url = format!("{}ai/ping", server.base_url());
    let started = Instant::now();
    let reply = send(Method::GET, &url, &[("Api-Token", server.token())], None).await;
    assert_eq!(reply.status, 200);
    assert!(started.elapsed() >= Duration::from_millis(150));

    server.fail_next(Fault::delay(Duration::from_secs(5)));
    let result = reqwest::Client::new()
        .get(&url)
        .header("Api-Token", server.token())
        .timeout(Duration::from_millis(100))
        .send()
        .await;
    assert!(result.unwrap_err().is_timeout());
}

#[tokio::test]
async fn cut_stream_delivers_k_events_then_a_body_error() {
    let server = PeakPrivacyEmulator::builder()
        .chunk_delay(Duration::from_millis(1))
        .start()
        .await;
    server.fail_next(Fault::cut_stream_after(2));
    let mut response = stream_request(&server).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let mut received = Vec::new();
    let error = loop {
        match response.chunk().await {
            Ok(Some(bytes)) => received.extend_from_slice(&bytes),
            Ok(None) => panic!(
                "the stream ended cleanly: {}",
                String::from_utf8_lossy(&received)
            ),
            Err(error) => break error,
        }
    };
    assert!(error.is_body() || error.is_decode(), "{error:?}");
    let events = sse_data(std::str::from_utf8(&received).unwrap());
    assert_eq!(events.len(), 2);

    // The fault fired once: the next stream is complete.
    let text = stream_request(&server)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(sse_data(&text).len(), 7);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cut_stream_without_pacing_still_delivers_the_first_events() {
    let server = PeakPrivacyEmulator::start().await;
    for k in [0, 1, 3, 6, 7, 50] {
        server.fail_next(Fault::cut_stream_after(k));
        let mut response = stream_request(&server).send().await.unwrap();
        let mut received = Vec::new();
        let result = loop {
            match response.chunk().await {
                Ok(Some(bytes)) => received.extend_from_slice(&bytes),
                Ok(None) => break Ok(()),
                Err(error) => break Err(error),
            }
        };
        assert!(result.is_err(), "cut after {k} must end in a body error");
        let text = String::from_utf8(received).unwrap();
        let events = if text.is_empty() {
            Vec::new()
        } else {
            sse_data(&text)
        };
        assert_eq!(events.len(), k.min(7), "cut after {k}");
    }
}

#[tokio::test]
async fn stream_faults_wait_for_a_streamed_response() {
    let server = PeakPrivacyEmulator::start().await;
    server.fail_next(Fault::cut_stream_after(0));
    // A JSON answer (anonymize defaults to true) leaves the stream fault armed.
    let reply = send(
        Method::POST,
        &format!("{}ai/completions", server.base_url()),
        &[("Api-Token", server.token())],
        Some(json!({"model": "m", "messages": [{"role": "user", "content": "x"}], "stream": true})),
    )
    .await;
    assert_eq!(reply.status, 200);
    assert_eq!(server.pending_faults(), 1);
    assert!(stream_request(&server)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .is_err());
    assert_eq!(server.pending_faults(), 0);
}

#[tokio::test]
async fn malformed_chunk_is_injected() {
    let server = PeakPrivacyEmulator::start().await;
    server.fail_next(Fault::malformed_chunk());
    let text = stream_request(&server)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let events = sse_data(&text);
    assert_eq!(events[1], "{not json");
    assert!(serde_json::from_str::<Value>(&events[0]).is_ok());
    assert_eq!(events.len(), 8);
}

#[tokio::test]
async fn stall_pauses_the_stream() {
    let server = AligneAIEmulator::start().await;
    server.fail_next(Fault::stall_stream_after(1, Duration::from_millis(150)));
    let started = Instant::now();
    let text = reqwest::Client::new()
        .post(format!("{}/chat/completions", server.base_url()))
        .header("API-Key", server.api_key())
        .body(json!({"messages": [{"role": "user", "content": "x"}], "stream": true}).to_string())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(started.elapsed() >= Duration::from_millis(150));
    assert_eq!(sse_data(&text).last().unwrap(), "[DONE]");
}
