//! Tolerant decoding of embeddings responses into vectors in input order.

use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine as _;

use super::wire::{WireItem, WireItems, WireObject, WireVector};
use crate::types::{Embedding, EmbeddingResponse, EmbeddingUsage};
use crate::{Error, ErrorKind, Result};

/// Which response shape to accept from `POST /embeddings`. The AligneAI response format is
/// not public, so the default ([`Auto`](Self::Auto)) accepts every shape below; force one
/// when you know what your deployment sends and want anything else to be an error.
///
/// In every shape a vector may be a JSON array of numbers or a base64 string of
/// little-endian `f32`s, and an item may be an object with `embedding` (and optional
/// `index`) or a bare vector.
///
/// ```
/// use aligneai::{AligneAI, EmbeddingsResponseFormat};
///
/// let client = AligneAI::builder()
///     .api_key("my-key")
///     .embeddings_response_format(EmbeddingsResponseFormat::Data)
///     .build()?;
/// # let _ = client;
/// # Ok::<(), aligneai::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EmbeddingsResponseFormat {
    /// Any of the shapes below, chosen by looking at the body.
    #[default]
    Auto,
    /// OpenAI-style `{"data": [{"embedding": [...], "index": 0}], "model": ..., "usage": ...}`.
    Data,
    /// `{"embeddings": [[...], ...]}` (with optional `model` and `usage`).
    Embeddings,
    /// A bare array of vectors: `[[...], ...]`.
    BareArray,
}

