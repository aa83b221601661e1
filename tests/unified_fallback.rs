//! `unified::FallbackChat` / `FallbackEmbeddings` against the two emulators with scripted
//! faults: which errors fall back, exact attempt counts (one retry loop per call), waits
//! through an injected sleep, the breaker's transitions on an injected clock, and the retry
//! budget running dry.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use llm_core::retry::FixedJitter;
use llm_testkit::logs::LogRecorder;
use llm_testkit::{AligneAIEmulator, Fault, PeakPrivacyEmulator};
use unified::{
    collect_stream, AligneAIChat, AligneAIEmbeddings, BreakerConfig, BreakerState, BudgetConfig,
    ChatModel, ChatRequest, EmbeddingModel, ErrorKind, FallbackChat, FallbackEmbeddings,
    FallbackRules, ManualClock, PartialResponse, PeakPrivacyChat, RecordingSleep, RequestOptions,
    RetryBudget,
};

const AL_MODEL: &str = "llama-3.1-8b-instruct";

struct Rig {
    pp: PeakPrivacyEmulator,
    al: AligneAIEmulator,
    sleep: RecordingSleep,
    clock: Arc<ManualClock>,
}

impl Rig {
    async fn start() -> Self {
        Self {
            pp: PeakPrivacyEmulator::start().await,
            al: AligneAIEmulator::start().await,
            sleep: RecordingSleep::new(),
            clock: Arc::new(ManualClock::new()),
        }
    }

    fn peakprivacy(&self) -> Arc<dyn ChatModel> {
        // anonymize(false): the emulator (like the API) streams only then.
        Arc::new(PeakPrivacyChat::new(self.pp.client().unwrap(), "mistral-swiss").anonymize(false))
    }

    fn aligneai(&self) -> Arc<dyn ChatModel> {
        Arc::new(AligneAIChat::new(self.al.client().unwrap(), AL_MODEL))
    }

    /// PeakPrivacy first, AligneAI second; instant, recorded sleeps; no jitter.
    fn builder(&self) -> unified::FallbackBuilder<dyn ChatModel> {
        FallbackChat::builder()
            .model(self.peakprivacy())
            .model(self.aligneai())
            .sleep_impl(Arc::new(self.sleep.clone()))
            .jitter(Arc::new(FixedJitter(0.0)))
            .clock(self.clock.clone())
    }

    fn fallback(&self) -> FallbackChat {
        self.builder().build().unwrap()
    }

    /// Attempts seen by (PeakPrivacy, AligneAI).
    fn attempts(&self) -> (usize, usize) {
        (self.pp.received_count(), self.al.received_count())
    }
}

fn question() -> ChatRequest {
    ChatRequest::user("Capital of Switzerland?")
}

const ANSWER: &str = "You said: Capital of Switzerland?";

#[tokio::test]
async fn peakprivacy_503s_fail_over_to_aligneai_with_exact_attempts() {
    let rig = Rig::start().await;
    rig.pp.fail_next(Fault::status(503).always());
    let model = rig.fallback();

    let answer = model.chat(question()).await.unwrap();
    assert_eq!(
        (answer.provider.as_str(), answer.text.as_str()),
        ("aligneai", ANSWER)
    );
    // PeakPrivacy: 1 attempt + 2 retries (the fallback's loop; its client adds none), then
    // one AligneAI attempt. Not 3 x 3.
    assert_eq!(rig.attempts(), (3, 1));
    assert_eq!(
        rig.sleep.delays(),
        [Duration::from_millis(500), Duration::from_secs(1)]
    );

    // The streamed call follows the same path, before any chunk reached the caller; its
    // second PeakPrivacy failure is the fifth in the breaker's window (default: 5 calls,
    // 50 % failed), so the breaker opens and the third attempt goes to AligneAI instead.
    let stream = model.chat_stream(question()).await.unwrap();
    let streamed = collect_stream(stream).await.unwrap();
    assert_eq!(
        (streamed.provider.as_str(), streamed.text.as_str()),
        ("aligneai", ANSWER)
    );
    assert_eq!(rig.attempts(), (5, 2));
    assert_eq!(model.breaker(0).unwrap().state(), BreakerState::Open);
    assert_eq!(rig.sleep.delays().len(), 3);
}

