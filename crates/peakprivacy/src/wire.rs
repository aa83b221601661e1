//! Decoding shared by the Files and Assistants resources: one object (bare or wrapped in
//! `{"data": ..}`), a list of objects (bare or wrapped), ids in paths and in answers, and
//! the cursor-paged listing (one page, or every page as a stream). Every unexpected shape is an [`ErrorKind::Decode`] with the status and
//! the raw body kept.

use serde::de::DeserializeOwned;
use serde_json::Value;

use llm_core::page::{paginate, with_query, Page, PageStream};

use crate::types::ListParams;
use crate::{ApiRequest, Error, ErrorKind, PeakPrivacy, RequestOptions, Result};

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

/// An item of a Files or Assistants answer: it must carry an id, or it cannot be used.
pub(crate) trait Identified: DeserializeOwned + Send + 'static {
    /// The item with its article, for messages (`"a file"`, `"an assistant"`).
    const ITEM: &'static str;

    /// The item's id (empty when the server sent none).
    fn id(&self) -> &str;
}

impl Identified for crate::FileObject {
    const ITEM: &'static str = "a file";

    fn id(&self) -> &str {
        &self.id
    }
}

impl Identified for crate::Assistant {
    const ITEM: &'static str = "an assistant";

    fn id(&self) -> &str {
        &self.id
    }
}

/// An [`unexpected`] error when any of `items` has no id.
pub(crate) fn check_ids<'t, T: Identified>(
    mut items: impl Iterator<Item = &'t T>,
    body: &[u8],
    status: u16,
) -> Result<()> {
    if items.any(|item| item.id().is_empty()) {
        return Err(unexpected(
            &format!("{} in the response has no id", T::ITEM),
            body,
            status,
        ));
    }
    Ok(())
}

/// `GET path?limit=&cursor=`: one page of items, each with an id.
pub(crate) async fn list_page<T: Identified>(
    client: &PeakPrivacy,
    path: &str,
    params: ListParams,
    options: RequestOptions,
) -> Result<Page<T>> {
    let path = with_query(
        path,
        &[
            ("limit", params.limit.map(|l| l.to_string())),
            ("cursor", params.cursor),
        ],
    );
    let transport = client.transport();
    let raw = transport
        .send(ApiRequest::get(path).options(options))
        .await?;
    Page::decode(&raw.body, raw.status)
        .and_then(|page: Page<T>| check_ids(page.data.iter(), &raw.body, raw.status).map(|()| page))
        .map_err(|err| transport.redact(err))
}

/// Every item of `path`, page after page from `params.cursor`, with `options` on every
/// page (see [`paginate`]).
pub(crate) fn page_stream<T: Identified>(
    client: &PeakPrivacy,
    path: &'static str,
    params: ListParams,
    options: RequestOptions,
) -> PageStream<T> {
    let client = client.clone();
    let first = params.cursor.clone();
    paginate(first, move |cursor| {
        let client = client.clone();
        let params = ListParams {
            cursor,
            ..params.clone()
        };
        let options = options.clone();
        async move { list_page(&client, path, params, options).await }
    })
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
