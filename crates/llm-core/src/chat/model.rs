//! [`Model`]: one entry of a provider's model list, and the tolerant list decoding.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{de, Error, ErrorKind, Result};

/// A model the account can use, as listed by a provider's `client.models().list()`.
/// Only `id` is guaranteed; the rest is kept when the server sends it.
///
/// ```
/// let model: llm_core::chat::Model = serde_json::from_str(
///     r#"{"id":"mistral-swiss","object":"model","created":0,"owned_by":"peakprivacy","max_tokens":32000}"#,
/// )?;
/// assert_eq!(model.id, "mistral-swiss");
/// assert_eq!(model.max_tokens, Some(32000));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Model {
    /// The id to put in a request's `model`.
    #[serde(default, deserialize_with = "de::string_or_null")]
    pub id: String,
    /// Creation time in Unix seconds, when sent.
    #[serde(default, deserialize_with = "de::opt_u64")]
    pub created: Option<u64>,
    /// The largest context (or answer) size in tokens, when sent (a PeakPrivacy extension
    /// of the OpenAI model object).
    #[serde(default, deserialize_with = "de::opt_u64")]
    pub max_tokens: Option<u64>,
    /// The object type, usually `"model"` (empty when not sent).
    #[serde(default, deserialize_with = "de::string_or_null")]
    pub object: String,
    /// The owner or vendor of the model (empty when not sent).
    #[serde(default, deserialize_with = "de::string_or_null")]
    pub owned_by: String,
}

impl Model {
    /// A model with only its id.
    ///
    /// ```
    /// let model = llm_core::chat::Model::new("mistral-swiss");
    /// assert_eq!((model.id.as_str(), model.max_tokens), ("mistral-swiss", None));
    /// ```
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            ..Self::default()
        }
    }
}

/// Decodes a model list in any of the shapes servers use: `{"data": [...]}` (OpenAI),
/// `{"models": [...]}` or a bare array, whose items are model objects (with `id`, or `name`
/// when there is no `id`) or bare id strings. Unknown fields are ignored.
///
/// # Errors
/// [`ErrorKind::Decode`] (with `status`) when the body is not JSON or none of these shapes,
/// or an item has no id.
///
/// ```
/// use llm_core::chat::decode_model_list;
///
/// let models = decode_model_list(br#"{"object":"list","data":[{"id":"a"},"b",{"name":"c"}]}"#, 200)?;
/// let ids: Vec<&str> = models.iter().map(|m| m.id.as_str()).collect();
/// assert_eq!(ids, ["a", "b", "c"]);
/// assert!(decode_model_list(br#"{"nope":1}"#, 200).unwrap_err().is_decode());
/// # Ok::<(), llm_core::Error>(())
/// ```
pub fn decode_model_list(body: &[u8], status: u16) -> Result<Vec<Model>> {
    let value: Value = crate::decode_json(body, status)?;
    let items = match value {
        Value::Array(items) => items,
        Value::Object(mut object) => {
            match object.remove("data").or_else(|| object.remove("models")) {
                Some(Value::Array(items)) => items,
                _ => {
                    return Err(shape_error(
                        status,
                        "an object without a `data` or `models` array",
                    ))
                }
            }
        }
        _ => return Err(shape_error(status, "neither an array nor an object")),
    };
    items
        .into_iter()
        .enumerate()
        .map(|(position, item)| {
            model(item).ok_or_else(|| {
                shape_error(
                    status,
                    &format!("model entry {position} has no `id` or `name`"),
                )
            })
        })
        .collect()
}

/// One list item: a model object (`id`, else `name`) or a bare id string.
fn model(item: Value) -> Option<Model> {
    match item {
        Value::String(id) => Some(Model::new(id)),
        Value::Object(mut object) => {
            let has_id = object.get("id").is_some_and(is_id);
            if !has_id {
                let name = object.remove("name").filter(is_id)?;
                object.insert("id".to_owned(), name);
            }
            serde_json::from_value(Value::Object(object)).ok()
        }
        _ => None,
    }
}

fn is_id(value: &Value) -> bool {
    matches!(value, Value::String(_) | Value::Number(_))
}

fn shape_error(status: u16, what: &str) -> Error {
    Error::with_message(
        ErrorKind::Decode,
        format!("the models response is not a model list: {what}"),
    )
    .with_status(status)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn every_shape() {
        let list = decode_model_list(
            br#"{"object":"list","data":[{"id":"a","created":1,"owned_by":"x","max_tokens":"8192"}]}"#,
            200,
        )
        .unwrap();
        assert_eq!(list[0].owned_by, "x");
        assert_eq!(list[0].max_tokens, Some(8192));
        let list = decode_model_list(br#"[{"name":"b"},"c",{"id":7}]"#, 200).unwrap();
        let ids: Vec<_> = list.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids, ["b", "c", "7"]);
        let list = decode_model_list(br#"{"models":["d"]}"#, 200).unwrap();
        assert_eq!(list[0].id, "d");
        assert!(decode_model_list(br#"{"nope":1}"#, 200)
            .unwrap_err()
            .is_decode());
        assert!(decode_model_list(br#"[{"x":1}]"#, 200)
            .unwrap_err()
            .is_decode());
        assert!(decode_model_list(br#"[true]"#, 200)
            .unwrap_err()
            .is_decode());
    }
}
