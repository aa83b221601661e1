//! The command line: global options, the subcommands and their arguments (clap derive).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Printed after `llm --help`: configuration and the exit codes.
pub const AFTER_HELP: &str = "\
Configuration (environment or a .env file, as the SDK reads it):
  LLM_MODEL               provider:model for chat, e.g. peakprivacy:mistral-swiss
  LLM_EMBEDDING_MODEL     provider[:model] for embed, e.g. aligneai:nomic-embed-v1.5
  LLM_PROVIDER            provider when --model / LLM_MODEL has no provider: prefix
  PEAKPRIVACY_API_TOKEN   PeakPrivacy token    (PEAKPRIVACY_API_URL: another server)
  ALIGNEAI_API_KEY        AligneAI key         (ALIGNEAI_BASE_URL, ALIGNEAI_WORKSPACE_ID)
  --emulator needs none of these: it starts local emulators of both APIs.

Exit codes:
  0 success            1 other error          2 usage error
  3 configuration (missing key, no model, bad .env)
  4 authentication (401)                      5 permission denied or quota (403)
  6 rate limited (429)                        7 network or timeout
  8 request rejected (400, 404, 413, 422, invalid option)
  9 server error (5xx)                       10 bad or broken response
 11 input or output file error
130 interrupted: llm embed stopped on Ctrl-C (run it again to resume)";

/// `llm`: chat, list models, check a key and embed files with PeakPrivacy or AligneAI.
#[derive(Debug, Parser)]
#[command(name = "llm", version, about, after_help = AFTER_HELP)]
pub struct Cli {
    /// Options every command takes.
    #[command(flatten)]
    pub global: Global,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct Global {
    /// The provider: peakprivacy, aligneai or mock (else from --model, LLM_MODEL or
    /// LLM_PROVIDER).
    #[arg(long, global = true, value_name = "NAME")]
    pub provider: Option<String>,
    /// The model: `provider:model` or a model id of --provider (else LLM_MODEL, or
    /// LLM_EMBEDDING_MODEL for embed).
    #[arg(long, global = true, value_name = "MODEL")]
    pub model: Option<String>,
    /// Machine-readable output: JSON on stdout, errors as one JSON object on stderr.
    #[arg(long, global = true)]
    pub json: bool,
    /// Run against local emulators of both APIs started in this process (no key, no
    /// network).
    #[arg(long, global = true)]
    pub emulator: bool,
    /// Seconds one request attempt may take.
    #[arg(long, global = true, value_name = "SECONDS")]
    pub timeout: Option<f64>,
    /// Retries after a failed attempt (rate limits, server errors, network).
    #[arg(long, global = true, value_name = "N")]
    pub max_retries: Option<u32>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Send a prompt and print the answer as it arrives.
    Chat(ChatArgs),
    /// List the provider's models.
    Models,
    /// Check the key (PeakPrivacy's token check, AligneAI's ping).
    Ping,
    /// Embed a file of inputs (one per line) into a JSONL file of vectors; resumable.
    Embed(EmbedArgs),
}

/// `llm chat`.
#[derive(Debug, Args)]
pub struct ChatArgs {
    /// The prompt; read from stdin when absent.
    pub prompt: Option<String>,
    /// Wait for the whole answer instead of streaming it.
    #[arg(long)]
    pub no_stream: bool,
    /// A system message sent before the prompt.
    #[arg(long, value_name = "TEXT")]
    pub system: Option<String>,
    /// Sampling temperature.
    #[arg(long, value_name = "T")]
    pub temperature: Option<f64>,
    /// The longest answer, in tokens.
    #[arg(long, value_name = "N")]
    pub max_tokens: Option<u32>,
}

/// `llm embed`.
#[derive(Debug, Args)]
pub struct EmbedArgs {
    /// Input file: one input per line, plain text or a JSON object {"id": .., "text": ..}.
    /// Blank lines are skipped.
    #[arg(long = "in", value_name = "FILE")]
    pub input: PathBuf,
    /// Output file: JSONL, one {"index", "id", "embedding"} record per input, in input
    /// order. An existing file is resumed: the inputs it already holds are skipped.
    #[arg(long = "out", value_name = "FILE")]
    pub output: PathBuf,
    /// Inputs per request (and per write to the output).
    #[arg(long, default_value_t = 64, value_name = "N")]
    pub batch_size: usize,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 4, value_name = "N")]
    pub concurrency: usize,
    /// Never draw the progress bar (it is hidden anyway when stderr is not a terminal).
    #[arg(long)]
    pub no_progress: bool,
}
