//! `GET /models`: `{"data": [...]}`, `{"models": [...]}` or a bare array; items are model
//! objects (`id` or `name`) or bare id strings.

use serde_json::Value;

use crate::types::{Model, ModelList};
use crate::{Error, ErrorKind, Result};

pub(crate) fn decode(body: &[u8], status: u16) -> Result<ModelList> {
    let value: Value = llm_core::decode_json(body, status)?;
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
    let data = items
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
        .collect::<Result<_>>()?;
    Ok(ModelList { data })
}

fn model(item: Value) -> Option<Model> {
    match item {
        Value::String(id) => Some(Model::with_id(id)),
        Value::Object(object) => {
            let text = |key: &str| match object.get(key) {
                Some(Value::String(s)) => Some(s.clone()),
                Some(Value::Number(n)) => Some(n.to_string()),
                _ => None,
            };
            let mut model = Model::with_id(text("id").or_else(|| text("name"))?);
            model.object = text("object");
            model.owned_by = text("owned_by");
            model.created = object.get("created").and_then(Value::as_u64);
            Some(model)
        }
        _ => None,
    }
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
    use super::*;

    #[test]
    fn every_shape() {
        let list = decode(
            br#"{"object":"list","data":[{"id":"a","created":1,"owned_by":"x"}]}"#,
            200,
        )
        .unwrap();
        assert_eq!(list.data[0].owned_by.as_deref(), Some("x"));
        let list = decode(br#"[{"name":"b"},"c"]"#, 200).unwrap();
        assert_eq!(list.ids().collect::<Vec<_>>(), ["b", "c"]);
        let list = decode(br#"{"models":["d"]}"#, 200).unwrap();
        assert_eq!(list.ids().collect::<Vec<_>>(), ["d"]);
        assert!(decode(br#"{"nope":1}"#, 200).unwrap_err().is_decode());
        assert!(decode(br#"[{"x":1}]"#, 200).unwrap_err().is_decode());
    }
}
