//! Metrics per the OpenTelemetry GenAI conventions (cargo feature `metrics`, on for the
//! workspace's tests): duration, token usage and time to first chunk, with their units,
//! bucket advice and attributes, read from the OpenTelemetry SDK's in-memory exporter after
//! a chat, a streamed chat, embeddings, an error and a call that retried twice, on both
//! providers and through `unified`. One test: the meter provider is process-global.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use futures_util::StreamExt;
use llm_core::retry::RecordingSleep;
use opentelemetry::KeyValue;
use opentelemetry_sdk::metrics::data::{AggregatedMetrics, HistogramDataPoint, MetricData};
use opentelemetry_sdk::metrics::{InMemoryMetricExporter, PeriodicReader, SdkMeterProvider};
use serde_json::json;
use support::KEY;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// One histogram point: its attributes as text pairs, count, sum and bounds.
#[derive(Debug)]
struct Point {
    attributes: Vec<(String, String)>,
    count: u64,
    sum: f64,
    bounds: Vec<f64>,
}

impl Point {
    fn from<T: Copy>(point: &HistogramDataPoint<T>, to_f64: fn(T) -> f64) -> Self {
        let mut attributes: Vec<(String, String)> = point
            .attributes()
            .map(|kv: &KeyValue| (kv.key.to_string(), kv.value.to_string()))
            .collect();
        attributes.sort();
        Self {
            attributes,
            count: point.count(),
            sum: to_f64(point.sum()),
            bounds: point.bounds().collect(),
        }
    }

