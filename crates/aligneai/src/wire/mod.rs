//! JSON shapes on the wire (crate-private), kept apart from the public types so the
//! public API does not change when the (unverified) wire format does.
//!
//! Every incoming shape ignores unknown fields, and scalar fields are read leniently
//! (a number where a string was expected, or the reverse, is kept rather than failing).

pub(crate) mod chat;
pub(crate) mod embeddings;
pub(crate) mod models;

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// A string field that may arrive as a string or a number; anything else reads as absent.
pub(crate) fn lenient_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::String(s)) => Some(s),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    })
}

/// An unsigned count that may arrive as an integer, a float or a numeric string;
/// anything else reads as absent.
pub(crate) fn lenient_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Number(n)) => n
            .as_u64()
            .or_else(|| n.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64)),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    })
}
