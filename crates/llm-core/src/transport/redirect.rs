//! Redirects that never carry credentials to another origin.

use reqwest::redirect::{Attempt, Policy};

/// The most redirects followed before giving up.
const MAX_REDIRECTS: usize = 10;

/// A redirect policy that follows same-origin redirects (scheme, host and port equal to the
/// first request's) and stops at the first cross-origin one, returning the 3xx response.
///
/// Generic redirect handling strips `Authorization` but not custom credential headers such
/// as PeakPrivacy's `Api-Token`; this policy is how the SDK keeps them home. When you pass
/// your own `reqwest::Client`, build it with this policy.
///
/// ```
/// let client = reqwest::Client::builder()
///     .redirect(llm_core::same_origin_redirects())
///     .build()
///     .unwrap();
/// # let _ = client;
/// ```
pub fn same_origin_redirects() -> Policy {
    Policy::custom(|attempt: Attempt<'_>| {
        let Some(first) = attempt.previous().first() else {
            return attempt.stop();
        };
        if attempt.previous().len() > MAX_REDIRECTS {
            return attempt.error("too many redirects");
        }
        if attempt.url().origin() == first.origin() {
            attempt.follow()
        } else {
            tracing::debug!("not following a redirect to another origin");
            attempt.stop()
        }
    })
}
