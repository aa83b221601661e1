//! The benchmark harness that measures this workspace's SDKs against the libraries users
//! would otherwise pick (`async-openai`, `eventsource-stream`, `sseer`, raw `reqwest`).
//!
//! Run everything with `cargo run --release -p llm-bench --bin llm-bench` (add `--quick`
//! for a smoke run); see `BENCHMARKS.md` at the workspace root for how to read the table.

pub mod clients;
pub mod decode;
pub mod diag;
pub mod latency;
pub mod memory;
pub mod nonstream;
pub mod payload;
pub mod report;
pub mod server;
pub mod stats;
pub mod streaming;
pub mod sys;
