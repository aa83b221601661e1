//! Which provider and model a command uses, and the client settings: from `--provider` /
//! `--model`, else the environment (`LLM_MODEL`, `LLM_EMBEDDING_MODEL`, `LLM_PROVIDER`,
//! after loading `.env` as the SDK does), built with `unified`'s factory. `--emulator`
//! points the client at local emulators instead.

use std::time::Duration;

use llm_testkit::{AligneAIEmulator, PeakPrivacyEmulator};
use unified::{ClientSettings, Error, ErrorKind, ModelConfig, Provider};

use crate::cli::Global;
use crate::failure::Failure;

/// What the command needs a model for: the variable that names it and the emulator's
/// default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// `chat`: `LLM_MODEL`, a model id is required.
    Chat,
    /// `embed`: `LLM_EMBEDDING_MODEL`.
    Embed,
    /// `models`, `ping`: only the provider matters (from `LLM_MODEL`).
    Account,
}

impl Purpose {
    fn model_var(self) -> &'static str {
        match self {
            Self::Embed => "LLM_EMBEDDING_MODEL",
            Self::Chat | Self::Account => "LLM_MODEL",
        }
    }
}

/// Pause between streamed events of the local emulators, so `--emulator` shows an answer
/// arriving piece by piece.
const EMULATOR_CHUNK_DELAY: Duration = Duration::from_millis(15);

/// The resolved configuration, and the emulator serving it under `--emulator` (it stops
/// when this is dropped).
#[derive(Debug)]
pub struct Resolved {
    /// The model and client settings.
    pub config: ModelConfig,
    /// The PeakPrivacy emulator behind the client, under `--emulator` (held, not read).
    _peakprivacy: Option<PeakPrivacyEmulator>,
    /// The AligneAI emulator behind the client, under `--emulator` (held, not read).
    _aligneai: Option<AligneAIEmulator>,
}

/// The environment, read after `.env` was loaded.
pub fn env_lookup(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// Resolves the model and settings for `purpose`; starts an emulator under `--emulator`.
pub async fn resolve(global: &Global, purpose: Purpose) -> Result<Resolved, Failure> {
    llm_core::env::load_dotenv()?;
    let spec = spec(global, purpose, &env_lookup)?;
    let mut config = ModelConfig::parse(&spec)?;
    if global.emulator && config.get_model().is_none() && purpose == Purpose::Chat {
        let model = default_chat_model(config.provider());
        config = config.model(model);
    }
    let mut settings = ClientSettings::new();
    if let Some(seconds) = global.timeout {
        let timeout = Duration::try_from_secs_f64(seconds)
            .ok()
            .filter(|t| !t.is_zero())
            .ok_or_else(|| {
                Failure::Usage(format!(
                    "--timeout {seconds}: give a positive number of seconds"
                ))
            })?;
        settings = settings.timeout(timeout);
    }
    if let Some(retries) = global.max_retries {
        settings = settings.max_retries(retries);
    }
    let (mut peakprivacy, mut aligneai) = (None, None);
    if global.emulator {
        let io = |e: std::io::Error| {
            Failure::Api(Error::with_message(
                ErrorKind::Config,
                format!("cannot start the local emulator: {e}"),
            ))
        };
        match config.provider() {
            Provider::PeakPrivacy => {
                let server = PeakPrivacyEmulator::builder()
                    .chunk_delay(EMULATOR_CHUNK_DELAY)
                    .try_start()
                    .await
                    .map_err(io)?;
                settings = settings
                    .api_key(server.token().to_owned())
                    .base_url(server.base_url());
                peakprivacy = Some(server);
            }
            Provider::AligneAI => {
                let server = AligneAIEmulator::builder()
                    .chunk_delay(EMULATOR_CHUNK_DELAY)
                    .try_start()
                    .await
                    .map_err(io)?;
                settings = settings
                    .api_key(server.api_key().to_owned())
                    .base_url(server.base_url());
                aligneai = Some(server);
            }
            // The mock needs no server; unknown future providers have no emulator.
            _ => {}
        }
    }
    Ok(Resolved {
        config: config.settings(settings),
        _peakprivacy: peakprivacy,
        _aligneai: aligneai,
    })
}

/// The chat model used under `--emulator` when none is named (one the emulator lists).
fn default_chat_model(provider: Provider) -> &'static str {
    match provider {
        Provider::AligneAI => "llama-3.1-8b-instruct",
        Provider::Mock => "mock-chat",
        _ => unified::peakprivacy::model_ids::MISTRAL_SWISS,
    }
}

