//! Test helpers of the workspace suites that are not worth sharing beyond them: the key
//! every test uses and a time bound on a call. The scripted raw TCP server lives in
//! `llm_testkit::raw`, the recording `Sleep` in `llm_core::retry::RecordingSleep`.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

/// The API key every test uses; no output may ever contain it.
pub const KEY: &str = "sk-test-7a1f0c9e-SECRET";

/// Runs `fut` within `bound`, failing the test (instead of hanging) when it takes longer,
/// and returns its output with the elapsed time.
pub async fn within<T>(
    bound: Duration,
    fut: impl std::future::Future<Output = T>,
) -> (T, Duration) {
    let started = std::time::Instant::now();
    let out = tokio::time::timeout(bound, fut)
        .await
        .unwrap_or_else(|_| panic!("the call did not return within {bound:?}"));
    (out, started.elapsed())
}

/// A PeakPrivacy client builder for `base_url` with the test key, no jitter, and retry
/// waits recorded in `sleep` instead of slept.
pub fn peakprivacy_at(
    base_url: impl Into<String>,
    sleep: &llm_core::retry::RecordingSleep,
) -> peakprivacy::PeakPrivacyBuilder {
    peakprivacy::PeakPrivacy::builder()
        .api_token(KEY)
        .base_url(base_url)
        .sleep_impl(sleep.arc())
        .jitter(std::sync::Arc::new(llm_core::retry::FixedJitter(0.0)))
}

/// An AligneAI client builder for `base_url`, set up as [`peakprivacy_at`].
pub fn aligneai_at(
    base_url: impl Into<String>,
    sleep: &llm_core::retry::RecordingSleep,
) -> aligneai::AligneAIBuilder {
    aligneai::AligneAI::builder()
        .api_key(KEY)
        .base_url(base_url)
        .sleep_impl(sleep.arc())
        .jitter(std::sync::Arc::new(llm_core::retry::FixedJitter(0.0)))
}
