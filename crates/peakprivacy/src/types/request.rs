//! The body of `POST ai/completions`: the shared request fields (from
//! [`llm_core::chat_completion_request!`]) plus PeakPrivacy's `safe_prompt` and `anonymize`.

use llm_core::chat::SamplingLimits;

llm_core::chat_completion_request! {
    /// A chat completion request: the model, the conversation and optional settings.
    ///
    /// Required values go in [`new`](Self::new); optional ones are set with setters named
    /// after the field. Setters never fail: invalid values (a `temperature` or `top_p`
    /// outside `0..=1` or not finite, an empty `messages` list, a blank `model`) are
    /// reported by [`create`](crate::Completions::create) before anything is sent. Options
    /// left unset are omitted from the body, so the server applies its documented defaults
    /// (`temperature` 0.7, `top_p` 1, `safe_prompt` false, **`anonymize` true**). The seed
    /// is sent as `random_seed`.
    ///
    /// The same type, setters and validation exist in `aligneai` (only the sampling ranges
    /// and the provider-specific fields differ): PeakPrivacy documents `temperature` and
    /// `top_p` in `0..=1`.
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
    pub struct ChatCompletionRequest {
        crate = "peakprivacy", seed = "random_seed", limits = SamplingLimits::UNIT,
        /// Whether the server injects a safety prompt (server default false).
        pub safe_prompt: Option<bool>,
        /// Whether personal data is pseudonymised before it reaches the model and restored
        /// in the answer (server default **true**). While it is on, the server does not
        /// stream.
        pub anonymize: Option<bool>,
    }
}

impl ChatCompletionRequest {
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
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::{ErrorKind, Message};

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
    fn seed_is_sent_as_random_seed_and_extra_cannot_override() {
        let body =
            serde_json::to_value(base().seed(3).extra("anonymize", 1).extra("tools", 2)).unwrap();
        assert_eq!(body["random_seed"], 3);
        assert_eq!(body["tools"], 2);
        assert!(body.get("anonymize").is_none());
        let back: ChatCompletionRequest = serde_json::from_value(body).unwrap();
        assert_eq!(back.seed, Some(3));
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
