//! The scriptable mock driving the fallback loop without any server: what user code can
//! test the same way. Exact call counts, recorded waits, no real sleeping.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use llm_core::retry::FixedJitter;
use unified::{
    collect_stream, BreakerConfig, BreakerState, ChatModel, ChatRequest, EmbeddingModel, ErrorKind,
    FallbackChat, FallbackEmbeddings, ManualClock, MockChatModel, MockEmbeddingModel, MockFailure,
    MockReply, OnError, PartialResponse, RecordingSleep, RequestOptions, RetryBudget,
};

fn chain(models: &[&MockChatModel], sleep: &RecordingSleep) -> FallbackChat {
    let mut builder = FallbackChat::builder()
        .sleep_impl(Arc::new(sleep.clone()))
        .jitter(Arc::new(FixedJitter(0.0)));
    for model in models {
        builder = builder.model(Arc::new((*model).clone()));
    }
    builder.build().unwrap()
}

#[tokio::test]
async fn scripted_delays_go_through_the_injected_sleep() {
    let sleep = RecordingSleep::new();
    let model = MockChatModel::new()
        .sleep_impl(Arc::new(sleep.clone()))
        .then(MockReply::text("late").delay(Duration::from_secs(3)));
    let started = std::time::Instant::now();
    assert_eq!(
        model.chat(ChatRequest::user("hi")).await.unwrap().text,
        "late"
    );
    assert_eq!(sleep.delays(), [Duration::from_secs(3)]);
    assert!(started.elapsed() < Duration::from_secs(1));
}

#[tokio::test]
async fn server_errors_are_retried_then_the_next_model_answers() {
    let sleep = RecordingSleep::new();
    let a = MockChatModel::new()
        .with_model("a")
        .fail_with(ErrorKind::InternalServer);
    let b = MockChatModel::new().with_model("b");
    let model = chain(&[&a, &b], &sleep);
    let answer = model.chat(ChatRequest::user("hi")).await.unwrap();
    assert_eq!(answer.model, "b");
    assert_eq!((a.call_count(), b.call_count()), (3, 1));
    assert_eq!(
        sleep.delays(),
        [Duration::from_millis(500), Duration::from_secs(1)]
    );
    // Every member call had its own retries turned off.
    assert!(a
        .calls()
        .iter()
        .chain(b.calls().iter())
        .all(|c| c.options.get_max_retries() == Some(0)));
}

#[tokio::test]
async fn the_last_error_is_returned_when_every_model_fails() {
    let sleep = RecordingSleep::new();
    let a = MockChatModel::new().fail_with(ErrorKind::Connection);
    let b = MockChatModel::new().fail_with(ErrorKind::Timeout);
    let err = chain(&[&a, &b], &sleep)
        .chat(ChatRequest::user("hi"))
        .await
        .unwrap_err();
    assert!(err.is_timeout());
    assert_eq!((a.call_count(), b.call_count()), (1, 1));
    assert!(sleep.delays().is_empty());
}

#[tokio::test]
async fn rules_can_be_overridden() {
    let sleep = RecordingSleep::new();
    let a = MockChatModel::new()
        .then(MockReply::error(ErrorKind::Timeout))
        .then(MockReply::text("second try"));
    let b = MockChatModel::new();
    let model = FallbackChat::builder()
        .model(Arc::new(a.clone()))
        .model(Arc::new(b.clone()))
        .rules(unified::FallbackRules::new().on(ErrorKind::Timeout, OnError::Retry))
        .sleep_impl(Arc::new(sleep.clone()))
        .build()
        .unwrap();
    let answer = model.chat(ChatRequest::user("hi")).await.unwrap();
    assert_eq!(answer.text, "second try");
    assert_eq!((a.call_count(), b.call_count()), (2, 0));
}

#[tokio::test]
async fn x_should_retry_false_and_quota_move_on_without_a_retry() {
    let sleep = RecordingSleep::new();
    let a = MockChatModel::new().then(MockReply::failure(
        MockFailure::status(503).header("x-should-retry", "false"),
    ));
    let b = MockChatModel::new();
    chain(&[&a, &b], &sleep)
        .chat(ChatRequest::user("hi"))
        .await
        .unwrap();
    assert_eq!((a.call_count(), b.call_count()), (1, 1));
    let c = MockChatModel::new().fail_with(ErrorKind::QuotaExceeded);
    let d = MockChatModel::new();
    chain(&[&c, &d], &sleep)
        .chat(ChatRequest::user("hi"))
        .await
        .unwrap();
    assert_eq!((c.call_count(), d.call_count()), (1, 1));
    assert!(sleep.delays().is_empty());
}

#[tokio::test]
async fn streams_fall_back_only_before_the_first_chunk() {
    let sleep = RecordingSleep::new();
    // Breaks before any chunk: nothing reached the caller, the next model answers.
    let a = MockChatModel::new()
        .then(MockReply::stream(Vec::<String>::new()).then_fail(ErrorKind::Connection));
    let b = MockChatModel::new().with_model("b").reply("from b");
    let model = chain(&[&a, &b], &sleep);
    let answer = collect_stream(model.chat_stream(ChatRequest::user("hi")).await.unwrap())
        .await
        .unwrap();
    assert_eq!(
        (answer.text.as_str(), answer.model.as_str()),
        ("from b", "b")
    );
    assert_eq!((a.call_count(), b.call_count()), (1, 1));

    // Breaks after one chunk: StreamInterrupted, the next model is not called.
    a.push(MockReply::stream(["par", "tial"]).then_fail(ErrorKind::Connection));
    let err = collect_stream(model.chat_stream(ChatRequest::user("hi")).await.unwrap())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::StreamInterrupted);
    let partial = err.partial::<PartialResponse>().unwrap();
    assert_eq!(
        (partial.response.text.as_str(), partial.chunks),
        ("partial", 2)
    );
    assert_eq!((a.call_count(), b.call_count()), (2, 1));
}

