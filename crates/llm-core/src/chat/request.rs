//! The chat request every provider shares: [`chat_completion_request!`](crate::chat_completion_request)
//! defines a provider's `ChatCompletionRequest` with the common fields, setters and
//! validation, and [`SamplingLimits`] holds the one validation rule for sampling values.

use std::ops::RangeInclusive;

use serde::ser::{SerializeMap, Serializer};

use crate::{Error, Result};

/// The ranges a provider accepts for its sampling settings. The rule (finite and inside the
/// range, else [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest) naming the
/// field) is the same for every provider; only these ranges are per provider.
///
/// ```
/// use llm_core::chat::SamplingLimits;
///
/// let limits = SamplingLimits::UNIT;
/// assert!(limits.check("temperature", Some(0.5)).is_ok());
/// let err = limits.check("temperature", Some(f64::NAN)).unwrap_err();
/// assert!(err.to_string().contains("temperature"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SamplingLimits {
    /// The accepted `temperature` values.
    pub temperature: RangeInclusive<f64>,
    /// The accepted `top_p` values.
    pub top_p: RangeInclusive<f64>,
}

impl SamplingLimits {
    /// `temperature` and `top_p` in `0..=1` (PeakPrivacy's documented ranges).
    ///
    /// ```
    /// assert!(llm_core::chat::SamplingLimits::UNIT.check("top_p", Some(1.0)).is_ok());
    /// ```
    pub const UNIT: Self = Self {
        temperature: 0.0..=1.0,
        top_p: 0.0..=1.0,
    };

    /// `temperature` in `0..=2` and `top_p` in `0..=1` (the OpenAI convention).
    ///
    /// ```
    /// assert!(llm_core::chat::SamplingLimits::OPENAI.check("temperature", Some(1.5)).is_ok());
    /// ```
    pub const OPENAI: Self = Self {
        temperature: 0.0..=2.0,
        top_p: 0.0..=1.0,
    };

    /// Checks one sampling value: `None` passes; a value must be finite and inside the
    /// range of `field` (`"temperature"`, or anything else for `top_p`'s range).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest) naming the field, the
    /// range and the value.
    ///
    /// ```
    /// use llm_core::{chat::SamplingLimits, ErrorKind};
    /// let err = SamplingLimits::UNIT.check("top_p", Some(1.5)).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    /// assert!(err.to_string().contains("top_p must be between 0 and 1, got 1.5"));
    /// ```
    pub fn check(&self, field: &str, value: Option<f64>) -> Result<()> {
        let range = if field == "temperature" {
            &self.temperature
        } else {
            &self.top_p
        };
        match value {
            Some(v) if !v.is_finite() || !range.contains(&v) => {
                Err(Error::invalid_request(format!(
                    "{field} must be between {} and {}, got {v}",
                    range.start(),
                    range.end()
                )))
            }
            _ => Ok(()),
        }
    }
}

/// What the shared chat calls need of a provider's request type; implemented by
/// [`chat_completion_request!`](crate::chat_completion_request).
///
/// ```
/// use llm_core::chat::ChatRequest;
/// # mod demo {
/// llm_core::chat_completion_request! {
///     /// A demo request.
///     pub struct ChatCompletionRequest {
///         crate = "demo", seed = "seed", limits = llm_core::chat::SamplingLimits::UNIT,
///     }
/// }
/// # }
/// let request = demo::ChatCompletionRequest::new("m", [llm_core::chat::Message::user("Hi")]);
/// assert!(request.validate().is_ok());
/// assert_eq!(request.model(), "m");
/// ```
pub trait ChatRequest: serde::Serialize + Send + Sync {
    /// Checks the request before it is sent.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest) naming what is wrong.
    fn validate(&self) -> Result<()>;

    /// The requested model id.
    fn model(&self) -> &str;

    /// A request from the settings every provider shares (used by provider-neutral code
    /// such as the `unified` crate); provider-specific fields are left unset.
    fn from_shared(shared: SharedSettings) -> Self
    where
        Self: Sized;

