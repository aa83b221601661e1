//! The public types of the Assistants API: the create and update bodies, an assistant,
//! and a query with its answer.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::{Error, FileObject, Result};

/// The body of `POST ai/assistants` (**verified from the docs**): `name`, `model`,
/// `temperature` (0..=1) and `anonymize` are required by the server; `instructions` and
/// `file_ids` (ids from the Files API) are optional.
///
/// [`new`](Self::new) takes the name and model and fills the other required fields with
/// the documented default `anonymize: true` and `temperature: 0.7` (the chat default);
/// every field is always sent, except `instructions` and `file_ids` when unset. Setters
/// never fail: a blank name or model, or a temperature outside `0..=1`, is reported by
/// [`Assistants::create`](crate::Assistants::create) before anything is sent.
///
/// ```
/// use peakprivacy::CreateAssistantRequest;
///
/// let request = CreateAssistantRequest::new("Invoices", "mistral-swiss")
///     .instructions("Answer from the invoices only.")
///     .temperature(0.2)
///     .file_ids(["f1", "f2"]);
/// let body = serde_json::to_value(&request).unwrap();
/// assert_eq!(body, serde_json::json!({
///     "name": "Invoices", "model": "mistral-swiss", "instructions": "Answer from the invoices only.",
///     "temperature": 0.2, "anonymize": true, "file_ids": ["f1", "f2"]
/// }));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CreateAssistantRequest {
    /// The assistant's name.
    pub name: String,
    /// The model id (any string the server accepts; see `client.models().list()`).
    pub model: String,
    /// The system instructions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instructions: Option<String>,
    /// Sampling temperature, `0..=1`.
    pub temperature: f64,
    /// Whether personal data is pseudonymised (server default true).
    pub anonymize: bool,
    /// Ids of uploaded files the assistant answers from.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub file_ids: Vec<String>,
}

impl CreateAssistantRequest {
    /// A request with the required name and model, `temperature` 0.7 and `anonymize` true.
    ///
    /// ```
    /// let request = peakprivacy::CreateAssistantRequest::new("Helpdesk", "mistral-swiss");
    /// assert_eq!((request.temperature, request.anonymize), (0.7, true));
    /// ```
    pub fn new(name: impl Into<String>, model: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            model: model.into(),
            instructions: None,
            temperature: 0.7,
            anonymize: true,
            file_ids: Vec::new(),
        }
    }

    /// Sets the system instructions.
    ///
    /// ```
    /// let r = peakprivacy::CreateAssistantRequest::new("a", "m").instructions("Be brief.");
    /// assert_eq!(r.instructions.as_deref(), Some("Be brief."));
    /// ```
    #[must_use]
    pub fn instructions(mut self, instructions: impl Into<String>) -> Self {
        self.instructions = Some(instructions.into());
        self
    }

    /// Sets the temperature (`0..=1`).
    ///
    /// ```
    /// let r = peakprivacy::CreateAssistantRequest::new("a", "m").temperature(0.0);
    /// assert_eq!(r.temperature, 0.0);
    /// ```
    #[must_use]
    pub fn temperature(mut self, temperature: f64) -> Self {
        self.temperature = temperature;
        self
    }

    /// Turns pseudonymisation on or off.
    ///
    /// ```
    /// let r = peakprivacy::CreateAssistantRequest::new("a", "m").anonymize(false);
    /// assert!(!r.anonymize);
    /// ```
    #[must_use]
    pub fn anonymize(mut self, anonymize: bool) -> Self {
        self.anonymize = anonymize;
        self
    }

    /// Sets the ids of the files the assistant answers from.
    ///
    /// ```
    /// let r = peakprivacy::CreateAssistantRequest::new("a", "m").file_ids(["f1"]);
    /// assert_eq!(r.file_ids, ["f1"]);
    /// ```
    #[must_use]
    pub fn file_ids<I, S>(mut self, ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.file_ids = ids.into_iter().map(Into::into).collect();
        self
    }

    /// Checks the fields the server requires.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest) for a blank name or
    /// model, a temperature outside `0..=1` (or not finite), or a blank file id.
    ///
    /// ```
    /// use peakprivacy::CreateAssistantRequest;
    /// assert!(CreateAssistantRequest::new("a", "m").validate().is_ok());
    /// assert!(CreateAssistantRequest::new(" ", "m").validate().is_err());
    /// assert!(CreateAssistantRequest::new("a", "m").temperature(1.5).validate().is_err());
    /// ```
    pub fn validate(&self) -> Result<()> {
        check_text("name", Some(&self.name))?;
        check_text("model", Some(&self.model))?;
        check_temperature(Some(self.temperature))?;
        check_file_ids(Some(&self.file_ids))
    }
}

