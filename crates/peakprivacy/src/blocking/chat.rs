//! The blocking chat resource.

use super::{ChatCompletionStream, PeakPrivacy};
use crate::{ApiTokenValid, ChatCompletion, ChatCompletionRequest, RequestOptions, Result};

/// The blocking chat resource, from [`PeakPrivacy::chat`].
///
/// ```
/// let client = peakprivacy::blocking::PeakPrivacy::new("t")?;
/// let chat = client.chat();
/// # let _ = chat; Ok::<(), peakprivacy::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Chat<'a> {
    client: &'a PeakPrivacy,
}

impl<'a> Chat<'a> {
    pub(super) fn new(client: &'a PeakPrivacy) -> Self {
        Self { client }
    }

    /// Chat completions.
    ///
    /// ```
    /// let client = peakprivacy::blocking::PeakPrivacy::new("t")?;
    /// let completions = client.chat().completions();
    /// # let _ = completions; Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn completions(&self) -> Completions<'a> {
        Completions {
            client: self.client,
        }
    }

    /// Checks the API token (`GET ai/ping`); see [`crate::Chat::check_api_token`].
    ///
    /// # Errors
    /// [`ErrorKind::Authentication`](crate::ErrorKind::Authentication) on 401, any other
    /// [`Error`](crate::Error), or [`ErrorKind::Config`](crate::ErrorKind::Config) when
    /// called inside an async runtime.
    ///
    /// ```no_run
    /// let client = peakprivacy::blocking::PeakPrivacy::from_env()?;
    /// client.chat().check_api_token()?;
    /// # Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn check_api_token(&self) -> Result<ApiTokenValid> {
        self.check_api_token_with(RequestOptions::new())
    }

    /// [`check_api_token`](Self::check_api_token) with per-call options.
    ///
    /// # Errors
    /// As [`check_api_token`](Self::check_api_token).
    ///
    /// ```no_run
    /// let client = peakprivacy::blocking::PeakPrivacy::from_env()?;
    /// client.chat().check_api_token_with(peakprivacy::RequestOptions::new().max_retries(0))?;
    /// # Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn check_api_token_with(&self, options: RequestOptions) -> Result<ApiTokenValid> {
        self.client
            .run(self.client.inner.chat().check_api_token_with(options))
    }
}

/// Blocking chat completions, from [`Chat::completions`].
///
/// ```
/// let client = peakprivacy::blocking::PeakPrivacy::new("t")?;
/// let completions = client.chat().completions();
/// # let _ = completions; Ok::<(), peakprivacy::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Completions<'a> {
    client: &'a PeakPrivacy,
}

impl Completions<'_> {
    /// Creates a chat completion; see [`crate::Completions::create`].
    ///
    /// # Errors
    /// As [`crate::Completions::create`], or [`ErrorKind::Config`](crate::ErrorKind::Config)
    /// when called inside an async runtime.
    ///
    /// ```no_run
    /// use peakprivacy::{ChatCompletionRequest, Message};
    ///
    /// let client = peakprivacy::blocking::PeakPrivacy::from_env()?;
    /// let request = ChatCompletionRequest::new("mistral-swiss", [Message::user("Hi")]);
    /// let completion = client.chat().completions().create(request)?;
    /// println!("{}", completion.content());
    /// # Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn create(&self, request: ChatCompletionRequest) -> Result<ChatCompletion> {
        self.create_with(request, RequestOptions::new())
    }

    /// [`create`](Self::create) with per-call options.
    ///
    /// # Errors
    /// As [`create`](Self::create).
    ///
    /// ```no_run
    /// use peakprivacy::{ChatCompletionRequest, Message, RequestOptions};
    ///
    /// let client = peakprivacy::blocking::PeakPrivacy::from_env()?;
    /// let request = ChatCompletionRequest::new("mistral-swiss", [Message::user("Hi")]);
    /// let completion = client
    ///     .chat()
    ///     .completions()
    ///     .create_with(request, RequestOptions::new().max_retries(0))?;
    /// # let _ = completion; Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn create_with(
        &self,
        request: ChatCompletionRequest,
        options: RequestOptions,
    ) -> Result<ChatCompletion> {
        let completions = self.client.inner.chat().completions();
        self.client.run(completions.create_with(request, options))
    }

    /// Creates a streamed chat completion as an iterator of chunks; see
    /// [`crate::Completions::create_stream`] (including the one-chunk answer when
    /// `anonymize` is on).
    ///
    /// # Errors
    /// As [`crate::Completions::create_stream`], or
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) when called inside an async runtime.
    ///
    /// ```no_run
    /// use peakprivacy::{ChatCompletionRequest, Message};
    ///
    /// let client = peakprivacy::blocking::PeakPrivacy::from_env()?;
    /// let request = ChatCompletionRequest::new("mistral-swiss", [Message::user("Hi")]).anonymize(false);
    /// for chunk in client.chat().completions().create_stream(request)? {
    ///     print!("{}", chunk?.content());
    /// }
    /// # Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn create_stream(&self, request: ChatCompletionRequest) -> Result<ChatCompletionStream> {
        self.create_stream_with(request, RequestOptions::new())
    }

    /// [`create_stream`](Self::create_stream) with per-call options.
    ///
    /// # Errors
    /// As [`create_stream`](Self::create_stream).
    ///
    /// ```no_run
    /// use peakprivacy::{ChatCompletionRequest, Message, RequestOptions};
    /// use std::time::Duration;
    ///
    /// let client = peakprivacy::blocking::PeakPrivacy::from_env()?;
    /// let request = ChatCompletionRequest::new("mistral-swiss", [Message::user("Hi")]);
    /// let options = RequestOptions::new().stream_idle_timeout(Duration::from_secs(10));
    /// let completion = client
    ///     .chat()
    ///     .completions()
    ///     .create_stream_with(request, options)?
    ///     .collect_completion()?;
    /// # let _ = completion; Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn create_stream_with(
        &self,
        request: ChatCompletionRequest,
        options: RequestOptions,
    ) -> Result<ChatCompletionStream> {
        let completions = self.client.inner.chat().completions();
        let stream = self
            .client
            .run(completions.create_stream_with(request, options))?;
        Ok(self.client.iter(stream))
    }
}
