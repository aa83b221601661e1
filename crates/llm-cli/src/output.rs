//! Writing results to stdout: text as it arrives, or one JSON value per line.

use std::io::Write;

use serde_json::Value;

use crate::failure::Failure;

/// Writes `text` to stdout and flushes it, so a streamed answer shows as it arrives.
pub fn text(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| Failure::File(format!("stdout: {e}")))
}

/// Writes `value` as one line of JSON to stdout.
pub fn json(value: &Value) -> Result<(), Failure> {
    let mut line = value.to_string();
    line.push('\n');
    text(&line)
}