    /// The sampling settings the request sets (telemetry reports them as
    /// `gen_ai.request.*`). The default sets none.
    fn sampling(&self) -> Sampling {
        Sampling::default()
    }

    /// The conversation (telemetry captures it only when content capture is on). The
    /// default is empty.
    fn messages(&self) -> &[super::Message] {
        &[]
    }
}

/// The sampling settings of a request, as [`ChatRequest::sampling`] reports them.
///
/// ```
/// use llm_core::chat::{ChatRequest, Message};
/// # mod demo { llm_core::chat_completion_request! {
/// #     /// A demo request.
/// #     pub struct ChatCompletionRequest { crate = "demo", seed = "seed", limits = llm_core::chat::SamplingLimits::UNIT, }
/// # } }
/// let request = demo::ChatCompletionRequest::new("m", [Message::user("Hi")]).temperature(0.5).max_tokens(9);
/// let sampling = ChatRequest::sampling(&request);
/// assert_eq!((sampling.temperature, sampling.max_tokens, sampling.seed), (Some(0.5), Some(9), None));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq)]
#[non_exhaustive]
pub struct Sampling {
    /// Sampling temperature.
    pub temperature: Option<f64>,
    /// Nucleus sampling.
    pub top_p: Option<f64>,
    /// The most tokens to generate.
    pub max_tokens: Option<u32>,
    /// The sampling seed.
    pub seed: Option<u64>,
}

/// The request settings every provider shares, as one value (see
/// [`ChatRequest::from_shared`]).
///
/// ```
/// use llm_core::chat::{ChatRequest, Message, SharedSettings};
/// # mod demo { llm_core::chat_completion_request! {
/// #     /// A demo request.
/// #     pub struct ChatCompletionRequest { crate = "demo", seed = "seed", limits = llm_core::chat::SamplingLimits::UNIT, }
/// # } }
/// let shared = SharedSettings { temperature: Some(0.2), ..SharedSettings::new("m", vec![Message::user("Hi")]) };
/// let request = demo::ChatCompletionRequest::from_shared(shared);
/// assert_eq!((request.model.as_str(), request.temperature), ("m", Some(0.2)));
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SharedSettings {
    /// The model id.
    pub model: String,
    /// The conversation.
    pub messages: Vec<super::Message>,
    /// Sampling temperature.
    pub temperature: Option<f64>,
    /// Nucleus sampling.
    pub top_p: Option<f64>,
    /// The most tokens to generate.
    pub max_tokens: Option<u32>,
    /// The sampling seed.
    pub seed: Option<u64>,
}

impl SharedSettings {
    /// `model` and `messages`, every option unset.
    ///
    /// ```
    /// let shared = llm_core::chat::SharedSettings::new("m", vec![]);
    /// assert!(shared.temperature.is_none());
    /// ```
    pub fn new(model: impl Into<String>, messages: Vec<super::Message>) -> Self {
        Self {
            model: model.into(),
            messages,
            ..Self::default()
        }
    }
}

/// Checks what every provider rejects: a blank model, no messages, sampling values outside
/// `limits` or not finite. Called by the generated `validate`.
///
/// # Errors
/// [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest) naming the field.
///
/// ```
/// use llm_core::chat::{check_request, SamplingLimits};
/// let err = check_request("m", 0, None, None, &SamplingLimits::UNIT).unwrap_err();
/// assert!(err.to_string().contains("messages"));
/// ```
pub fn check_request(
    model: &str,
    messages: usize,
    temperature: Option<f64>,
    top_p: Option<f64>,
    limits: &SamplingLimits,
) -> Result<()> {
    if model.trim().is_empty() {
        return Err(Error::invalid_request("the model must not be empty"));
    }
    if messages == 0 {
        return Err(Error::invalid_request(
            "messages must not be empty: add at least one message",
        ));
    }
    limits.check("temperature", temperature)?;
    limits.check("top_p", top_p)
}

