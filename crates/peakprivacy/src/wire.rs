//! Decoding shared by the Files and Assistants resources: one object (bare or wrapped in
//! `{"data": ..}`), a list of objects (bare or wrapped), ids in paths, and any 2xx body
//! of a delete. Every unexpected shape is an [`ErrorKind::Decode`] with the status and
//! the raw body kept.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::{Error, ErrorKind, Result};

/// An [`ErrorKind::Decode`] about `body`, with the status and the raw body kept.
pub(crate) fn unexpected(what: &str, body: &[u8], status: u16) -> Error {
    Error::with_message(ErrorKind::Decode, what.to_owned())
        .with_status(status)
        .with_raw_body(body)
}

/// Parses `body` as JSON.
fn parse(body: &[u8], status: u16, what: &str) -> Result<Value> {
    serde_json::from_slice(body).map_err(|e| {
        Error::decode(
            format!("the response body is not JSON where {what} was expected"),
            e,
        )
        .with_status(status)
        .with_raw_body(body)
    })
}

/// Decodes `value` as `T`, keeping the body on failure.
fn typed<T: DeserializeOwned>(value: Value, body: &[u8], status: u16, what: &str) -> Result<T> {
    serde_json::from_value(value).map_err(|e| {
        Error::decode(format!("the response is not {what}"), e)
            .with_status(status)
            .with_raw_body(body)
    })
}

/// One object: the body itself, or its `data` field when that is an object (a Laravel
/// API resource wraps it so).
pub(crate) fn one<T: DeserializeOwned>(body: &[u8], status: u16, what: &str) -> Result<T> {
    match parse(body, status, what)? {
        Value::Object(mut object) => {
            let value = match object.remove("data") {
                Some(data @ Value::Object(_)) => data,
                Some(other) => {
                    object.insert("data".to_owned(), other);
                    Value::Object(object)
                }
                None => Value::Object(object),
            };
            typed(value, body, status, what)
        }
        _ => Err(unexpected(
            &format!("the response body is not a JSON object where {what} was expected"),
            body,
            status,
        )),
    }
}

/// A list of objects: a bare array, or an object's `data` array.
pub(crate) fn list<T: DeserializeOwned>(body: &[u8], status: u16, what: &str) -> Result<Vec<T>> {
    let items = match parse(body, status, what)? {
        Value::Array(items) => items,
        Value::Object(mut object) => match object.remove("data") {
            Some(Value::Array(items)) => items,
            _ => {
                return Err(unexpected(
                    &format!("the response has no list where {what} was expected"),
                    body,
                    status,
                ))
            }
        },
        _ => {
            return Err(unexpected(
                &format!("the response body is not a list where {what} was expected"),
                body,
                status,
            ))
        }
    };
    typed(Value::Array(items), body, status, what)
}

/// Checks an id before it becomes a path segment: non-empty, and only characters that
/// need no escaping (letters, digits, `-`, `_`, `.`, `~`; not `.` or `..` alone), so an
/// id can never change the path (`../`, `?`, `#`).
pub(crate) fn path_id<'a>(id: &'a str, what: &str) -> Result<&'a str> {
    let safe = !id.is_empty()
        && id != "."
        && id != ".."
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~'));
    if safe {
        Ok(id)
    } else {
        Err(Error::invalid_request(format!(
            "invalid {what} id {id:?}: expected letters, digits, '-', '_', '.' or '~'"
        )))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn one_unwraps_data() {
        let v: serde_json::Map<String, Value> = one(br#"{"data":{"id":"1"}}"#, 200, "x").unwrap();
        assert_eq!(v["id"], "1");
        let v: serde_json::Map<String, Value> = one(br#"{"id":"1","data":[1]}"#, 200, "x").unwrap();
        assert_eq!(v["data"], serde_json::json!([1]));
        let err = one::<serde_json::Map<String, Value>>(b"[1]", 201, "x").unwrap_err();
        assert_eq!(
            (err.kind(), err.status(), err.raw_body()),
            (ErrorKind::Decode, Some(201), Some("[1]"))
        );
    }

    #[test]
    fn ids() {
        assert!(path_id("1df8f5af-c96d-42ba-938a-3f5c4f62e633", "file").is_ok());
        for bad in ["", "..", "a/b", "a?b", "a#b", "a b", "é"] {
            assert_eq!(
                path_id(bad, "file").unwrap_err().kind(),
                ErrorKind::InvalidRequest
            );
        }
    }
}
