//! `llm models` and `llm ping`: calls outside the neutral traits, on the provider's own
//! client built by `unified`'s factory with the same settings.

use std::time::Instant;

use serde_json::json;
use unified::Provider;

use crate::cli::Global;
use crate::config::{env_lookup, resolve, Purpose};
use crate::failure::Failure;
use crate::output;

/// Runs `llm models`: one model id per line (`--json`: an array of model objects).
pub async fn models(global: &Global) -> Result<(), Failure> {
    let resolved = resolve(global, Purpose::Account).await?;
    let config = &resolved.config;
    let models = match config.provider() {
        Provider::PeakPrivacy => {
            config
                .peakprivacy_client_with(&env_lookup)?
                .models()
                .list()
                .await?
        }
        Provider::AligneAI => {
            config
                .aligneai_client_with(&env_lookup)?
                .models()
                .list()
                .await?
        }
        other => return Err(no_account(other)),
    };
    if global.json {
        output::json(&json!(models))
    } else {
        let mut text = String::new();
        for model in &models {
            text.push_str(&model.id);
            text.push('\n');
        }
        output::text(&text)
    }
}

/// Runs `llm ping`: checks the key (PeakPrivacy's token check, AligneAI's ping).
pub async fn ping(global: &Global) -> Result<(), Failure> {
    let resolved = resolve(global, Purpose::Account).await?;
    let config = &resolved.config;
    let provider = config.provider();
    let started = Instant::now();
    match provider {
        Provider::PeakPrivacy => {
            config
                .peakprivacy_client_with(&env_lookup)?
                .chat()
                .check_api_token()
                .await?;
        }
        Provider::AligneAI => config.aligneai_client_with(&env_lookup)?.ping().await?,
        other => return Err(no_account(other)),
    }
    let elapsed_ms = started.elapsed().as_millis();
    if global.json {
        output::json(
            &json!({ "ok": true, "provider": provider.as_str(), "elapsed_ms": elapsed_ms }),
        )
    } else {
        output::text(&format!(
            "ok: {provider} accepted the key ({elapsed_ms} ms)\n"
        ))
    }
}

fn no_account(provider: Provider) -> Failure {
    Failure::Api(unified::Error::unsupported(format!(
        "{provider} has no model list or key check; use peakprivacy or aligneai"
    )))
}
