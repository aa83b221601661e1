//! Cursor pagination: one page of a list ([`Page`]) decoded from the shapes list endpoints
//! use, and an auto-paginating [`Stream`] over every item
//! ([`paginate`]).
//!
//! [`Page::decode`] accepts, in this order:
//!
//! - a bare JSON array: one page, no next page;
//! - an object with a `data` array (Laravel's cursor paginator and API resources), whose
//!   next cursor is the first of: a non-empty string `next_cursor`, `meta.next_cursor`,
//!   or the `cursor` query parameter of `next_page_url`, `links.next` or `meta.next_page_url`.
//!
//! ```
//! use llm_core::page::Page;
//!
//! let body = br#"{"data":[1,2],"per_page":2,"next_cursor":"eyJpZCI6Mn0","next_page_url":null}"#;
//! let page: Page<u32> = Page::decode(body, 200)?;
//! assert_eq!(page.data, [1, 2]);
//! assert_eq!(page.next_cursor.as_deref(), Some("eyJpZCI6Mn0"));
//!
//! let page: Page<u32> = Page::decode(br#"{"data":[3],"next_page_url":"https://x/v1/files?cursor=abc%3D"}"#, 200)?;
//! assert_eq!(page.next_cursor.as_deref(), Some("abc="));
//!
//! let page: Page<u32> = Page::decode(b"[4,5]", 200)?;
//! assert_eq!((page.data.len(), page.next_cursor), (2, None));
//! # Ok::<(), llm_core::Error>(())
//! ```

use std::collections::{HashSet, VecDeque};
use std::future::Future;
use std::pin::Pin;

use futures_core::Stream;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::{Error, ErrorKind, Result};

/// One page of a cursor-paginated list.
///
/// ```
/// let page = llm_core::page::Page::new(vec!["a"], Some("c2".to_owned()));
/// assert!(page.has_next());
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items of this page.
    pub data: Vec<T>,
    /// The cursor of the next page (`None` on the last page).
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// A page of `data` with the cursor of the next page.
    ///
    /// ```
    /// let page = llm_core::page::Page::new(vec![1], None);
    /// assert!(!page.has_next());
    /// ```
    pub fn new(data: Vec<T>, next_cursor: Option<String>) -> Self {
        Self { data, next_cursor }
    }

    /// Whether the server said there is a next page.
    ///
    /// ```
    /// assert!(!llm_core::page::Page::<u8>::new(vec![], None).has_next());
    /// ```
    pub fn has_next(&self) -> bool {
        self.next_cursor.is_some()
    }
}

impl<T: DeserializeOwned> Page<T> {
    /// Decodes a list response (see the [module docs](self) for the accepted shapes).
    ///
    /// # Errors
    /// [`ErrorKind::Decode`] with the status and the raw body kept
    /// ([`Error::raw_body`]) when the body is not JSON, has no item list, or an item does
    /// not decode as `T`.
    ///
    /// ```
    /// use llm_core::{page::Page, ErrorKind};
    /// let err = Page::<u32>::decode(br#"{"files":"?"}"#, 200).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::Decode);
    /// assert_eq!(err.raw_body(), Some(r#"{"files":"?"}"#));
    /// ```
    pub fn decode(body: &[u8], status: u16) -> Result<Self> {
        let unexpected = |what: &str| {
            Error::with_message(ErrorKind::Decode, what.to_owned())
                .with_status(status)
                .with_raw_body(body)
        };
        let value: Value = serde_json::from_slice(body).map_err(|e| {
            Error::decode("the response body is not JSON where a list was expected", e)
                .with_status(status)
                .with_raw_body(body)
        })?;
        let (items, next_cursor) = match value {
            Value::Array(items) => (items, None),
            Value::Object(mut object) => {
                let next = next_cursor(&object);
                match object.remove("data") {
                    Some(Value::Array(items)) => (items, next),
                    _ => return Err(unexpected("the response has no list of items (`data`)")),
                }
            }
            _ => return Err(unexpected("the response body is not a list")),
        };
        let data = items
            .into_iter()
            .map(serde_json::from_value)
            .collect::<std::result::Result<Vec<T>, _>>()
            .map_err(|e| {
                Error::decode("an item of the list has an unexpected shape", e)
                    .with_status(status)
                    .with_raw_body(body)
            })?;
        Ok(Self { data, next_cursor })
    }
}

/// The next cursor of a list object, wherever a known paginator puts it.
fn next_cursor(object: &serde_json::Map<String, Value>) -> Option<String> {
    let text = |value: Option<&Value>| {
        value
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let meta = object.get("meta");
    text(object.get("next_cursor"))
        .or_else(|| text(meta.and_then(|m| m.get("next_cursor"))))
        .or_else(|| {
            [
                object.get("next_page_url"),
                object.get("links").and_then(|l| l.get("next")),
                meta.and_then(|m| m.get("next_page_url")),
            ]
            .into_iter()
            .find_map(|url| cursor_in_url(text(url)?.as_str()))
        })
}

/// The `cursor` query parameter of an absolute or relative URL.
fn cursor_in_url(url: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    let query = query.split('#').next().unwrap_or(query);
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(key, _)| key == "cursor")
        .map(|(_, value)| value.into_owned())
        .filter(|value| !value.is_empty())
}

/// `path` with `pairs` appended as a query string (form-urlencoded; `None` values are
/// left out).
///
/// ```
/// let path = llm_core::page::with_query("files", &[("limit", Some("20".into())), ("cursor", Some("a b=".into())), ("x", None)]);
/// assert_eq!(path, "files?limit=20&cursor=a+b%3D");
/// assert_eq!(llm_core::page::with_query("files", &[("cursor", None)]), "files");
/// ```
pub fn with_query(path: &str, pairs: &[(&str, Option<String>)]) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    let mut any = false;
    for (key, value) in pairs {
        if let Some(value) = value {
            query.append_pair(key, value);
            any = true;
        }
    }
    if any {
        format!("{path}?{}", query.finish())
    } else {
        path.to_owned()
    }
}

