//! `peakprivacy` works on its own: it depends on no sibling provider or the unified crate,
//! and everything a user needs (errors, options, retry hooks, `reqwest`) is re-exported.
//!
//! CI runs, from the workspace root:
//! `cargo test -p peakprivacy --all-features` and
//! `cargo build -p peakprivacy --no-default-features`, and checks
//! `cargo tree -p peakprivacy -e normal` lists neither `aligneai` nor `unified`.
//!
//! The one exception: the tests use the workspace's shared helpers (`llm_testkit::raw`)
//! through a path-only dev-dependency, which cargo strips when publishing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

// Only `peakprivacy::` paths: no `llm_core` import is needed by users.
use peakprivacy::retry::{Backoff, FixedJitter, RetryPolicy, TokioSleep};
use peakprivacy::{
    reqwest, same_origin_redirects, ChatCompletionRequest, Error, ErrorKind, Message, PeakPrivacy,
    RequestOptions, Result,
};

const MANIFEST: &str = include_str!("../Cargo.toml");

/// The lines of one `[section]` of the manifest.
fn section(name: &str) -> Vec<&'static str> {
    let header = format!("[{name}]");
    MANIFEST
        .lines()
        .skip_while(|line| line.trim() != header)
        .skip(1)
        .take_while(|line| !line.trim_start().starts_with('['))
        .collect()
}

#[test]
fn depends_on_no_sibling_provider_or_unified() {
    let deps = section("dependencies");
    assert!(deps.iter().any(|l| l.starts_with("llm-core")), "{deps:?}");
    for forbidden in ["aligneai", "unified", "llm-testkit", "llm-sdk-workspace"] {
        for section_name in ["dependencies", "dev-dependencies"] {
            assert!(
                !section(section_name)
                    .iter()
                    .any(|l| l.contains(forbidden) && !is_stripped_testkit(section_name, l)),
                "peakprivacy must not depend on {forbidden}"
            );
        }
    }
}

/// The test helpers' dev-dependency, path only (no version), so it never reaches a
/// published manifest.
fn is_stripped_testkit(section_name: &str, line: &str) -> bool {
    section_name == "dev-dependencies"
        && line.starts_with("llm-testkit = { path = ")
        && !line.contains("version")
        && !line.contains("workspace")
}

#[test]
fn re_exports_cover_the_public_api() -> Result<()> {
    let http = reqwest::Client::builder()
        .redirect(same_origin_redirects())
        .build()
        .map_err(|e| Error::with_source(ErrorKind::Config, "http client", e))?;
    let client = PeakPrivacy::builder()
        .api_token("t")
        .http_client(http)
        .retry_policy(RetryPolicy::default().with_backoff(Backoff::new(
            Duration::from_millis(100),
            Duration::from_secs(1),
        )))
        .sleep_impl(Arc::new(TokioSleep))
        .jitter(Arc::new(FixedJitter(0.5)))
        .build()?;
    let _options = RequestOptions::new().timeout(Duration::from_secs(1));
    let _request = ChatCompletionRequest::new("mistral-swiss", [Message::user("hi")]);
    assert!(client.base_url().ends_with('/'));
    Ok(())
}
