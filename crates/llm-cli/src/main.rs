//! `llm`: a command-line tool over the PeakPrivacy and AligneAI SDKs: a quick chat
//! (streamed), the model list, a key check, and resumable batch embedding of a file.
//!
//! Configured like the SDK (environment or `.env`: `LLM_MODEL`, `PEAKPRIVACY_API_TOKEN`,
//! `ALIGNEAI_API_KEY`, ...) through `unified`'s factory; `--emulator` runs against local
//! emulators. Errors are one line with kind, status, request id and a hint (or one JSON
//! object with `--json`), and the exit code tells the kind (see `llm --help`).

mod cli;
mod commands;
mod config;
mod failure;
mod output;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};
use failure::Failure;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: other: cannot start the async runtime: {e}");
            return ExitCode::from(failure::OTHER);
        }
    };
    match runtime.block_on(run(&cli)) {
        Ok(()) => ExitCode::from(failure::OK),
        Err(failure) => {
            let provider = provider_hint(&cli);
            if cli.global.json {
                eprintln!("{}", failure.to_json(provider.as_deref()));
            } else {
                eprintln!("{}", failure.one_line(provider.as_deref()));
            }
            ExitCode::from(failure.exit_code())
        }
    }
}

async fn run(cli: &Cli) -> Result<(), Failure> {
    match &cli.command {
        Command::Chat(args) => commands::chat::run(&cli.global, args).await,
        Command::Models => commands::account::models(&cli.global).await,
        Command::Ping => commands::account::ping(&cli.global).await,
        Command::Embed(args) => commands::embed::run(&cli.global, args).await,
    }
}

/// The provider the command used, for the hint of an error (which key to check).
fn provider_hint(cli: &Cli) -> Option<String> {
    let var = match cli.command {
        Command::Embed(_) => "LLM_EMBEDDING_MODEL",
        _ => "LLM_MODEL",
    };
    let named = cli
        .global
        .model
        .as_deref()
        .filter(|m| m.contains(':'))
        .map(str::to_owned)
        .or_else(|| cli.global.provider.clone())
        .or_else(|| config::env_lookup(var))
        .or_else(|| config::env_lookup("LLM_PROVIDER"))?;
    let provider = named.split(':').next()?.trim().to_ascii_lowercase();
    Some(provider)
}
