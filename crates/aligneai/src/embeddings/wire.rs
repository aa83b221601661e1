//! `POST /embeddings` request body and the response shapes we accept.

use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::types::{EmbeddingRequest, EncodingFormat};

/// The request body: `{"inputs": [...], "model"?, "dimensions"?, "encoding_format"?}`.
#[derive(Debug, Serialize)]
pub(crate) struct RequestBody<'a> {
    pub(crate) inputs: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) model: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) dimensions: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) encoding_format: Option<&'static str>,
}

impl<'a> RequestBody<'a> {
    /// The body for `inputs` with the request's settings; with `defaults`, the unset
    /// `model`, `dimensions` and `encoding_format` are the crate's defaults.
    pub(crate) fn new(inputs: &'a [String], request: &'a EmbeddingRequest, defaults: bool) -> Self {
        Self {
            inputs,
            model: request
                .get_model()
                .or(defaults.then_some(super::DEFAULT_EMBEDDING_MODEL)),
            dimensions: request
                .get_dimensions()
                .or(defaults.then_some(super::DEFAULT_EMBEDDING_DIMENSIONS)),
            encoding_format: request
                .get_encoding_format()
                .or(defaults.then_some(super::DEFAULT_ENCODING_FORMAT))
                .map(EncodingFormat::as_str),
        }
    }
}

/// A vector as sent: a JSON array of numbers, or a base64 string of little-endian `f32`s.
#[derive(Debug, PartialEq)]
pub(crate) enum WireVector {
    Floats(Vec<f32>),
    Base64(String),
}

/// One item of `data` or `embeddings`: `{"embedding": <vector>, "index": n, ...}`, or a bare
/// vector (array or base64 string).
#[derive(Debug, PartialEq)]
pub(crate) struct WireItem {
    pub(crate) vector: WireVector,
    pub(crate) index: Option<usize>,
}

/// The object shape: OpenAI-style `data`, or an `embeddings` list.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct WireObject {
    pub(crate) data: Option<Vec<WireItem>>,
    pub(crate) embeddings: Option<Vec<WireItem>>,
    #[serde(deserialize_with = "llm_core::de::opt_string")]
    pub(crate) model: Option<String>,
    pub(crate) usage: Option<WireUsage>,
}

/// `usage` of an embeddings response.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct WireUsage {
    #[serde(deserialize_with = "llm_core::de::opt_u64")]
    pub(crate) prompt_tokens: Option<u64>,
    #[serde(deserialize_with = "llm_core::de::opt_u64")]
    pub(crate) total_tokens: Option<u64>,
}

struct VectorVisitor;

impl<'de> Visitor<'de> for VectorVisitor {
    type Value = WireVector;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of numbers or a base64 string")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<WireVector, A::Error> {
        let mut values = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 16));
        while let Some(v) = seq.next_element::<f32>()? {
            values.push(v);
        }
        Ok(WireVector::Floats(values))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<WireVector, E> {
        Ok(WireVector::Base64(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<WireVector, E> {
        Ok(WireVector::Base64(v))
    }
}

impl<'de> Deserialize<'de> for WireVector {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(VectorVisitor)
    }
}

struct ItemVisitor;

impl<'de> Visitor<'de> for ItemVisitor {
    type Value = WireItem;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an embedding object, an array of numbers or a base64 string")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<WireItem, A::Error> {
        let mut vector = None;
        let mut index = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "embedding" | "vector" if vector.is_none() => {
                    vector = Some(map.next_value::<WireVector>()?);
                }
                "index" => index = map.next_value::<Option<usize>>()?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let vector = vector.ok_or_else(|| de::Error::missing_field("embedding"))?;
        Ok(WireItem { vector, index })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<WireItem, A::Error> {
        Ok(WireItem {
            vector: VectorVisitor.visit_seq(seq)?,
            index: None,
        })
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<WireItem, E> {
        Ok(WireItem {
            vector: WireVector::Base64(v.to_owned()),
            index: None,
        })
    }
}

impl<'de> Deserialize<'de> for WireItem {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ItemVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_in_every_shape() {
        let items: Vec<WireItem> = serde_json::from_str(
            r#"[{"object":"embedding","embedding":[1,2.5],"index":1,"extra":{}},[3],"AAAAAA=="]"#,
        )
        .unwrap();
        assert_eq!(items[0].vector, WireVector::Floats(vec![1.0, 2.5]));
        assert_eq!(items[0].index, Some(1));
        assert_eq!(items[1].vector, WireVector::Floats(vec![3.0]));
        assert_eq!(items[2].vector, WireVector::Base64("AAAAAA==".into()));
    }

    #[test]
    fn request_body_leaves_out_unset_fields_without_defaults() {
        let inputs = vec!["a".to_owned()];
        let request = EmbeddingRequest::new("a").dimensions(64);
        let body = RequestBody::new(&inputs, &request, false);
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"inputs":["a"],"dimensions":64}"#
        );
    }

    #[test]
    fn request_body_fills_each_unset_field_with_its_default() {
        let inputs = vec!["a".to_owned()];
        let request = EmbeddingRequest::new("a").dimensions(64);
        let body = RequestBody::new(&inputs, &request, true);
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"inputs":["a"],"model":"nomic-embed-v1.5","dimensions":64,"encoding_format":"float"}"#
        );
        let request = EmbeddingRequest::new("a")
            .model("m")
            .dimensions(8)
            .encoding_format(crate::EncodingFormat::Base64);
        let body = RequestBody::new(&inputs, &request, true);
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"inputs":["a"],"model":"m","dimensions":8,"encoding_format":"base64"}"#
        );
    }
}
