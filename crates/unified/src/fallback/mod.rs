//! Fallback across models, with a circuit breaker per model and a retry budget: one retry
//! loop per call.
//!
//! # How retries compose
//!
//! A fallback model runs **the only retry loop** of a call. It calls each member with
//! `RequestOptions::max_retries(0)` added to the caller's options, so a provider client
//! makes exactly one HTTP attempt per member call, whatever its own retry settings; the
//! fallback then decides per error ([`FallbackRules`]): fail, retry the same model (after
//! the server's hint or the backoff, paid from the [`RetryBudget`]), or move to the next.
//! A call therefore makes at most `models x (1 + max_retries_per_model)` attempts (3 per
//! model by default), never `3 x 3 x N`. A member that is itself a fallback model gets
//! `max_retries(0)` too, so it only walks its own list.
//!
//! The caller's `total_timeout` covers the whole call: each attempt gets what is left of
//! it, and no wait or next attempt starts past it.

mod breaker;
mod budget;
mod rules;

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use async_trait::async_trait;
use futures_util::StreamExt;
use llm_core::retry::{Clock, Jitter, RandomJitter, Sleep, SystemClock, TokioSleep};
use tokio::time::Instant;

pub use self::breaker::{BreakerConfig, BreakerState, CallPermit, CircuitBreaker, ManualClock};
pub use self::budget::{BudgetConfig, RetryBudget};
pub use self::rules::{FallbackRules, OnError};
/// Re-exported for tests of code that retries through a fallback.
pub use llm_core::retry::RecordingSleep;

use crate::{
    guard_stream, Capabilities, ChatChunk, ChatModel, ChatRequest, ChatResponse, ChatStream,
    EmbeddingModel, Embeddings, Error, ErrorKind, RequestOptions, Result,
};

/// One model of a fallback list and its breaker.
struct Member<M: ?Sized> {
    model: Arc<M>,
    breaker: CircuitBreaker,
}

impl<M: ?Sized> Clone for Member<M> {
    fn clone(&self) -> Self {
        Self {
            model: Arc::clone(&self.model),
            breaker: self.breaker.clone(),
        }
    }
}

impl<M: ?Sized + fmt::Debug> fmt::Debug for Member<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Member")
            .field("model", &self.model)
            .field("breaker", &self.breaker.state())
            .finish()
    }
}

/// The retry loop's settings, shared by clones.
#[derive(Debug)]
struct Core {
    rules: FallbackRules,
    budget: RetryBudget,
    sleep: Arc<dyn Sleep>,
    jitter: Arc<dyn Jitter>,
}

/// How one member's turn ended.
enum Turn<T> {
    Done(T),
    /// Return this error (the caller's bug, or the deadline passed).
    Fail(Error),
    /// Try the next model; this was the error.
    Next(Error),
}

impl Core {
    /// The loop: members in order, skipping open breakers; when every breaker is open and
    /// nothing was tried, the member that failed least recently is tried anyway.
    async fn run<M, T, F, Fut>(
        &self,
        members: &[Member<M>],
        options: &RequestOptions,
        call: F,
    ) -> Result<(T, usize)>
    where
        M: ?Sized + Send + Sync,
        F: Fn(Arc<M>, RequestOptions) -> Fut + Send + Sync,
        Fut: Future<Output = Result<T>> + Send,
    {
        let retries = options
            .get_max_retries()
            .unwrap_or(self.rules.get_max_retries_per_model());
        let deadline = options
            .get_total_timeout()
            .and_then(|total| Instant::now().checked_add(total));
        let mut last_error = None;
        let mut tried = false;
        for (index, member) in members.iter().enumerate() {
            if deadline.is_some_and(|d| Instant::now() >= d) {
                break;
            }
            let Some(permit) = member.breaker.try_acquire() else {
                tracing::debug!(index, "fallback: breaker open, skipping model");
                continue;
            };
            tried = true;
            match self
                .turn(member, permit, retries, deadline, options, &call)
                .await
            {
                Turn::Done(value) => return Ok((value, index)),
                Turn::Fail(err) => return Err(err),
                Turn::Next(err) => {
                    tracing::debug!(
                        index, kind = %err.kind(), status = err.status(),
                        request_id = err.request_id(), "fallback: moving to the next model"
                    );
                    last_error = Some(err);
                }
            }
        }
        if !tried {
            let least_recent = members
                .iter()
                .enumerate()
                .min_by_key(|(_, m)| m.breaker.last_failure());
            if let Some((index, member)) = least_recent {
                tracing::debug!(
                    index,
                    "fallback: every breaker is open, trying the model that failed least recently"
                );
                let permit = member.breaker.force_acquire();
                return match self
                    .turn(member, permit, retries, deadline, options, &call)
                    .await
                {
                    Turn::Done(value) => Ok((value, index)),
                    Turn::Fail(err) | Turn::Next(err) => Err(err),
                };
            }
        }
        Err(last_error.unwrap_or_else(|| {
            Error::timeout("the total deadline passed before a model could be tried")
        }))
    }

