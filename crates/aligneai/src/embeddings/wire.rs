//! `POST /embeddings` request body and the response shapes we accept.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use super::decode::decode_base64_f32;
use crate::types::{EmbeddingRequest, EncodingFormat};
use crate::Error;

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

/// A vector as decoded from the wire: the floats of a JSON array of numbers or of a base64
/// string of little-endian `f32`s, or why a base64 string did not decode (reported with
/// the vector's index once the items are in input order, see `decode::order`).
#[derive(Debug)]
pub(crate) enum WireVector {
    Floats(Vec<f32>),
    BadBase64(Error),
}

/// One item of `data` or `embeddings`: `{"embedding": <vector>, "index": n, ...}`, or a bare
/// vector (array or base64 string).
#[derive(Debug)]
pub(crate) struct WireItem {
    pub(crate) vector: WireVector,
    pub(crate) index: Option<usize>,
}

/// A list of items: a JSON array whose vectors are allocated at the length of the one
/// before (every vector of a response usually has the same length), so all but the first
/// are read without growing.
#[derive(Debug, Default)]
pub(crate) struct WireItems(pub(crate) Vec<WireItem>);

/// The object shape: OpenAI-style `data`, or an `embeddings` list.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct WireObject {
    pub(crate) data: Option<WireItems>,
    pub(crate) embeddings: Option<WireItems>,
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

/// The largest capacity reserved ahead for a vector, whatever the hint says (a hostile
/// first vector cannot make every later one reserve a huge buffer up front).
const MAX_RESERVE: usize = 1 << 16;

/// Reads one vector; `hint` is the length to reserve for a JSON array.
struct VectorVisitor {
    hint: usize,
}

impl<'de> Visitor<'de> for VectorVisitor {
    type Value = WireVector;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of numbers or a base64 string")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<WireVector, A::Error> {
        let hint = seq.size_hint().unwrap_or(self.hint).min(MAX_RESERVE);
        let mut values = Vec::with_capacity(hint);
        while let Some(v) = seq.next_element::<f32>()? {
            values.push(v);
        }
        Ok(WireVector::Floats(values))
    }

    /// Decodes the base64 text where it lies (borrowed from the body when it has no
    /// escapes), without copying it into a `String` first.
    fn visit_str<E: de::Error>(self, v: &str) -> Result<WireVector, E> {
        Ok(match decode_base64_f32(v) {
            Ok(values) => WireVector::Floats(values),
            Err(err) => WireVector::BadBase64(err),
        })
    }
}

/// The keys of an item object that matter, read without allocating.
enum Key {
    Vector,
    Index,
    Other,
}

struct KeyVisitor;

impl Visitor<'_> for KeyVisitor {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
        Ok(match v {
            "embedding" | "vector" => Key::Vector,
            "index" => Key::Index,
            _ => Key::Other,
        })
    }
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_identifier(KeyVisitor)
    }
}

/// Reads one item; `hint` as for [`VectorVisitor`].
#[derive(Clone, Copy)]
struct ItemSeed {
    hint: usize,
}

impl<'de> Visitor<'de> for ItemSeed {
    type Value = WireItem;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an embedding object, an array of numbers or a base64 string")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<WireItem, A::Error> {
        let mut vector = None;
        let mut index = None;
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::Vector if vector.is_none() => {
                    vector = Some(map.next_value_seed(VectorSeed { hint: self.hint })?);
                }
                Key::Index => index = map.next_value::<Option<usize>>()?,
                Key::Vector | Key::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let vector = vector.ok_or_else(|| de::Error::missing_field("embedding"))?;
        Ok(WireItem { vector, index })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<WireItem, A::Error> {
        Ok(WireItem {
            vector: VectorVisitor { hint: self.hint }.visit_seq(seq)?,
            index: None,
        })
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<WireItem, E> {
        Ok(WireItem {
            vector: VectorVisitor { hint: self.hint }.visit_str(v)?,
            index: None,
        })
    }
}

impl<'de> DeserializeSeed<'de> for ItemSeed {
    type Value = WireItem;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<WireItem, D::Error> {
        d.deserialize_any(self)
    }
}

/// As an item's vector (`next_value_seed` in [`ItemSeed::visit_map`]).
struct VectorSeed {
    hint: usize,
}

impl<'de> DeserializeSeed<'de> for VectorSeed {
    type Value = WireVector;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<WireVector, D::Error> {
        d.deserialize_any(VectorVisitor { hint: self.hint })
    }
}

impl<'de> Deserialize<'de> for WireItem {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        ItemSeed { hint: 0 }.deserialize(d)
    }
}