/// The `"provider[:model]"` string for `purpose`: `--model` (with `--provider` or
/// `LLM_PROVIDER` when it has no prefix), else `--provider` (with an unprefixed model
/// from the environment), else the environment, else the emulator's default.
fn spec(
    global: &Global,
    purpose: Purpose,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<String, Failure> {
    let model_var = purpose.model_var();
    let provider = global.provider.clone().or_else(|| lookup("LLM_PROVIDER"));
    let spec = match (&global.model, &global.provider) {
        (Some(model), given) if model.contains(':') => {
            if let (Some(given), Some((prefix, _))) = (given, model.split_once(':')) {
                if !given.trim().eq_ignore_ascii_case(prefix.trim()) {
                    return Err(Failure::Usage(format!(
                        "--provider {given} and --model {model} name different providers"
                    )));
                }
            }
            model.clone()
        }
        (Some(model), _) => match provider {
            Some(p) => format!("{p}:{model}"),
            None => {
                return Err(Failure::Usage(format!(
                    "--model {model} names no provider: pass --provider NAME or --model \
                     NAME:{model} (providers: peakprivacy, aligneai, mock)"
                )))
            }
        },
        (None, Some(given)) => match lookup(model_var) {
            Some(m) if !m.contains(':') => format!("{given}:{m}"),
            Some(m) if m
                .split_once(':')
                .is_some_and(|(p, _)| p.trim().eq_ignore_ascii_case(given.trim())) =>
            {
                m
            }
            _ => given.clone(),
        },
        (None, None) => match (lookup(model_var), provider) {
            (Some(m), _) if m.contains(':') => m,
            (Some(m), Some(p)) => format!("{p}:{m}"),
            (Some(m), None) if m.parse::<Provider>().is_ok() => m,
            (None, Some(p)) => p,
            (_, None) if global.emulator => match purpose {
                Purpose::Embed => "aligneai".to_owned(),
                Purpose::Chat | Purpose::Account => "peakprivacy".to_owned(),
            },
            (Some(m), None) => {
                return Err(Failure::Api(Error::with_message(
                    ErrorKind::Config,
                    format!("{model_var}={m:?} names no provider"),
                )))
            }
            (None, None) => {
                return Err(Failure::Api(Error::with_message(
                    ErrorKind::Config,
                    format!("no model configured: set {model_var}=\"provider:model\", pass --model, or try --emulator"),
                )))
            }
        },
    };
    if spec.contains(',') {
        return Err(Failure::Usage(format!(
            "{spec:?}: llm uses one model; fallback lists are for the SDK"
        )));
    }
    Ok(spec)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn global(provider: Option<&str>, model: Option<&str>, emulator: bool) -> Global {
        Global {
            provider: provider.map(str::to_owned),
            model: model.map(str::to_owned),
            json: false,
            emulator,
            timeout: None,
            max_retries: None,
        }
    }

    fn spec_with(g: &Global, purpose: Purpose, env: &[(&str, &str)]) -> Result<String, String> {
        let vars: HashMap<String, String> = env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        spec(g, purpose, &|name| vars.get(name).cloned()).map_err(|f| f.kind_name())
    }

    #[test]
    fn flags_then_environment_then_emulator_defaults() {
        let chat = Purpose::Chat;
        type Case<'a> = (Global, &'a [(&'a str, &'a str)], Result<&'a str, &'a str>);
        let cases: [Case<'_>; 9] = [
            (
                global(None, Some("aligneai:m"), false),
                &[],
                Ok("aligneai:m"),
            ),
            (
                global(Some("aligneai"), Some("m"), false),
                &[],
                Ok("aligneai:m"),
            ),
            (
                global(None, Some("m"), false),
                &[("LLM_PROVIDER", "mock")],
                Ok("mock:m"),
            ),
            (global(None, Some("m"), false), &[], Err("usage")),
            (
                global(Some("peakprivacy"), Some("aligneai:m"), false),
                &[],
                Err("usage"),
            ),
            (
                global(None, None, false),
                &[("LLM_MODEL", "peakprivacy:x")],
                Ok("peakprivacy:x"),
            ),
            (
                global(Some("aligneai"), None, false),
                &[("LLM_MODEL", "peakprivacy:x")],
                Ok("aligneai"),
            ),
            (global(None, None, false), &[], Err("config")),
            (global(None, None, true), &[], Ok("peakprivacy")),
        ];
        for (g, env, expected) in cases {
            let expected = expected.map(str::to_owned).map_err(str::to_owned);
            assert_eq!(spec_with(&g, chat, env), expected, "{g:?} {env:?}");
        }
        assert_eq!(
            spec_with(&global(None, None, true), Purpose::Embed, &[]),
            Ok("aligneai".to_owned())
        );
        assert_eq!(
            spec_with(
                &global(None, None, false),
                Purpose::Embed,
                &[
                    ("LLM_EMBEDDING_MODEL", "mock:e"),
                    ("LLM_MODEL", "peakprivacy:x")
                ]
            ),
            Ok("mock:e".to_owned())
        );
        assert_eq!(
            spec_with(&global(None, Some("mock:a,mock:b"), false), chat, &[]),
            Err("usage".to_owned())
        );
    }
}
