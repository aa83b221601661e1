//! Ready-made SDK clients pointed at an emulator (cargo features `peakprivacy`, `aligneai`).
//!
//! `client()` returns the SDK's `Result` because building a client can fail in principle
//! (a token set with [`PeakPrivacyEmulatorBuilder::token`](crate::PeakPrivacyEmulatorBuilder::token)
//! that is not a valid header value, a blank one, or a TLS back-end that cannot start);
//! with the default settings it always succeeds, so `server.client()?` reads like the
//! SDK's own constructors. `client_builder()` is infallible and returns the SDK's builder
//! with the base URL and credentials already set, to change retries, timeouts or the
//! retry sleep before building.
//!
//! The clients keep every other SDK default, including real retry sleeps: arm a
//! `Fault::status(503).times(2)` and the call succeeds on the third attempt after about
//! 0.5 s + 1 s of backoff. Use `client_builder().max_retries(0)` (or a faster retry
//! policy) when a test should see the first error at once.

#[cfg(feature = "peakprivacy")]
impl crate::PeakPrivacyEmulator {
    /// A [`peakprivacy::PeakPrivacy`] client for this emulator: its base URL and token,
    /// every other setting at the SDK's default (2 retries with real backoff). Both are set
    /// explicitly, so `PEAKPRIVACY_API_URL` and `PEAKPRIVACY_API_TOKEN` do not apply.
    ///
    /// Needs the `peakprivacy` cargo feature.
    ///
    /// # Errors
    ///
    /// Whatever [`peakprivacy::PeakPrivacyBuilder::build`] reports; with a token made of
    /// header-safe characters (such as the default one) it does not fail.
    ///
    /// ```
    /// use llm_testkit::PeakPrivacyEmulator;
    /// use peakprivacy::{ChatCompletionRequest, Message};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> peakprivacy::Result<()> {
    /// let server = PeakPrivacyEmulator::start().await;
    /// let client = server.client()?;
    /// let request = ChatCompletionRequest::new("mistral-swiss", [Message::user("Hi")]);
    /// let completion = client.chat().completions().create(request).await?;
    /// assert_eq!(completion.content(), "You said: Hi");
    /// # Ok(())
    /// # }
    /// ```
    pub fn client(&self) -> ::peakprivacy::Result<::peakprivacy::PeakPrivacy> {
        self.client_builder().build()
    }

    /// A [`peakprivacy::PeakPrivacyBuilder`] with this emulator's base URL and token set,
    /// to adjust (retries, timeouts, the retry sleep) before building.
    ///
    /// Needs the `peakprivacy` cargo feature.
    ///
    /// ```
    /// use llm_testkit::{Fault, PeakPrivacyEmulator};
    /// use peakprivacy::ErrorKind;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> peakprivacy::Result<()> {
    /// let server = PeakPrivacyEmulator::start().await;
    /// let client = server.client_builder().max_retries(0).build()?;
    /// server.fail_next(Fault::status(429));
    /// let err = client.models().list().await.unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::RateLimit);
    /// # Ok(())
    /// # }
    /// ```
    pub fn client_builder(&self) -> ::peakprivacy::PeakPrivacyBuilder {
        ::peakprivacy::PeakPrivacy::builder()
            .base_url(self.base_url())
            .api_token(self.token())
    }
}

#[cfg(feature = "aligneai")]
impl crate::AligneAIEmulator {
    /// An [`aligneai::AligneAI`] client for this emulator: its base URL, API key and (when
    /// the emulator requires one) workspace id, every other setting at the SDK's default
    /// (2 retries with real backoff). The base URL and key are set explicitly, so
    /// `ALIGNEAI_BASE_URL` and `ALIGNEAI_API_KEY` do not apply; when the emulator has no
    /// workspace id the client's is left unset, and the SDK may fill it from
    /// `ALIGNEAI_WORKSPACE_ID` (such an emulator does not check the header).
    ///
    /// Needs the `aligneai` cargo feature.
    ///
    /// # Errors
    ///
    /// Whatever [`aligneai::AligneAIBuilder::build`] reports; with a key and workspace id
    /// made of header-safe characters (such as the defaults) it does not fail.
    ///
    /// ```
    /// use aligneai::EmbeddingRequest;
    /// use llm_testkit::AligneAIEmulator;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> aligneai::Result<()> {
    /// let server = AligneAIEmulator::builder().workspace_id("ws-1").start().await;
    /// let client = server.client()?;
    /// assert_eq!(client.workspace_id(), Some("ws-1"));
    /// let response = client.embeddings().create(EmbeddingRequest::new(["hello"])).await?;
    /// assert_eq!(response.len(), 1);
    /// # Ok(())
    /// # }
    /// ```
    pub fn client(&self) -> ::aligneai::Result<::aligneai::AligneAI> {
        self.client_builder().build()
    }

    /// An [`aligneai::AligneAIBuilder`] with this emulator's base URL, key and workspace id
    /// set, to adjust (retries, timeouts, the retry sleep) before building.
    ///
    /// Needs the `aligneai` cargo feature.
    ///
    /// ```
    /// use aligneai::ErrorKind;
    /// use llm_testkit::{AligneAIEmulator, Fault};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> aligneai::Result<()> {
    /// let server = AligneAIEmulator::start().await;
    /// let client = server.client_builder().max_retries(0).build()?;
    /// server.fail_next(Fault::status(503));
    /// let err = client.ping().await.unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::InternalServer);
    /// # Ok(())
    /// # }
    /// ```
    pub fn client_builder(&self) -> ::aligneai::AligneAIBuilder {
        let builder = ::aligneai::AligneAI::builder()
            .base_url(self.base_url())
            .api_key(self.api_key());
        match self.workspace_id() {
            Some(id) => builder.workspace_id(id),
            None => builder,
        }
    }
}