    /// One member: the first attempt, then retries while the rules, the retry count, the
    /// budget, the breaker and the deadline allow.
    async fn turn<M, T, F, Fut>(
        &self,
        member: &Member<M>,
        permit: CallPermit,
        retries: u32,
        deadline: Option<Instant>,
        options: &RequestOptions,
        call: &F,
    ) -> Turn<T>
    where
        M: ?Sized + Send + Sync,
        F: Fn(Arc<M>, RequestOptions) -> Fut + Send + Sync,
        Fut: Future<Output = Result<T>> + Send,
    {
        let mut permit = permit;
        let mut retry = 0u32;
        let mut paid = None;
        loop {
            let mut attempt_options = options.clone().max_retries(0);
            if let Some(deadline) = deadline {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Turn::Fail(Error::timeout(
                        "the total deadline passed between fallback attempts",
                    ));
                }
                attempt_options = attempt_options.total_timeout(left);
            }
            let error = match call(Arc::clone(&member.model), attempt_options).await {
                Ok(value) => {
                    permit.success();
                    self.budget.on_success(paid);
                    return Turn::Done(value);
                }
                Err(error) => error,
            };
            let action = self.rules.action(&error);
            if action == OnError::Fail {
                permit.neutral();
                return Turn::Fail(error);
            }
            permit.failure();
            if action == OnError::Next || retry >= retries {
                return Turn::Next(error);
            }
            let delay = match error.retry_after() {
                Some(hint) => hint,
                None => self.rules.get_backoff().delay(retry, self.jitter.sample()),
            };
            if deadline
                .is_some_and(|d| Instant::now().checked_add(delay).is_none_or(|end| end >= d))
            {
                return Turn::Next(error);
            }
            // The failure may have opened the breaker (a failed probe always does).
            let Some(next) = member.breaker.try_acquire() else {
                return Turn::Next(error);
            };
            let Some(cost) = self.budget.try_acquire(&error) else {
                tracing::debug!("fallback: retry budget exhausted, not retrying");
                return Turn::Next(error);
            };
            permit = next;
            paid = Some(cost);
            retry = retry.saturating_add(1);
            // Logged without the error's text: it quotes the server's body.
            tracing::debug!(
                retry, delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                kind = %error.kind(), status = error.status(), request_id = error.request_id(),
                "fallback: retrying the same model"
            );
            self.sleep.sleep(delay).await;
        }
    }
}

/// Builds a [`FallbackChat`] or [`FallbackEmbeddings`]: the models in order of preference,
/// the [`FallbackRules`], the [`RetryBudget`] (default on, [`BudgetConfig`] figures), the
/// breaker figures ([`BreakerConfig`]), and the injectable clock, sleep and jitter.
#[must_use]
pub struct FallbackBuilder<M: ?Sized> {
    members: Vec<(Arc<M>, Option<CircuitBreaker>)>,
    rules: FallbackRules,
    budget: RetryBudget,
    breaker: BreakerConfig,
    clock: Arc<dyn Clock>,
    sleep: Arc<dyn Sleep>,
    jitter: Arc<dyn Jitter>,
}

impl<M: ?Sized> fmt::Debug for FallbackBuilder<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FallbackBuilder")
            .field("models", &self.members.len())
            .field("rules", &self.rules)
            .field("budget", &self.budget)
            .field("breaker", &self.breaker)
            .finish_non_exhaustive()
    }
}

impl<M: ?Sized> FallbackBuilder<M> {
    fn new() -> Self {
        Self {
            members: Vec::new(),
            rules: FallbackRules::default(),
            budget: RetryBudget::default(),
            breaker: BreakerConfig::default(),
            clock: Arc::new(SystemClock),
            sleep: Arc::new(TokioSleep),
            jitter: Arc::new(RandomJitter),
        }
    }

