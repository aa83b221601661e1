//! Parsing of provider error bodies.
//!
//! Shapes seen in the wild (see the wire notes):
//! `{"error": "..."}`, `{"message": "...", "errors": {field: [..]}}`,
//! `{"error": {"message", "type", "code"}}`, `{"detail": "..."}`,
//! `{"detail": [{"loc": [..], "msg": ".."}]}`, and non-JSON text such as a proxy's HTML page.

use std::collections::BTreeMap;

use serde_json::Value;

/// Validation messages per request field, as sent in 400/422 bodies
/// (`{"errors": {"model": ["The model field is required."]}}`).
pub type FieldErrors = BTreeMap<String, Vec<String>>;

/// The parts of an error body that a caller may act on.
///
/// ```
/// use llm_core::ApiError;
///
/// let e = ApiError::parse(br#"{"message":"Validation error","errors":{"name":["required"]}}"#);
/// assert_eq!(e.message.as_deref(), Some("Validation error"));
/// assert_eq!(e.field_errors["name"], vec!["required".to_string()]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiError {
    /// The human-readable message, when the body had one.
    pub message: Option<String>,
    /// A machine-readable error type (`error.type`), when present.
    pub error_type: Option<String>,
    /// A machine-readable error code (`error.code`), when present.
    pub code: Option<String>,
    /// Per-field validation messages.
    pub field_errors: FieldErrors,
}

impl ApiError {
    /// Parses any of the known shapes; unknown or non-JSON bodies give an empty value
    /// (or, for a short HTML page, its `<title>` as the message).
    pub fn parse(body: &[u8]) -> Self {
        match serde_json::from_slice::<Value>(body) {
            Ok(value) => Self::from_json(&value),
            Err(_) => Self {
                message: html_title(body),
                ..Self::default()
            },
        }
    }

    fn from_json(value: &Value) -> Self {
        let mut out = Self::default();
        let Some(obj) = value.as_object() else {
            if let Some(s) = value.as_str() {
                out.message = Some(s.to_owned());
            }
            return out;
        };
        match obj.get("error") {
            Some(Value::String(s)) => out.message = Some(s.clone()),
            Some(Value::Object(inner)) => {
                out.message = inner.get("message").and_then(text);
                out.error_type = inner.get("type").and_then(text);
                out.code = inner.get("code").and_then(text);
                if let Some(errors) = inner.get("errors") {
                    out.field_errors = field_errors(errors);
                }
            }
            _ => {}
        }
        if out.message.is_none() {
            out.message = obj.get("message").and_then(text);
        }
        if out.error_type.is_none() {
            out.error_type = obj.get("type").and_then(text);
        }
        if out.code.is_none() {
            out.code = obj.get("code").and_then(text);
        }
        if let Some(errors) = obj.get("errors") {
            out.field_errors.extend(field_errors(errors));
        }
        match obj.get("detail") {
            Some(Value::String(s)) if out.message.is_none() => out.message = Some(s.clone()),
            Some(detail @ Value::Array(_)) => out.field_errors.extend(field_errors(detail)),
            _ => {}
        }
        out
    }

    /// True when the body explicitly says the quota is used up: a quota code (see
    /// [`has_quota_code`](Self::has_quota_code)) or the documented PeakPrivacy message
    /// "Subscription amount limit has been reached" (matched on "amount limit"). A message
    /// that merely mentions a limit or a quota ("Rate limit has been reached") does not count.
    ///
    /// ```
    /// use llm_core::ApiError;
    ///
    /// let quota = ApiError::parse(br#"{"error":"Subscription amount limit has been reached"}"#);
    /// assert!(quota.is_quota_exhausted());
    /// let rate = ApiError::parse(br#"{"error":"Rate limit has been reached"}"#);
    /// assert!(!rate.is_quota_exhausted());
    /// ```
    pub fn is_quota_exhausted(&self) -> bool {
        self.has_quota_code()
            || self
                .message
                .as_deref()
                .is_some_and(|m| m.to_ascii_lowercase().contains("amount limit"))
    }

    /// True when `code` or `type` is an explicit quota code: `insufficient_quota`,
    /// `quota_exceeded` or `billing_hard_limit_reached` (any case).
    ///
    /// ```
    /// use llm_core::ApiError;
    ///
    /// let e = ApiError::parse(br#"{"error":{"message":"x","code":"insufficient_quota"}}"#);
    /// assert!(e.has_quota_code());
    /// let e = ApiError::parse(br#"{"error":{"message":"over quota","code":"rate_limit_exceeded"}}"#);
    /// assert!(!e.has_quota_code());
    /// ```
    pub fn has_quota_code(&self) -> bool {
        const QUOTA_CODES: [&str; 3] = [
            "insufficient_quota",
            "quota_exceeded",
            "billing_hard_limit_reached",
        ];
        [&self.code, &self.error_type].into_iter().any(|value| {
            value.as_deref().is_some_and(|v| {
                QUOTA_CODES
                    .iter()
                    .any(|code| v.trim().eq_ignore_ascii_case(code))
            })
        })
    }
}