/// Serialises the escape-hatch fields of a request, leaving out any whose name the request
/// sets itself (`reserved`), so `extra` can add fields but never override modelled ones.
///
/// # Errors
/// The serializer's errors.
///
/// ```
/// use serde_json::{json, Map, Value};
/// let mut extra = Map::new();
/// extra.insert("model".into(), json!("x"));
/// extra.insert("response_format".into(), json!({"type": "json_object"}));
/// let mut out = Vec::new();
/// llm_core::chat::serialize_extra(&extra, &["model"], &mut serde_json::Serializer::new(&mut out))?;
/// assert_eq!(String::from_utf8(out).unwrap(), r#"{"response_format":{"type":"json_object"}}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn serialize_extra<S: Serializer>(
    extra: &serde_json::Map<String, serde_json::Value>,
    reserved: &[&str],
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(None)?;
    for (name, value) in extra {
        if !reserved.contains(&name.as_str()) {
            map.serialize_entry(name, value)?;
        }
    }
    map.end()
}

/// The wire body of a chat call: the request's fields plus `"stream"` (`true` for
/// streamed calls, else `false`: both providers' official clients always send it).
///
/// ```
/// use llm_core::chat::{ChatRequestBody, Message};
/// # mod demo {
/// # llm_core::chat_completion_request! {
/// #     /// A demo request.
/// #     pub struct ChatCompletionRequest { crate = "demo", seed = "seed", limits = llm_core::chat::SamplingLimits::UNIT, }
/// # }
/// # }
/// let request = demo::ChatCompletionRequest::new("m", [Message::user("Hi")]);
/// let body = serde_json::to_value(ChatRequestBody::new(&request, true))?;
/// assert_eq!(body["stream"], true);
/// assert_eq!(body["messages"][0]["content"], "Hi");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, serde::Serialize)]
pub struct ChatRequestBody<'r, R> {
    #[serde(flatten)]
    request: &'r R,
    stream: bool,
}

impl<'r, R> ChatRequestBody<'r, R> {
    /// The body for `request`, streamed or not.
    ///
    /// ```
    /// # use llm_core::chat::{ChatRequestBody, Message};
    /// # mod demo { llm_core::chat_completion_request! {
    /// #     /// A demo request.
    /// #     pub struct ChatCompletionRequest { crate = "demo", seed = "seed", limits = llm_core::chat::SamplingLimits::UNIT, }
    /// # } }
    /// let request = demo::ChatCompletionRequest::new("m", [Message::user("Hi")]);
    /// let body = serde_json::to_value(ChatRequestBody::new(&request, false))?;
    /// assert_eq!(body["stream"], false);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn new(request: &'r R, stream: bool) -> Self {
        Self { request, stream }
    }
}

