//! What a route answers, and how that becomes an HTTP response with realistic error bodies.

use std::io;

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full};
use hyper::header::{HeaderName, HeaderValue, CONTENT_TYPE};
use hyper::{Response, StatusCode};
use serde_json::{json, Map, Value};

use crate::fault::Fault;
use crate::sse::SseReply;

/// Body type of every emulator response.
pub(crate) type ResponseBody = BoxBody<Bytes, io::Error>;

const JSON: &str = "application/json";
const HTML: &str = "text/html; charset=UTF-8";

/// A route's answer, before faults and transport details are applied.
#[derive(Debug)]
pub(crate) enum Reply {
    /// A JSON document with a status and optional extra headers.
    Json {
        status: StatusCode,
        body: Value,
        headers: Vec<(HeaderName, HeaderValue)>,
    },
    /// A server-sent event stream.
    Stream(SseReply),
}

impl Reply {
    /// 200 with a JSON body.
    pub(crate) fn ok(body: Value) -> Self {
        Self::json(StatusCode::OK, body)
    }

    /// Any status with a JSON body.
    pub(crate) fn json(status: StatusCode, body: Value) -> Self {
        Self::Json {
            status,
            body,
            headers: Vec::new(),
        }
    }

    /// `{"error": "<message>"}` with a status.
    pub(crate) fn error(status: StatusCode, message: &str) -> Self {
        Self::json(status, json!({ "error": message }))
    }

    /// 401 `{"error":"Unauthenticated"}`.
    pub(crate) fn unauthenticated() -> Self {
        Self::error(StatusCode::UNAUTHORIZED, "Unauthenticated")
    }

    /// 400 for a body that is not a JSON object.
    pub(crate) fn malformed_json(detail: &str) -> Self {
        Self::json(
            StatusCode::BAD_REQUEST,
            json!({ "message": format!("Malformed JSON body: {detail}") }),
        )
    }

    /// 404 in Laravel's words.
    pub(crate) fn not_found(path: &str) -> Self {
        let route = path.trim_start_matches('/');
        Self::json(
            StatusCode::NOT_FOUND,
            json!({ "message": format!("The route {route} could not be found.") }),
        )
    }

    /// 405 with an `Allow` header.
    pub(crate) fn method_not_allowed(method: &str, path: &str, allowed: &'static str) -> Self {
        let route = path.trim_start_matches('/');
        Self::Json {
            status: StatusCode::METHOD_NOT_ALLOWED,
            body: json!({ "message": format!(
                "The {method} method is not supported for route {route}. Supported methods: {allowed}."
            ) }),
            headers: vec![(hyper::header::ALLOW, HeaderValue::from_static(allowed))],
        }
    }
}

/// Laravel-style field errors, answered as 422 `{"message":"Validation error","errors":{..}}`.
#[derive(Debug, Default)]
pub(crate) struct FieldErrors(Map<String, Value>);

impl FieldErrors {
    pub(crate) fn add(&mut self, field: &str, message: &str) {
        let entry = self
            .0
            .entry(field.to_owned())
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(list) = entry {
            list.push(Value::String(message.to_owned()));
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn into_value(self) -> Value {
        Value::Object(self.0)
    }

    /// `Err(422 reply)` when there are errors, `Ok(())` otherwise.
    pub(crate) fn check(self) -> Result<(), Reply> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(Reply::json(
                StatusCode::UNPROCESSABLE_ENTITY,
                json!({ "message": "Validation error", "errors": self.into_value() }),
            ))
        }
    }
}

/// Parses a request body that must be a JSON object; an empty body counts as `{}` (so the
/// answer is the field validation errors, as Laravel gives).
pub(crate) fn parse_object(body: &[u8]) -> Result<Map<String, Value>, Reply> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(Reply::malformed_json("expected a JSON object")),
        Err(err) => Err(Reply::malformed_json(&err.to_string())),
    }
}

/// The body a real deployment would most plausibly send with this status.
fn default_error_body(status: StatusCode) -> (&'static str, String) {
    let body = match status.as_u16() {
        400 => json!({ "message": "Bad Request" }),
        401 => json!({ "error": "Unauthenticated" }),
        403 => json!({ "error": "Subscription amount limit has been reached" }),
        404 => json!({ "message": "Not Found" }),
        408 => json!({ "message": "Request Timeout" }),
        409 => json!({ "message": "Conflict" }),
        413 => json!({ "error": "Request Entity Too Large" }),
        422 => json!({
            "message": "Validation error",
            "errors": { "messages": ["The messages field is required."] }
        }),
        429 => json!({ "message": "Too Many Attempts." }),
        500 => json!({ "error": "Server Error" }),
        502 | 504 => {
            let reason = status.canonical_reason().unwrap_or("Bad Gateway");
            let code = status.as_u16();
            return (
                HTML,
                format!(
                    "<html>\r\n<head><title>{code} {reason}</title></head>\r\n<body>\r\n\
                     <center><h1>{code} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n\
                     </body>\r\n</html>\r\n"
                ),
            );
        }
        503 => json!({ "message": "Service Unavailable" }),
        _ => json!({ "error": status.canonical_reason().unwrap_or("Error") }),
    };
    (JSON, body.to_string())
}

/// Wraps bytes as a complete response body.
pub(crate) fn full_body(bytes: impl Into<Bytes>) -> ResponseBody {
    Full::new(bytes.into())
        .map_err(|never| match never {})
        .boxed()
}

/// A JSON response.
pub(crate) fn json_response(
    status: StatusCode,
    body: &Value,
    headers: Vec<(HeaderName, HeaderValue)>,
) -> Response<ResponseBody> {
    let mut response = Response::new(full_body(body.to_string()));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(JSON));
    for (name, value) in headers {
        response.headers_mut().insert(name, value);
    }
    response
}

/// The response of a status fault: default or custom body, then the fault's headers.
pub(crate) fn fault_response(status: StatusCode, fault: &Fault) -> Response<ResponseBody> {
    let (content_type, default_body) = default_error_body(status);
    let body = fault.body.clone().unwrap_or(default_body);
    let mut response = Response::new(full_body(body));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    for (name, value) in &fault.headers {
        response.headers_mut().insert(name.clone(), value.clone());
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_errors_group_messages_by_field() {
        let mut errors = FieldErrors::default();
        errors.add("model", "a");
        errors.add("model", "b");
        assert_eq!(errors.into_value(), json!({"model": ["a", "b"]}));
    }

    #[test]
    fn bad_gateway_looks_like_a_proxy_page() {
        let (content_type, body) = default_error_body(StatusCode::BAD_GATEWAY);
        assert!(content_type.starts_with("text/html"));
        assert!(body.contains("502 Bad Gateway"));
    }
}
