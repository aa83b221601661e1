//! The Assistants API: create (`POST ai/assistants`), update (`PUT ai/assistants/{id}`),
//! retrieve, list, delete, and query.
//!
//! Verified from the docs: the create body and its 201 answer, the 422 validation body,
//! the 401, and that `PUT ai/assistants/{id}` exists. Inferred: the update body and
//! answer, `GET ai/assistants/{id}`, `GET ai/assistants` (cursor pages like `GET files`),
//! `DELETE ai/assistants/{id}`, and the query call, whose path and body are configurable
//! ([`AssistantQuery`]).

use llm_core::page::{Page, PageStream};
use llm_core::RawResponse;

use crate::types::{
    Assistant, AssistantAnswer, AssistantQuery, CreateAssistantRequest, Deleted, ListParams,
    UpdateAssistantRequest,
};
use crate::wire;
use crate::{ApiRequest, PeakPrivacy, RequestOptions, Result};

/// The path of the Assistants API.
const ASSISTANTS_PATH: &str = "ai/assistants";

/// The Assistants resource, from [`PeakPrivacy::assistants`]: assistants with
/// instructions, a model and uploaded files, which users query.
///
/// ```no_run
/// use peakprivacy::{CreateAssistantRequest, FilePart, PeakPrivacy};
///
/// # async fn run() -> peakprivacy::Result<()> {
/// let client = PeakPrivacy::from_env()?;
/// let files = client.files().upload([FilePart::from_path("invoices.pdf")]).await?;
/// let assistant = client
///     .assistants()
///     .create(
///         CreateAssistantRequest::new("Invoices", "mistral-swiss")
///             .instructions("Answer from the invoices only.")
///             .file_ids(files.iter().map(|f| f.id.clone())),
///     )
///     .await?;
/// let answer = client.assistants().query(&assistant.id, "Which invoices are overdue?").await?;
/// println!("{}", answer.content);
/// client.assistants().delete(&assistant.id).await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Assistants<'a> {
    client: &'a PeakPrivacy,
}

impl<'a> Assistants<'a> {
    pub(crate) fn new(client: &'a PeakPrivacy) -> Self {
        Self { client }
    }

    /// Creates an assistant (`POST ai/assistants`, answered 201).
    ///
    /// # Errors
    /// - [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest) before sending
    ///   (see [`CreateAssistantRequest::validate`]).
    /// - [`ErrorKind::UnprocessableEntity`](crate::ErrorKind::UnprocessableEntity) (422)
    ///   with the server's messages per field in [`Error::field_errors`](crate::Error::field_errors)
    ///   (e.g. `model`: "The selected model is invalid.").
    /// - [`ErrorKind::Authentication`](crate::ErrorKind::Authentication) (401: bad token or
    ///   inactive subscription), any other HTTP, connection or timeout error.
    /// - [`ErrorKind::Decode`](crate::ErrorKind::Decode) with the raw body kept when the
    ///   answer is not an assistant.
    ///
    /// ```no_run
    /// use peakprivacy::{CreateAssistantRequest, ErrorKind};
    ///
    /// # async fn run() -> peakprivacy::Result<()> {
    /// let client = peakprivacy::PeakPrivacy::from_env()?;
    /// let request = CreateAssistantRequest::new("Helpdesk", "no-such-model");
    /// match client.assistants().create(request).await {
    ///     Ok(assistant) => println!("created {}", assistant.id),
    ///     Err(err) if err.kind() == ErrorKind::UnprocessableEntity => {
    ///         println!("rejected: {:?}", err.field_errors());
    ///     }
    ///     Err(err) => return Err(err),
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn create(&self, request: CreateAssistantRequest) -> Result<Assistant> {
        self.create_with(request, RequestOptions::new()).await
    }

