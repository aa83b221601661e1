//! The body of `POST ai/completions`.

use serde::{Deserialize, Serialize};

use super::Message;
use crate::{Error, Result};

/// A chat completion request: the model, the conversation and optional sampling settings.
///
/// Required values go in [`new`](Self::new); optional ones are set with setters named after
/// the field. Setters never fail: out-of-range values (a `temperature` or `top_p` outside
/// `0..=1`, an empty `messages` list, a blank `model`) are reported by
/// [`create`](crate::Completions::create) before anything is sent. Options left unset are
/// omitted from the body, so the server applies its documented defaults
/// (`temperature` 0.7, `top_p` 1, `safe_prompt` false, **`anonymize` true**).
///
/// ```
/// use peakprivacy::{model_ids, ChatCompletionRequest, Message};
///
/// let request = ChatCompletionRequest::new(
///     model_ids::MISTRAL_SWISS,
///     [Message::system("Be brief."), Message::user("Hello")],
/// )
/// .temperature(0.2)
/// .max_tokens(200)
/// .anonymize(false);
///
/// let body = serde_json::to_value(&request).unwrap();
/// assert_eq!(body["temperature"], 0.2);
/// assert!(body.get("top_p").is_none()); // unset options are left out
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ChatCompletionRequest {
    /// The model id, e.g. [`model_ids::MISTRAL_SWISS`](crate::model_ids::MISTRAL_SWISS).
    /// Any string is accepted; [`Models::list`](crate::Models::list) returns the current ids.
    pub model: String,
    /// The conversation so far; the first message should be `system` or `user`.
    pub messages: Vec<Message>,
    /// Sampling temperature, `0..=1` (server default 0.7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    /// Nucleus sampling, `0..=1` (server default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_p: Option<f64>,
    /// The most tokens to generate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_tokens: Option<u32>,
    /// A seed for reproducible sampling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub random_seed: Option<u64>,
    /// Whether the server injects a safety prompt (server default false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub safe_prompt: Option<bool>,
    /// Whether personal data is pseudonymised before it reaches the model and restored in
    /// the answer (server default **true**). While it is on, the server does not stream.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anonymize: Option<bool>,
}

impl ChatCompletionRequest {
    /// A request for `model` continuing `messages`.
    ///
    /// ```
    /// use peakprivacy::{ChatCompletionRequest, Message};
    /// let request = ChatCompletionRequest::new("mistral-swiss", vec![Message::user("Hi")]);
    /// assert_eq!(request.model, "mistral-swiss");
    /// ```
    pub fn new(model: impl Into<String>, messages: impl IntoIterator<Item = Message>) -> Self {
        Self {
            model: model.into(),
            messages: messages.into_iter().collect(),
            temperature: None,
            top_p: None,
            max_tokens: None,
            random_seed: None,
            safe_prompt: None,
            anonymize: None,
        }
    }

    /// Appends one message to the conversation.
    ///
    /// ```
    /// use peakprivacy::{ChatCompletionRequest, Message};
    /// let request = ChatCompletionRequest::new("mistral-swiss", [])
    ///     .message(Message::user("Hi"));
    /// assert_eq!(request.messages.len(), 1);
    /// ```
    #[must_use]
    pub fn message(mut self, message: Message) -> Self {
        self.messages.push(message);
        self
    }

    /// Sets the sampling temperature (`0..=1`, checked when the request is sent).
    ///
    /// ```
    /// # use peakprivacy::{ChatCompletionRequest, Message};
    /// let r = ChatCompletionRequest::new("mistral-swiss", [Message::user("Hi")]).temperature(0.3);
    /// assert_eq!(r.temperature, Some(0.3));
    /// ```
    #[must_use]
    pub fn temperature(mut self, temperature: f64) -> Self {
        self.temperature = Some(temperature);
        self
    }

    /// Sets nucleus sampling (`0..=1`, checked when the request is sent).
    ///
    /// ```
    /// # use peakprivacy::{ChatCompletionRequest, Message};
    /// let r = ChatCompletionRequest::new("mistral-swiss", [Message::user("Hi")]).top_p(0.9);
    /// assert_eq!(r.top_p, Some(0.9));
    /// ```
    #[must_use]
    pub fn top_p(mut self, top_p: f64) -> Self {
        self.top_p = Some(top_p);
        self
    }

