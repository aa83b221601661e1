//! Configuration from environment variables. Only this test binary changes the process
//! environment, and it does so in one test function holding a lock, never across an await.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Mutex;

use aligneai::{AligneAI, ErrorKind};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Serialises every test of this file that touches process environment variables.
static ENV_LOCK: Mutex<()> = Mutex::new(());

#[tokio::test]
async fn env_variables_fill_unset_values_and_explicit_values_win() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/ping"))
        .and(header("API-Key", "env-key"))
        .and(header("Workspace-ID", "env-ws"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/ping"))
        .and(header("API-Key", "explicit-key"))
        .and(header("Workspace-ID", "explicit-ws"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;

    // The environment is touched only while the lock is held, and no await happens then.
    let guard = ENV_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    std::env::set_var("ALIGNEAI_API_KEY", "env-key");
    std::env::set_var("ALIGNEAI_BASE_URL", format!("{}/v1", server.uri()));
    std::env::set_var("ALIGNEAI_WORKSPACE_ID", "env-ws");
    let from_env = AligneAI::from_env();
    let explicit = AligneAI::builder()
        .api_key("explicit-key")
        .workspace_id("explicit-ws")
        .build();
    let elsewhere = AligneAI::builder()
        .api_key("k")
        .base_url("http://127.0.0.1:9/x")
        .build();
    // A blank explicit key counts as unset: the environment's is used.
    let blank_explicit = AligneAI::builder().api_key(" ").build();
    let plain_builder = AligneAI::builder().build();
    std::env::set_var("ALIGNEAI_API_KEY", "   ");
    let blank = AligneAI::from_env();
    std::env::remove_var("ALIGNEAI_API_KEY");
    std::env::remove_var("ALIGNEAI_BASE_URL");
    std::env::remove_var("ALIGNEAI_WORKSPACE_ID");
    let missing = AligneAI::from_env();
    let defaults = AligneAI::builder().api_key("k").build().unwrap();
    drop(guard);

    let from_env = from_env.unwrap();
    assert_eq!(from_env.workspace_id(), Some("env-ws"));
    from_env.ping().await.unwrap();
    explicit.unwrap().ping().await.unwrap();
    assert_eq!(elsewhere.unwrap().base_url(), "http://127.0.0.1:9/x/");
    for err in [blank.unwrap_err(), missing.unwrap_err()] {
        assert_eq!(err.kind(), ErrorKind::MissingCredential);
        assert_eq!(err.env_var(), Some("ALIGNEAI_API_KEY"));
    }
    assert_eq!(defaults.base_url(), "https://api.altrum.ai/v1/");
    assert_eq!(defaults.workspace_id(), None);
    for client in [blank_explicit.unwrap(), plain_builder.unwrap()] {
        assert_eq!(client.workspace_id(), Some("env-ws"));
        assert_eq!(client.base_url(), format!("{}/v1/", server.uri()));
    }
    server.verify().await;
}
