//! Configuration from the environment and `.env`.
//!
//! Environment variables and the working directory are process-global, so every step
//! lives in one test function (this file is its own test binary).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::env;

use peakprivacy::{ErrorKind, PeakPrivacy, API_TOKEN_ENV, BASE_URL_ENV, DEFAULT_BASE_URL};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn clear() {
    env::remove_var(API_TOKEN_ENV);
    env::remove_var(BASE_URL_ENV);
}

#[tokio::test]
async fn environment_configuration() {
    let server = MockServer::start().await;
    for token in ["env-token", "explicit-token", "dotenv-token"] {
        Mock::given(method("GET"))
            .and(path("/v1/ai/ping"))
            .and(header("api-token", token))
            .respond_with(ResponseTemplate::new(200))
            .expect(1)
            .named(token)
            .mount(&server)
            .await;
    }
    // Work in an empty directory so no real .env is picked up.
    let dir = env::temp_dir().join(format!("peakprivacy-env-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    env::set_current_dir(&dir).unwrap();

    // 1. Nothing set: a typed error naming the variable (ApiTokenNotFoundError).
    clear();
    for err in [
        PeakPrivacy::from_env().unwrap_err(),
        PeakPrivacy::builder().build().unwrap_err(),
        PeakPrivacy::new("").unwrap_err(),
        PeakPrivacy::new("   ").unwrap_err(),
    ] {
        assert_eq!(err.kind(), ErrorKind::MissingCredential);
        assert_eq!(err.env_var(), Some("PEAKPRIVACY_API_TOKEN"));
        assert!(err.to_string().contains("PEAKPRIVACY_API_TOKEN"), "{err}");
    }

    // 2. A blank variable counts as missing.
    env::set_var(API_TOKEN_ENV, "  \t ");
    let err = PeakPrivacy::from_env().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MissingCredential);

    // 3. Token and URL from the environment (URL without a trailing slash).
    env::set_var(API_TOKEN_ENV, "env-token");
    env::set_var(BASE_URL_ENV, format!("{}/v1", server.uri()));
    let client = PeakPrivacy::from_env().unwrap();
    assert_eq!(client.base_url(), format!("{}/v1/", server.uri()));
    client.chat().check_api_token().await.unwrap();
    // The builder falls back to the same variables.
    assert_eq!(
        PeakPrivacy::builder().build().unwrap().base_url(),
        client.base_url()
    );

    // 4. Explicit builder values win over the environment.
    env::set_var(BASE_URL_ENV, "http://127.0.0.1:9/not-used/");
    let client = PeakPrivacy::builder()
        .api_token("explicit-token")
        .base_url(format!("{}/v1/", server.uri()))
        .build()
        .unwrap();
    client.chat().check_api_token().await.unwrap();

    // 5. Default base URL when PEAKPRIVACY_API_URL is unset or blank.
    env::remove_var(BASE_URL_ENV);
    assert_eq!(PeakPrivacy::new("t").unwrap().base_url(), DEFAULT_BASE_URL);
    env::set_var(BASE_URL_ENV, " ");
    assert_eq!(PeakPrivacy::new("t").unwrap().base_url(), DEFAULT_BASE_URL);

    // 6. `.env` is loaded by from_env ...
    clear();
    std::fs::write(
        dir.join(".env"),
        format!(
            "# test file\nPEAKPRIVACY_API_TOKEN=dotenv-token\nPEAKPRIVACY_API_URL=\"{}/v1/\"\n",
            server.uri()
        ),
    )
    .unwrap();
    let client = PeakPrivacy::from_env().unwrap();
    client.chat().check_api_token().await.unwrap();

    // ... without overriding variables already set.
    env::set_var(API_TOKEN_ENV, "already-set");
    let client = PeakPrivacy::from_env().unwrap();
    let err = client.chat().check_api_token().await.unwrap_err();
    assert_eq!(err.status(), Some(404)); // no mock for "already-set"

    // 7. A malformed .env is a configuration error.
    clear();
    std::fs::write(dir.join(".env"), "PEAKPRIVACY_API_TOKEN='unterminated\n").unwrap();
    let err = PeakPrivacy::from_env().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config, "{err:?}");

    clear();
    std::fs::remove_dir_all(&dir).unwrap();
}