/// Standard base64, padding optional.
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Decodes `body` (a 2xx answer for `expected` inputs) into one vector per input, in input
/// order.
pub(crate) fn decode(
    body: &[u8],
    status: u16,
    format: EmbeddingsResponseFormat,
    expected: usize,
) -> Result<EmbeddingResponse> {
    let is_array = body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[');
    let (items, model, usage) = match (format, is_array) {
        (EmbeddingsResponseFormat::Auto | EmbeddingsResponseFormat::BareArray, true) => {
            let WireItems(items) = llm_core::decode_json(body, status)?;
            (items, None, None)
        }
        (EmbeddingsResponseFormat::BareArray, false) => {
            return Err(shape_error(status, "expected a bare array of vectors"));
        }
        (_, true) => return Err(shape_error(status, "expected a JSON object, got an array")),
        (format, false) => {
            let object: WireObject = llm_core::decode_json(body, status)?;
            let items = match format {
                EmbeddingsResponseFormat::Data => object.data,
                EmbeddingsResponseFormat::Embeddings => object.embeddings,
                _ => object.data.or(object.embeddings),
            };
            let items = items.map(|WireItems(items)| items).ok_or_else(|| {
                let wanted = match format {
                    EmbeddingsResponseFormat::Data => "`data`",
                    EmbeddingsResponseFormat::Embeddings => "`embeddings`",
                    _ => "`data` or `embeddings`",
                };
                shape_error(status, &format!("the object has no {wanted} array"))
            })?;
            let usage = object.usage.map(|u| EmbeddingUsage {
                prompt_tokens: u.prompt_tokens,
                total_tokens: u.total_tokens,
            });
            (items, object.model, usage)
        }
    };
    if items.len() != expected {
        return Err(Error::with_message(
            ErrorKind::Decode,
            format!(
                "the response has {} vectors for {expected} inputs",
                items.len()
            ),
        )
        .with_status(status));
    }
    let data = order(items, status)?;
    Ok(EmbeddingResponse { data, model, usage })
}

/// Puts items in input order: by `index` when every item has one, by position when none
/// has; a mix, a duplicate or an out-of-range index is an error.
fn order(items: Vec<WireItem>, status: u16) -> Result<Vec<Embedding>> {
    let n = items.len();
    let with_index = items.iter().filter(|i| i.index.is_some()).count();
    if with_index == 0 {
        return items
            .into_iter()
            .enumerate()
            .map(|(index, item)| {
                Ok(Embedding {
                    index,
                    embedding: vector(item.vector, index, status)?,
                })
            })
            .collect();
    }
    if with_index != n {
        return Err(shape_error(
            status,
            "some vectors have an `index` and some do not",
        ));
    }
    let mut slots: Vec<Option<Vec<f32>>> = vec![None; n];
    for item in items {
        let index = item.index.unwrap_or(usize::MAX);
        let slot = slots.get_mut(index).ok_or_else(|| {
            shape_error(
                status,
                &format!("vector index {index} is out of range for {n} inputs"),
            )
        })?;
        if slot.is_some() {
            return Err(shape_error(
                status,
                &format!("vector index {index} appears twice"),
            ));
        }
        *slot = Some(vector(item.vector, index, status)?);
    }
    Ok(slots
        .into_iter()
        .enumerate()
        .filter_map(|(index, v)| v.map(|embedding| Embedding { index, embedding }))
        .collect())
}

fn vector(vector: WireVector, index: usize, status: u16) -> Result<Vec<f32>> {
    match vector {
        WireVector::Floats(values) => Ok(values),
        WireVector::BadBase64(e) => Err(Error::with_source(
            ErrorKind::Decode,
            format!("vector {index} is not valid base64 of little-endian f32 values"),
            e,
        )
        .with_status(status)),
    }
}

/// Decodes base64 of little-endian `f32` bytes.
///
/// # Errors
/// [`ErrorKind::Decode`] for invalid base64 or a byte length that is not a multiple of 4.
pub(crate) fn decode_base64_f32(text: &str) -> Result<Vec<f32>> {
    let bytes = BASE64
        .decode(text.trim())
        .map_err(|e| Error::decode("invalid base64", e))?;
    if bytes.len() % 4 != 0 {
        return Err(Error::with_message(
            ErrorKind::Decode,
            format!("{} bytes is not a whole number of f32 values", bytes.len()),
        ));
    }
    Ok(bytes
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect())
}

fn shape_error(status: u16, what: &str) -> Error {
    Error::with_message(
        ErrorKind::Decode,
        format!("unexpected embeddings response shape: {what}"),
    )
    .with_status(status)
}

#[cfg(test)]
mod tests {
    use super::*;
    use EmbeddingsResponseFormat as F;

    fn b64(values: &[f32]) -> String {
        let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        BASE64.encode(bytes)
    }

    #[test]
    fn base64_roundtrip_and_bad_lengths() {
        assert_eq!(decode_base64_f32(&b64(&[1.5, -2.0])).unwrap(), [1.5, -2.0]);
        let bad = BASE64.encode([1u8, 2, 3, 4, 5]);
        assert!(decode_base64_f32(&bad).unwrap_err().is_decode());
        assert!(decode_base64_f32("***").unwrap_err().is_decode());
        // Unpadded is accepted.
        assert_eq!(
            decode_base64_f32(b64(&[1.0]).trim_end_matches('=')).unwrap(),
            [1.0]
        );
    }

    #[test]
    fn data_is_sorted_by_index() {
        let body = br#"{"data":[{"embedding":[2],"index":1},{"embedding":[1],"index":0}],"model":"m","usage":{"prompt_tokens":3,"total_tokens":3}}"#;
        let r = decode(body, 200, F::Auto, 2).unwrap();
        assert_eq!(r.into_vectors(), [vec![1.0], vec![2.0]]);
    }

    #[test]
    fn bad_indices() {
        for body in [
            &br#"{"data":[{"embedding":[2],"index":1},{"embedding":[1]}]}"#[..],
            br#"{"data":[{"embedding":[2],"index":0},{"embedding":[1],"index":0}]}"#,
            br#"{"data":[{"embedding":[2],"index":0},{"embedding":[1],"index":5}]}"#,
        ] {
            assert!(decode(body, 200, F::Auto, 2).unwrap_err().is_decode());
        }
    }

    #[test]
    fn forced_formats_reject_other_shapes() {
        let data = br#"{"data":[[1]]}"#;
        let embeddings = br#"{"embeddings":[[1]]}"#;
        let bare = b" [[1]]";
        assert!(decode(data, 200, F::Data, 1).is_ok());
        assert!(decode(embeddings, 200, F::Data, 1).is_err());
        assert!(decode(embeddings, 200, F::Embeddings, 1).is_ok());
        assert!(decode(data, 200, F::Embeddings, 1).is_err());
        assert!(decode(bare, 200, F::BareArray, 1).is_ok());
        assert!(decode(data, 200, F::BareArray, 1).is_err());
        assert!(decode(bare, 200, F::Data, 1).is_err());
    }

    #[test]
    fn count_mismatch() {
        let err = decode(b"[[1],[2]]", 200, F::Auto, 3).unwrap_err();
        assert!(err.is_decode());
        assert!(err.to_string().contains("2 vectors for 3 inputs"), "{err}");
    }
}