    /// Adds a model (tried after the ones added before it), with its own breaker.
    ///
    /// ```
    /// use std::sync::Arc;
    /// let fallback = unified::FallbackChat::builder().model(Arc::new(unified::MockChatModel::new())).build()?;
    /// # let _ = fallback; Ok::<(), unified::Error>(())
    /// ```
    pub fn model(mut self, model: Arc<M>) -> Self {
        self.members.push((model, None));
        self
    }

    /// Adds a model with a breaker you keep (e.g. shared by several fallback lists that
    /// use the same model).
    ///
    /// ```
    /// use std::sync::Arc;
    /// let breaker = unified::CircuitBreaker::default();
    /// let fallback = unified::FallbackChat::builder()
    ///     .model_with_breaker(Arc::new(unified::MockChatModel::new()), breaker.clone())
    ///     .build()?;
    /// # let _ = fallback; Ok::<(), unified::Error>(())
    /// ```
    pub fn model_with_breaker(mut self, model: Arc<M>, breaker: CircuitBreaker) -> Self {
        self.members.push((model, Some(breaker)));
        self
    }

    /// Sets the rules.
    ///
    /// ```
    /// let builder = unified::FallbackChat::builder().rules(unified::FallbackRules::new().max_retries_per_model(0));
    /// # let _ = builder;
    /// ```
    pub fn rules(mut self, rules: FallbackRules) -> Self {
        self.rules = rules;
        self
    }

    /// Sets the retry budget (clones share one bucket: pass the same budget to several
    /// fallback models to share it).
    ///
    /// ```
    /// let builder = unified::FallbackChat::builder().budget(unified::RetryBudget::unlimited());
    /// # let _ = builder;
    /// ```
    pub fn budget(mut self, budget: RetryBudget) -> Self {
        self.budget = budget;
        self
    }

    /// Sets the figures of the breakers this builder creates.
    ///
    /// ```
    /// let builder = unified::FallbackChat::builder().breaker(unified::BreakerConfig::new().min_calls(10));
    /// # let _ = builder;
    /// ```
    pub fn breaker(mut self, config: BreakerConfig) -> Self {
        self.breaker = config;
        self
    }

    /// Sets the clock of the breakers this builder creates.
    ///
    /// ```
    /// let builder = unified::FallbackChat::builder().clock(std::sync::Arc::new(unified::ManualClock::new()));
    /// # let _ = builder;
    /// ```
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Sets how the loop waits between retries (tests: record and return at once).
    ///
    /// ```
    /// let builder = unified::FallbackChat::builder().sleep_impl(std::sync::Arc::new(llm_core::retry::TokioSleep));
    /// # let _ = builder;
    /// ```
    pub fn sleep_impl(mut self, sleep: Arc<dyn Sleep>) -> Self {
        self.sleep = sleep;
        self
    }

    /// Sets the source of backoff jitter.
    ///
    /// ```
    /// let builder = unified::FallbackChat::builder().jitter(std::sync::Arc::new(llm_core::retry::FixedJitter(0.0)));
    /// # let _ = builder;
    /// ```
    pub fn jitter(mut self, jitter: Arc<dyn Jitter>) -> Self {
        self.jitter = jitter;
        self
    }

    fn finish(self) -> Result<(Arc<Core>, Vec<Member<M>>)> {
        if self.members.is_empty() {
            return Err(Error::with_message(
                ErrorKind::Config,
                "a fallback model needs at least one model: call .model(..)",
            ));
        }
        let members = self
            .members
            .into_iter()
            .map(|(model, breaker)| Member {
                model,
                breaker: breaker.unwrap_or_else(|| {
                    CircuitBreaker::with_clock(self.breaker, Arc::clone(&self.clock))
                }),
            })
            .collect();
        let core = Core {
            rules: self.rules,
            budget: self.budget,
            sleep: self.sleep,
            jitter: self.jitter,
        };
        Ok((Arc::new(core), members))
    }
}

