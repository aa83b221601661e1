//! The batching helper: splitting, order under concurrency, bounded concurrency, 413 splits,
//! failure ranges, one idempotency key per payload.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use aligneai::{BatchError, BatchOptions, EmbeddingRequest, ErrorKind, RequestOptions};
use serde_json::json;
use support::{client, inputs_of, vector_for};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

fn texts(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("text-{i}")).collect()
}

/// Answers with vectors derived from each input text, in reverse order with indices,
/// delayed so that later batches finish first.
struct Derived {
    batch_size: usize,
    batches: usize,
    step: Duration,
}

impl Respond for Derived {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let inputs = inputs_of(&request.body);
        let first: usize = inputs[0].rsplit('-').next().unwrap().parse().unwrap();
        let batch = first / self.batch_size;
        let data: Vec<_> = inputs
            .iter()
            .enumerate()
            .rev()
            .map(|(i, t)| json!({"index": i, "embedding": vector_for(t)}))
            .collect();
        let delay = self.step * (self.batches - batch) as u32;
        ResponseTemplate::new(200)
            .set_body_json(json!({"data": data, "model": "m", "usage": {"prompt_tokens": inputs.len(), "total_tokens": inputs.len()}}))
            .set_delay(delay)
    }
}

/// Answers 413 (or the given status/body) for batches larger than `max`, or containing
/// "poison"; vectors otherwise.
struct Limit {
    max: usize,
    status: u16,
    body: serde_json::Value,
}

impl Respond for Limit {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let inputs = inputs_of(&request.body);
        if inputs.len() > self.max || inputs.iter().any(|t| t.contains("poison")) {
            return ResponseTemplate::new(self.status).set_body_json(self.body.clone());
        }
        let data: Vec<_> = inputs.iter().map(|t| json!(vector_for(t))).collect();
        ResponseTemplate::new(200).set_body_json(json!({ "embeddings": data }))
    }
}

#[tokio::test]
async fn splits_into_batches_and_preserves_input_order_under_concurrency() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/embeddings"))
        .respond_with(Derived {
            batch_size: 4,
            batches: 6,
            step: Duration::from_millis(40),
        })
        .expect(6)
        .mount(&server)
        .await;
    let (client, _) = client(&server);
    let inputs = texts(22);
    let response = client
        .embeddings()
        .create_batched(
            EmbeddingRequest::new(inputs.clone()),
            BatchOptions::new().batch_size(4).concurrency(6),
        )
        .await
        .unwrap();
    assert_eq!(response.len(), 22);
    for (i, embedding) in response.data.iter().enumerate() {
        assert_eq!(embedding.index, i);
        assert_eq!(embedding.embedding, vector_for(&inputs[i]), "input {i}");
    }
    assert_eq!(response.usage.unwrap().total_tokens, Some(22));
    assert_eq!(response.model.as_deref(), Some("m"));
    let sizes: Vec<usize> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| inputs_of(&r.body).len())
        .collect();
    assert_eq!(sizes.iter().sum::<usize>(), 22);
    assert!(sizes.iter().all(|&s| s <= 4), "{sizes:?}");
    server.verify().await;
}

#[tokio::test]
async fn concurrency_bounds_requests_in_flight() {
    let server = MockServer::start().await;
    // Every batch takes 100 ms; with concurrency 2, six batches need at least 300 ms.
    struct Slow;
    impl Respond for Slow {
        fn respond(&self, request: &Request) -> ResponseTemplate {
            let inputs = inputs_of(&request.body);
            let data: Vec<_> = inputs.iter().map(|t| json!(vector_for(t))).collect();
            ResponseTemplate::new(200)
                .set_body_json(json!(data))
                .set_delay(Duration::from_millis(100))
        }
    }
    Mock::given(method("POST"))
        .respond_with(Slow)
        .expect(6)
        .mount(&server)
        .await;
    let (client, _) = client(&server);
    let started = Instant::now();
    let response = client
        .embeddings()
        .create_batched(
            EmbeddingRequest::new(texts(12)),
            BatchOptions::new().batch_size(2).concurrency(2),
        )
        .await
        .unwrap();
    assert_eq!(response.len(), 12);
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_413_batch_is_split_in_halves_until_it_fits() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(Limit {
            max: 2,
            status: 413,
            body: json!({"error": "Request Entity Too Large"}),
        })
        .mount(&server)
        .await;
    let (client, sleep) = client(&server);
    let inputs = texts(8);
    let response = client
        .embeddings()
        .create_batched(
            EmbeddingRequest::new(inputs.clone()),
            BatchOptions::new().batch_size(8),
        )
        .await
        .unwrap();
    let expected: Vec<Vec<f32>> = inputs.iter().map(|t| vector_for(t)).collect();
    assert_eq!(response.into_vectors(), expected);
    // 8 -> 413, 4 + 4 -> 413, 2 + 2 + 2 + 2 -> ok: 7 requests, and 413 is never retried.
    let sizes: Vec<usize> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| inputs_of(&r.body).len())
        .collect();
    assert_eq!(sizes, [8, 4, 2, 2, 4, 2, 2]);
    assert!(sleep.delays().is_empty());
}

