//! `POST /v1/embeddings`: deterministic vectors, float or base64, batch limit, optionally
//! required `model`, `dimensions` and `encoding_format`.

use base64::Engine as _;
use hyper::StatusCode;
use serde_json::{json, Map, Value};

use super::{AligneAIApi, DEFAULT_DIMENSIONS};
use crate::chat::count_tokens;
use crate::ids::{stable_hash, SplitMix64};
use crate::reply::{parse_object, FieldErrors, Reply};

/// The model named in answers when the request names none.
const DEFAULT_MODEL: &str = "nomic-embed-v1.5";
/// Largest `dimensions` accepted.
const MAX_DIMENSIONS: u64 = 4096;

/// A unit vector seeded by the text: the same text always gives the same vector, and a
/// shorter vector is (before normalisation) a prefix of a longer one.
pub(super) fn vector(text: &str, dimensions: usize) -> Vec<f32> {
    let mut rng = SplitMix64::new(stable_hash(text.as_bytes()));
    let mut values: Vec<f32> = (0..dimensions).map(|_| rng.next_signed_unit()).collect();
    let norm = values.iter().map(|v| v * v).sum::<f32>().sqrt();
    if norm > 0.0 {
        values.iter_mut().for_each(|v| *v /= norm);
    }
    values
}

pub(super) fn create(api: &AligneAIApi, body: &[u8]) -> Reply {
    match try_create(api, body) {
        Ok(reply) | Err(reply) => reply,
    }
}

fn try_create(api: &AligneAIApi, body: &[u8]) -> Result<Reply, Reply> {
    let body = parse_object(body)?;
    let mut errors = FieldErrors::default();
    let inputs = parse_inputs(&body, &mut errors);
    if let Some(max) = api.max_batch_size {
        if inputs.len() > max {
            return Err(Reply::error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "Request Entity Too Large",
            ));
        }
    }
    let required = api.require_embedding_fields;
    let model = crate::chat::parse_model(&body, required, &mut errors);
    let dimensions = parse_dimensions(&body, required, &mut errors);
    let base64 = match body.get("encoding_format") {
        None | Some(Value::Null) if required => {
            errors.add("encoding_format", "The encoding format field is required.");
            false
        }
        None | Some(Value::Null) => false,
        Some(Value::String(format)) if format == "float" => false,
        Some(Value::String(format)) if format == "base64" => true,
        Some(_) => {
            errors.add(
                "encoding_format",
                "The selected encoding format is invalid.",
            );
            false
        }
    };
    errors.check()?;

    let data: Vec<Value> = inputs
        .iter()
        .enumerate()
        .map(|(index, text)| {
            let vector = vector(text, dimensions);
            let embedding = if base64 {
                let bytes: Vec<u8> = vector.iter().flat_map(|v| v.to_le_bytes()).collect();
                Value::from(base64::engine::general_purpose::STANDARD.encode(bytes))
            } else {
                Value::from(vector)
            };
            json!({ "object": "embedding", "index": index, "embedding": embedding })
        })
        .collect();
    let tokens: u64 = inputs.iter().map(|text| count_tokens(text)).sum();
    Ok(Reply::ok(json!({
        "object": "list",
        "data": data,
        "model": model.as_deref().unwrap_or(DEFAULT_MODEL),
        "usage": { "prompt_tokens": tokens, "total_tokens": tokens },
    })))
}

fn parse_inputs(body: &Map<String, Value>, errors: &mut FieldErrors) -> Vec<String> {
    let items = match body.get("inputs") {
        Some(Value::Array(items)) if !items.is_empty() => items,
        Some(Value::Array(_)) | None | Some(Value::Null) => {
            errors.add("inputs", "The inputs field is required.");
            return Vec::new();
        }
        Some(_) => {
            errors.add("inputs", "The inputs field must be an array.");
            return Vec::new();
        }
    };
    let mut inputs = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        match item {
            Value::String(text) => inputs.push(text.clone()),
            _ => errors.add(
                &format!("inputs.{index}"),
                &format!("The inputs.{index} field must be a string."),
            ),
        }
    }
    inputs
}

fn parse_dimensions(body: &Map<String, Value>, required: bool, errors: &mut FieldErrors) -> usize {
    match body.get("dimensions") {
        None | Some(Value::Null) if required => {
            errors.add("dimensions", "The dimensions field is required.");
            DEFAULT_DIMENSIONS
        }
        None | Some(Value::Null) => DEFAULT_DIMENSIONS,
        Some(Value::Number(n)) => match n.as_u64() {
            Some(d @ 1..=MAX_DIMENSIONS) => d as usize,
            _ => {
                errors.add(
                    "dimensions",
                    &format!("The dimensions field must be between 1 and {MAX_DIMENSIONS}."),
                );
                DEFAULT_DIMENSIONS
            }
        },
        Some(_) => {
            errors.add("dimensions", "The dimensions field must be an integer.");
            DEFAULT_DIMENSIONS
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors_are_deterministic_unit_vectors() {
        let a = vector("hello", 64);
        assert_eq!(a, vector("hello", 64));
        assert_ne!(a, vector("hello!", 64));
        let norm: f32 = a.iter().map(|v| v * v).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-5);
    }
}