/// The body of `PUT ai/assistants/{id}`. The docs show that the call exists but not its
/// body (**inferred**): this sends only the fields that are set, with the create call's
/// names and rules. If the server turns out to want every field, build the update from a
/// full [`CreateAssistantRequest`] (`UpdateAssistantRequest::from(create)`).
///
/// ```
/// use peakprivacy::{CreateAssistantRequest, UpdateAssistantRequest};
///
/// let update = UpdateAssistantRequest::new().instructions("Answer in German.").file_ids(["f3"]);
/// assert_eq!(
///     serde_json::to_value(&update).unwrap(),
///     serde_json::json!({"instructions": "Answer in German.", "file_ids": ["f3"]})
/// );
/// let full = UpdateAssistantRequest::from(CreateAssistantRequest::new("a", "mistral-swiss"));
/// assert_eq!(serde_json::to_value(&full).unwrap()["anonymize"], true);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UpdateAssistantRequest {
    /// A new name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A new model.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// New instructions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instructions: Option<String>,
    /// A new temperature (`0..=1`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    /// Pseudonymisation on or off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub anonymize: Option<bool>,
    /// The new list of file ids (replacing the old one; an empty list detaches every file).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_ids: Option<Vec<String>>,
}

impl From<CreateAssistantRequest> for UpdateAssistantRequest {
    fn from(create: CreateAssistantRequest) -> Self {
        Self {
            name: Some(create.name),
            model: Some(create.model),
            instructions: create.instructions,
            temperature: Some(create.temperature),
            anonymize: Some(create.anonymize),
            file_ids: Some(create.file_ids),
        }
    }
}

impl UpdateAssistantRequest {
    /// An update that changes nothing yet.
    ///
    /// ```
    /// assert_eq!(serde_json::to_string(&peakprivacy::UpdateAssistantRequest::new()).unwrap(), "{}");
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets a new name.
    ///
    /// ```
    /// assert_eq!(peakprivacy::UpdateAssistantRequest::new().name("b").name.as_deref(), Some("b"));
    /// ```
    #[must_use]
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Sets a new model.
    ///
    /// ```
    /// assert_eq!(peakprivacy::UpdateAssistantRequest::new().model("m").model.as_deref(), Some("m"));
    /// ```
    #[must_use]
    pub fn model(mut self, model: impl Into<String>) -> Self {
        self.model = Some(model.into());
        self
    }

    /// Sets new instructions.
    ///
    /// ```
    /// let u = peakprivacy::UpdateAssistantRequest::new().instructions("x");
    /// assert_eq!(u.instructions.as_deref(), Some("x"));
    /// ```
    #[must_use]
    pub fn instructions(mut self, instructions: impl Into<String>) -> Self {
        self.instructions = Some(instructions.into());
        self
    }

    /// Sets a new temperature.
    ///
    /// ```
    /// assert_eq!(peakprivacy::UpdateAssistantRequest::new().temperature(0.1).temperature, Some(0.1));
    /// ```
    #[must_use]
    pub fn temperature(mut self, temperature: f64) -> Self {
        self.temperature = Some(temperature);
        self
    }

    /// Turns pseudonymisation on or off.
    ///
    /// ```
    /// assert_eq!(peakprivacy::UpdateAssistantRequest::new().anonymize(false).anonymize, Some(false));
    /// ```
    #[must_use]
    pub fn anonymize(mut self, anonymize: bool) -> Self {
        self.anonymize = Some(anonymize);
        self
    }