    /// [`create`](Self::create) with per-call options (an
    /// [`idempotency_key`](RequestOptions::idempotency_key) is sent on every attempt).
    ///
    /// # Errors
    /// As [`create`](Self::create).
    ///
    /// ```no_run
    /// # async fn run() -> peakprivacy::Result<()> {
    /// let client = peakprivacy::PeakPrivacy::from_env()?;
    /// let options = peakprivacy::RequestOptions::new().idempotency_key("create-helpdesk");
    /// let request = peakprivacy::CreateAssistantRequest::new("Helpdesk", "mistral-swiss");
    /// let assistant = client.assistants().create_with(request, options).await?;
    /// # let _ = assistant; Ok(()) }
    /// ```
    pub async fn create_with(
        &self,
        request: CreateAssistantRequest,
        options: RequestOptions,
    ) -> Result<Assistant> {
        request.validate()?;
        let api_request = ApiRequest::post(ASSISTANTS_PATH)
            .json(&request)?
            .options(options);
        self.send_assistant(api_request).await
    }

    /// Changes an assistant (`PUT ai/assistants/{id}`) and returns it as the server
    /// answers (the body and answer are inferred; see [`UpdateAssistantRequest`]).
    ///
    /// # Errors
    /// As [`create`](Self::create), plus [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest)
    /// for an id with characters other than letters, digits, `-`, `_`, `.`, `~`, and
    /// [`ErrorKind::NotFound`](crate::ErrorKind::NotFound) for an unknown id.
    ///
    /// ```no_run
    /// use peakprivacy::UpdateAssistantRequest;
    ///
    /// # async fn run() -> peakprivacy::Result<()> {
    /// let client = peakprivacy::PeakPrivacy::from_env()?;
    /// let update = UpdateAssistantRequest::new().instructions("Answer in German.");
    /// let assistant = client.assistants().update("a1", update).await?;
    /// # let _ = assistant; Ok(()) }
    /// ```
    pub async fn update(&self, id: &str, request: UpdateAssistantRequest) -> Result<Assistant> {
        self.update_with(id, request, RequestOptions::new()).await
    }

    /// [`update`](Self::update) with per-call options.
    ///
    /// # Errors
    /// As [`update`](Self::update).
    ///
    /// ```no_run
    /// # async fn run() -> peakprivacy::Result<()> {
    /// let client = peakprivacy::PeakPrivacy::from_env()?;
    /// let update = peakprivacy::UpdateAssistantRequest::new().temperature(0.1);
    /// let options = peakprivacy::RequestOptions::new().max_retries(0);
    /// client.assistants().update_with("a1", update, options).await?;
    /// # Ok(()) }
    /// ```
    pub async fn update_with(
        &self,
        id: &str,
        request: UpdateAssistantRequest,
        options: RequestOptions,
    ) -> Result<Assistant> {
        request.validate()?;
        let api_request = ApiRequest::put(assistant_path(id)?)
            .json(&request)?
            .options(options);
        self.send_assistant(api_request).await
    }

    /// One assistant (`GET ai/assistants/{id}`, inferred).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest) for a malformed id,
    /// [`ErrorKind::NotFound`](crate::ErrorKind::NotFound) for an unknown one, any other
    /// HTTP, connection or timeout error, [`ErrorKind::Decode`](crate::ErrorKind::Decode)
    /// with the raw body kept when the answer is not an assistant.
    ///
    /// ```no_run
    /// # async fn run() -> peakprivacy::Result<()> {
    /// let client = peakprivacy::PeakPrivacy::from_env()?;
    /// let assistant = client.assistants().retrieve("a1").await?;
    /// println!("{} uses {} files", assistant.name, assistant.files.len());
    /// # Ok(()) }
    /// ```
    pub async fn retrieve(&self, id: &str) -> Result<Assistant> {
        self.retrieve_with(id, RequestOptions::new()).await
    }

    /// [`retrieve`](Self::retrieve) with per-call options.
    ///
    /// # Errors
    /// As [`retrieve`](Self::retrieve).
    ///
    /// ```no_run
    /// # async fn run() -> peakprivacy::Result<()> {
    /// let client = peakprivacy::PeakPrivacy::from_env()?;
    /// let a = client.assistants().retrieve_with("a1", peakprivacy::RequestOptions::new()).await?;
    /// # let _ = a; Ok(()) }
    /// ```
    pub async fn retrieve_with(&self, id: &str, options: RequestOptions) -> Result<Assistant> {
        let api_request = ApiRequest::get(assistant_path(id)?).options(options);
        self.send_assistant(api_request).await
    }

