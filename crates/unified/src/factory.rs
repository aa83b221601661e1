//! Choosing a provider and model from configuration, without code changes.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use crate::{
    AligneAIChat, AligneAIEmbeddings, ChatModel, EmbeddingModel, Error, ErrorKind, MockChatModel,
    MockEmbeddingModel, PeakPrivacyChat, Result,
};

/// The providers this crate can build models for.
///
/// ```
/// use unified::Provider;
/// assert_eq!("PeakPrivacy".parse::<Provider>().unwrap(), Provider::PeakPrivacy);
/// let err = "openai".parse::<Provider>().unwrap_err();
/// assert!(err.to_string().contains("peakprivacy, aligneai, mock"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Provider {
    /// PeakPrivacy (chat).
    PeakPrivacy,
    /// AligneAI (chat and embeddings).
    AligneAI,
    /// The in-memory mock models (chat and embeddings).
    Mock,
}

/// The valid provider names, for error messages.
const VALID: &str = "peakprivacy, aligneai, mock";

impl Provider {
    /// The lowercase name used in model strings.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PeakPrivacy => "peakprivacy",
            Self::AligneAI => "aligneai",
            Self::Mock => "mock",
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Provider {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "peakprivacy" => Ok(Self::PeakPrivacy),
            "aligneai" => Ok(Self::AligneAI),
            "mock" => Ok(Self::Mock),
            other => Err(Error::with_message(
                ErrorKind::Config,
                format!("unknown provider {other:?}; valid providers: {VALID}"),
            )),
        }
    }
}

/// The default chat model per provider, when the model string names only the provider.
fn default_chat_model(provider: Provider) -> &'static str {
    match provider {
        Provider::PeakPrivacy => "mistral-swiss",
        Provider::AligneAI => "default",
        Provider::Mock => "mock-chat",
    }
}

/// Splits `"provider:model"` (or just `"provider"`).
fn parse_spec(spec: &str) -> Result<(Provider, Option<String>)> {
    let (provider, model) = match spec.split_once(':') {
        Some((p, m)) => (p, Some(m.trim().to_owned()).filter(|m| !m.is_empty())),
        None => (spec, None),
    };
    Ok((provider.parse()?, model))
}

/// Where configuration values come from: the process environment (after loading `.env`),
/// or a map in tests.
type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

fn var(lookup: Lookup<'_>, name: &str) -> Option<String> {
    lookup(name).filter(|v| !v.trim().is_empty())
}

fn peakprivacy_client(lookup: Lookup<'_>) -> Result<peakprivacy::PeakPrivacy> {
    let token = var(lookup, peakprivacy::API_TOKEN_ENV)
        .ok_or_else(|| Error::missing_credential(peakprivacy::API_TOKEN_ENV))?;
    let mut builder = peakprivacy::PeakPrivacy::builder().api_token(token);
    if let Some(url) = var(lookup, peakprivacy::BASE_URL_ENV) {
        builder = builder.base_url(url);
    }
    builder.build()
}

fn aligneai_client(lookup: Lookup<'_>) -> Result<aligneai::AligneAI> {
    let key = var(lookup, aligneai::API_KEY_ENV)
        .ok_or_else(|| Error::missing_credential(aligneai::API_KEY_ENV))?;
    let mut builder = aligneai::AligneAI::builder().api_key(key);
    if let Some(url) = var(lookup, aligneai::BASE_URL_ENV) {
        builder = builder.base_url(url);
    }
    if let Some(workspace) = var(lookup, aligneai::WORKSPACE_ID_ENV) {
        builder = builder.workspace_id(workspace);
    }
    builder.build()
}