/// A string, or a number rendered as text (some APIs send numeric codes).
fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// `{"field": ["msg", ..]}` / `{"field": "msg"}` / FastAPI `[{"loc": [..], "msg": ".."}]`.
fn field_errors(v: &Value) -> FieldErrors {
    let mut out = FieldErrors::new();
    match v {
        Value::Object(map) => {
            for (field, msgs) in map {
                let list = match msgs {
                    Value::Array(items) => items.iter().filter_map(text).collect(),
                    other => text(other).into_iter().collect(),
                };
                out.insert(field.clone(), list);
            }
        }
        Value::Array(items) => {
            for item in items {
                let Some(msg) = item.get("msg").and_then(text) else {
                    continue;
                };
                let field = item
                    .get("loc")
                    .and_then(Value::as_array)
                    .map(|loc| {
                        loc.iter()
                            .filter_map(text)
                            .filter(|p| p != "body")
                            .collect::<Vec<_>>()
                            .join(".")
                    })
                    .unwrap_or_default();
                out.entry(field).or_default().push(msg);
            }
        }
        _ => {}
    }
    out
}

/// The `<title>` of an HTML page, trimmed, if short.
fn html_title(body: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(body);
    let lower = text.to_ascii_lowercase();
    let start = lower.find("<title>")? + "<title>".len();
    let end = start + lower[start..].find("</title>")?;
    let title = text.get(start..end)?.trim();
    (!title.is_empty() && title.len() <= 200).then(|| title.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_string_shape() {
        let e = ApiError::parse(br#"{"error":"Unauthenticated"}"#);
        assert_eq!(e.message.as_deref(), Some("Unauthenticated"));
        assert!(e.field_errors.is_empty());
    }

    #[test]
    fn laravel_validation_shape() {
        let e = ApiError::parse(
            br#"{"message":"Validation error","errors":{"model":["a","b"],"name":["c"]}}"#,
        );
        assert_eq!(e.message.as_deref(), Some("Validation error"));
        assert_eq!(e.field_errors["model"], ["a", "b"]);
        assert_eq!(e.field_errors["name"], ["c"]);
    }

    #[test]
    fn openai_shape() {
        let e = ApiError::parse(
            br#"{"error":{"message":"Too many","type":"requests","code":"rate_limit_exceeded"}}"#,
        );
        assert_eq!(e.message.as_deref(), Some("Too many"));
        assert_eq!(e.error_type.as_deref(), Some("requests"));
        assert_eq!(e.code.as_deref(), Some("rate_limit_exceeded"));
    }

    #[test]
    fn numeric_code_is_text() {
        let e = ApiError::parse(br#"{"error":{"message":"x","code":42}}"#);
        assert_eq!(e.code.as_deref(), Some("42"));
    }

    #[test]
    fn fastapi_shapes() {
        let e = ApiError::parse(br#"{"detail":"Invalid API key"}"#);
        assert_eq!(e.message.as_deref(), Some("Invalid API key"));
        let e = ApiError::parse(
            br#"{"detail":[{"loc":["body","inputs",0],"msg":"too long","type":"x"}]}"#,
        );
        assert_eq!(e.field_errors["inputs.0"], ["too long"]);
    }

    #[test]
    fn html_page_gives_title() {
        let e = ApiError::parse(b"<html><head><title>502 Bad Gateway</title></head></html>");
        assert_eq!(e.message.as_deref(), Some("502 Bad Gateway"));
    }

    #[test]
    fn garbage_gives_nothing() {
        assert_eq!(ApiError::parse(b"\xff\xfe oops"), ApiError::default());
        assert_eq!(ApiError::parse(b"[1,2]"), ApiError::default());
    }

    #[test]
    fn quota_detection() {
        let e = ApiError::parse(br#"{"error":"Subscription amount limit has been reached"}"#);
        assert!(e.is_quota_exhausted());
        let e = ApiError::parse(br#"{"error":{"message":"x","code":"insufficient_quota"}}"#);
        assert!(e.is_quota_exhausted());
        assert!(!ApiError::parse(br#"{"error":"Forbidden"}"#).is_quota_exhausted());
    }

    #[test]
    fn quota_needs_an_explicit_signal() {
        for body in [
            &br#"{"error":"Rate limit has been reached"}"#[..],
            br#"{"error":"You exceeded your current quota, slow down"}"#,
            br#"{"error":{"message":"limit has been reached","type":"requests","code":"rate_limit_exceeded"}}"#,
        ] {
            let e = ApiError::parse(body);
            assert!(!e.is_quota_exhausted(), "{e:?}");
            assert!(!e.has_quota_code(), "{e:?}");
        }
        let e = ApiError::parse(br#"{"error":{"message":"m","type":"Quota_Exceeded"}}"#);
        assert!(e.has_quota_code() && e.is_quota_exhausted());
    }
}
