#!/usr/bin/env bash
# Build weight of a one-call program: what a user's clean release build costs with this SDK
# and with the peers, measured one after the other on this machine.
#
# Usage: crates/llm-bench/build-weight.sh [contender ...]
#   contenders: ours (peakprivacy, default features), ours-ring (peakprivacy with
#   default-features = false, features = ["rustls-ring"]), async-openai, genai.
#   Default: all four. Needs crates.io (it fetches each program's dependencies first; the
#   fetch is not timed).
#
# Each program calls one chat completion (built, never run). For each: a fresh target
# directory, `cargo build --release` (profile: strip = true), wall time, crates compiled
# (the `Compiling` lines, build scripts and proc macros included) and the binary's size.
# Prints a Markdown table. Run it on a quiet machine: build time is wall-clock.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
contenders=("$@")
[ ${#contenders[@]} -gt 0 ] || contenders=(ours ours-ring async-openai genai)

manifest() { # name, dependency line
  cat <<EOF
[package]
name = "one-call"
version = "0.1.0"
edition = "2021"
publish = false

[dependencies]
$2
tokio = { version = "1", features = ["rt-multi-thread", "macros"] }

[profile.release]
strip = true

[workspace]
EOF
}

ours_main='use peakprivacy::{ChatCompletionRequest, Message, PeakPrivacy};

#[tokio::main]
async fn main() -> Result<(), peakprivacy::Error> {
    let client = PeakPrivacy::from_env()?;
    let request = ChatCompletionRequest::new("mistral-swiss", [Message::user("Say hello.")]);
    let answer = client.chat().completions().create(request).await?;
    println!("{}", answer.content());
    Ok(())
}'

async_openai_main='use async_openai::types::chat::{ChatCompletionRequestUserMessageArgs, CreateChatCompletionRequestArgs};
use async_openai::Client;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::new();
    let request = CreateChatCompletionRequestArgs::default()
        .model("mistral-swiss")
        .messages([ChatCompletionRequestUserMessageArgs::default()
            .content("Say hello.")
            .build()?
            .into()])
        .build()?;
    let answer = client.chat().create(request).await?;
    if let Some(text) = answer.choices.first().and_then(|c| c.message.content.as_deref()) {
        println!("{text}");
    }
    Ok(())
}'

genai_main='use genai::chat::{ChatMessage, ChatRequest};
use genai::Client;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::new()?;
    let request = ChatRequest::new(vec![ChatMessage::user("Say hello.")]);
    let answer = client.exec_chat("gpt-4o-mini", request, None).await?;
    if let Some(text) = answer.first_text() {
        println!("{text}");
    }
    Ok(())
}'

setup() { # contender -> directory with the program
  local dir="$work/$1"
  mkdir -p "$dir/src"
  case "$1" in
    ours)
      manifest "$1" "peakprivacy = { path = \"$repo/crates/peakprivacy\" }" >"$dir/Cargo.toml"
      echo "$ours_main" >"$dir/src/main.rs" ;;
    ours-ring)
      manifest "$1" "peakprivacy = { path = \"$repo/crates/peakprivacy\", default-features = false, features = [\"rustls-ring\"] }" >"$dir/Cargo.toml"
      echo "$ours_main" >"$dir/src/main.rs" ;;
    async-openai)
      manifest "$1" 'async-openai = { version = "0.43", features = ["chat-completion"] }' >"$dir/Cargo.toml"
      echo "$async_openai_main" >"$dir/src/main.rs" ;;
    genai)
      manifest "$1" 'genai = "0.7"' >"$dir/Cargo.toml"
      echo "$genai_main" >"$dir/src/main.rs" ;;
    *) echo "unknown contender $1" >&2; exit 2 ;;
  esac
  echo "$dir"
}

echo "machine: $(nproc) CPUs, $(uname -sr), $(rustc --version)"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| program | dependency | crates compiled | clean release build, s | stripped binary, MB |"
echo "|---|---|---:|---:|---:|"
declare -A secs bytes
for contender in "${contenders[@]}"; do
  dir=$(setup "$contender")
  (cd "$dir" && cargo fetch -q)
  start=$(date +%s.%N)
  log=$(cd "$dir" && CARGO_INCREMENTAL=0 CARGO_TARGET_DIR="$dir/target" cargo build --release 2>&1) || {
    echo "$log" >&2
    exit 1
  }
  end=$(date +%s.%N)
  crates=$(grep -c '^ *Compiling ' <<<"$log")
  size=$(stat -c %s "$dir/target/release/one-call")
  dep=$(grep -m1 -E '^(peakprivacy|async-openai|genai) =' "$dir/Cargo.toml" | sed 's/path = "[^"]*"/path = …/')
  awk -v c="$contender" -v d="$dep" -v n="$crates" -v s="$start" -v e="$end" -v b="$size" \
    'BEGIN { printf "| %s | `%s` | %d | %.1f | %.2f |\n", c, d, n, e - s, b / 1e6 }'
  secs[$contender]=$(awk -v s="$start" -v e="$end" 'BEGIN { print e - s }')
  bytes[$contender]=$size
done
echo
# Issue 16's target: build time <= 0.8x async-openai's and a binary no larger.
if [ -n "${secs[async-openai]:-}" ]; then
  for ours in ours ours-ring; do
    [ -n "${secs[$ours]:-}" ] || continue
    awk -v o="$ours" -v t="${secs[$ours]}" -v ta="${secs[async-openai]}" \
      -v b="${bytes[$ours]}" -v ba="${bytes[async-openai]}" 'BEGIN {
        ok = (t <= 0.8 * ta && b <= ba) ? "MET" : "MISSED"
        printf "- Build weight, %s: build time <= 0.8x async-openai and binary no larger: **%s** (time %.2fx, binary %.2fx)\n", o, ok, t / ta, b / ba
      }'
  done
fi
echo
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
