//! `POST /embeddings`: request bodies (with and without the default fields), every response
//! shape, base64, validation.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use aligneai::retry::RecordingSleep;
use aligneai::{EmbeddingRequest, EmbeddingsResponseFormat, EncodingFormat, ErrorKind};
use serde_json::json;
use support::{b64, client, data_body};
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn answer(server: &MockServer, body: serde_json::Value) {
    Mock::given(method("POST"))
        .and(path("/v1/embeddings"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(server)
        .await;
}

#[tokio::test]
async fn sends_all_fields_and_reads_data_model_usage() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/embeddings"))
        .and(body_json(json!({
            "inputs": ["alpha", "beta"], "model": "nomic-embed-v1.5",
            "dimensions": 64, "encoding_format": "float"
        })))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(data_body(&[vec![0.5, 1.0], vec![2.0, -1.5]])),
        )
        .expect(1)
        .mount(&server)
        .await;
    let (client, _) = client(&server);
    let request = EmbeddingRequest::new(vec!["alpha", "beta"])
        .model("nomic-embed-v1.5")
        .dimensions(64)
        .encoding_format(EncodingFormat::Float);
    let response = client.embeddings().create(request).await.unwrap();
    assert_eq!(response.len(), 2);
    assert_eq!(response.data[1].index, 1);
    assert_eq!(response.data[1].embedding, [2.0, -1.5]);
    assert_eq!(response.model.as_deref(), Some("nomic-embed-v1.5"));
    let usage = response.usage.unwrap();
    assert_eq!(
        (usage.prompt_tokens, usage.total_tokens),
        (Some(3), Some(3))
    );
}

#[tokio::test]
async fn single_string_input_gets_the_sister_sdk_defaults() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/embeddings"))
        .and(body_json(json!({
            "inputs": ["only one"], "model": "nomic-embed-v1.5",
            "dimensions": 768, "encoding_format": "float"
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"embeddings": [[1, 2, 3]]})))
        .expect(1)
        .mount(&server)
        .await;
    let (client, _) = client(&server);
    let response = client
        .embeddings()
        .create(EmbeddingRequest::new("only one"))
        .await
        .unwrap();
    assert_eq!(response.into_vectors(), [vec![1.0, 2.0, 3.0]]);
}

#[tokio::test]
async fn batched_requests_get_the_defaults_too() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/embeddings"))
        .and(body_json(json!({
            "inputs": ["a"], "model": "nomic-embed-v1.5",
            "dimensions": 32, "encoding_format": "float"
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([[1.0]])))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/embeddings"))
        .and(body_json(json!({
            "inputs": ["b"], "model": "nomic-embed-v1.5",
            "dimensions": 32, "encoding_format": "float"
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([[2.0]])))
        .mount(&server)
        .await;
    let (client, _) = client(&server);
    let response = client
        .embeddings()
        .create_batched(
            EmbeddingRequest::new(["a", "b"]).dimensions(32),
            aligneai::BatchOptions::new().batch_size(1),
        )
        .await
        .unwrap();
    assert_eq!(response.into_vectors(), [vec![1.0], vec![2.0]]);
}

#[tokio::test]
async fn without_embedding_defaults_only_the_set_fields_are_sent() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/embeddings"))
        .and(body_json(json!({"inputs": ["only one"]})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"embeddings": [[1.0]]})))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/embeddings"))
        .and(body_json(json!({"inputs": ["x"], "dimensions": 64})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"embeddings": [[2.0]]})))
        .expect(1)
        .mount(&server)
        .await;
    let sleep = RecordingSleep::default();
    let client = support::builder(&server, &sleep)
        .embedding_defaults(false)
        .build()
        .unwrap();
    let embeddings = client.embeddings();
    let response = embeddings
        .create(EmbeddingRequest::new("only one"))
        .await
        .unwrap();
    assert_eq!(response.into_vectors(), [vec![1.0]]);
    let batched = embeddings
        .create_batched(
            EmbeddingRequest::new("only one"),
            aligneai::BatchOptions::new(),
        )
        .await
        .unwrap();
    assert_eq!(batched.into_vectors(), [vec![1.0]]);
    let set = embeddings
        .create(EmbeddingRequest::new("x").dimensions(64))
        .await
        .unwrap();
    assert_eq!(set.into_vectors(), [vec![2.0]]);
    server.verify().await;
}

#[tokio::test]
async fn data_out_of_order_is_sorted_by_index() {
    let server = MockServer::start().await;
    answer(
        &server,
        json!({"data": [
            {"embedding": [2.0], "index": 2},
            {"embedding": [0.0], "index": 0},
            {"embedding": [1.0], "index": 1}
        ]}),
    )
    .await;
    let (client, _) = client(&server);
    let response = client
        .embeddings()
        .create(EmbeddingRequest::new(["a", "b", "c"]))
        .await
        .unwrap();
    assert_eq!(response.into_vectors(), [vec![0.0], vec![1.0], vec![2.0]]);
}