struct ItemsVisitor;

impl<'de> Visitor<'de> for ItemsVisitor {
    type Value = WireItems;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a sequence")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<WireItems, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 12));
        // The length of the last array read, and how many values may still be reserved
        // ahead: what has been read so far minus what was reserved, so a long first vector
        // followed by short ones cannot reserve more than twice the values actually sent.
        let (mut last, mut budget) = (0usize, 0usize);
        loop {
            let reserve = last.min(budget);
            let Some(item) = seq.next_element_seed(ItemSeed { hint: reserve })? else {
                break;
            };
            if let WireVector::Floats(values) = &item.vector {
                last = values.len();
                budget = (budget - reserve).saturating_add(values.len());
            }
            items.push(item);
        }
        Ok(WireItems(items))
    }
}

impl<'de> Deserialize<'de> for WireItems {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_seq(ItemsVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_in_every_shape() {
        let WireItems(items) = serde_json::from_str(
            r#"[{"object":"embedding","embedding":[1,2.5],"index":1,"extra":{}},[3],"AAAAAA==",{"vector":"AACAPw","embedding":[9]},"A"]"#,
        )
        .unwrap();
        let floats = |item: &WireItem| match &item.vector {
            WireVector::Floats(values) => Some(values.clone()),
            WireVector::BadBase64(_) => None,
        };
        assert_eq!(floats(&items[0]), Some(vec![1.0, 2.5]));
        assert_eq!(items[0].index, Some(1));
        assert_eq!(floats(&items[1]), Some(vec![3.0]));
        assert_eq!(items[1].index, None);
        assert_eq!(floats(&items[2]), Some(vec![0.0]));
        // The first of `vector` / `embedding` wins; unpadded base64 is accepted.
        assert_eq!(floats(&items[3]), Some(vec![1.0]));
        // Bad base64 is kept as an error for `decode::order` to report with its index.
        assert!(matches!(&items[4].vector, WireVector::BadBase64(e) if e.is_decode()));
    }

    #[test]
    fn later_vectors_reserve_the_first_ones_length() {
        let WireItems(items) =
            serde_json::from_str(r#"[[1,2,3],{"embedding":[4,5,6]},[7]]"#).unwrap();
        let capacity = |item: &WireItem| match &item.vector {
            WireVector::Floats(values) => values.capacity(),
            WireVector::BadBase64(_) => 0,
        };
        assert_eq!(capacity(&items[1]), 3);
        // A shorter vector still reads right (its capacity is only a reservation).
        assert!(matches!(&items[2].vector, WireVector::Floats(v) if v == &[7.0]));
    }

    #[test]
    fn short_vectors_after_a_long_one_reserve_little() {
        // 1000 values, then 50 vectors of one value: reserving 1000 for each would hold
        // 50,000 slots for 1,050 values.
        let long = vec!["1"; 1000].join(",");
        let body = format!("[[{long}]{}]", ",[2]".repeat(50));
        let WireItems(items) = serde_json::from_str(&body).unwrap();
        let reserved: usize = items
            .iter()
            .map(|item| match &item.vector {
                WireVector::Floats(values) => values.capacity(),
                WireVector::BadBase64(_) => 0,
            })
            .sum();
        assert_eq!(items.len(), 51);
        assert!(reserved <= 2 * 1050 + 1024, "{reserved} slots reserved");
    }

    #[test]
    fn escaped_base64_decodes_like_plain() {
        // `\/` is how some JSON encoders write `/`; the string is then not borrowed.
        let plain: WireItem = serde_json::from_str(r#""//8AAA==""#).unwrap();
        let escaped: WireItem = serde_json::from_str(r#""\/\/8AAA==""#).unwrap();
        let bits = |item: &WireItem| match &item.vector {
            WireVector::Floats(values) => values.iter().map(|v| v.to_bits()).collect(),
            WireVector::BadBase64(_) => Vec::new(),
        };
        assert_eq!(bits(&plain), [0x0000_ffff]);
        assert_eq!(bits(&plain), bits(&escaped));
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
