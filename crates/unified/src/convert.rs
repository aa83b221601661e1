//! Conversions between the neutral request and the providers' requests, both ways, where
//! nothing is lost (`TryFrom` refuses what one side cannot carry).

use crate::adapters::provider_request;
use crate::{ChatRequest, Error, PeakPrivacyOptions, ProviderOptions, Result};

fn model_of(request: &ChatRequest) -> Result<String> {
    request
        .model
        .clone()
        .filter(|m| !m.trim().is_empty())
        .ok_or_else(|| Error::invalid_request("the request names no model: set ChatRequest::model"))
}

fn no_extra(extra: &serde_json::Map<String, serde_json::Value>) -> Result<()> {
    match extra.keys().next() {
        None => Ok(()),
        Some(key) => Err(Error::invalid_request(format!(
            "the request's extra field {key:?} has no neutral equivalent"
        ))),
    }
}

/// PeakPrivacy's request for a neutral one: the same conversion [`PeakPrivacyChat`](crate::PeakPrivacyChat)
/// makes, with the request's own [`PeakPrivacyOptions`] (and no model-level defaults).
///
/// # Errors
/// [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest) when the request names
/// no model.
///
/// ```
/// use unified::{ChatRequest, PeakPrivacyOptions};
/// let request = ChatRequest::user("Hi").model("mistral-swiss").temperature(0.2)
///     .peakprivacy(PeakPrivacyOptions::new().anonymize(false));
/// let wire = peakprivacy::ChatCompletionRequest::try_from(request.clone())?;
/// assert_eq!((wire.model.as_str(), wire.anonymize), ("mistral-swiss", Some(false)));
/// assert_eq!(ChatRequest::try_from(wire)?, request); // and back, unchanged
/// assert!(peakprivacy::ChatCompletionRequest::try_from(ChatRequest::user("Hi")).is_err());
/// # Ok::<(), unified::Error>(())
/// ```
impl TryFrom<ChatRequest> for peakprivacy::ChatCompletionRequest {
    type Error = Error;

    fn try_from(request: ChatRequest) -> Result<Self> {
        let model = model_of(&request)?;
        Ok(provider_request::<peakprivacy::PeakPrivacy>(
            request,
            &model,
            &ProviderOptions::default(),
        ))
    }
}

/// The neutral request for PeakPrivacy's.
///
/// # Errors
/// [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest) when `extra` holds
/// fields (the neutral request has no place for them).
///
/// ```
/// use peakprivacy::{ChatCompletionRequest, Message};
/// let wire = ChatCompletionRequest::new("mistral-swiss", [Message::user("Hi")]).safe_prompt(true);
/// let request = unified::ChatRequest::try_from(wire)?;
/// assert_eq!(request.provider_options.peakprivacy.unwrap().safe_prompt, Some(true));
/// # Ok::<(), unified::Error>(())
/// ```
impl TryFrom<peakprivacy::ChatCompletionRequest> for ChatRequest {
    type Error = Error;

    fn try_from(wire: peakprivacy::ChatCompletionRequest) -> Result<Self> {
        no_extra(&wire.extra)?;
        let mut request = ChatRequest::new(wire.messages);
        request.model = Some(wire.model);
        request.temperature = wire.temperature;
        request.top_p = wire.top_p;
        request.max_tokens = wire.max_tokens;
        request.seed = wire.seed;
        if wire.anonymize.is_some() || wire.safe_prompt.is_some() {
            request.provider_options.peakprivacy = Some(PeakPrivacyOptions {
                anonymize: wire.anonymize,
                safe_prompt: wire.safe_prompt,
            });
        }
        Ok(request)
    }
}

/// AligneAI's request for a neutral one.
///
/// # Errors
/// [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest) when the request names
/// no model, or carries PeakPrivacy options (an AligneAI request cannot hold them; a model
/// ignores them, a conversion would lose them).
///
/// ```
/// use unified::ChatRequest;
/// let request = ChatRequest::user("Hi").model("llama-3.1-8b-instruct").seed(7);
/// let wire = aligneai::ChatCompletionRequest::try_from(request.clone())?;
/// assert_eq!(wire.seed, Some(7));
/// assert_eq!(ChatRequest::try_from(wire)?, request);
/// # Ok::<(), unified::Error>(())
/// ```
impl TryFrom<ChatRequest> for aligneai::ChatCompletionRequest {
    type Error = Error;

    fn try_from(request: ChatRequest) -> Result<Self> {
        let model = model_of(&request)?;
        if request.provider_options.peakprivacy.is_some() {
            return Err(Error::invalid_request(
                "PeakPrivacy options cannot be carried by an AligneAI request",
            ));
        }
        Ok(provider_request::<aligneai::AligneAI>(
            request,
            &model,
            &ProviderOptions::default(),
        ))
    }
}

/// The neutral request for AligneAI's.
///
/// # Errors
/// [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest) when `extra` holds
/// fields.
///
/// ```
/// use aligneai::{ChatCompletionRequest, Message};
/// let wire = ChatCompletionRequest::new("llama-3.1-8b-instruct", [Message::user("Hi")]).max_tokens(5);
/// assert_eq!(unified::ChatRequest::try_from(wire)?.max_tokens, Some(5));
/// # Ok::<(), unified::Error>(())
/// ```
impl TryFrom<aligneai::ChatCompletionRequest> for ChatRequest {
    type Error = Error;

    fn try_from(wire: aligneai::ChatCompletionRequest) -> Result<Self> {
        no_extra(&wire.extra)?;
        let mut request = ChatRequest::new(wire.messages);
        request.model = Some(wire.model);
        request.temperature = wire.temperature;
        request.top_p = wire.top_p;
        request.max_tokens = wire.max_tokens;
        request.seed = wire.seed;
        Ok(request)
    }
}