#[tokio::test]
async fn embeddings_key_shape_and_bare_array_shape() {
    for body in [
        json!({"embeddings": [[1.0], [2.0]], "model": "m", "usage": {"total_tokens": 9}}),
        json!([[1.0], [2.0]]),
        json!({"data": [[1.0], [2.0]]}),
    ] {
        let server = MockServer::start().await;
        answer(&server, body.clone()).await;
        let (client, _) = client(&server);
        let response = client
            .embeddings()
            .create(EmbeddingRequest::new(["a", "b"]))
            .await
            .unwrap();
        assert_eq!(
            response.vectors().collect::<Vec<_>>(),
            [&[1.0][..], &[2.0][..]],
            "{body}"
        );
    }
}

#[tokio::test]
async fn base64_is_requested_and_decoded_little_endian() {
    let server = MockServer::start().await;
    let v0 = [0.25f32, -1.0, 3.5];
    let v1 = [f32::MAX, 0.0, 1e-7];
    Mock::given(method("POST"))
        .and(path("/v1/embeddings"))
        .and(body_json(json!({
            "inputs": ["x", "y"], "encoding_format": "base64",
            "model": "nomic-embed-v1.5", "dimensions": 768
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [
            {"object": "embedding", "index": 1, "embedding": b64(&v1)},
            {"object": "embedding", "index": 0, "embedding": b64(&v0)}
        ]})))
        .expect(1)
        .mount(&server)
        .await;
    let (client, _) = client(&server);
    let request = EmbeddingRequest::new(["x", "y"]).encoding_format(EncodingFormat::Base64);
    let response = client.embeddings().create(request).await.unwrap();
    assert_eq!(response.into_vectors(), [v0.to_vec(), v1.to_vec()]);
}

#[tokio::test]
async fn base64_in_embeddings_and_bare_shapes() {
    for body in [json!({"embeddings": [b64(&[1.5])]}), json!([b64(&[1.5])])] {
        let server = MockServer::start().await;
        answer(&server, body).await;
        let (client, _) = client(&server);
        let response = client
            .embeddings()
            .create(EmbeddingRequest::new("a"))
            .await
            .unwrap();
        assert_eq!(response.into_vectors(), [vec![1.5]]);
    }
}

#[tokio::test]
async fn base64_with_a_partial_float_is_a_decode_error() {
    use base64::Engine as _;
    let server = MockServer::start().await;
    let odd = base64::engine::general_purpose::STANDARD.encode([0u8, 0, 128, 63, 1, 2]);
    answer(&server, json!({"data": [{"embedding": odd, "index": 0}]})).await;
    let (client, _) = client(&server);
    let err = client
        .embeddings()
        .create(EmbeddingRequest::new("a"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert_eq!(err.status(), Some(200));
    assert!(err.to_string().contains("vector 0"), "{err}");
}

#[tokio::test]
async fn vector_count_mismatch_is_a_decode_error() {
    let server = MockServer::start().await;
    answer(&server, data_body(&[vec![1.0], vec![2.0]])).await;
    let (client, _) = client(&server);
    let err = client
        .embeddings()
        .create(EmbeddingRequest::new(["a", "b", "c"]))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.to_string().contains("2 vectors for 3 inputs"), "{err}");
}

#[tokio::test]
async fn unknown_shapes_and_bad_json_are_decode_errors() {
    for body in [
        json!({"vectors": [[1.0]]}),
        json!({"data": [{"index": 0}]}),
        json!({"data": [[1, "x"]]}),
        json!("nope"),
    ] {
        let server = MockServer::start().await;
        answer(&server, body.clone()).await;
        let (client, _) = client(&server);
        let err = client
            .embeddings()
            .create(EmbeddingRequest::new("a"))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Decode, "{body}");
    }
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string("<html>oops</html>"))
        .mount(&server)
        .await;
    let (client, _) = client(&server);
    let err = client
        .embeddings()
        .create(EmbeddingRequest::new("a"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
}

#[tokio::test]
async fn forced_response_format_rejects_other_shapes() {
    let server = MockServer::start().await;
    answer(&server, json!({"embeddings": [[1.0]]})).await;
    let sleep = RecordingSleep::default();
    let forced = support::builder(&server, &sleep)
        .embeddings_response_format(EmbeddingsResponseFormat::Data)
        .build()
        .unwrap();
    let err = forced
        .embeddings()
        .create(EmbeddingRequest::new("a"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.to_string().contains("`data`"), "{err}");
    let matching = support::builder(&server, &sleep)
        .embeddings_response_format(EmbeddingsResponseFormat::Embeddings)
        .build()
        .unwrap();
    assert!(matching
        .embeddings()
        .create(EmbeddingRequest::new("a"))
        .await
        .is_ok());
}

#[tokio::test]
async fn invalid_requests_are_rejected_before_sending() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let (client, _) = client(&server);
    let cases = [
        (EmbeddingRequest::new(Vec::<String>::new()), "at least one"),
        (EmbeddingRequest::new(["ok", ""]), "inputs[1]"),
        (EmbeddingRequest::new("ok").dimensions(0), "dimensions"),
        (EmbeddingRequest::new("ok").model(" "), "model"),
    ];
    for (request, needle) in cases {
        let err = client
            .embeddings()
            .create(request.clone())
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest);
        assert!(err.to_string().contains(needle), "{err}");
        let err = client
            .embeddings()
            .create_batched(request, aligneai::BatchOptions::new())
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    }
    server.verify().await;
}