    /// One page of assistants (`GET ai/assistants?limit=..&cursor=..`, inferred; a bare
    /// array is one page).
    ///
    /// # Errors
    /// Any HTTP, connection or timeout error; [`ErrorKind::Decode`](crate::ErrorKind::Decode)
    /// with the raw body kept for an answer that is not a list of assistants.
    ///
    /// ```no_run
    /// # async fn run() -> peakprivacy::Result<()> {
    /// let client = peakprivacy::PeakPrivacy::from_env()?;
    /// let page = client.assistants().list(peakprivacy::ListParams::new().limit(10)).await?;
    /// for assistant in page.data {
    ///     println!("{} ({})", assistant.name, assistant.model);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn list(&self, params: ListParams) -> Result<Page<Assistant>> {
        self.list_with(params, RequestOptions::new()).await
    }

    /// [`list`](Self::list) with per-call options.
    ///
    /// # Errors
    /// As [`list`](Self::list).
    ///
    /// ```no_run
    /// # async fn run() -> peakprivacy::Result<()> {
    /// let client = peakprivacy::PeakPrivacy::from_env()?;
    /// let options = peakprivacy::RequestOptions::new().max_retries(0);
    /// let page = client.assistants().list_with(peakprivacy::ListParams::new(), options).await?;
    /// # let _ = page; Ok(()) }
    /// ```
    pub async fn list_with(
        &self,
        params: ListParams,
        options: RequestOptions,
    ) -> Result<Page<Assistant>> {
        wire::list_page(self.client, ASSISTANTS_PATH, params, options).await
    }

    /// Every assistant, page after page, as a [`Stream`](futures_core::Stream) (see
    /// [`Files::list_stream`](crate::Files::list_stream) for how it pages and ends).
    ///
    /// ```no_run
    /// use futures_util::TryStreamExt;
    ///
    /// # async fn run() -> peakprivacy::Result<()> {
    /// let client = peakprivacy::PeakPrivacy::from_env()?;
    /// let all: Vec<_> = client.assistants().list_stream(peakprivacy::ListParams::new()).try_collect().await?;
    /// # let _ = all; Ok(()) }
    /// ```
    pub fn list_stream(&self, params: ListParams) -> PageStream<Assistant> {
        self.list_stream_with(params, RequestOptions::new())
    }

    /// [`list_stream`](Self::list_stream) with per-call options (applied to every page).
    ///
    /// ```no_run
    /// # async fn run() -> peakprivacy::Result<()> {
    /// let client = peakprivacy::PeakPrivacy::from_env()?;
    /// let options = peakprivacy::RequestOptions::new().max_retries(5);
    /// let all = client.assistants().list_stream_with(peakprivacy::ListParams::new(), options);
    /// # let _ = all; Ok(()) }
    /// ```
    pub fn list_stream_with(
        &self,
        params: ListParams,
        options: RequestOptions,
    ) -> PageStream<Assistant> {
        wire::page_stream(self.client, ASSISTANTS_PATH, params, options)
    }

    /// Deletes an assistant (`DELETE ai/assistants/{id}`, inferred). Any 2xx answer
    /// counts as deleted, whatever its body.
    ///
    /// # Errors
    /// As [`retrieve`](Self::retrieve), except that the body is not decoded.
    ///
    /// ```no_run
    /// # async fn run() -> peakprivacy::Result<()> {
    /// let client = peakprivacy::PeakPrivacy::from_env()?;
    /// assert_eq!(client.assistants().delete("a1").await?.id, "a1");
    /// # Ok(()) }
    /// ```
    pub async fn delete(&self, id: &str) -> Result<Deleted> {
        self.delete_with(id, RequestOptions::new()).await
    }

    /// [`delete`](Self::delete) with per-call options.
    ///
    /// # Errors
    /// As [`delete`](Self::delete).
    ///
    /// ```no_run
    /// # async fn run() -> peakprivacy::Result<()> {
    /// let client = peakprivacy::PeakPrivacy::from_env()?;
    /// client.assistants().delete_with("a1", peakprivacy::RequestOptions::new().max_retries(0)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn delete_with(&self, id: &str, options: RequestOptions) -> Result<Deleted> {
        let api_request = ApiRequest::delete(assistant_path(id)?).options(options);
        self.client.transport().send(api_request).await?;
        Ok(Deleted::new(id))
    }

    /// Asks an assistant a question. The path and body are not documented: by default
    /// `POST ai/assistants/{id}/query` with `{"query": question}`; pass an
    /// [`AssistantQuery`] to change either. The answer's text is found in the usual places
    /// (see [`AssistantAnswer`]).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest) for a malformed id
    /// or a blank question; any HTTP, connection or timeout error (404 for an unknown
    /// assistant, or for a server that has no such path); [`ErrorKind::Decode`](crate::ErrorKind::Decode)
    /// with the raw body kept when no answer text is found.
    ///
    /// ```no_run
    /// use peakprivacy::AssistantQuery;
    ///
    /// # async fn run() -> peakprivacy::Result<()> {
    /// let client = peakprivacy::PeakPrivacy::from_env()?;
    /// let answer = client.assistants().query("a1", "Which invoices are overdue?").await?;
    /// println!("{}", answer.content);
    ///
    /// // If the server turns out to use another path or body:
    /// let query = AssistantQuery::new("Which invoices are overdue?")
    ///     .path_template("ai/assistants/{id}/completions")
    ///     .messages_body();
    /// let answer = client.assistants().query("a1", query).await?;
    /// # let _ = answer; Ok(()) }
    /// ```
    pub async fn query(
        &self,
        id: &str,
        query: impl Into<AssistantQuery>,
    ) -> Result<AssistantAnswer> {
        self.query_with(id, query, RequestOptions::new()).await
    }

    /// [`query`](Self::query) with per-call options.
    ///
    /// # Errors
    /// As [`query`](Self::query).
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// # async fn run() -> peakprivacy::Result<()> {
    /// let client = peakprivacy::PeakPrivacy::from_env()?;
    /// let options = peakprivacy::RequestOptions::new().timeout(Duration::from_secs(300));
    /// let answer = client.assistants().query_with("a1", "Summarise the contract.", options).await?;
    /// # let _ = answer; Ok(()) }
    /// ```
    pub async fn query_with(
        &self,
        id: &str,
        query: impl Into<AssistantQuery>,
        options: RequestOptions,
    ) -> Result<AssistantAnswer> {
        let query = query.into();
        if query.question().trim().is_empty() {
            return Err(crate::Error::invalid_request(
                "the question must not be blank",
            ));
        }
        let path = query.path_for(wire::path_id(id, "assistant")?);
        let api_request = ApiRequest::post(path).json(&query.body())?.options(options);
        let transport = self.client.transport();
        let raw = transport.send(api_request).await?;
        decode_answer(&raw).map_err(|err| transport.redact(err))
    }

    /// Sends a request whose answer is one assistant.
    async fn send_assistant(&self, request: ApiRequest) -> Result<Assistant> {
        let transport = self.client.transport();
        let raw = transport.send(request).await?;
        decode_assistant(&raw.body, raw.status).map_err(|err| transport.redact(err))
    }
}