/// The fallback's own log events (retry, next model) carry status, kind and request id,
/// never the error's text, which quotes the server's body.
#[tokio::test]
async fn fallback_log_events_carry_no_body() {
    const BODY_TEXT: &str = "patient Jane Doe, diagnosis: confidential";
    let rig = Rig::start().await;
    rig.pp.fail_next(
        Fault::status(503)
            .body(format!(r#"{{"error":"{BODY_TEXT}"}}"#))
            .always(),
    );
    // A first call registers the log callsites: tests on other threads reaching them at
    // the same moment could otherwise hide an event from this thread's recorder.
    let warm_up = tracing::subscriber::set_default(LogRecorder::new("unified"));
    rig.fallback().chat(question()).await.unwrap();
    drop(warm_up);
    let logs = LogRecorder::new("unified");
    let guard = tracing::subscriber::set_default(logs.clone());
    let answer = rig.fallback().chat(question()).await.unwrap();
    drop(guard);
    assert_eq!(answer.provider, "aligneai");
    let events = logs.events();
    let retries = events
        .iter()
        .filter(|e| e.contains("retrying the same model"));
    assert_eq!(retries.count(), 2, "{events:?}");
    let moved: Vec<_> = events.iter().filter(|e| e.contains("next model")).collect();
    assert_eq!(moved.len(), 1, "{events:?}");
    for field in ["status=503", "kind=server error", "request_id="] {
        assert!(moved[0].contains(field), "{field} missing in {moved:?}");
    }
    for event in &events {
        assert!(
            !event.contains("Jane Doe"),
            "a body reached the log: {event}"
        );
    }
}

#[tokio::test]
async fn authentication_errors_do_not_fall_back() {
    let rig = Rig::start().await;
    rig.pp.fail_next(Fault::status(401));
    let err = rig.fallback().chat(question()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
    assert_eq!(rig.attempts(), (1, 0));
    assert!(rig.sleep.delays().is_empty());

    rig.pp.fail_next(Fault::status(422));
    let err = rig.fallback().chat(question()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnprocessableEntity);
    assert_eq!(rig.attempts(), (2, 0));
}

#[tokio::test]
async fn a_short_rate_limit_hint_waits_on_the_same_model() {
    let rig = Rig::start().await;
    rig.pp
        .fail_next(Fault::status(429).retry_after(Duration::from_secs(1)));
    let started = Instant::now();
    let answer = rig.fallback().chat(question()).await.unwrap();
    assert_eq!(answer.provider, "peakprivacy");
    assert_eq!(rig.attempts(), (2, 0));
    assert_eq!(rig.sleep.delays(), [Duration::from_secs(1)]);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "the sleep is injected"
    );
}

#[tokio::test]
async fn a_long_hint_or_exhausted_quota_moves_on_at_once() {
    let rig = Rig::start().await;
    rig.pp
        .fail_next(Fault::status(429).retry_after(Duration::from_secs(30)));
    let answer = rig.fallback().chat(question()).await.unwrap();
    assert_eq!(answer.provider, "aligneai");
    assert_eq!(rig.attempts(), (1, 1));

    // 403 "Subscription amount limit has been reached": QuotaExceeded.
    rig.pp.fail_next(Fault::status(403));
    let answer = rig.fallback().chat(question()).await.unwrap();
    assert_eq!(answer.provider, "aligneai");
    assert_eq!(rig.attempts(), (2, 2));
    assert!(rig.sleep.delays().is_empty());
}

#[tokio::test]
async fn connection_errors_and_timeouts_move_on() {
    let rig = Rig::start().await;
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let unreachable = peakprivacy::PeakPrivacy::builder()
        .api_token("t")
        .base_url(format!("http://127.0.0.1:{closed}/v1/"))
        .build()
        .unwrap();
    let model = FallbackChat::builder()
        .model(Arc::new(PeakPrivacyChat::new(unreachable, "mistral-swiss")))
        .model(rig.aligneai())
        .sleep_impl(Arc::new(rig.sleep.clone()))
        .build()
        .unwrap();
    let answer = model.chat(question()).await.unwrap();
    assert_eq!(answer.provider, "aligneai");
    assert_eq!(rig.attempts(), (0, 1));

    // A slow PeakPrivacy: the attempt's timeout passes, AligneAI answers.
    rig.pp.fail_next(Fault::delay(Duration::from_secs(5)));
    let model = FallbackChat::builder()
        .model(Arc::new(PeakPrivacyChat::new(
            rig.pp
                .client_builder()
                .timeout(Duration::from_millis(200))
                .build()
                .unwrap(),
            "mistral-swiss",
        )))
        .model(rig.aligneai())
        .sleep_impl(Arc::new(rig.sleep.clone()))
        .build()
        .unwrap();
    let answer = model.chat(question()).await.unwrap();
    assert_eq!(answer.provider, "aligneai");
    assert_eq!(rig.attempts(), (1, 2));
    assert!(rig.sleep.delays().is_empty());
}

#[tokio::test]
async fn a_stream_cut_after_its_first_chunk_does_not_fall_back() {
    let rig = Rig::start().await;
    rig.pp.fail_next(Fault::cut_stream_after(1));
    let stream = rig.fallback().chat_stream(question()).await.unwrap();
    let err = collect_stream(stream).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::StreamInterrupted, "{err:?}");
    let partial = err.partial::<PartialResponse>().unwrap();
    assert_eq!(partial.chunks, 1);
    assert!(!partial.response.text.is_empty());
    assert!(ANSWER.starts_with(&partial.response.text), "{partial:?}");
    assert_eq!(partial.response.provider, "peakprivacy");
    assert!(
        err.request_id().is_some(),
        "the broken response's request id"
    );
    assert!(
        err.is_retryable(),
        "the connection broke: re-sending makes sense"
    );
    assert_eq!(rig.attempts(), (1, 0));

    // Cut before any chunk: nothing reached the caller, so AligneAI answers.
    rig.pp.fail_next(Fault::cut_stream_after(0));
    let stream = rig.fallback().chat_stream(question()).await.unwrap();
    let answer = collect_stream(stream).await.unwrap();
    assert_eq!(
        (answer.provider.as_str(), answer.text.as_str()),
        ("aligneai", ANSWER)
    );
    assert_eq!(rig.attempts(), (2, 1));
}

#[tokio::test]
async fn the_breaker_opens_cools_down_probes_and_closes() {
    let rig = Rig::start().await;
    let model = rig
        .builder()
        .breaker(
            BreakerConfig::new()
                .min_calls(3)
                .failure_rate(0.5)
                .cooldown(Duration::from_secs(30)),
        )
        .build()
        .unwrap();
    let states = |model: &FallbackChat| -> Vec<BreakerState> {
        model.breaker_states().into_iter().map(|(_, s)| s).collect()
    };
    assert_eq!(states(&model), [BreakerState::Closed, BreakerState::Closed]);

    // Three failed attempts (1 + 2 retries) reach min_calls at 100 % failures: open.
    rig.pp.fail_next(Fault::status(503).always());
    assert_eq!(model.chat(question()).await.unwrap().provider, "aligneai");
    assert_eq!(rig.attempts(), (3, 1));
    assert_eq!(states(&model), [BreakerState::Open, BreakerState::Closed]);

    // Open: PeakPrivacy is not called at all. Clones share the breaker.
    let clone = model.clone();
    assert_eq!(clone.chat(question()).await.unwrap().provider, "aligneai");
    assert_eq!(rig.attempts(), (3, 2));

    // After the cool-down one probe goes through; it succeeds, the breaker closes.
    rig.pp.clear_faults();
    rig.clock.advance(Duration::from_secs(30));
    assert_eq!(
        states(&model),
        [BreakerState::HalfOpen, BreakerState::Closed]
    );
    assert_eq!(
        model.chat(question()).await.unwrap().provider,
        "peakprivacy"
    );
    assert_eq!(rig.attempts(), (4, 2));
    assert_eq!(states(&model), [BreakerState::Closed, BreakerState::Closed]);

    // A failed probe re-opens it for another cool-down, without a retry on it.
    let breaker = model.breaker(0).unwrap();
    for _ in 0..3 {
        breaker.record_failure();
    }
    rig.clock.advance(Duration::from_secs(30));
    rig.pp.fail_next(Fault::status(503).always());
    assert_eq!(model.chat(question()).await.unwrap().provider, "aligneai");
    assert_eq!(rig.attempts(), (5, 3));
    assert_eq!(states(&model), [BreakerState::Open, BreakerState::Closed]);
}

#[tokio::test]
async fn when_every_breaker_is_open_the_least_recent_failure_is_tried() {
    let rig = Rig::start().await;
    let model = rig
        .builder()
        .breaker(BreakerConfig::new().min_calls(1))
        .build()
        .unwrap();
    // AligneAI failed first, PeakPrivacy later: both open.
    model.breaker(1).unwrap().record_failure();
    rig.clock.advance(Duration::from_secs(1));
    model.breaker(0).unwrap().record_failure();
    assert!(model
        .breaker_states()
        .iter()
        .all(|(_, s)| *s == BreakerState::Open));
    let answer = model.chat(question()).await.unwrap();
    assert_eq!(answer.provider, "aligneai");
    assert_eq!(rig.attempts(), (0, 1));
    assert_eq!(model.breaker(1).unwrap().state(), BreakerState::Closed);
}

#[tokio::test]
async fn an_exhausted_retry_budget_stops_retries_not_fallback() {
    let rig = Rig::start().await;
    // 10 tokens, 5 per retry: the first call's two retries empty it.
    let budget = RetryBudget::new(BudgetConfig::new().capacity(10));
    let model = rig.builder().budget(budget.clone()).build().unwrap();
    rig.pp.fail_next(Fault::status(503).always());

    assert_eq!(model.chat(question()).await.unwrap().provider, "aligneai");
    assert_eq!(rig.attempts(), (3, 1));
    // 10 - 2 x 5, then + 1 for AligneAI's success without retry.
    assert_eq!(budget.available(), 1);

    // No tokens for a retry: one PeakPrivacy attempt, then AligneAI.
    assert_eq!(model.chat(question()).await.unwrap().provider, "aligneai");
    assert_eq!(rig.attempts(), (4, 2));
    assert_eq!(budget.available(), 2);
    assert_eq!(rig.sleep.delays().len(), 2);
}

#[tokio::test]
async fn per_call_options_bound_the_loop() {
    let rig = Rig::start().await;
    rig.pp.fail_next(Fault::status(503).always());
    let model = rig.fallback();
    // max_retries per call: retries per model in the fallback's loop.
    let answer = model
        .chat_with(question(), RequestOptions::new().max_retries(0))
        .await
        .unwrap();
    assert_eq!(answer.provider, "aligneai");
    assert_eq!(rig.attempts(), (1, 1));
    // The rules' default can be lowered too.
    let model = rig
        .builder()
        .rules(FallbackRules::new().max_retries_per_model(1))
        .build()
        .unwrap();
    model.chat(question()).await.unwrap();
    assert_eq!(rig.attempts(), (3, 2));

    // total_timeout covers the whole call: a stalled PeakPrivacy uses it up, and nothing
    // starts after it.
    rig.pp.clear_faults();
    rig.pp
        .fail_next(Fault::delay(Duration::from_secs(5)).always());
    let started = Instant::now();
    let err = rig
        .fallback()
        .chat_with(
            question(),
            RequestOptions::new().total_timeout(Duration::from_millis(300)),
        )
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(rig.attempts(), (4, 2));
}

#[tokio::test]
async fn embeddings_fall_back_only_among_interchangeable_models() {
    let primary = AligneAIEmulator::start().await;
    let replica = AligneAIEmulator::start().await;
    primary.fail_next(Fault::status(503).always());
    let embeddings = |server: &AligneAIEmulator| -> Arc<dyn EmbeddingModel> {
        Arc::new(
            AligneAIEmbeddings::new(server.client().unwrap(), Some("nomic-embed-v1.5".into()))
                .with_dimensions(256),
        )
    };
    let sleep = RecordingSleep::new();
    let model = FallbackEmbeddings::builder()
        .model(embeddings(&primary))
        .model(embeddings(&replica))
        .sleep_impl(Arc::new(sleep.clone()))
        .jitter(Arc::new(FixedJitter(0.0)))
        .build()
        .unwrap();
    let out = model.embed(vec!["a".into(), "b".into()]).await.unwrap();
    assert_eq!((out.vectors.len(), out.dimensions), (2, 256));
    assert_eq!((primary.received_count(), replica.received_count()), (3, 1));

    // A model with another id or undeclared dimensions is never a silent substitute.
    let other: Arc<dyn EmbeddingModel> = Arc::new(
        AligneAIEmbeddings::new(replica.client().unwrap(), Some("other-embed".into()))
            .with_dimensions(256),
    );
    let err = FallbackEmbeddings::builder()
        .model(embeddings(&primary))
        .model(other)
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    // (A client without the default fields sends no dimensions, so declares none.)
    let bare = replica
        .client_builder()
        .embedding_defaults(false)
        .build()
        .unwrap();
    let undeclared: Arc<dyn EmbeddingModel> = Arc::new(AligneAIEmbeddings::new(
        bare,
        Some("nomic-embed-v1.5".into()),
    ));
    let err = FallbackEmbeddings::builder()
        .model(embeddings(&primary))
        .model(undeclared)
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("undeclared"), "{err}");
}
