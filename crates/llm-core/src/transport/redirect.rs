//! Redirects that never carry credentials to another origin.

use std::fmt;

use reqwest::redirect::{Attempt, Policy};

/// The most redirects followed before giving up.
pub(crate) const MAX_REDIRECTS: usize = 10;

/// Why [`same_origin_redirects`] gave up: the chain got longer than [`MAX_REDIRECTS`].
/// The transport finds it in a `reqwest` error's source chain and reports
/// [`ErrorKind::Redirect`](crate::ErrorKind::Redirect), not retried.
#[derive(Debug)]
pub(crate) struct TooManyRedirects;

impl fmt::Display for TooManyRedirects {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "more than {MAX_REDIRECTS} redirects in a row")
    }
}

impl std::error::Error for TooManyRedirects {}

/// A redirect policy that follows same-origin redirects (scheme, host and port equal to the
/// first request's) and stops at the first cross-origin one, returning the 3xx response.
/// After 10 redirects in a row (a loop) the request fails; the transport reports that as
/// one [`ErrorKind::Redirect`](crate::ErrorKind::Redirect) error, which is not retried.
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
            return attempt.error(TooManyRedirects);
        }
        if attempt.url().origin() == first.origin() {
            attempt.follow()
        } else {
            tracing::debug!("not following a redirect to another origin");
            attempt.stop()
        }
    })
}