    fn attribute(&self, key: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// Every point of the histogram `name`, checking its unit.
fn histogram(exporter: &InMemoryMetricExporter, name: &str, unit: &str) -> Vec<Point> {
    let mut points = Vec::new();
    for resource in exporter.get_finished_metrics().unwrap() {
        for scope in resource.scope_metrics() {
            assert_eq!(scope.scope().name(), "llm-core");
            assert_eq!(
                scope.scope().schema_url(),
                Some(llm_core::telemetry::SCHEMA_URL)
            );
            for metric in scope.metrics().filter(|m| m.name() == name) {
                assert_eq!(metric.unit(), unit, "{name}");
                match metric.data() {
                    AggregatedMetrics::F64(MetricData::Histogram(h)) => {
                        points.extend(h.data_points().map(|p| Point::from(p, |v| v)));
                    }
                    AggregatedMetrics::U64(MetricData::Histogram(h)) => {
                        // Token counts are far below 2^53: exact as f64.
                        #[allow(clippy::cast_precision_loss)]
                        points.extend(h.data_points().map(|p| Point::from(p, |v| v as f64)));
                    }
                    other => panic!("{name} is not a histogram: {other:?}"),
                }
            }
        }
    }
    points
}

fn completion() -> serde_json::Value {
    json!({"id": "c1", "model": "served-model",
           "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "Hi"}}],
           "usage": {"prompt_tokens": 11, "completion_tokens": 4, "total_tokens": 15}})
}

fn sse() -> String {
    let first = json!({"id": "c2", "model": "served-model",
        "choices": [{"index": 0, "delta": {"role": "assistant", "content": "Hel"}}]});
    let last = json!({"id": "c2", "model": "served-model",
        "choices": [{"index": 0, "finish_reason": "stop", "delta": {"content": "lo"}}],
        "usage": {"prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7}});
    format!("data: {first}\n\ndata: {last}\n\ndata: [DONE]\n\n")
}

/// Answers `route`: two 503s first when `retry` is set, then `answer`.
async fn serve(server: &MockServer, route: &str, retry: bool, answer: ResponseTemplate) {
    if retry {
        Mock::given(method("POST"))
            .and(path(route))
            .respond_with(ResponseTemplate::new(503).set_body_string(format!("no {KEY}")))
            .up_to_n_times(2)
            .mount(server)
            .await;
    }
    Mock::given(method("POST"))
        .and(path(route))
        .respond_with(answer)
        .mount(server)
        .await;
}

#[tokio::test]
async fn operations_record_the_conventions_metrics() {
    let exporter = InMemoryMetricExporter::default();
    let provider = SdkMeterProvider::builder()
        .with_reader(PeriodicReader::builder(exporter.clone()).build())
        .build();
    opentelemetry::global::set_meter_provider(provider.clone());

    // PeakPrivacy: a chat that retried twice, then a streamed chat.
    let pp = MockServer::start().await;
    serve(
        &pp,
        "/api/v1/ai/completions",
        true,
        ResponseTemplate::new(200).set_body_json(completion()),
    )
    .await;
    let client =
        support::peakprivacy_at(format!("{}/api/v1", pp.uri()), &RecordingSleep::default())
            .build()
            .unwrap();
    let request = || {
        peakprivacy::ChatCompletionRequest::new("mistral-swiss", [peakprivacy::Message::user("Hi")])
    };
    client.chat().completions().create(request()).await.unwrap();
    // Through `unified`: the same metrics (the provider code records them).
    let model = unified::ProviderChat::new(client, "via-unified");
    unified::ChatModel::chat(&model, unified::ChatRequest::user("Hi"))
        .await
        .unwrap();

    // AligneAI: a streamed chat, embeddings, and a 401.
    let al = MockServer::start().await;
    serve(
        &al,
        "/v1/chat/completions",
        false,
        ResponseTemplate::new(200).set_body_raw(sse(), "text/event-stream"),
    )
    .await;
    let embeddings = json!({"model": "nomic-embed-v1.5", "data": [{"index": 0, "embedding": [0.5, 0.25]}],
                            "usage": {"prompt_tokens": 3, "total_tokens": 3}});
    serve(
        &al,
        "/v1/embeddings",
        false,
        ResponseTemplate::new(200).set_body_json(embeddings),
    )
    .await;
    let client = aligneai::AligneAI::builder()
        .api_key(KEY)
        .base_url(format!("{}/v1", al.uri()))
        .max_retries(0)
        .build()
        .unwrap();
    let request =
        aligneai::ChatCompletionRequest::new("aligne-chat", [aligneai::Message::user("Hi")]);
    let mut stream = client
        .chat()
        .completions()
        .create_stream(request)
        .await
        .unwrap();
    while let Some(chunk) = stream.next().await {
        chunk.unwrap();
    }
    drop(stream);
    let request = aligneai::EmbeddingRequest::new("hi").model("nomic-embed-v1.5");
    client.embeddings().create(request).await.unwrap();
    let denied = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(401).set_body_string(format!("bad key {KEY}")))
        .mount(&denied)
        .await;
    let client = aligneai::AligneAI::builder()
        .api_key(KEY)
        .base_url(denied.uri())
        .build()
        .unwrap();
    let request =
        aligneai::ChatCompletionRequest::new("aligne-chat", [aligneai::Message::user("Hi")]);
    let err = client
        .chat()
        .completions()
        .create(request)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), aligneai::ErrorKind::Authentication);

    provider.force_flush().unwrap();

    let durations = histogram(&exporter, "gen_ai.client.operation.duration", "s");
    assert_eq!(
        durations.len(),
        5,
        "one series per operation: {durations:#?}"
    );
    let expected_bounds = [
        0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
    ];
    for point in &durations {
        assert_eq!(point.count, 1, "a retried call is one operation: {point:?}");
        assert!(point.sum >= 0.0);
        assert_eq!(point.bounds, expected_bounds);
        assert_eq!(point.attribute("server.address"), Some("127.0.0.1"));
        assert!(point.attribute("server.port").is_some());
    }
    let find = |provider: &str, operation: &str, model: &str| {
        durations
            .iter()
            .find(|p| {
                p.attribute("gen_ai.provider.name") == Some(provider)
                    && p.attribute("gen_ai.operation.name") == Some(operation)
                    && p.attribute("gen_ai.request.model") == Some(model)
                    && p.attribute("error.type").is_none()
            })
            .unwrap_or_else(|| {
                panic!("no duration for {provider} {operation} {model}: {durations:#?}")
            })
    };
    let chat = find("peakprivacy", "chat", "mistral-swiss");
    assert_eq!(
        chat.attribute("gen_ai.response.model"),
        Some("served-model")
    );
    let unified = find("peakprivacy", "chat", "via-unified");
    assert_eq!(unified.count, 1);
    let streamed = find("aligneai", "chat", "aligne-chat");
    assert_eq!(
        streamed.attribute("gen_ai.response.model"),
        Some("served-model")
    );
    let failed = durations
        .iter()
        .find(|p| p.attribute("error.type").is_some())
        .unwrap();
    assert_eq!(failed.attribute("error.type"), Some("authentication"));
    assert_eq!(failed.attribute("gen_ai.provider.name"), Some("aligneai"));
    let embed = find("aligneai", "embeddings", "nomic-embed-v1.5");
    assert_eq!(
        embed.attribute("gen_ai.response.model"),
        Some("nomic-embed-v1.5")
    );

    let tokens = histogram(&exporter, "gen_ai.client.token.usage", "{token}");
    let token_bounds: Vec<f64> = (0..14).map(|i| 4f64.powi(i)).collect();
    let count = |operation: &str, provider: &str, model: &str, kind: &str| {
        let matching: Vec<&Point> = tokens
            .iter()
            .filter(|p| {
                p.attribute("gen_ai.operation.name") == Some(operation)
                    && p.attribute("gen_ai.provider.name") == Some(provider)
                    && p.attribute("gen_ai.request.model") == Some(model)
                    && p.attribute("gen_ai.token.type") == Some(kind)
            })
            .collect();
        assert_eq!(
            matching.len(),
            1,
            "{operation} {provider} {model} {kind}: {tokens:#?}"
        );
        assert_eq!(matching[0].bounds, token_bounds);
        assert_eq!(matching[0].count, 1);
        matching[0].sum
    };
    assert_eq!(count("chat", "peakprivacy", "mistral-swiss", "input"), 11.0);
    assert_eq!(count("chat", "peakprivacy", "mistral-swiss", "output"), 4.0);
    assert_eq!(count("chat", "peakprivacy", "via-unified", "input"), 11.0);
    assert_eq!(count("chat", "peakprivacy", "via-unified", "output"), 4.0);
    assert_eq!(count("chat", "aligneai", "aligne-chat", "input"), 5.0);
    assert_eq!(count("chat", "aligneai", "aligne-chat", "output"), 2.0);
    assert_eq!(
        count("embeddings", "aligneai", "nomic-embed-v1.5", "input"),
        3.0
    );
    assert_eq!(
        tokens.len(),
        7,
        "no usage, no token points (the 401): {tokens:#?}"
    );

    let first = histogram(
        &exporter,
        "gen_ai.client.operation.time_to_first_chunk",
        "s",
    );
    assert_eq!(first.len(), 1, "streams only: {first:#?}");
    assert_eq!(first[0].attribute("gen_ai.provider.name"), Some("aligneai"));
    assert_eq!(first[0].count, 1);

    let all = format!("{:?}", exporter.get_finished_metrics().unwrap());
    assert!(!all.contains(KEY), "the key reached a metric");
}