    /// Sets the most tokens to generate.
    ///
    /// ```
    /// # use peakprivacy::{ChatCompletionRequest, Message};
    /// let r = ChatCompletionRequest::new("mistral-swiss", [Message::user("Hi")]).max_tokens(64);
    /// assert_eq!(r.max_tokens, Some(64));
    /// ```
    #[must_use]
    pub fn max_tokens(mut self, max_tokens: u32) -> Self {
        self.max_tokens = Some(max_tokens);
        self
    }

    /// Sets the random seed.
    ///
    /// ```
    /// # use peakprivacy::{ChatCompletionRequest, Message};
    /// let r = ChatCompletionRequest::new("mistral-swiss", [Message::user("Hi")]).random_seed(7);
    /// assert_eq!(r.random_seed, Some(7));
    /// ```
    #[must_use]
    pub fn random_seed(mut self, seed: u64) -> Self {
        self.random_seed = Some(seed);
        self
    }

    /// Asks the server to inject its safety prompt.
    ///
    /// ```
    /// # use peakprivacy::{ChatCompletionRequest, Message};
    /// let r = ChatCompletionRequest::new("mistral-swiss", [Message::user("Hi")]).safe_prompt(true);
    /// assert_eq!(r.safe_prompt, Some(true));
    /// ```
    #[must_use]
    pub fn safe_prompt(mut self, safe_prompt: bool) -> Self {
        self.safe_prompt = Some(safe_prompt);
        self
    }

    /// Turns pseudonymisation on or off (server default on). Streaming needs it off.
    ///
    /// ```
    /// # use peakprivacy::{ChatCompletionRequest, Message};
    /// let r = ChatCompletionRequest::new("mistral-swiss", [Message::user("Hi")]).anonymize(false);
    /// assert_eq!(r.anonymize, Some(false));
    /// ```
    #[must_use]
    pub fn anonymize(mut self, anonymize: bool) -> Self {
        self.anonymize = Some(anonymize);
        self
    }

    /// Checks the request as [`create`](crate::Completions::create) does before sending.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest) for a blank model, an
    /// empty `messages` list, or a `temperature` / `top_p` outside `0..=1` (or not finite).
    ///
    /// ```
    /// use peakprivacy::{ChatCompletionRequest, ErrorKind, Message};
    ///
    /// let bad = ChatCompletionRequest::new("mistral-swiss", [Message::user("Hi")]).temperature(1.5);
    /// assert_eq!(bad.validate().unwrap_err().kind(), ErrorKind::InvalidRequest);
    /// ```
    pub fn validate(&self) -> Result<()> {
        if self.model.trim().is_empty() {
            return Err(Error::invalid_request("the model must not be empty"));
        }
        if self.messages.is_empty() {
            return Err(Error::invalid_request(
                "messages must not be empty: add at least one message",
            ));
        }
        unit_interval("temperature", self.temperature)?;
        unit_interval("top_p", self.top_p)?;
        Ok(())
    }
}

fn unit_interval(name: &str, value: Option<f64>) -> Result<()> {
    match value {
        Some(v) if !(0.0..=1.0).contains(&v) => Err(Error::invalid_request(format!(
            "{name} must be between 0 and 1, got {v}"
        ))),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::ErrorKind;

    fn base() -> ChatCompletionRequest {
        ChatCompletionRequest::new("m", [Message::user("x")])
    }

    #[test]
    fn validation() {
        assert!(base().validate().is_ok());
        assert!(base().temperature(0.0).top_p(1.0).validate().is_ok());
        for bad in [
            base().temperature(-0.1),
            base().temperature(f64::NAN),
            base().top_p(1.01),
            base().top_p(f64::INFINITY),
            ChatCompletionRequest::new("m", []),
            ChatCompletionRequest::new("  ", [Message::user("x")]),
        ] {
            assert_eq!(
                bad.validate().unwrap_err().kind(),
                ErrorKind::InvalidRequest
            );
        }
    }

    #[test]
    fn unset_fields_are_omitted() {
        let body = serde_json::to_value(base()).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"model":"m","messages":[{"role":"user","content":"x"}]})
        );
    }
}
