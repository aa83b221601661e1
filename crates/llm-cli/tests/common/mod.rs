//! Runs the `llm` binary as a user would, against emulators started by the test, with a
//! clean environment (no key, no `.env` of the developer's) and a temporary directory.

#![allow(dead_code)] // each test file uses a different part

use std::path::Path;
use std::process::{Command, Output, Stdio};

use llm_testkit::{AligneAIEmulator, PeakPrivacyEmulator};

/// Result of a test.
pub type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A finished `llm` run.
#[derive(Debug)]
pub struct Run {
    /// The exit code (`-1` when killed by a signal).
    pub code: i32,
    /// Everything printed on stdout.
    pub stdout: String,
    /// Everything printed on stderr.
    pub stderr: String,
}

impl Run {
    fn from_output(output: Output) -> Self {
        Self {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// The stdout lines parsed as JSON.
    pub fn json_lines(&self) -> Result<Vec<serde_json::Value>, serde_json::Error> {
        self.stdout.lines().map(serde_json::from_str).collect()
    }
}

/// `llm` with an empty environment (but `PATH`), run in `dir` so that no `.env` is found.
pub fn llm(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_llm"));
    command.env_clear().current_dir(dir).stdin(Stdio::null());
    if let Some(path) = std::env::var_os("PATH") {
        command.env("PATH", path);
    }
    command
}

/// `llm` configured for a PeakPrivacy emulator with `token`.
pub fn llm_peakprivacy(dir: &Path, server: &PeakPrivacyEmulator, token: &str) -> Command {
    let mut command = llm(dir);
    command
        .env("LLM_MODEL", "peakprivacy:mistral-swiss")
        .env("PEAKPRIVACY_API_URL", server.base_url())
        .env("PEAKPRIVACY_API_TOKEN", token);
    command
}

/// `llm` configured for an AligneAI emulator (chat and embeddings).
pub fn llm_aligneai(dir: &Path, server: &AligneAIEmulator) -> Command {
    let mut command = llm(dir);
    command
        .env("LLM_MODEL", "aligneai:llama-3.1-8b-instruct")
        .env("LLM_EMBEDDING_MODEL", "aligneai")
        .env("ALIGNEAI_BASE_URL", server.base_url())
        .env("ALIGNEAI_API_KEY", server.api_key());
    command
}

/// Runs `command` with `args` to the end.
pub fn run(command: &mut Command, args: &[&str]) -> std::io::Result<Run> {
    command.args(args).output().map(Run::from_output)
}