/// Defines a provider's `ChatCompletionRequest`: the fields, setters and validation every
/// provider shares (`model`, `messages`, `temperature`, `top_p`, `max_tokens`, `seed`, the
/// `extra` escape hatch), plus the provider's own optional fields (their setters are
/// written by the provider). Written once here so the vocabulary cannot drift.
///
/// - `crate` names the provider crate (used in the generated doc examples);
/// - `seed` is the seed's field name on the wire (`"random_seed"` for PeakPrivacy);
/// - `limits` is the provider's [`SamplingLimits`].
///
/// ```
/// mod demo {
///     llm_core::chat_completion_request! {
///         /// A demo request.
///         pub struct ChatCompletionRequest {
///             crate = "demo", seed = "random_seed", limits = llm_core::chat::SamplingLimits::UNIT,
///             /// A provider-specific switch.
///             pub anonymize: Option<bool>,
///         }
///     }
/// }
/// use llm_core::chat::Message;
/// let request = demo::ChatCompletionRequest::new("m", [Message::user("Hi")]).seed(7);
/// let body = serde_json::to_value(&request).unwrap();
/// assert_eq!(body["random_seed"], 7);
/// assert!(body.get("anonymize").is_none()); // unset fields are left out
/// ```
#[macro_export]
macro_rules! chat_completion_request {
    (
        $(#[$meta:meta])*
        pub struct ChatCompletionRequest {
            crate = $krate:literal, seed = $seed:literal, limits = $limits:expr,
            $(
                $(#[$fmeta:meta])*
                pub $field:ident : Option<$fty:ty>,
            )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        #[non_exhaustive]
        pub struct ChatCompletionRequest {
            /// The model id. Any string is accepted; `client.models().list()` returns the
            /// current ids.
            pub model: String,
            /// The conversation so far; the first message should be `system` or `user`.
            pub messages: Vec<$crate::chat::Message>,
            /// Sampling temperature (range checked before sending).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub temperature: Option<f64>,
            /// Nucleus sampling, `0..=1`.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub top_p: Option<f64>,
            /// The most tokens to generate.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub max_tokens: Option<u32>,
            #[doc = concat!("A seed for reproducible sampling (`", $seed, "` on the wire).")]
            #[serde(default, rename = $seed, skip_serializing_if = "Option::is_none")]
            pub seed: Option<u64>,
            $(
                $(#[$fmeta])*
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $field: Option<$fty>,
            )*
            /// Extra top-level body fields this crate does not model (e.g. tools or a
            /// response format the server may accept); a name the request sets itself is
            /// ignored.
            #[serde(flatten, serialize_with = "__serialize_extra")]
            pub extra: ::serde_json::Map<String, ::serde_json::Value>,
        }

        /// `extra` without the names the request sets itself.
        fn __serialize_extra<S: ::serde::Serializer>(
            extra: &::serde_json::Map<String, ::serde_json::Value>,
            serializer: S,
        ) -> ::std::result::Result<S::Ok, S::Error> {
            $crate::chat::serialize_extra(
                extra,
                &[
                    "model", "messages", "temperature", "top_p", "max_tokens", $seed, "stream",
                    $(stringify!($field)),*
                ],
                serializer,
            )
        }

        impl ChatCompletionRequest {
            #[doc = concat!(
                "A request for `model` continuing `messages`; every option unset (left out ",
                "of the body, so the server applies its defaults).\n\n```\nuse ", $krate,
                "::{ChatCompletionRequest, Message};\nlet request = ChatCompletionRequest::new(",
                "\"my-model\", [Message::user(\"Hi\")]);\nassert_eq!(request.model, \"my-model\");\n",
                "assert_eq!(request.messages.len(), 1);\n```"
            )]
            pub fn new(
                model: impl Into<String>,
                messages: impl IntoIterator<Item = $crate::chat::Message>,
            ) -> Self {
                Self {
                    model: model.into(),
                    messages: messages.into_iter().collect(),
                    temperature: None,
                    top_p: None,
                    max_tokens: None,
                    seed: None,
                    $($field: None,)*
                    extra: ::serde_json::Map::new(),
                }
            }

            #[doc = concat!(
                "Appends one message to the conversation.\n\n```\nuse ", $krate,
                "::{ChatCompletionRequest, Message};\nlet request = ChatCompletionRequest::new(",
                "\"m\", []).message(Message::user(\"Hi\"));\nassert_eq!(request.messages.len(), 1);\n```"
            )]
            #[must_use]
            pub fn message(mut self, message: $crate::chat::Message) -> Self {
                self.messages.push(message);
                self
            }

            #[doc = concat!(
                "Sets the sampling temperature (checked when the request is sent: finite and ",
                "in the provider's range).\n\n```\nuse ", $krate,
                "::{ChatCompletionRequest, Message};\nlet request = ChatCompletionRequest::new(",
                "\"m\", [Message::user(\"Hi\")]).temperature(0.3);\nassert_eq!(request.temperature, Some(0.3));\n```"
            )]
            #[must_use]
            pub fn temperature(mut self, temperature: f64) -> Self {
                self.temperature = Some(temperature);
                self
            }

            #[doc = concat!(
                "Sets nucleus sampling (`0..=1`, checked when the request is sent).\n\n```\nuse ",
                $krate, "::{ChatCompletionRequest, Message};\nlet request = ChatCompletionRequest::new(",
                "\"m\", [Message::user(\"Hi\")]).top_p(0.9);\nassert_eq!(request.top_p, Some(0.9));\n```"
            )]
            #[must_use]
            pub fn top_p(mut self, top_p: f64) -> Self {
                self.top_p = Some(top_p);
                self
            }

            #[doc = concat!(
                "Sets the most tokens to generate.\n\n```\nuse ", $krate,
                "::{ChatCompletionRequest, Message};\nlet request = ChatCompletionRequest::new(",
                "\"m\", [Message::user(\"Hi\")]).max_tokens(64);\nassert_eq!(request.max_tokens, Some(64));\n```"
            )]
            #[must_use]
            pub fn max_tokens(mut self, max_tokens: u32) -> Self {
                self.max_tokens = Some(max_tokens);
                self
            }

            #[doc = concat!(
                "Sets the seed for reproducible sampling (sent as `", $seed, "`).\n\n```\nuse ",
                $krate, "::{ChatCompletionRequest, Message};\nlet request = ChatCompletionRequest::new(",
                "\"m\", [Message::user(\"Hi\")]).seed(7);\nlet body = serde_json::to_value(&request).unwrap();\n",
                "assert_eq!(body[\"", $seed, "\"], 7);\n```"
            )]
            #[must_use]
            pub fn seed(mut self, seed: u64) -> Self {
                self.seed = Some(seed);
                self
            }

            #[doc = concat!(
                "Adds a top-level body field this crate does not model (the escape hatch for ",
                "options the server may accept, such as tools or a response format). A name ",
                "the request sets itself (`model`, `messages`, `stream`, ...) is ignored.\n\n```\nuse ",
                $krate, "::{ChatCompletionRequest, Message};\nlet request = ChatCompletionRequest::new(",
                "\"m\", [Message::user(\"Hi\")])\n    .extra(\"response_format\", serde_json::json!({\"type\": \"json_object\"}))\n",
                "    .extra(\"model\", \"ignored\");\nlet body = serde_json::to_value(&request).unwrap();\n",
                "assert_eq!(body[\"response_format\"][\"type\"], \"json_object\");\nassert_eq!(body[\"model\"], \"m\");\n```"
            )]
            #[must_use]
            pub fn extra(
                mut self,
                name: impl Into<String>,
                value: impl Into<::serde_json::Value>,
            ) -> Self {
                self.extra.insert(name.into(), value.into());
                self
            }

            #[doc = concat!(
                "Checks the request as `create` does before sending.\n\n# Errors\n",
                "`ErrorKind::InvalidRequest` naming the field: a blank model, an empty ",
                "`messages` list, or a `temperature` / `top_p` that is not finite or outside ",
                "the provider's range.\n\n```\nuse ", $krate,
                "::{ChatCompletionRequest, ErrorKind, Message};\nlet bad = ChatCompletionRequest::new(",
                "\"m\", [Message::user(\"Hi\")]).temperature(f64::NAN);\n",
                "assert_eq!(bad.validate().unwrap_err().kind(), ErrorKind::InvalidRequest);\n```"
            )]
            pub fn validate(&self) -> $crate::Result<()> {
                $crate::chat::check_request(
                    &self.model,
                    self.messages.len(),
                    self.temperature,
                    self.top_p,
                    &$limits,
                )
            }
        }

        impl $crate::chat::ChatRequest for ChatCompletionRequest {
            fn validate(&self) -> $crate::Result<()> {
                ChatCompletionRequest::validate(self)
            }

            fn model(&self) -> &str {
                &self.model
            }

            fn sampling(&self) -> $crate::chat::Sampling {
                let mut sampling = $crate::chat::Sampling::default();
                sampling.temperature = self.temperature;
                sampling.top_p = self.top_p;
                sampling.max_tokens = self.max_tokens;
                sampling.seed = self.seed;
                sampling
            }

            fn messages(&self) -> &[$crate::chat::Message] {
                &self.messages
            }

            fn from_shared(shared: $crate::chat::SharedSettings) -> Self {
                let mut request = Self::new(shared.model, shared.messages);
                request.temperature = shared.temperature;
                request.top_p = shared.top_p;
                request.max_tokens = shared.max_tokens;
                request.seed = shared.seed;
                request
            }
        }
    };
}
