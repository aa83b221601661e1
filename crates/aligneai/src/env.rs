//! Configuration from environment variables (and a `.env` file).

/// The environment variable holding the API key.
pub const ENV_API_KEY: &str = "ALIGNEAI_API_KEY";
/// The environment variable overriding the base URL.
pub const ENV_BASE_URL: &str = "ALIGNEAI_BASE_URL";
/// The environment variable holding the workspace id (sent as `Workspace-ID`).
pub const ENV_WORKSPACE_ID: &str = "ALIGNEAI_WORKSPACE_ID";

/// The values found in the environment; blank values count as unset.
#[derive(Default)]
pub(crate) struct EnvConfig {
    pub(crate) api_key: Option<String>,
    pub(crate) base_url: Option<String>,
    pub(crate) workspace_id: Option<String>,
}

impl EnvConfig {
    /// Reads the process environment.
    pub(crate) fn read() -> Self {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Loads `.env` if present (it never overrides variables already set). A missing or
    /// unreadable file is not an error: it is optional.
    pub(crate) fn load_dotenv() {
        let _ = dotenvy::dotenv();
    }

    pub(crate) fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let read = |name| lookup(name).filter(|v: &String| !v.trim().is_empty());
        Self {
            api_key: read(ENV_API_KEY),
            base_url: read(ENV_BASE_URL),
            workspace_id: read(ENV_WORKSPACE_ID),
        }
    }
}

impl std::fmt::Debug for EnvConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EnvConfig")
            .field("api_key", &self.api_key.as_ref().map(|_| "[REDACTED]"))
            .field("base_url", &self.base_url)
            .field("workspace_id", &self.workspace_id)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_values_are_unset() {
        let env = EnvConfig::from_lookup(|name| match name {
            ENV_API_KEY => Some("  ".into()),
            ENV_BASE_URL => Some("http://x".into()),
            _ => None,
        });
        assert!(env.api_key.is_none());
        assert_eq!(env.base_url.as_deref(), Some("http://x"));
        assert!(env.workspace_id.is_none());
    }
}
