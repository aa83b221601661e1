//! Configuration from the environment, the same for every provider and for `unified`:
//! an optional `.env` file, blank variables counting as unset, and typed errors.

use crate::{Error, ErrorKind, Result, SecretString};

/// Loads `.env` from the current directory or a parent, without overriding variables that
/// are already set. A missing file is fine; a malformed or unreadable one is a
/// configuration error (so a typo in `.env` is never silently ignored).
///
/// # Errors
/// [`ErrorKind::Config`] when the file exists but cannot be read or parsed.
///
/// ```
/// // With no .env file in this directory or its parents, this is Ok.
/// # if !std::path::Path::new(".env").exists() {
/// llm_core::env::load_dotenv()?;
/// # }
/// # Ok::<(), llm_core::Error>(())
/// ```
pub fn load_dotenv() -> Result<()> {
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

/// The value of the environment variable `name`, or `None` when it is unset, empty or
/// blank.
///
/// # Errors
/// [`ErrorKind::Config`] when the value is not valid UTF-8.
///
/// ```
/// assert_eq!(llm_core::env::var("LLM_CORE_DOC_SURELY_UNSET")?, None);
/// # Ok::<(), llm_core::Error>(())
/// ```
pub fn var(name: &str) -> Result<Option<String>> {
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

/// The credential to use: `explicit` unless it is blank, else the variable `env_var`.
///
/// # Errors
/// [`ErrorKind::MissingCredential`] naming `env_var` when neither holds a value;
/// [`ErrorKind::Config`] when the variable is not valid UTF-8.
///
/// ```
/// use llm_core::{env, ErrorKind, SecretString};
///
/// let key = env::credential(Some(SecretString::from("k")), "LLM_CORE_DOC_SURELY_UNSET")?;
/// assert_eq!(key.expose_secret(), "k");
/// let err = env::credential(Some(SecretString::from(" ")), "LLM_CORE_DOC_SURELY_UNSET").unwrap_err();
/// assert_eq!((err.kind(), err.env_var()), (ErrorKind::MissingCredential, Some("LLM_CORE_DOC_SURELY_UNSET")));
/// # Ok::<(), llm_core::Error>(())
/// ```
pub fn credential(explicit: Option<SecretString>, env_var: &'static str) -> Result<SecretString> {
    match explicit.filter(|secret| !secret.is_blank()) {
        Some(secret) => Ok(secret),
        None => var(env_var)?
            .map(SecretString::from)
            .ok_or_else(|| Error::missing_credential(env_var)),
    }
}
