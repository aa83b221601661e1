//! The blocking Assistants resource.

use super::{PageIter, PeakPrivacy};
use crate::{
    Assistant, AssistantAnswer, AssistantQuery, CreateAssistantRequest, Deleted, ListParams, Page,
    RequestOptions, Result, UpdateAssistantRequest,
};

/// The blocking Assistants resource, from [`PeakPrivacy::assistants`]: the same calls as
/// [`crate::Assistants`], returning values directly; the auto-paginating list is an
/// [`Iterator`].
///
/// ```no_run
/// use peakprivacy::CreateAssistantRequest;
///
/// let client = peakprivacy::blocking::PeakPrivacy::from_env()?;
/// let assistant = client.assistants().create(CreateAssistantRequest::new("Helpdesk", "mistral-swiss"))?;
/// let answer = client.assistants().query(&assistant.id, "What are the opening hours?")?;
/// println!("{}", answer.content);
/// client.assistants().delete(&assistant.id)?;
/// # Ok::<(), peakprivacy::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Assistants<'a> {
    client: &'a PeakPrivacy,
}

impl<'a> Assistants<'a> {
    pub(super) fn new(client: &'a PeakPrivacy) -> Self {
        Self { client }
    }

    /// Creates an assistant; see [`crate::Assistants::create`].
    ///
    /// # Errors
    /// As [`crate::Assistants::create`], or [`ErrorKind::Config`](crate::ErrorKind::Config)
    /// when called inside an async runtime.
    ///
    /// ```no_run
    /// let client = peakprivacy::blocking::PeakPrivacy::from_env()?;
    /// let a = client.assistants().create(peakprivacy::CreateAssistantRequest::new("A", "mistral-swiss"))?;
    /// # let _ = a; Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn create(&self, request: CreateAssistantRequest) -> Result<Assistant> {
        self.create_with(request, RequestOptions::new())
    }

    /// [`create`](Self::create) with per-call options.
    ///
    /// # Errors
    /// As [`create`](Self::create).
    ///
    /// ```no_run
    /// let client = peakprivacy::blocking::PeakPrivacy::from_env()?;
    /// let request = peakprivacy::CreateAssistantRequest::new("A", "mistral-swiss");
    /// let a = client.assistants().create_with(request, peakprivacy::RequestOptions::new().idempotency_key("a-1"))?;
    /// # let _ = a; Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn create_with(
        &self,
        request: CreateAssistantRequest,
        options: RequestOptions,
    ) -> Result<Assistant> {
        self.client
            .run(self.client.inner.assistants().create_with(request, options))
    }

    /// Changes an assistant; see [`crate::Assistants::update`].
    ///
    /// # Errors
    /// As [`crate::Assistants::update`].
    ///
    /// ```no_run
    /// let client = peakprivacy::blocking::PeakPrivacy::from_env()?;
    /// let update = peakprivacy::UpdateAssistantRequest::new().temperature(0.2);
    /// let a = client.assistants().update("a1", update)?;
    /// # let _ = a; Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn update(&self, id: &str, request: UpdateAssistantRequest) -> Result<Assistant> {
        self.update_with(id, request, RequestOptions::new())
    }

    /// [`update`](Self::update) with per-call options.
    ///
    /// # Errors
    /// As [`update`](Self::update).
    ///
    /// ```no_run
    /// let client = peakprivacy::blocking::PeakPrivacy::from_env()?;
    /// let update = peakprivacy::UpdateAssistantRequest::new().name("B");
    /// client.assistants().update_with("a1", update, peakprivacy::RequestOptions::new())?;
    /// # Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn update_with(
        &self,
        id: &str,
        request: UpdateAssistantRequest,
        options: RequestOptions,
    ) -> Result<Assistant> {
        self.client.run(
            self.client
                .inner
                .assistants()
                .update_with(id, request, options),
        )
    }

    /// One assistant; see [`crate::Assistants::retrieve`].
    ///
    /// # Errors
    /// As [`crate::Assistants::retrieve`].
    ///
    /// ```no_run
    /// let client = peakprivacy::blocking::PeakPrivacy::from_env()?;
    /// let a = client.assistants().retrieve("a1")?;
    /// # let _ = a; Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn retrieve(&self, id: &str) -> Result<Assistant> {
        self.retrieve_with(id, RequestOptions::new())
    }

    /// [`retrieve`](Self::retrieve) with per-call options.
    ///
    /// # Errors
    /// As [`retrieve`](Self::retrieve).
    ///
    /// ```no_run
    /// let client = peakprivacy::blocking::PeakPrivacy::from_env()?;
    /// let a = client.assistants().retrieve_with("a1", peakprivacy::RequestOptions::new())?;
    /// # let _ = a; Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn retrieve_with(&self, id: &str, options: RequestOptions) -> Result<Assistant> {
        self.client
            .run(self.client.inner.assistants().retrieve_with(id, options))
    }

    /// One page of assistants; see [`crate::Assistants::list`].
    ///
    /// # Errors
    /// As [`crate::Assistants::list`].
    ///
    /// ```no_run
    /// let client = peakprivacy::blocking::PeakPrivacy::from_env()?;
    /// let page = client.assistants().list(peakprivacy::ListParams::new())?;
    /// # let _ = page; Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn list(&self, params: ListParams) -> Result<Page<Assistant>> {
        self.list_with(params, RequestOptions::new())
    }

    /// [`list`](Self::list) with per-call options.
    ///
    /// # Errors
    /// As [`list`](Self::list).
    ///
    /// ```no_run
    /// let client = peakprivacy::blocking::PeakPrivacy::from_env()?;
    /// let page = client.assistants().list_with(peakprivacy::ListParams::new(), peakprivacy::RequestOptions::new())?;
    /// # let _ = page; Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn list_with(
        &self,
        params: ListParams,
        options: RequestOptions,
    ) -> Result<Page<Assistant>> {
        self.client
            .run(self.client.inner.assistants().list_with(params, options))
    }

    /// Every assistant as an [`Iterator`]; see [`crate::Assistants::list_stream`].
    ///
    /// ```no_run
    /// let client = peakprivacy::blocking::PeakPrivacy::from_env()?;
    /// for assistant in client.assistants().list_stream(peakprivacy::ListParams::new()) {
    ///     println!("{}", assistant?.name);
    /// }
    /// # Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn list_stream(&self, params: ListParams) -> PageIter<Assistant> {
        self.list_stream_with(params, RequestOptions::new())
    }

    /// [`list_stream`](Self::list_stream) with per-call options.
    ///
    /// ```no_run
    /// let client = peakprivacy::blocking::PeakPrivacy::from_env()?;
    /// let all = client.assistants().list_stream_with(peakprivacy::ListParams::new(), peakprivacy::RequestOptions::new());
    /// # let _ = all; Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn list_stream_with(
        &self,
        params: ListParams,
        options: RequestOptions,
    ) -> PageIter<Assistant> {
        self.client.iter(
            self.client
                .inner
                .assistants()
                .list_stream_with(params, options),
        )
    }

    /// Deletes an assistant; see [`crate::Assistants::delete`].
    ///
    /// # Errors
    /// As [`crate::Assistants::delete`].
    ///
    /// ```no_run
    /// let client = peakprivacy::blocking::PeakPrivacy::from_env()?;
    /// client.assistants().delete("a1")?;
    /// # Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn delete(&self, id: &str) -> Result<Deleted> {
        self.delete_with(id, RequestOptions::new())
    }

    /// [`delete`](Self::delete) with per-call options.
    ///
    /// # Errors
    /// As [`delete`](Self::delete).
    ///
    /// ```no_run
    /// let client = peakprivacy::blocking::PeakPrivacy::from_env()?;
    /// client.assistants().delete_with("a1", peakprivacy::RequestOptions::new())?;
    /// # Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn delete_with(&self, id: &str, options: RequestOptions) -> Result<Deleted> {
        self.client
            .run(self.client.inner.assistants().delete_with(id, options))
    }

    /// Asks an assistant a question; see [`crate::Assistants::query`] (path and body
    /// configurable with [`AssistantQuery`]).
    ///
    /// # Errors
    /// As [`crate::Assistants::query`].
    ///
    /// ```no_run
    /// let client = peakprivacy::blocking::PeakPrivacy::from_env()?;
    /// let answer = client.assistants().query("a1", "Which invoices are overdue?")?;
    /// println!("{}", answer.content);
    /// # Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn query(&self, id: &str, query: impl Into<AssistantQuery>) -> Result<AssistantAnswer> {
        self.query_with(id, query, RequestOptions::new())
    }

    /// [`query`](Self::query) with per-call options.
    ///
    /// # Errors
    /// As [`query`](Self::query).
    ///
    /// ```no_run
    /// let client = peakprivacy::blocking::PeakPrivacy::from_env()?;
    /// let answer = client.assistants().query_with("a1", "Hi", peakprivacy::RequestOptions::new())?;
    /// # let _ = answer; Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn query_with(
        &self,
        id: &str,
        query: impl Into<AssistantQuery>,
        options: RequestOptions,
    ) -> Result<AssistantAnswer> {
        self.client.run(
            self.client
                .inner
                .assistants()
                .query_with(id, query, options),
        )
    }
}