/// A [`ChatModel`] built from an ordered list of models: each call goes to the first model
/// whose breaker lets it through, is retried or moved to the next model per
/// [`FallbackRules`], and never falls back once a streamed chunk reached the caller (a
/// later break is [`ErrorKind::StreamInterrupted`]). Clones share the breakers and the
/// budget.
///
/// **One retry loop per call.** This model runs the only retry loop of a call: it calls
/// each member with `RequestOptions::max_retries(0)` added to the caller's options, so a
/// provider client makes exactly one HTTP attempt per member call; per model it makes at
/// most `1 + max_retries_per_model` attempts (3 by default; a call's `max_retries`
/// overrides it), each retry paid from the [`RetryBudget`], then moves on. A call makes at
/// most `models x 3` attempts by default, never `3 x 3 x N`. The caller's `total_timeout`
/// covers the whole call.
///
/// ```
/// use std::sync::Arc;
/// use unified::{ChatModel, ChatRequest, ErrorKind, FallbackChat, MockChatModel, MockReply};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> unified::Result<()> {
/// let primary = MockChatModel::new().with_model("primary").then(MockReply::error(ErrorKind::QuotaExceeded));
/// let backup = MockChatModel::new().with_model("backup");
/// let model = FallbackChat::builder()
///     .model(Arc::new(primary.clone()))
///     .model(Arc::new(backup.clone()))
///     .build()?;
/// let answer = model.chat(ChatRequest::user("hi")).await?;
/// assert_eq!(answer.model, "backup");
/// assert_eq!((primary.call_count(), backup.call_count()), (1, 1));
/// // Members are called without their own retries: this loop is the only one.
/// assert_eq!(primary.calls()[0].options.get_max_retries(), Some(0));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct FallbackChat {
    core: Arc<Core>,
    members: Arc<[Member<dyn ChatModel>]>,
}

impl FallbackChat {
    /// Starts a fallback list.
    ///
    /// ```
    /// let err = unified::FallbackChat::builder().build().unwrap_err();
    /// assert_eq!(err.kind(), unified::ErrorKind::Config);
    /// ```
    pub fn builder() -> FallbackBuilder<dyn ChatModel> {
        FallbackBuilder::new()
    }

    /// Each model's `provider:model` and breaker state, in order.
    ///
    /// ```
    /// use std::sync::Arc;
    /// let model = unified::FallbackChat::builder().model(Arc::new(unified::MockChatModel::new())).build()?;
    /// assert_eq!(model.breaker_states(), [("mock:mock-chat".to_owned(), unified::BreakerState::Closed)]);
    /// # Ok::<(), unified::Error>(())
    /// ```
    pub fn breaker_states(&self) -> Vec<(String, BreakerState)> {
        self.members
            .iter()
            .map(|m| {
                (
                    format!("{}:{}", m.model.provider(), m.model.model()),
                    m.breaker.state(),
                )
            })
            .collect()
    }

    /// The breaker of model `index` (in the order added).
    ///
    /// ```
    /// use std::sync::Arc;
    /// let model = unified::FallbackChat::builder().model(Arc::new(unified::MockChatModel::new())).build()?;
    /// assert!(model.breaker(0).is_some() && model.breaker(1).is_none());
    /// # Ok::<(), unified::Error>(())
    /// ```
    pub fn breaker(&self, index: usize) -> Option<&CircuitBreaker> {
        self.members.get(index).map(|m| &m.breaker)
    }

    /// The retry budget.
    ///
    /// ```
    /// use std::sync::Arc;
    /// let model = unified::FallbackChat::builder().model(Arc::new(unified::MockChatModel::new())).build()?;
    /// assert_eq!(model.budget().available(), 500);
    /// # Ok::<(), unified::Error>(())
    /// ```
    pub fn budget(&self) -> &RetryBudget {
        &self.core.budget
    }

    fn primary(&self) -> Option<&Member<dyn ChatModel>> {
        self.members.first()
    }
}

impl FallbackBuilder<dyn ChatModel> {
    /// Builds the fallback chat model.
    ///
    /// # Errors
    /// [`ErrorKind::Config`] when no model was added.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use unified::ChatModel;
    /// let model = unified::FallbackChat::builder().model(Arc::new(unified::MockChatModel::new())).build()?;
    /// assert_eq!((model.provider(), model.model()), ("fallback", "mock-chat"));
    /// # Ok::<(), unified::Error>(())
    /// ```
    pub fn build(self) -> Result<FallbackChat> {
        let (core, members) = self.finish()?;
        Ok(FallbackChat {
            core,
            members: members.into(),
        })
    }
}

/// Records a failure on the breaker when a stream breaks after its first chunk.
struct Watched {
    inner: ChatStream,
    breaker: Option<CircuitBreaker>,
}

impl futures_core::Stream for Watched {
    type Item = Result<ChatChunk>;

