//! What the PeakPrivacy emulator keeps between requests: uploaded files and assistants,
//! in memory, in creation order, and the cursors of paginated lists.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use base64::Engine as _;
use bytes::Bytes;
use serde_json::{json, Value};

/// One uploaded file.
#[derive(Debug, Clone)]
pub(crate) struct StoredFile {
    pub(crate) seq: u64,
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) ext: String,
    pub(crate) mimetype: String,
    pub(crate) data: Bytes,
}

impl StoredFile {
    /// The file as the Files API answers it (`size` an integer).
    pub(crate) fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "name": self.name,
            "ext": self.ext,
            "size": self.data.len(),
            "mimetype": self.mimetype,
        })
    }

    /// The file as the Assistants API answers it (`size` a string, as documented).
    pub(crate) fn to_assistant_json(&self) -> Value {
        json!({
            "id": self.id,
            "name": self.name,
            "ext": self.ext,
            "size": self.data.len().to_string(),
            "mimetype": self.mimetype,
        })
    }
}

/// One assistant.
#[derive(Debug, Clone)]
pub(crate) struct StoredAssistant {
    pub(crate) seq: u64,
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) model: String,
    pub(crate) instructions: Option<String>,
    pub(crate) temperature: f64,
    pub(crate) anonymize: bool,
    pub(crate) file_ids: Vec<String>,
}

/// Files and assistants of one emulator.
#[derive(Debug, Default)]
pub(crate) struct Store {
    next_seq: u64,
    pub(crate) files: Vec<StoredFile>,
    pub(crate) assistants: Vec<StoredAssistant>,
}

impl Store {
    /// The next creation number (ordering and cursors).
    pub(crate) fn next_seq(&mut self) -> u64 {
        self.next_seq = self.next_seq.saturating_add(1);
        self.next_seq
    }

    pub(crate) fn file(&self, id: &str) -> Option<&StoredFile> {
        self.files.iter().find(|f| f.id == id)
    }
}

/// The store behind a mutex, shared by the routes and the emulator handle.
#[derive(Debug, Clone, Default)]
pub(crate) struct SharedStore(Arc<Mutex<Store>>);

impl SharedStore {
    pub(crate) fn lock(&self) -> MutexGuard<'_, Store> {
        // A panic while holding the lock cannot leave the store half-updated; keep serving.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A Laravel-like cursor: base64 of `{"seq": N, "_pointsToNextItems": true}`.
pub(crate) fn encode_cursor(seq: u64) -> String {
    let json = json!({ "seq": seq, "_pointsToNextItems": true }).to_string();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
}

/// The creation number a cursor points after, or `None` for a cursor we did not make.
pub(crate) fn decode_cursor(cursor: &str) -> Option<u64> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor.trim_end_matches('='))
        .ok()?;
    let value: Value = serde_json::from_slice(&bytes).ok()?;
    value.get("seq")?.as_u64()
}

/// One page of `items` (already in creation order) after the cursor, as Laravel's cursor
/// paginator answers it: `data`, `path`, `per_page`, `next_cursor`, `next_page_url`,
/// `prev_cursor`, `prev_page_url`.
pub(crate) fn cursor_page(
    items: &[(u64, Value)],
    after: Option<u64>,
    limit: usize,
    path: &str,
) -> Value {
    let rest: Vec<&(u64, Value)> = items
        .iter()
        .filter(|(seq, _)| after.is_none_or(|a| *seq > a))
        .collect();
    let page: Vec<&(u64, Value)> = rest.iter().take(limit).copied().collect();
    let next_cursor = if rest.len() > page.len() {
        page.last().map(|(seq, _)| encode_cursor(*seq))
    } else {
        None
    };
    let next_page_url = next_cursor
        .as_ref()
        .map(|c| format!("{path}?limit={limit}&cursor={c}"));
    json!({
        "data": page.iter().map(|(_, v)| v.clone()).collect::<Vec<_>>(),
        "path": path,
        "per_page": limit,
        "next_cursor": next_cursor,
        "next_page_url": next_page_url,
        "prev_cursor": null,
        "prev_page_url": null,
    })
}

/// A query parameter, form-urlencoded (`+` is a space, `%XX` a byte).
pub(crate) fn query_param(query: Option<&str>, key: &str) -> Option<String> {
    query?.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (decode_component(k) == key).then(|| decode_component(v))
    })
}

fn decode_component(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => match (
                bytes.get(i + 1).and_then(|b| hex(*b)),
                bytes.get(i + 2).and_then(|b| hex(*b)),
            ) {
                (Some(high), Some(low)) => {
                    out.push((high * 16 + low) as u8);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip() {
        assert_eq!(decode_cursor(&encode_cursor(42)), Some(42));
        assert_eq!(decode_cursor("not a cursor"), None);
    }

    #[test]
    fn query_params_are_decoded() {
        assert_eq!(
            query_param(Some("limit=2&cursor=a%3D+b"), "cursor").as_deref(),
            Some("a= b")
        );
        assert_eq!(query_param(Some("limit=2"), "cursor"), None);
        assert_eq!(query_param(Some("x=%4"), "x").as_deref(), Some("%4"));
    }
}