#[tokio::test]
async fn a_400_or_422_saying_batch_too_large_is_split_too() {
    for (status, body) in [
        (400, json!({"error": "Batch too large: at most 3 inputs"})),
        (
            422,
            json!({"message": "Validation error", "errors": {"inputs": ["Too many inputs."]}}),
        ),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(Limit {
                max: 3,
                status,
                body,
            })
            .mount(&server)
            .await;
        let (client, _) = client(&server);
        let response = client
            .embeddings()
            .create_batched(
                EmbeddingRequest::new(texts(6)),
                BatchOptions::new().batch_size(6),
            )
            .await
            .unwrap();
        assert_eq!(response.len(), 6);
        assert_eq!(
            server.received_requests().await.unwrap().len(),
            3,
            "status {status}"
        );
    }
}

#[tokio::test]
async fn a_single_input_still_too_large_reports_its_index() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(Limit {
            max: 100,
            status: 413,
            body: json!({"error": "Request Entity Too Large"}),
        })
        .mount(&server)
        .await;
    let (client, _) = client(&server);
    let mut inputs = texts(4);
    inputs[2] = "poison".to_owned();
    let err = client
        .embeddings()
        .create_batched(
            EmbeddingRequest::new(inputs),
            BatchOptions::new().batch_size(4),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::PayloadTooLarge);
    assert_eq!(err.status(), Some(413));
    assert!(err.to_string().contains("inputs 2..3"), "{err}");
    let batch = BatchError::find(&err).unwrap();
    assert_eq!(batch.failed_inputs(), 2..3);
    assert_eq!(
        batch.error().api_message(),
        Some("Request Entity Too Large")
    );
    // 4 -> 413, [0,1] ok, [2,3] -> 413, [2] -> 413 (stop).
    assert_eq!(server.received_requests().await.unwrap().len(), 4);
}

#[tokio::test]
async fn a_failed_batch_reports_its_range_and_keeps_kind() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(Limit {
            max: 100,
            status: 500,
            body: json!({"error": "boom"}),
        })
        .mount(&server)
        .await;
    let (client, _) = client(&server);
    let mut inputs = texts(9);
    inputs[4] = "poison".to_owned();
    let err = client
        .embeddings()
        .create_batched_with(
            EmbeddingRequest::new(inputs),
            BatchOptions::new().batch_size(3).concurrency(1),
            RequestOptions::new().max_retries(0),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InternalServer);
    assert_eq!(err.status(), Some(500));
    let batch = BatchError::find(&err).unwrap();
    assert_eq!(batch.failed_inputs(), 3..6);
    // 500 is not a "too large" answer: no split. Batch 0 ok, batch 1 fails, batch 2 never sent.
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn splitting_can_be_turned_off() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(Limit {
            max: 2,
            status: 413,
            body: json!({}),
        })
        .expect(1)
        .mount(&server)
        .await;
    let (client, _) = client(&server);
    let err = client
        .embeddings()
        .create_batched(
            EmbeddingRequest::new(texts(4)),
            BatchOptions::new().batch_size(4).split_on_too_large(false),
        )
        .await
        .unwrap_err();
    assert_eq!(BatchError::find(&err).unwrap().failed_inputs(), 0..4);
}

#[tokio::test]
async fn a_batch_with_a_wrong_vector_count_is_a_decode_error_with_range() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([[1.0]])))
        .mount(&server)
        .await;
    let (client, _) = client(&server);
    let err = client
        .embeddings()
        .create_batched(
            EmbeddingRequest::new(texts(2)),
            BatchOptions::new().batch_size(2),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert_eq!(BatchError::find(&err).unwrap().failed_inputs(), 0..2);
}

#[tokio::test]
async fn zero_batch_size_or_concurrency_is_invalid() {
    let server = MockServer::start().await;
    let (client, _) = client(&server);
    for options in [
        BatchOptions::new().batch_size(0),
        BatchOptions::new().concurrency(0),
    ] {
        let err = client
            .embeddings()
            .create_batched(EmbeddingRequest::new("a"), options)
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    }
}

/// The `Idempotency-Key` of a received request.
fn key_of(request: &Request) -> Option<String> {
    request
        .headers
        .get("idempotency-key")
        .map(|v| v.to_str().unwrap().to_owned())
}

/// A server that honours idempotency keys: the first answer for a key is stored and replayed
/// for every later request with that key, whatever its body (as a real key-honouring API
/// does). Requests without a key are answered fresh.
#[derive(Default)]
struct Idempotent {
    stored: Mutex<HashMap<String, serde_json::Value>>,
}