    fn poll_next(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let item = std::task::ready!(this.inner.as_mut().poll_next(cx));
        if matches!(item, Some(Err(_))) {
            if let Some(breaker) = this.breaker.take() {
                breaker.record_failure();
            }
        }
        std::task::Poll::Ready(item)
    }
}

#[async_trait]
impl ChatModel for FallbackChat {
    fn provider(&self) -> &'static str {
        "fallback"
    }

    /// The first model's id.
    fn model(&self) -> &str {
        self.primary().map_or("", |m| m.model.model())
    }

    /// Streaming if any model streams; native streaming, the raw response and
    /// anonymisation only if every model has them (an answer may come from any of them).
    fn capabilities(&self) -> Capabilities {
        let all: Vec<Capabilities> = self
            .members
            .iter()
            .map(|m| m.model.capabilities())
            .collect();
        Capabilities::new()
            .native_streaming(all.iter().all(|c| c.native_streaming))
            .embeddings(all.iter().any(|c| c.embeddings))
            .raw_response(all.iter().all(|c| c.raw_response))
            .provider_options(all.iter().any(|c| c.provider_options))
            .anonymizes(all.iter().all(|c| c.anonymizes))
            .streaming(all.iter().any(|c| c.streaming))
    }

    async fn chat(&self, request: ChatRequest) -> Result<ChatResponse> {
        self.chat_with(request, RequestOptions::new()).await
    }

    async fn chat_with(
        &self,
        request: ChatRequest,
        options: RequestOptions,
    ) -> Result<ChatResponse> {
        let call = |model: Arc<dyn ChatModel>, options: RequestOptions| {
            let request = request.clone();
            async move { model.chat_with(request, options).await }
        };
        let (response, _) = self.core.run(&self.members, &options, call).await?;
        Ok(response)
    }

    async fn chat_stream(&self, request: ChatRequest) -> Result<ChatStream> {
        self.chat_stream_with(request, RequestOptions::new()).await
    }

    /// Falls back only until the first chunk: a stream that fails before delivering
    /// anything counts as a failed attempt; once a chunk is in hand it is returned and
    /// nothing is retried.
    async fn chat_stream_with(
        &self,
        request: ChatRequest,
        options: RequestOptions,
    ) -> Result<ChatStream> {
        let call = |model: Arc<dyn ChatModel>, options: RequestOptions| {
            let request = request.clone();
            async move {
                let mut stream = model.chat_stream_with(request, options).await?;
                let first = stream.next().await.transpose()?;
                Ok((first, stream, model))
            }
        };
        let ((first, rest, model), index) = self.core.run(&self.members, &options, call).await?;
        let breaker = self.members.get(index).map(|m| m.breaker.clone());
        let rest: ChatStream = Box::pin(Watched {
            inner: rest,
            breaker,
        });
        let whole: ChatStream = match first {
            Some(chunk) => {
                Box::pin(futures_util::stream::once(async move { Ok(chunk) }).chain(rest))
            }
            None => rest,
        };
        Ok(guard_stream(whole, model.provider(), model.model(), None))
    }
}

/// An [`EmbeddingModel`] over an ordered list of **interchangeable** models: the same model
/// id and the same dimensions, both declared ([`EmbeddingModel::model`],
/// [`EmbeddingModel::dimensions`]); vectors of different models never mix. The build
/// refuses anything else, and an answer whose dimensions differ from the declared ones is
/// an error (then the next model is tried), never passed on. Rules, breakers, budget and
/// retries work as for [`FallbackChat`].
///
/// ```
/// use std::sync::Arc;
/// use unified::{EmbeddingModel, ErrorKind, FallbackEmbeddings, MockEmbeddingModel};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> unified::Result<()> {
/// let primary = MockEmbeddingModel::new(8).with_model("emb-1").then_error(ErrorKind::Connection);
/// let replica = MockEmbeddingModel::new(8).with_model("emb-1");
/// let model = FallbackEmbeddings::builder().model(Arc::new(primary)).model(Arc::new(replica.clone())).build()?;
/// assert_eq!(model.embed(vec!["a".into()]).await?.dimensions, 8);
/// assert_eq!(replica.calls().len(), 1);
///
/// let other = MockEmbeddingModel::new(16).with_model("emb-2");
/// let err = FallbackEmbeddings::builder().model(Arc::new(replica)).model(Arc::new(other)).build().unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::Config);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct FallbackEmbeddings {
    core: Arc<Core>,
    members: Arc<[Member<dyn EmbeddingModel>]>,
}