#[tokio::test]
async fn a_budget_shared_by_two_models_runs_dry_for_both() {
    let sleep = RecordingSleep::new();
    let budget = RetryBudget::new(unified::BudgetConfig::new().capacity(5));
    let a = MockChatModel::new().fail_with(ErrorKind::InternalServer);
    let b = MockChatModel::new().fail_with(ErrorKind::InternalServer);
    let one = FallbackChat::builder()
        .model(Arc::new(a.clone()))
        .budget(budget.clone())
        .sleep_impl(Arc::new(sleep.clone()))
        .build()
        .unwrap();
    let two = FallbackChat::builder()
        .model(Arc::new(b.clone()))
        .budget(budget.clone())
        .sleep_impl(Arc::new(sleep.clone()))
        .build()
        .unwrap();
    one.chat(ChatRequest::user("hi")).await.unwrap_err();
    assert_eq!(a.call_count(), 2, "one retry paid, the second unaffordable");
    two.chat(ChatRequest::user("hi")).await.unwrap_err();
    assert_eq!(b.call_count(), 1, "the shared bucket is empty");
    assert_eq!(budget.available(), 0);
}

#[tokio::test]
async fn breaker_transitions_on_a_manual_clock() {
    let sleep = RecordingSleep::new();
    let clock = Arc::new(ManualClock::new());
    let a = MockChatModel::new().fail_with(ErrorKind::Connection);
    let b = MockChatModel::new();
    let model = FallbackChat::builder()
        .model(Arc::new(a.clone()))
        .model(Arc::new(b.clone()))
        .breaker(
            BreakerConfig::new()
                .min_calls(2)
                .cooldown(Duration::from_secs(10)),
        )
        .clock(clock.clone())
        .sleep_impl(Arc::new(sleep.clone()))
        .build()
        .unwrap();
    let state = || model.breaker(0).unwrap().state();
    model.chat(ChatRequest::user("1")).await.unwrap();
    assert_eq!(state(), BreakerState::Closed, "one failure never opens it");
    model.chat(ChatRequest::user("2")).await.unwrap();
    assert_eq!(state(), BreakerState::Open);
    model.chat(ChatRequest::user("3")).await.unwrap();
    assert_eq!((a.call_count(), b.call_count()), (2, 3));
    clock.advance(Duration::from_secs(10));
    assert_eq!(state(), BreakerState::HalfOpen);
    a.push(MockReply::text("recovered"));
    let answer = model.chat(ChatRequest::user("4")).await.unwrap();
    assert_eq!(answer.text, "recovered");
    assert_eq!(state(), BreakerState::Closed);
    assert_eq!((a.call_count(), b.call_count()), (3, 3));
}

#[tokio::test]
async fn the_caller_errors_do_not_count_against_a_model() {
    let sleep = RecordingSleep::new();
    let clock = Arc::new(ManualClock::new());
    let a = MockChatModel::new().fail_with(ErrorKind::BadRequest);
    let model = FallbackChat::builder()
        .model(Arc::new(a.clone()))
        .breaker(BreakerConfig::new().min_calls(1))
        .clock(clock)
        .sleep_impl(Arc::new(sleep))
        .build()
        .unwrap();
    for _ in 0..3 {
        let err = model.chat(ChatRequest::user("hi")).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::BadRequest);
    }
    assert_eq!(model.breaker(0).unwrap().state(), BreakerState::Closed);
    assert_eq!(a.call_count(), 3);
}

#[tokio::test]
async fn per_call_retries_override_the_rules() {
    let sleep = RecordingSleep::new();
    let a = MockChatModel::new().fail_with(ErrorKind::InternalServer);
    let model = chain(&[&a], &sleep);
    model
        .chat_with(
            ChatRequest::user("hi"),
            RequestOptions::new().max_retries(4),
        )
        .await
        .unwrap_err();
    assert_eq!(a.call_count(), 5);
}

#[tokio::test]
async fn embeddings_with_other_dimensions_at_run_time_are_refused() {
    /// Declares 8 dimensions but answers 4: a misconfigured model.
    #[derive(Debug)]
    struct Liar(MockEmbeddingModel);

    #[async_trait::async_trait]
    impl EmbeddingModel for Liar {
        fn provider(&self) -> &'static str {
            "liar"
        }
        fn model(&self) -> Option<&str> {
            Some("emb")
        }
        fn dimensions(&self) -> Option<usize> {
            Some(8)
        }
        async fn embed(&self, inputs: Vec<String>) -> unified::Result<unified::Embeddings> {
            self.0.embed(inputs).await
        }
    }

    let honest = MockEmbeddingModel::new(8).with_model("emb");
    let model = FallbackEmbeddings::builder()
        .model(Arc::new(Liar(MockEmbeddingModel::new(4))))
        .model(Arc::new(honest.clone()))
        .build()
        .unwrap();
    let out = model.embed(vec!["x".into()]).await.unwrap();
    assert_eq!(out.dimensions, 8);
    assert_eq!(honest.calls().len(), 1);
}
