//! Client construction, headers, base URL, environment, ping.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use aligneai::retry::RecordingSleep;
use aligneai::{AligneAI, EmbeddingRequest, ErrorKind};
use support::{client, data_body, KEY};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn embeddings_mock(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path("/v1/embeddings"))
        .respond_with(ResponseTemplate::new(200).set_body_json(data_body(&[vec![1.0]])))
        .mount(server)
        .await;
}

#[tokio::test]
async fn sends_key_user_agent_and_json_headers_without_workspace_by_default() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/embeddings"))
        .and(header("API-Key", KEY))
        .and(header("content-type", "application/json"))
        .and(header("accept", "application/json"))
        .and(header(
            "user-agent",
            concat!("aligneai-rust/", env!("CARGO_PKG_VERSION")),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(data_body(&[vec![1.0]])))
        .expect(1)
        .mount(&server)
        .await;
    let (client, _) = client(&server);
    client
        .embeddings()
        .create(EmbeddingRequest::new("a"))
        .await
        .unwrap();
    server.verify().await;
    let requests = server.received_requests().await.unwrap();
    assert!(requests[0].headers.get("workspace-id").is_none());
    assert!(requests[0].headers.get("authorization").is_none());
}

#[tokio::test]
async fn sends_workspace_id_when_set() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/ping"))
        .and(header("API-Key", KEY))
        .and(header("Workspace-ID", "ws-42"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let sleep = RecordingSleep::default();
    let client = support::builder(&server, &sleep)
        .workspace_id("ws-42")
        .build()
        .unwrap();
    client.ping().await.unwrap();
}

#[tokio::test]
async fn auth_and_workspace_header_names_are_configurable() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/ping"))
        .and(header("X-Api-Key", KEY))
        .and(header("X-Workspace", "ws-1"))
        .and(header("x-team", "search"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let sleep = RecordingSleep::default();
    let client = support::builder(&server, &sleep)
        .auth_header("X-Api-Key")
        .workspace_header("X-Workspace")
        .workspace_id("ws-1")
        .default_header("x-team", "search")
        .build()
        .unwrap();
    client.ping().await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert!(requests[0].headers.get("api-key").is_none());
    assert!(requests[0].headers.get("workspace-id").is_none());
}

#[tokio::test]
async fn per_request_headers_and_idempotency_key() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/ping"))
        .and(header("x-trace", "t1"))
        .and(header("idempotency-key", "k-1"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let (client, _) = client(&server);
    let options = aligneai::RequestOptions::new()
        .header("x-trace", "t1")
        .idempotency_key("k-1");
    client.ping_with(options).await.unwrap();
}

#[tokio::test]
async fn base_url_with_or_without_trailing_slash() {
    for suffix in ["/v1", "/v1/"] {
        let server = MockServer::start().await;
        embeddings_mock(&server).await;
        let client = AligneAI::builder()
            .api_key(KEY)
            .base_url(format!("{}{suffix}", server.uri()))
            .build()
            .unwrap();
        assert_eq!(client.base_url(), format!("{}/v1/", server.uri()));
        client
            .embeddings()
            .create(EmbeddingRequest::new("a"))
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn ping_is_ok_on_2xx_and_ignores_the_body() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/ping"))
        .respond_with(ResponseTemplate::new(200).set_body_string("pong, not json"))
        .expect(1)
        .mount(&server)
        .await;
    let (client, _) = client(&server);
    client.ping().await.unwrap();
}

#[tokio::test]
async fn ping_maps_401() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/ping"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(serde_json::json!({"error": "Unauthenticated"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let (client, _) = client(&server);
    let err = client.ping().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
    assert_eq!(err.api_message(), Some("Unauthenticated"));
}

#[test]
fn missing_or_blank_key_names_the_env_var() {
    // The environment is read for an unset key; this process never sets it (tests/env.rs
    // does, in its own process), but a developer's shell might.
    if std::env::var_os("ALIGNEAI_API_KEY").is_some() {
        return;
    }
    for builder in [AligneAI::builder(), AligneAI::builder().api_key(" \t")] {
        let err = builder.build().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::MissingCredential);
        assert_eq!(err.env_var(), Some("ALIGNEAI_API_KEY"));
        assert!(err.to_string().contains("ALIGNEAI_API_KEY"));
    }
    assert_eq!(
        AligneAI::new("").unwrap_err().kind(),
        ErrorKind::MissingCredential
    );
}

#[test]
fn debug_never_shows_the_key_and_client_is_send_sync_clone() {
    fn assert_traits<T: Send + Sync + Clone + 'static>() {}
    assert_traits::<AligneAI>();
    let client = AligneAI::builder()
        .api_key("sk-super-secret-value")
        .workspace_id("ws")
        .build()
        .unwrap();
    let debug = format!("{client:?}");
    assert!(!debug.contains("sk-super-secret-value"), "{debug}");
    assert!(debug.contains("ws"));
    let builder = AligneAI::builder().api_key("sk-super-secret-value");
    assert!(!format!("{builder:?}").contains("sk-super-secret-value"));
}
