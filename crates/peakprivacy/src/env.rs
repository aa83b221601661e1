//! Configuration from the environment: `PEAKPRIVACY_API_TOKEN`, `PEAKPRIVACY_API_URL` and
//! an optional `.env` file.

use crate::{Error, ErrorKind, Result};

/// The environment variable holding the API token.
///
/// ```
/// assert_eq!(peakprivacy::API_TOKEN_ENV, "PEAKPRIVACY_API_TOKEN");
/// ```
pub const API_TOKEN_ENV: &str = "PEAKPRIVACY_API_TOKEN";

/// The environment variable overriding the base URL.
///
/// ```
/// assert_eq!(peakprivacy::API_URL_ENV, "PEAKPRIVACY_API_URL");
/// ```
pub const API_URL_ENV: &str = "PEAKPRIVACY_API_URL";

/// The production base URL.
///
/// ```
/// assert_eq!(peakprivacy::DEFAULT_BASE_URL, "https://api.peakprivacy.ch/v1/");
/// ```
pub const DEFAULT_BASE_URL: &str = "https://api.peakprivacy.ch/v1/";

/// Loads `.env` from the current directory or a parent, without overriding variables that
/// are already set. A missing file is fine; a malformed one is a configuration error.
pub(crate) fn load_dotenv() -> Result<()> {
    match dotenvy::dotenv() {
        Ok(_) => Ok(()),
        Err(err) if err.not_found() => Ok(()),
        Err(err) => Err(Error::with_source(
            ErrorKind::Config,
            "the .env file could not be read",
            err,
        )),
    }
}

/// The value of `name`, or `None` when it is unset, empty or blank.
pub(crate) fn var(name: &'static str) -> Result<Option<String>> {
    match std::env::var(name) {
        Ok(value) if value.trim().is_empty() => Ok(None),
        Ok(value) => Ok(Some(value)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(Error::with_message(
            ErrorKind::Config,
            format!("the environment variable {name} is not valid UTF-8"),
        )),
    }
}