impl FallbackEmbeddings {
    /// Starts a fallback list.
    ///
    /// ```
    /// let err = unified::FallbackEmbeddings::builder().build().unwrap_err();
    /// assert_eq!(err.kind(), unified::ErrorKind::Config);
    /// ```
    pub fn builder() -> FallbackBuilder<dyn EmbeddingModel> {
        FallbackBuilder::new()
    }

    /// The breaker of model `index`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// let model = unified::FallbackEmbeddings::builder().model(Arc::new(unified::MockEmbeddingModel::new(4))).build()?;
    /// assert_eq!(model.breaker(0).unwrap().state(), unified::BreakerState::Closed);
    /// # Ok::<(), unified::Error>(())
    /// ```
    pub fn breaker(&self, index: usize) -> Option<&CircuitBreaker> {
        self.members.get(index).map(|m| &m.breaker)
    }

    /// The retry budget.
    ///
    /// ```
    /// use std::sync::Arc;
    /// let model = unified::FallbackEmbeddings::builder().model(Arc::new(unified::MockEmbeddingModel::new(4))).build()?;
    /// assert_eq!(model.budget().available(), 500);
    /// # Ok::<(), unified::Error>(())
    /// ```
    pub fn budget(&self) -> &RetryBudget {
        &self.core.budget
    }
}

impl FallbackBuilder<dyn EmbeddingModel> {
    /// Builds the fallback embedding model.
    ///
    /// # Errors
    /// [`ErrorKind::Config`] when no model was added, or (with several) when a model's id
    /// or dimensions are undeclared or differ from the first's.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use unified::EmbeddingModel;
    /// let model = unified::FallbackEmbeddings::builder().model(Arc::new(unified::MockEmbeddingModel::new(4))).build()?;
    /// assert_eq!((model.model(), model.dimensions()), (Some("mock-embedding"), Some(4)));
    /// # Ok::<(), unified::Error>(())
    /// ```
    pub fn build(self) -> Result<FallbackEmbeddings> {
        if self.members.len() > 1 {
            let describe = |m: &dyn EmbeddingModel| {
                format!(
                    "{}:{} with {} dimensions",
                    m.provider(),
                    m.model().unwrap_or("<undeclared model>"),
                    m.dimensions()
                        .map_or_else(|| "undeclared".to_owned(), |d| d.to_string())
                )
            };
            if let Some((first, _)) = self.members.first() {
                let key = (first.model(), first.dimensions());
                for (other, _) in &self.members {
                    let declared = other.model().is_some() && other.dimensions().is_some();
                    if !declared || (other.model(), other.dimensions()) != key || key.0.is_none() {
                        return Err(Error::with_message(
                            ErrorKind::Config,
                            format!(
                                "fallback embeddings need interchangeable models (the same \
                                 declared model id and dimensions): {} vs {}",
                                describe(first.as_ref()),
                                describe(other.as_ref())
                            ),
                        ));
                    }
                }
            }
        }
        let (core, members) = self.finish()?;
        Ok(FallbackEmbeddings {
            core,
            members: members.into(),
        })
    }
}

#[async_trait]
impl EmbeddingModel for FallbackEmbeddings {
    fn provider(&self) -> &'static str {
        "fallback"
    }

    fn model(&self) -> Option<&str> {
        self.members.first().and_then(|m| m.model.model())
    }

    fn dimensions(&self) -> Option<usize> {
        self.members.first().and_then(|m| m.model.dimensions())
    }

    async fn embed(&self, inputs: Vec<String>) -> Result<Embeddings> {
        self.embed_with(inputs, RequestOptions::new()).await
    }

    async fn embed_with(&self, inputs: Vec<String>, options: RequestOptions) -> Result<Embeddings> {
        let call = |model: Arc<dyn EmbeddingModel>, options: RequestOptions| {
            let inputs = inputs.clone();
            async move {
                let declared = model.dimensions();
                let out = model.embed_with(inputs, options).await?;
                match declared {
                    Some(d) if out.dimensions != d || out.vectors.iter().any(|v| v.len() != d) => {
                        Err(Error::with_message(
                            ErrorKind::Decode,
                            format!(
                                "{} answered vectors of {} dimensions, declared {d}",
                                model.provider(),
                                out.dimensions
                            ),
                        ))
                    }
                    _ => Ok(out),
                }
            }
        };
        let (out, _) = self.core.run(&self.members, &options, call).await?;
        Ok(out)
    }
}