/// A stream of every item of a paginated list, from [`paginate`].
pub type PageStream<T> = Pin<Box<dyn Stream<Item = Result<T>> + Send>>;

/// Every item of a cursor-paginated list, fetching pages on demand: `fetch(cursor)` gets
/// the page at `cursor` (`first` for the first page), and the stream follows each page's
/// `next_cursor` until a page has none or is empty. An error ends the stream after it is
/// yielded. A cursor the server already sent is an [`ErrorKind::Decode`] error (after
/// that page's items), so a server that repeats itself cannot make the stream loop
/// forever. Nothing is fetched until the stream is polled; dropping it stops fetching.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> llm_core::Result<()> {
/// use futures_util::TryStreamExt;
/// use llm_core::page::{paginate, Page};
///
/// let items: Vec<u32> = paginate(None, |cursor: Option<String>| async move {
///     Ok(match cursor.as_deref() {
///         None => Page::new(vec![1, 2], Some("p2".to_owned())),
///         Some("p2") => Page::new(vec![3], Some("p3".to_owned())),
///         _ => Page::new(vec![4], None),
///     })
/// })
/// .try_collect()
/// .await?;
/// assert_eq!(items, [1, 2, 3, 4]);
/// # Ok(()) }
/// ```
pub fn paginate<T, F, Fut>(first: Option<String>, fetch: F) -> PageStream<T>
where
    T: Send + 'static,
    F: FnMut(Option<String>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Page<T>>> + Send + 'static,
{
    let state = State {
        fetch,
        next: Some(first),
        buffer: VecDeque::new(),
        seen: HashSet::new(),
        pending_error: None,
    };
    Box::pin(futures_util::stream::unfold(
        state,
        |mut state| async move {
            loop {
                if let Some(item) = state.buffer.pop_front() {
                    return Some((Ok(item), state));
                }
                if let Some(error) = state.pending_error.take() {
                    state.next = None;
                    return Some((Err(error), state));
                }
                let cursor = state.next.take()?;
                match (state.fetch)(cursor).await {
                    Err(error) => return Some((Err(error), state)),
                    Ok(page) => {
                        if !page.data.is_empty() {
                            if let Some(next) = page.next_cursor {
                                if state.seen.insert(next.clone()) {
                                    state.next = Some(Some(next));
                                } else {
                                    state.pending_error = Some(Error::with_message(
                                        ErrorKind::Decode,
                                        "the server sent a next-page cursor it had sent before",
                                    ));
                                }
                            }
                        }
                        state.buffer.extend(page.data);
                    }
                }
            }
        },
    ))
}

/// The state of [`paginate`]: `next` is `None` when the list is done, `Some(cursor)` for
/// the page to fetch next (`Some(None)`: the first page, without a cursor).
struct State<T, F> {
    fetch: F,
    next: Option<Option<String>>,
    buffer: VecDeque<T>,
    seen: HashSet<String>,
    pending_error: Option<Error>,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use futures_util::StreamExt;

    #[test]
    fn cursor_locations() {
        let decode = |s: &str| Page::<u8>::decode(s.as_bytes(), 200).unwrap().next_cursor;
        assert_eq!(
            decode(r#"{"data":[],"meta":{"next_cursor":"m"}}"#).as_deref(),
            Some("m")
        );
        assert_eq!(
            decode(r#"{"data":[],"links":{"next":"/v1/files?limit=2&cursor=l1"}}"#).as_deref(),
            Some("l1")
        );
        assert_eq!(decode(r#"{"data":[],"next_cursor":""}"#), None);
        assert_eq!(
            decode(r#"{"data":[],"next_cursor":null,"next_page_url":null}"#),
            None
        );
    }

    #[test]
    fn bad_items_keep_the_body() {
        let err = Page::<u8>::decode(br#"{"data":["x"]}"#, 200).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Decode);
        assert_eq!(err.raw_body(), Some(r#"{"data":["x"]}"#));
        assert_eq!(err.status(), Some(200));
        assert!(Page::<u8>::decode(b"<html>", 200)
            .unwrap_err()
            .raw_body()
            .is_some());
    }

    #[tokio::test]
    async fn repeated_cursor_is_an_error_not_a_loop() {
        let items: Vec<_> = paginate(None, |_| async {
            Ok(Page::new(vec![1u8], Some("same".to_owned())))
        })
        .collect()
        .await;
        assert_eq!(items.len(), 3);
        assert!(items[0].is_ok() && items[1].is_ok());
        assert_eq!(items[2].as_ref().unwrap_err().kind(), ErrorKind::Decode);
    }

    #[tokio::test]
    async fn error_ends_the_stream() {
        let mut calls = 0;
        let items: Vec<_> = paginate(None, move |_| {
            calls += 1;
            let call = calls;
            async move {
                if call == 1 {
                    Ok(Page::new(vec![1u8], Some("c".to_owned())))
                } else {
                    Err(Error::timeout("t"))
                }
            }
        })
        .collect()
        .await;
        assert_eq!(items.len(), 2);
        assert!(items[1].is_err());
    }

    #[tokio::test]
    async fn empty_page_ends_even_with_a_cursor() {
        let items: Vec<_> = paginate(None, |_| async {
            Ok(Page::<u8>::new(vec![], Some("c".into())))
        })
        .collect()
        .await;
        assert!(items.is_empty());
    }
}
