//! The environment variables and defaults of the PeakPrivacy client (read by
//! [`PeakPrivacy::from_env`](crate::PeakPrivacy::from_env) and the builder; `.env` loading
//! and the rules for blank values are `llm_core::env`, shared by every provider).

/// The environment variable holding the API token.
///
/// ```
/// assert_eq!(peakprivacy::API_TOKEN_ENV, "PEAKPRIVACY_API_TOKEN");
/// ```
pub const API_TOKEN_ENV: &str = "PEAKPRIVACY_API_TOKEN";

/// The environment variable overriding the base URL.
///
/// ```
/// assert_eq!(peakprivacy::BASE_URL_ENV, "PEAKPRIVACY_API_URL");
/// ```
pub const BASE_URL_ENV: &str = "PEAKPRIVACY_API_URL";

/// The production base URL.
///
/// ```
/// assert_eq!(peakprivacy::DEFAULT_BASE_URL, "https://api.peakprivacy.ch/v1/");
/// ```
pub const DEFAULT_BASE_URL: &str = "https://api.peakprivacy.ch/v1/";

/// The provider's name in telemetry: `gen_ai.provider.name` on spans and metrics (see
/// `llm_core::telemetry`).
///
/// ```
/// assert_eq!(peakprivacy::PROVIDER_NAME, "peakprivacy");
/// ```
pub const PROVIDER_NAME: &str = "peakprivacy";
