//! `GET /models`: every accepted shape.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use aligneai::{ErrorKind, RequestOptions};
use serde_json::json;
use support::client;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn lists_models_in_every_shape() {
    for body in [
        json!({"object": "list", "data": [
            {"id": "nomic-embed-v1.5", "object": "model", "created": 1700000000, "owned_by": "aligneai"},
            {"id": "llama-3.1-8b-instruct", "object": "model", "extra": true}
        ]}),
        json!([{"id": "nomic-embed-v1.5"}, {"name": "llama-3.1-8b-instruct"}]),
        json!({"models": ["nomic-embed-v1.5", "llama-3.1-8b-instruct"]}),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/v1/models"))
            .and(header("API-Key", support::KEY))
            .respond_with(ResponseTemplate::new(200).set_body_json(body.clone()))
            .expect(1)
            .mount(&server)
            .await;
        let (client, _) = client(&server);
        let models = client
            .models()
            .list_with(RequestOptions::new())
            .await
            .unwrap();
        assert_eq!(
            models.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
            ["nomic-embed-v1.5", "llama-3.1-8b-instruct"],
            "{body}"
        );
    }
}

#[tokio::test]
async fn keeps_optional_model_fields() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [
            {"id": "m", "object": "model", "created": 5, "owned_by": "o"}
        ]})))
        .mount(&server)
        .await;
    let (client, _) = client(&server);
    let models = client.models().list().await.unwrap();
    let model = &models[0];
    assert_eq!(model.object, "model");
    assert_eq!(model.created, Some(5));
    assert_eq!(model.owned_by, "o");
}

#[tokio::test]
async fn an_unknown_shape_is_a_decode_error() {
    for body in [json!({"items": []}), json!(42), json!([{"title": "x"}])] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .mount(&server)
            .await;
        let (client, _) = client(&server);
        assert_eq!(
            client.models().list().await.unwrap_err().kind(),
            ErrorKind::Decode
        );
    }
}