    /// Replaces the list of file ids.
    ///
    /// ```
    /// let u = peakprivacy::UpdateAssistantRequest::new().file_ids(Vec::<String>::new());
    /// assert_eq!(u.file_ids, Some(vec![]));
    /// ```
    #[must_use]
    pub fn file_ids<I, S>(mut self, ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.file_ids = Some(ids.into_iter().map(Into::into).collect());
        self
    }

    /// Checks the fields that are set, with the create call's rules.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest) for a blank name or
    /// model, a temperature outside `0..=1`, or a blank file id.
    ///
    /// ```
    /// use peakprivacy::UpdateAssistantRequest;
    /// assert!(UpdateAssistantRequest::new().validate().is_ok());
    /// assert!(UpdateAssistantRequest::new().temperature(f64::NAN).validate().is_err());
    /// ```
    pub fn validate(&self) -> Result<()> {
        if self.name.is_some() {
            check_text("name", self.name.as_deref())?;
        }
        if self.model.is_some() {
            check_text("model", self.model.as_deref())?;
        }
        check_temperature(self.temperature)?;
        check_file_ids(self.file_ids.as_deref())
    }
}

fn check_text(field: &str, value: Option<&str>) -> Result<()> {
    match value {
        Some(text) if !text.trim().is_empty() => Ok(()),
        _ => Err(Error::invalid_request(format!(
            "the assistant's {field} must not be blank"
        ))),
    }
}

fn check_temperature(temperature: Option<f64>) -> Result<()> {
    match temperature {
        Some(t) if !(0.0..=1.0).contains(&t) => Err(Error::invalid_request(format!(
            "the assistant's temperature must be within 0..=1, got {t}"
        ))),
        _ => Ok(()),
    }
}

fn check_file_ids(ids: Option<&[String]>) -> Result<()> {
    if ids
        .unwrap_or_default()
        .iter()
        .any(|id| id.trim().is_empty())
    {
        return Err(Error::invalid_request("a file id must not be blank"));
    }
    Ok(())
}

/// An assistant, as the create call answers it (201, **verified from the docs**) and as
/// get, list and update are assumed to (**inferred**).
///
/// Decoding is tolerant: unknown fields are ignored; `temperature` may be a number or a
/// numeric string, `anonymize` a boolean or `0`/`1`; `files[].size` is a string in this
/// API (an integer in the Files API), both read as a number; missing optional fields are
/// `None` or empty.
///
/// ```
/// use peakprivacy::Assistant;
///
/// let assistant: Assistant = serde_json::from_str(r#"{
///     "id": "a1", "name": "Invoices", "model": "mistral-swiss", "instructions": "…",
///     "temperature": 0.5, "anonymize": true,
///     "files": [{"id": "f1", "name": "x.pdf", "ext": "pdf", "size": "2371319", "mimetype": "application/pdf"}]
/// }"#)?;
/// assert_eq!(assistant.files[0].size, Some(2_371_319));
/// assert_eq!(assistant.file_ids(), ["f1"]);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Assistant {
    /// The assistant's id (a UUID in the docs).
    #[serde(deserialize_with = "llm_core::de::string_or_null")]
    pub id: String,
    /// Its name.
    #[serde(default, deserialize_with = "llm_core::de::string_or_null")]
    pub name: String,
    /// Its model.
    #[serde(default, deserialize_with = "llm_core::de::string_or_null")]
    pub model: String,
    /// Its instructions.
    #[serde(default, deserialize_with = "llm_core::de::opt_string")]
    pub instructions: Option<String>,
    /// Its temperature.
    #[serde(default, deserialize_with = "llm_core::de::opt_f64")]
    pub temperature: Option<f64>,
    /// Whether it pseudonymises personal data.
    #[serde(default, deserialize_with = "llm_core::de::opt_bool")]
    pub anonymize: Option<bool>,
    /// The files it answers from.
    #[serde(default, deserialize_with = "files_or_empty")]
    pub files: Vec<FileObject>,
}

