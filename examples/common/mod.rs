//! Shared by the examples: choose between the real APIs and local emulators.
//!
//! For each provider the rule is the same:
//!
//! 1. the API key is set (`PEAKPRIVACY_API_TOKEN` / `ALIGNEAI_API_KEY`, in the environment or
//!    a `.env` file): the client comes from the SDK's `from_env()`, so it talks to the real
//!    API, or to `PEAKPRIVACY_API_URL` / `ALIGNEAI_BASE_URL` when that is set too;
//! 2. no key, but the URL variable is set: the client talks to that URL with the emulator's
//!    test credentials (for an emulator or test server running elsewhere);
//! 3. neither: an emulator from `llm-testkit` is started in this process and the client
//!    points at it. Only then can an example script faults (`fail_next`).
//!
//! Each function prints one line saying which it is using.

// Every example uses a different part of this module.
#![allow(dead_code)]

use std::error::Error;
use std::fmt;
use std::time::Duration;

use llm_testkit::{AligneAIEmulator, AligneAIEmulatorBuilder, PeakPrivacyEmulator};

/// What `main` returns in every example.
pub type Result<T = ()> = std::result::Result<T, Failure>;

/// Any error, returned from `main` with `?`. When `main` fails, Rust prints it with `Debug`:
/// here that is the message and its causes, one per line, instead of a struct dump.
pub struct Failure(Box<dyn Error>);

impl<E: Into<Box<dyn Error>>> From<E> for Failure {
    fn from(error: E) -> Self {
        Self(error.into())
    }
}

impl fmt::Debug for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        let mut source = self.0.source();
        while let Some(cause) = source {
            write!(f, "\n  caused by: {cause}")?;
            source = cause.source();
        }
        Ok(())
    }
}

/// Pause between streamed events of the local emulators, so a streamed answer visibly
/// arrives piece by piece (and the examples still finish in well under a second).
const CHUNK_DELAY: Duration = Duration::from_millis(15);

/// A PeakPrivacy client, and the in-process emulator behind it when there is one.
#[derive(Debug)]
pub struct PeakPrivacyBackend {
    /// The client to use.
    pub client: peakprivacy::PeakPrivacy,
    /// The local emulator the client talks to (`None` for the real API or a custom URL).
    pub emulator: Option<PeakPrivacyEmulator>,
}

/// An AligneAI client, and the in-process emulator behind it when there is one.
#[derive(Debug)]
pub struct AligneAIBackend {
    /// The client to use.
    pub client: aligneai::AligneAI,
    /// The local emulator the client talks to (`None` for the real API or a custom URL).
    pub emulator: Option<AligneAIEmulator>,
}

/// A blocking PeakPrivacy client, and the emulator (on its own thread) behind it.
#[derive(Debug)]
pub struct BlockingPeakPrivacyBackend {
    /// The client to use.
    pub client: peakprivacy::blocking::PeakPrivacy,
    /// The local emulator the client talks to, when there is one.
    pub emulator: Option<PeakPrivacyEmulator>,
}

/// A blocking AligneAI client, and the emulator (on its own thread) behind it.
#[derive(Debug)]
pub struct BlockingAligneAIBackend {
    /// The client to use.
    pub client: aligneai::blocking::AligneAI,
    /// The local emulator the client talks to, when there is one.
    pub emulator: Option<AligneAIEmulator>,
}

/// Which of the three cases applies, given the result of the SDK's `from_env()`.
enum Choice<T> {
    /// `from_env()` found a key: use its client.
    Configured(T),
    /// No key, but the base-URL variable holds this URL.
    CustomUrl(String),
    /// Neither: start a local emulator.
    Local,
}

fn choose<T>(from_env: llm_core::Result<T>, url_var: &str) -> Result<Choice<T>> {
    match from_env {
        Ok(client) => Ok(Choice::Configured(client)),
        Err(err) if err.kind() == llm_core::ErrorKind::MissingCredential => {
            // `from_env()` has loaded `.env` by now, so this sees its values too.
            match std::env::var(url_var) {
                Ok(url) if !url.trim().is_empty() => Ok(Choice::CustomUrl(url)),
                _ => Ok(Choice::Local),
            }
        }
        Err(err) => Err(err.into()),
    }
}

fn announce_configured(provider: &str, key_var: &str, base_url: &str) {
    println!("{provider}: using the API at {base_url} ({key_var} is set)");
}

fn announce_custom_url(provider: &str, url_var: &str, base_url: &str) {
    println!("{provider}: no API key set; using {url_var}={base_url} with the emulator's test credentials");
}

fn announce_local(provider: &str, base_url: &str) {
    println!("{provider}: using the local emulator (no API key set) at {base_url}");
}

/// The PeakPrivacy client for an async example.
pub async fn peakprivacy() -> Result<PeakPrivacyBackend> {
    use peakprivacy::{PeakPrivacy, API_TOKEN_ENV, BASE_URL_ENV};

    match choose(PeakPrivacy::from_env(), BASE_URL_ENV)? {
        Choice::Configured(client) => {
            announce_configured("PeakPrivacy", API_TOKEN_ENV, client.base_url());
            Ok(PeakPrivacyBackend {
                client,
                emulator: None,
            })
        }
        Choice::CustomUrl(url) => {
            let client = PeakPrivacy::builder()
                .api_token(llm_testkit::peakprivacy::DEFAULT_TOKEN)
                .base_url(url)
                .build()?;
            announce_custom_url("PeakPrivacy", BASE_URL_ENV, client.base_url());
            Ok(PeakPrivacyBackend {
                client,
                emulator: None,
            })
        }
        Choice::Local => {
            let server = PeakPrivacyEmulator::builder()
                .chunk_delay(CHUNK_DELAY)
                .try_start()
                .await?;
            let client = server.client()?;
            announce_local("PeakPrivacy", server.base_url());
            Ok(PeakPrivacyBackend {
                client,
                emulator: Some(server),
            })
        }
    }
}

