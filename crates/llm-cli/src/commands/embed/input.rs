//! The input file of `llm embed`: one input per line, plain text or a JSON object
//! `{"id": .., "text": ..}`; blank lines are skipped (they are not inputs).

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::failure::Failure;

/// One input: its text and, when the line gave one, its id (a string or a number).
#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    /// The id from a JSON line, kept in the output record.
    pub id: Option<Value>,
    /// The text to embed.
    pub text: String,
}

/// The inputs of a file, in order, read lazily.
#[derive(Debug)]
pub struct Inputs {
    reader: BufReader<File>,
    path: PathBuf,
    line_number: usize,
    buffer: String,
}

impl Inputs {
    /// Opens `path`.
    pub fn open(path: &Path) -> Result<Self, Failure> {
        let file = File::open(path).map_err(|e| Failure::file(path, e))?;
        Ok(Self {
            reader: BufReader::new(file),
            path: path.to_owned(),
            line_number: 0,
            buffer: String::new(),
        })
    }

    /// Counts the inputs of `path` (its non-blank lines), for the progress bar.
    pub fn count(path: &Path) -> Result<usize, Failure> {
        let file = File::open(path).map_err(|e| Failure::file(path, e))?;
        let mut reader = BufReader::new(file);
        let mut line = Vec::new();
        let mut count = 0_usize;
        loop {
            line.clear();
            let read = reader
                .read_until(b'\n', &mut line)
                .map_err(|e| Failure::file(path, e))?;
            if read == 0 {
                return Ok(count);
            }
            if !line.iter().all(u8::is_ascii_whitespace) {
                count = count.saturating_add(1);
            }
        }
    }
}

impl Iterator for Inputs {
    type Item = Result<Input, Failure>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            self.buffer.clear();
            self.line_number = self.line_number.saturating_add(1);
            match self.reader.read_line(&mut self.buffer) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(e) => {
                    let what = format!("line {}: {e}", self.line_number);
                    return Some(Err(Failure::file(&self.path, what)));
                }
            }
            let line = self.buffer.trim_end_matches(['\n', '\r']);
            if line.trim().is_empty() {
                continue;
            }
            return Some(parse_line(line).map_err(|what| {
                Failure::file(&self.path, format!("line {}: {what}", self.line_number))
            }));
        }
    }
}

/// One non-blank line: a JSON object when it starts with `{`, else the text itself.
fn parse_line(line: &str) -> Result<Input, String> {
    if !line.trim_start().starts_with('{') {
        return Ok(Input {
            id: None,
            text: line.to_owned(),
        });
    }
    let value: Value = serde_json::from_str(line)
        .map_err(|e| format!("a line starting with '{{' must be a JSON object: {e}"))?;
    let text = match value.get("text") {
        Some(Value::String(text)) => text.clone(),
        Some(_) => return Err("\"text\" must be a string".to_owned()),
        None => return Err("the JSON object has no \"text\"".to_owned()),
    };
    let id = match value.get("id") {
        None | Some(Value::Null) => None,
        Some(id @ (Value::String(_) | Value::Number(_))) => Some(id.clone()),
        Some(_) => return Err("\"id\" must be a string or a number".to_owned()),
    };
    Ok(Input { id, text })
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use serde_json::json;

    use super::*;

    #[test]
    fn lines_are_text_or_objects() {
        assert_eq!(
            parse_line("plain text, with {braces}"),
            Ok(Input {
                id: None,
                text: "plain text, with {braces}".to_owned()
            })
        );
        assert_eq!(
            parse_line(r#"{"id": "a-1", "text": "hello"}"#),
            Ok(Input {
                id: Some(json!("a-1")),
                text: "hello".to_owned()
            })
        );
        assert_eq!(
            parse_line(r#"{"id": 7, "text": "x"}"#).map(|i| i.id),
            Ok(Some(json!(7)))
        );
        assert!(parse_line(r#"{"id": "a"}"#).is_err_and(|e| e.contains("no \"text\"")));
        assert!(parse_line(r#"{"text": 3}"#).is_err());
        assert!(parse_line(r#"{"id": [1], "text": "x"}"#).is_err());
        assert!(parse_line("{not json").is_err_and(|e| e.contains("JSON object")));
    }

    #[test]
    fn blank_lines_are_skipped_and_errors_name_the_line() -> Result<(), Box<dyn std::error::Error>>
    {
        let mut file = tempfile::NamedTempFile::new()?;
        write!(file, "a\r\n\n   \n{{\"text\":\"b\"}}\n{{bad\nc")?;
        assert_eq!(Inputs::count(file.path()).map_err(|f| f.one_line(None))?, 4);
        let items: Vec<_> = Inputs::open(file.path())
            .map_err(|f| f.one_line(None))?
            .collect();
        assert_eq!(items.len(), 4);
        assert!(matches!(&items[0], Ok(Input { text, .. }) if text == "a"));
        assert!(matches!(&items[1], Ok(Input { text, .. }) if text == "b"));
        let bad = items[2]
            .as_ref()
            .err()
            .map(|f| f.one_line(None))
            .unwrap_or_default();
        assert!(bad.contains("line 5:"), "{bad}");
        assert!(matches!(&items[3], Ok(Input { text, .. }) if text == "c"));
        Ok(())
    }
}
