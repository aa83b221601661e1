//! The environment variables and defaults of the AligneAI client (read by
//! [`AligneAI::from_env`](crate::AligneAI::from_env) and the builder; `.env` loading and
//! the rules for blank values are `llm_core::env`, shared by every provider).

/// The environment variable holding the API key.
///
/// ```
/// assert_eq!(aligneai::API_KEY_ENV, "ALIGNEAI_API_KEY");
/// ```
pub const API_KEY_ENV: &str = "ALIGNEAI_API_KEY";

/// The environment variable overriding the base URL.
///
/// ```
/// assert_eq!(aligneai::BASE_URL_ENV, "ALIGNEAI_BASE_URL");
/// ```
pub const BASE_URL_ENV: &str = "ALIGNEAI_BASE_URL";

/// The environment variable holding the workspace id (sent as `Workspace-ID`).
///
/// ```
/// assert_eq!(aligneai::WORKSPACE_ID_ENV, "ALIGNEAI_WORKSPACE_ID");
/// ```
pub const WORKSPACE_ID_ENV: &str = "ALIGNEAI_WORKSPACE_ID";

/// The default base URL (the sister SDK's; **unverified** for AligneAI).
///
/// ```
/// assert_eq!(aligneai::DEFAULT_BASE_URL, "https://api.altrum.ai/v1");
/// ```
pub const DEFAULT_BASE_URL: &str = "https://api.altrum.ai/v1";

/// The provider's name in telemetry: `gen_ai.provider.name` on spans and metrics (see
/// `llm_core::telemetry`).
///
/// ```
/// assert_eq!(aligneai::PROVIDER_NAME, "aligneai");
/// ```
pub const PROVIDER_NAME: &str = "aligneai";