/// `ai/assistants/{id}` for a checked id.
fn assistant_path(id: &str) -> Result<String> {
    Ok(format!(
        "{ASSISTANTS_PATH}/{}",
        wire::path_id(id, "assistant")?
    ))
}

/// One assistant (or `{"data": {...}}`) with an id.
fn decode_assistant(body: &[u8], status: u16) -> Result<Assistant> {
    let assistant: Assistant = wire::one(body, status, "an assistant")?;
    if assistant.id.is_empty() {
        return Err(wire::unexpected(
            "the assistant in the response has no id",
            body,
            status,
        ));
    }
    Ok(assistant)
}

/// The answer of a query: JSON with the text in a known place, or a `text/plain` body.
fn decode_answer(raw: &RawResponse) -> Result<AssistantAnswer> {
    let is_text = raw
        .headers
        .get(llm_core::reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.trim_start().starts_with("text/plain"));
    if is_text {
        return String::from_utf8(raw.body.to_vec())
            .map(AssistantAnswer::from_text)
            .map_err(|e| {
                crate::Error::decode("the answer is not UTF-8 text", e)
                    .with_status(raw.status)
                    .with_raw_body(&raw.body)
            });
    }
    let value: serde_json::Value = wire::one(&raw.body, raw.status, "an answer")?;
    AssistantAnswer::from_json(value).ok_or_else(|| {
        wire::unexpected(
            "no answer text was found in the response",
            &raw.body,
            raw.status,
        )
    })
}
