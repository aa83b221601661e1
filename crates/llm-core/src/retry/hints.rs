//! Server retry hints: `retry-after-ms`, `Retry-After` (seconds or HTTP date) and
//! `x-should-retry`.

use std::time::{Duration, SystemTime};

use reqwest::header::HeaderMap;

/// The delay the server asked for: `retry-after-ms` first, then `Retry-After` as
/// (possibly fractional) seconds or an HTTP date relative to `now`.
///
/// ```
/// use llm_core::retry::hints::retry_after;
/// use reqwest::header::{HeaderMap, HeaderValue};
/// use std::time::{Duration, SystemTime};
///
/// let mut headers = HeaderMap::new();
/// headers.insert("retry-after", HeaderValue::from_static("2"));
/// assert_eq!(retry_after(&headers, SystemTime::now()), Some(Duration::from_secs(2)));
/// ```
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    if let Some(ms) = header_str(headers, "retry-after-ms").and_then(parse_seconds) {
        return Some(ms / 1000);
    }
    let value = header_str(headers, "retry-after")?;
    if let Some(secs) = parse_seconds(value) {
        return Some(secs);
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// The server's explicit verdict from `x-should-retry: true|false`.
///
/// ```
/// use llm_core::retry::hints::should_retry;
/// use reqwest::header::{HeaderMap, HeaderValue};
///
/// let mut headers = HeaderMap::new();
/// headers.insert("x-should-retry", HeaderValue::from_static("false"));
/// assert_eq!(should_retry(&headers), Some(false));
/// ```
pub fn should_retry(headers: &HeaderMap) -> Option<bool> {
    match header_str(headers, "x-should-retry")? {
        v if v.eq_ignore_ascii_case("true") => Some(true),
        v if v.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name)?.to_str().ok().map(str::trim)
}

/// A non-negative finite number of units (seconds or ms), as a `Duration` of that many
/// seconds; `None` for anything else.
fn parse_seconds(value: &str) -> Option<Duration> {
    let n: f64 = value.parse().ok()?;
    (0.0..1e9).contains(&n).then(|| Duration::from_secs_f64(n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn ms_wins_over_seconds() {
        let h = headers(&[("retry-after-ms", "1500"), ("retry-after", "9")]);
        assert_eq!(
            retry_after(&h, SystemTime::now()),
            Some(Duration::from_millis(1500))
        );
    }

    #[test]
    fn seconds_and_fractions() {
        let h = headers(&[("retry-after", "3")]);
        assert_eq!(
            retry_after(&h, SystemTime::now()),
            Some(Duration::from_secs(3))
        );
        let h = headers(&[("retry-after", "0.25")]);
        assert_eq!(
            retry_after(&h, SystemTime::now()),
            Some(Duration::from_millis(250))
        );
    }

    #[test]
    fn http_date_relative_to_now() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        let mut h = HeaderMap::new();
        h.insert("retry-after", HeaderValue::from_str(&later).unwrap());
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(30)));
        // A date in the past means "now".
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(30));
        h.insert("retry-after", HeaderValue::from_str(&earlier).unwrap());
        assert_eq!(retry_after(&h, now), Some(Duration::ZERO));
    }

    #[test]
    fn garbage_is_ignored() {
        for v in ["soon", "-1", "NaN", "inf", ""] {
            let mut h = HeaderMap::new();
            h.insert("retry-after", HeaderValue::from_static(v));
            assert_eq!(retry_after(&h, SystemTime::now()), None, "{v}");
        }
    }

    #[test]
    fn should_retry_values() {
        assert_eq!(
            should_retry(&headers(&[("x-should-retry", "TRUE")])),
            Some(true)
        );
        assert_eq!(should_retry(&headers(&[("x-should-retry", "maybe")])), None);
        assert_eq!(should_retry(&HeaderMap::new()), None);
    }
}