/// The AligneAI client for an async example.
pub async fn aligneai() -> Result<AligneAIBackend> {
    aligneai_with(|emulator| emulator).await
}

/// The AligneAI client for an async example; `configure` adjusts the local emulator (e.g.
/// a batch limit) when one is started.
pub async fn aligneai_with(
    configure: impl FnOnce(AligneAIEmulatorBuilder) -> AligneAIEmulatorBuilder,
) -> Result<AligneAIBackend> {
    use aligneai::{AligneAI, API_KEY_ENV, BASE_URL_ENV};

    match choose(AligneAI::from_env(), BASE_URL_ENV)? {
        Choice::Configured(client) => {
            announce_configured("AligneAI", API_KEY_ENV, client.base_url());
            Ok(AligneAIBackend {
                client,
                emulator: None,
            })
        }
        Choice::CustomUrl(url) => {
            let client = custom_url_aligneai_builder(&url).build()?;
            announce_custom_url("AligneAI", BASE_URL_ENV, client.base_url());
            Ok(AligneAIBackend {
                client,
                emulator: None,
            })
        }
        Choice::Local => {
            let server = configure(AligneAIEmulator::builder().chunk_delay(CHUNK_DELAY))
                .try_start()
                .await?;
            let client = server.client()?;
            announce_local("AligneAI", server.base_url());
            Ok(AligneAIBackend {
                client,
                emulator: Some(server),
            })
        }
    }
}

/// The blocking PeakPrivacy client (call it outside any async runtime).
pub fn peakprivacy_blocking() -> Result<BlockingPeakPrivacyBackend> {
    use peakprivacy::blocking::PeakPrivacy;
    use peakprivacy::{API_TOKEN_ENV, BASE_URL_ENV};

    match choose(PeakPrivacy::from_env(), BASE_URL_ENV)? {
        Choice::Configured(client) => {
            announce_configured("PeakPrivacy", API_TOKEN_ENV, client.base_url());
            Ok(BlockingPeakPrivacyBackend {
                client,
                emulator: None,
            })
        }
        Choice::CustomUrl(url) => {
            let client = PeakPrivacy::builder()
                .api_token(llm_testkit::peakprivacy::DEFAULT_TOKEN)
                .base_url(url)
                .build()?;
            announce_custom_url("PeakPrivacy", BASE_URL_ENV, client.base_url());
            Ok(BlockingPeakPrivacyBackend {
                client,
                emulator: None,
            })
        }
        Choice::Local => {
            // The emulator serves from a runtime on its own thread: this program has none.
            let server = PeakPrivacyEmulator::builder()
                .chunk_delay(CHUNK_DELAY)
                .try_start_blocking()?;
            let client = PeakPrivacy::from_async(server.client()?)?;
            announce_local("PeakPrivacy", server.base_url());
            Ok(BlockingPeakPrivacyBackend {
                client,
                emulator: Some(server),
            })
        }
    }
}

/// The blocking AligneAI client (call it outside any async runtime).
pub fn aligneai_blocking() -> Result<BlockingAligneAIBackend> {
    use aligneai::blocking::AligneAI;
    use aligneai::{API_KEY_ENV, BASE_URL_ENV};

    match choose(AligneAI::from_env(), BASE_URL_ENV)? {
        Choice::Configured(client) => {
            announce_configured("AligneAI", API_KEY_ENV, client.as_async().base_url());
            Ok(BlockingAligneAIBackend {
                client,
                emulator: None,
            })
        }
        Choice::CustomUrl(url) => {
            let client = AligneAI::from_async(custom_url_aligneai_builder(&url).build()?)?;
            announce_custom_url("AligneAI", BASE_URL_ENV, client.as_async().base_url());
            Ok(BlockingAligneAIBackend {
                client,
                emulator: None,
            })
        }
        Choice::Local => {
            let server = AligneAIEmulator::builder()
                .chunk_delay(CHUNK_DELAY)
                .try_start_blocking()?;
            let client = AligneAI::from_async(server.client()?)?;
            announce_local("AligneAI", server.base_url());
            Ok(BlockingAligneAIBackend {
                client,
                emulator: Some(server),
            })
        }
    }
}

/// AligneAI at `url` with the emulator's test key (the builder adds `ALIGNEAI_WORKSPACE_ID`
/// from the environment when it is set).
fn custom_url_aligneai_builder(url: &str) -> aligneai::AligneAIBuilder {
    aligneai::AligneAI::builder()
        .api_key(llm_testkit::aligneai::DEFAULT_API_KEY)
        .base_url(url)
}

/// The chat model for AligneAI: `ALIGNEAI_CHAT_MODEL` when set, else one the emulator lists.
pub fn aligneai_chat_model() -> String {
    std::env::var("ALIGNEAI_CHAT_MODEL")
        .ok()
        .filter(|model| !model.trim().is_empty())
        .unwrap_or_else(|| "llama-3.1-8b-instruct".to_owned())
}

/// Shortens `text` to at most `max` characters for one-line summaries.
pub fn shorten(text: &str, max: usize) -> String {
    let mut chars = text.chars();
    let short: String = chars.by_ref().take(max).collect();
    if chars.next().is_some() {
        format!("{short}…")
    } else {
        short
    }
}