impl Assistant {
    /// The ids of its files, in order.
    ///
    /// ```
    /// let a: peakprivacy::Assistant = serde_json::from_str(r#"{"id":"a1","files":null}"#).unwrap();
    /// assert!(a.file_ids().is_empty());
    /// ```
    pub fn file_ids(&self) -> Vec<&str> {
        self.files.iter().map(|f| f.id.as_str()).collect()
    }
}

/// `files` as a list; `null` reads as empty.
fn files_or_empty<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Vec<FileObject>, D::Error> {
    Ok(Option::<Vec<FileObject>>::deserialize(d)?.unwrap_or_default())
}

/// The default path of [`AssistantQuery`], `{id}` standing for the assistant's id
/// (**inferred**: the docs name the operation, not its path).
///
/// ```
/// assert_eq!(peakprivacy::DEFAULT_QUERY_PATH, "ai/assistants/{id}/query");
/// ```
pub const DEFAULT_QUERY_PATH: &str = "ai/assistants/{id}/query";

/// The default JSON field that carries the question (**inferred**).
///
/// ```
/// assert_eq!(peakprivacy::DEFAULT_QUESTION_FIELD, "query");
/// ```
pub const DEFAULT_QUESTION_FIELD: &str = "query";

/// A question to an assistant. The docs say assistants can be queried but show neither
/// the path nor the body, so both are configurable: by default `POST
/// ai/assistants/{id}/query` with `{"query": "<question>"}`
/// ([`DEFAULT_QUERY_PATH`], [`DEFAULT_QUESTION_FIELD`]); [`messages_body`](Self::messages_body)
/// sends the question as chat `messages` instead, and [`extra`](Self::extra) adds fields.
///
/// ```
/// use peakprivacy::AssistantQuery;
///
/// let query = AssistantQuery::new("When is invoice 7 due?");
/// assert_eq!(query.path_for("a1"), "ai/assistants/a1/query");
/// assert_eq!(query.body(), serde_json::json!({"query": "When is invoice 7 due?"}));
///
/// let custom = AssistantQuery::new("Hi")
///     .path_template("ai/assistants/{id}/ask")
///     .question_field("question")
///     .extra("anonymize", false);
/// assert_eq!(custom.path_for("a1"), "ai/assistants/a1/ask");
/// assert_eq!(custom.body(), serde_json::json!({"question": "Hi", "anonymize": false}));
///
/// let chat = AssistantQuery::new("Hi").messages_body();
/// assert_eq!(chat.body(), serde_json::json!({"messages": [{"role": "user", "content": "Hi"}]}));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct AssistantQuery {
    question: String,
    path_template: String,
    question_field: String,
    messages: bool,
    extra: Map<String, Value>,
}

impl From<&str> for AssistantQuery {
    fn from(question: &str) -> Self {
        Self::new(question)
    }
}

impl From<String> for AssistantQuery {
    fn from(question: String) -> Self {
        Self::new(question)
    }
}

impl AssistantQuery {
    /// A question with the default path and body.
    ///
    /// ```
    /// assert_eq!(peakprivacy::AssistantQuery::new("Q").question(), "Q");
    /// ```
    pub fn new(question: impl Into<String>) -> Self {
        Self {
            question: question.into(),
            path_template: DEFAULT_QUERY_PATH.to_owned(),
            question_field: DEFAULT_QUESTION_FIELD.to_owned(),
            messages: false,
            extra: Map::new(),
        }
    }

    /// The question.
    ///
    /// ```
    /// assert_eq!(peakprivacy::AssistantQuery::from("Q").question(), "Q");
    /// ```
    pub fn question(&self) -> &str {
        &self.question
    }

    /// The path relative to the base URL, `{id}` replaced by the assistant's id.
    ///
    /// ```
    /// let q = peakprivacy::AssistantQuery::new("Q").path_template("ai/completions?assistant={id}");
    /// assert_eq!(q.path_for("a1"), "ai/completions?assistant=a1");
    /// ```
    #[must_use]
    pub fn path_template(mut self, template: impl Into<String>) -> Self {
        self.path_template = template.into();
        self
    }