impl Respond for Idempotent {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let fresh = || {
            let inputs = inputs_of(&request.body);
            let data: Vec<_> = inputs
                .iter()
                .enumerate()
                .map(|(i, t)| json!({"index": i, "embedding": vector_for(t)}))
                .collect();
            json!({ "data": data })
        };
        let body = match key_of(request) {
            Some(key) => self
                .stored
                .lock()
                .unwrap()
                .entry(key)
                .or_insert_with(fresh)
                .clone(),
            None => fresh(),
        };
        ResponseTemplate::new(200).set_body_json(body)
    }
}

#[tokio::test]
async fn a_key_honouring_server_returns_every_batch_its_own_vectors() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/embeddings"))
        .respond_with(Idempotent::default())
        .expect(4)
        .mount(&server)
        .await;
    let (client, _) = client(&server);
    let inputs = texts(40);
    let response = client
        .embeddings()
        .create_batched_with(
            EmbeddingRequest::new(inputs.clone()),
            BatchOptions::new().batch_size(10),
            RequestOptions::new().idempotency_key("job-1"),
        )
        .await
        .unwrap();
    assert_eq!(response.len(), 40);
    for (i, embedding) in response.data.iter().enumerate() {
        assert_eq!(embedding.embedding, vector_for(&inputs[i]), "input {i}");
    }
    server.verify().await;
}

#[tokio::test]
async fn every_batch_has_its_own_key_and_a_retry_reuses_it() {
    // The first attempt of the batch starting at text-10 fails with 503; the retry must
    // carry the key of that first attempt.
    struct FailOnce {
        failed: AtomicBool,
    }
    impl Respond for FailOnce {
        fn respond(&self, request: &Request) -> ResponseTemplate {
            let inputs = inputs_of(&request.body);
            if inputs[0] == "text-10" && !self.failed.swap(true, Ordering::SeqCst) {
                return ResponseTemplate::new(503).set_body_json(json!({"error": "busy"}));
            }
            let data: Vec<_> = inputs.iter().map(|t| json!(vector_for(t))).collect();
            ResponseTemplate::new(200).set_body_json(json!({ "embeddings": data }))
        }
    }
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(FailOnce {
            failed: AtomicBool::new(false),
        })
        .expect(5)
        .mount(&server)
        .await;
    let (client, sleep) = client(&server);
    let inputs = texts(40);
    let response = client
        .embeddings()
        .create_batched_with(
            EmbeddingRequest::new(inputs.clone()),
            BatchOptions::new().batch_size(10),
            RequestOptions::new().idempotency_key("job-2"),
        )
        .await
        .unwrap();
    let expected: Vec<Vec<f32>> = inputs.iter().map(|t| vector_for(t)).collect();
    assert_eq!(response.into_vectors(), expected);
    assert_eq!(sleep.delays().len(), 1, "one retry");

    let mut keys_by_first_input: HashMap<String, Vec<String>> = HashMap::new();
    for request in server.received_requests().await.unwrap() {
        let first = inputs_of(&request.body)[0].clone();
        keys_by_first_input
            .entry(first)
            .or_default()
            .push(key_of(&request).expect("every request has a key"));
    }
    // The retried batch sent the same key twice.
    assert_eq!(
        keys_by_first_input["text-10"],
        ["job-2-10-20", "job-2-10-20"]
    );
    let mut keys: Vec<&str> = keys_by_first_input
        .values()
        .map(|keys| keys[0].as_str())
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        ["job-2-0-10", "job-2-10-20", "job-2-20-30", "job-2-30-40"]
    );
}

#[tokio::test]
async fn split_halves_get_keys_of_their_own() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(Limit {
            max: 4,
            status: 413,
            body: json!({"error": "Request Entity Too Large"}),
        })
        .mount(&server)
        .await;
    let (client, _) = client(&server);
    let response = client
        .embeddings()
        .create_batched_with(
            EmbeddingRequest::new(texts(8)),
            BatchOptions::new().batch_size(8),
            // Given as a plain header, the key is derived all the same.
            RequestOptions::new().header("Idempotency-Key", "job-3"),
        )
        .await
        .unwrap();
    assert_eq!(response.len(), 8);
    let keys: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| key_of(r).unwrap())
        .collect();
    assert_eq!(keys, ["job-3-0-8", "job-3-0-4", "job-3-4-8"]);
}

#[tokio::test]
async fn without_a_key_no_key_is_sent() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(Idempotent::default())
        .expect(2)
        .mount(&server)
        .await;
    let (client, _) = client(&server);
    client
        .embeddings()
        .create_batched(
            EmbeddingRequest::new(texts(4)),
            BatchOptions::new().batch_size(2),
        )
        .await
        .unwrap();
    for request in server.received_requests().await.unwrap() {
        assert_eq!(key_of(&request), None);
    }
}