/// Builds a chat model from a `"provider:model"` string, reading credentials with
/// `lookup` (e.g. `PEAKPRIVACY_API_TOKEN`, `ALIGNEAI_API_KEY`).
///
/// # Errors
/// [`ErrorKind::Config`] naming the valid providers for an unknown one;
/// [`ErrorKind::MissingCredential`] naming the variable to set.
///
/// ```
/// let model = unified::chat_model_with("mock", &|_| None).unwrap();
/// assert_eq!(model.provider(), "mock");
/// let err = unified::chat_model_with("peakprivacy:mistral-swiss", &|_| None).unwrap_err();
/// assert_eq!(err.env_var(), Some("PEAKPRIVACY_API_TOKEN"));
/// ```
pub fn chat_model_with(
    spec: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Arc<dyn ChatModel>> {
    let (provider, model) = parse_spec(spec)?;
    let model = model.unwrap_or_else(|| default_chat_model(provider).to_owned());
    Ok(match provider {
        Provider::PeakPrivacy => Arc::new(PeakPrivacyChat::new(peakprivacy_client(lookup)?, model)),
        Provider::AligneAI => Arc::new(AligneAIChat::new(aligneai_client(lookup)?, model)),
        Provider::Mock => Arc::new(MockChatModel::new()),
    })
}

/// Builds an embedding model from a `"provider[:model]"` string.
///
/// # Errors
/// As [`chat_model_with`], plus [`ErrorKind::Unsupported`] naming the providers that offer
/// embeddings when the provider has none.
///
/// ```
/// let err = unified::embedding_model_with("peakprivacy", &|_| None).unwrap_err();
/// assert_eq!(err.kind(), unified::ErrorKind::Unsupported);
/// assert!(err.to_string().contains("aligneai"));
/// ```
pub fn embedding_model_with(
    spec: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Arc<dyn EmbeddingModel>> {
    let (provider, model) = parse_spec(spec)?;
    Ok(match provider {
        Provider::PeakPrivacy => {
            return Err(Error::unsupported(
                "peakprivacy offers no embeddings; providers with embeddings: aligneai, mock",
            ))
        }
        Provider::AligneAI => Arc::new(AligneAIEmbeddings::new(aligneai_client(lookup)?, model)),
        Provider::Mock => Arc::new(MockEmbeddingModel::new(384)),
    })
}

fn env_lookup(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// The chat model named by the environment: `LLM_MODEL` (`"peakprivacy:mistral-swiss"`),
/// or `LLM_PROVIDER` alone (with the provider's default model). Loads `.env` first, as
/// the provider crates do (a malformed `.env` is an error, never silently ignored).
///
/// # Errors
/// [`ErrorKind::Config`] when neither variable is set, the provider is unknown or `.env`
/// is malformed, and the errors of [`chat_model_with`].
pub fn chat_model_from_env() -> Result<Arc<dyn ChatModel>> {
    llm_core::env::load_dotenv()?;
    chat_model_with(&spec_from_env("LLM_MODEL")?, &env_lookup)
}

/// The embedding model named by `LLM_EMBEDDING_MODEL` (`"aligneai:nomic-embed-v1.5"`), or
/// `LLM_PROVIDER`. Loads `.env` first (a malformed `.env` is an error).
///
/// # Errors
/// As [`embedding_model_with`], and [`ErrorKind::Config`] for a malformed `.env`.
pub fn embedding_model_from_env() -> Result<Arc<dyn EmbeddingModel>> {
    llm_core::env::load_dotenv()?;
    embedding_model_with(&spec_from_env("LLM_EMBEDDING_MODEL")?, &env_lookup)
}

fn spec_from_env(model_var: &str) -> Result<String> {
    let model = var(&env_lookup, model_var);
    let provider = var(&env_lookup, "LLM_PROVIDER");
    match (provider, model) {
        (_, Some(m)) if m.contains(':') => Ok(m),
        (Some(p), Some(m)) => Ok(format!("{p}:{m}")),
        (Some(p), None) => Ok(p),
        (None, _) => Err(Error::with_message(
            ErrorKind::Config,
            format!("set {model_var}=\"provider:model\" or LLM_PROVIDER to one of: {VALID}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_parsing() {
        assert_eq!(
            parse_spec("peakprivacy:mistral-swiss").unwrap(),
            (Provider::PeakPrivacy, Some("mistral-swiss".into()))
        );
        assert_eq!(parse_spec("AligneAI").unwrap(), (Provider::AligneAI, None));
        assert_eq!(parse_spec("mock:").unwrap(), (Provider::Mock, None));
        let err = parse_spec("gpt:4").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
        assert!(err.to_string().contains(VALID));
    }

    #[test]
    fn missing_credentials_name_the_variable() {
        let err = chat_model_with("aligneai:x", &|_| None).unwrap_err();
        assert_eq!(err.env_var(), Some("ALIGNEAI_API_KEY"));
    }
}