    /// The JSON field that carries the question (ignored with
    /// [`messages_body`](Self::messages_body)).
    ///
    /// ```
    /// let q = peakprivacy::AssistantQuery::new("Q").question_field("prompt");
    /// assert_eq!(q.body()["prompt"], "Q");
    /// ```
    #[must_use]
    pub fn question_field(mut self, field: impl Into<String>) -> Self {
        self.question_field = field.into();
        self
    }

    /// Sends the question as `{"messages": [{"role": "user", "content": question}]}`.
    ///
    /// ```
    /// let q = peakprivacy::AssistantQuery::new("Q").messages_body();
    /// assert_eq!(q.body()["messages"][0]["content"], "Q");
    /// ```
    #[must_use]
    pub fn messages_body(mut self) -> Self {
        self.messages = true;
        self
    }

    /// Adds a field to the body (the question's own field is not overridden).
    ///
    /// ```
    /// let q = peakprivacy::AssistantQuery::new("Q").extra("query", "other").extra("stream", false);
    /// assert_eq!(q.body(), serde_json::json!({"query": "Q", "stream": false}));
    /// ```
    #[must_use]
    pub fn extra(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.extra.insert(key.into(), value.into());
        self
    }

    /// The path for assistant `id`.
    ///
    /// ```
    /// assert_eq!(peakprivacy::AssistantQuery::new("Q").path_for("x"), "ai/assistants/x/query");
    /// ```
    pub fn path_for(&self, id: &str) -> String {
        self.path_template.replace("{id}", id)
    }

    /// The JSON body sent.
    ///
    /// ```
    /// assert_eq!(peakprivacy::AssistantQuery::new("Q").body()["query"], "Q");
    /// ```
    pub fn body(&self) -> Value {
        let mut body = self.extra.clone();
        if self.messages {
            body.insert(
                "messages".to_owned(),
                serde_json::json!([{ "role": "user", "content": self.question }]),
            );
        } else {
            body.insert(
                self.question_field.clone(),
                Value::String(self.question.clone()),
            );
        }
        Value::Object(body)
    }
}

/// An assistant's answer to a query. Since the answer's shape is not documented, its text
/// is taken from the first of: `choices[0].message.content` or `choices[0].delta.content`
/// (a chat completion), `answer`, `response`, `content`, `text`, `output`, `message` (as a
/// string), also inside a `data` object; or the whole body when it is `text/plain`. The
/// parsed body is kept in [`raw`](Self::raw) for fields this does not know.
///
/// ```no_run
/// # async fn run() -> peakprivacy::Result<()> {
/// let client = peakprivacy::PeakPrivacy::from_env()?;
/// let answer = client.assistants().query("a1", "When is invoice 7 due?").await?;
/// println!("{}", answer.content);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct AssistantAnswer {
    /// The answer's text.
    pub content: String,
    /// The whole answer as JSON (a string for a `text/plain` answer).
    pub raw: Value,
}

impl AssistantAnswer {
    /// Finds the answer's text in a JSON body.
    pub(crate) fn from_json(raw: Value) -> Option<Self> {
        let content = text_in(&raw).or_else(|| raw.get("data").and_then(text_in))?;
        Some(Self { content, raw })
    }

    /// A `text/plain` answer.
    pub(crate) fn from_text(text: String) -> Self {
        Self {
            raw: Value::String(text.clone()),
            content: text,
        }
    }
}

/// The answer text of one JSON object, if it has one where answers usually are.
fn text_in(value: &Value) -> Option<String> {
    let choice = value.get("choices").and_then(|c| c.get(0));
    let from_choice = choice.and_then(|c| {
        ["message", "delta"]
            .iter()
            .find_map(|k| c.get(*k)?.get("content")?.as_str())
    });
    from_choice
        .or_else(|| {
            ["answer", "response", "content", "text", "output", "message"]
                .iter()
                .find_map(|k| value.get(*k)?.as_str())
        })
        .map(str::to_owned)
}
