//! Captured content (opt-in): prompts and answers as the conventions' JSON message lists,
//! the credential redacted, bounded in size.

use serde_json::{json, Value};

use crate::chat::{FinishReason, Message};
use crate::Transport;

/// The most bytes of captured text per attribute; longer text is cut (at a character
/// boundary) and ends in `…[truncated]`.
///
/// ```
/// assert_eq!(llm_core::telemetry::CAPTURE_CAP, 64 * 1024);
/// ```
pub const CAPTURE_CAP: usize = 64 * 1024;

/// `gen_ai.input.messages` of `messages`: `[{"role", "parts": [{"type": "text", "content"}]}]`.
pub(super) fn input_messages(messages: &[Message], redactor: &Transport) -> String {
    let list: Vec<Value> = messages
        .iter()
        .map(|message| {
            json!({
                "role": message.role.as_str(),
                "parts": [{"type": "text", "content": message.content}],
            })
        })
        .collect();
    bounded(&redactor.redact_text(&Value::from(list).to_string()))
}

/// The answer as it arrives (one entry per choice of a whole answer, or the first choice's
/// text of a stream), for `gen_ai.output.messages`.
#[derive(Debug, Default)]
pub(super) struct Output {
    messages: Vec<(String, Option<String>)>,
}

impl Output {
    /// Adds one whole choice.
    pub(super) fn push(&mut self, text: &str, finish: Option<&FinishReason>) {
        self.messages.push((String::new(), None));
        self.append(text, finish);
    }

    /// Appends streamed text to the last message (starting one if there is none).
    pub(super) fn append(&mut self, text: &str, finish: Option<&FinishReason>) {
        if self.messages.is_empty() {
            self.messages.push((String::new(), None));
        }
        if let Some((content, reason)) = self.messages.last_mut() {
            if content.len() < CAPTURE_CAP {
                content.push_str(text);
            }
            if let Some(finish) = finish {
                *reason = Some(finish.as_str().to_owned());
            }
        }
    }

    /// The conventions' JSON: `[{"role": "assistant", "parts": [..], "finish_reason"}]`.
    pub(super) fn to_json(&self, redactor: &Transport) -> String {
        let list: Vec<Value> = self
            .messages
            .iter()
            .map(|(content, reason)| {
                json!({
                    "role": "assistant",
                    "parts": [{"type": "text", "content": content}],
                    "finish_reason": reason,
                })
            })
            .collect();
        bounded(&redactor.redact_text(&Value::from(list).to_string()))
    }
}

/// `text` cut to [`CAPTURE_CAP`] bytes at a character boundary.
fn bounded(text: &str) -> String {
    if text.len() <= CAPTURE_CAP {
        return text.to_owned();
    }
    let mut end = CAPTURE_CAP;
    while !text.is_char_boundary(end) {
        end = end.saturating_sub(1);
    }
    format!("{}…[truncated]", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_at_a_character_boundary() {
        let text = "é".repeat(CAPTURE_CAP);
        let cut = bounded(&text);
        assert!(cut.ends_with("…[truncated]"));
        assert!(cut.len() <= CAPTURE_CAP + "…[truncated]".len());
    }

    #[test]
    fn the_credential_is_redacted_from_captured_content() -> crate::Result<()> {
        let transport = Transport::builder("http://127.0.0.1:9")
            .auth("Api-Token", crate::SecretString::from("k-secret"))
            .build()?;
        let input = input_messages(&[Message::user("my key is k-secret")], &transport);
        assert_eq!(
            input,
            r#"[{"parts":[{"content":"my key is [REDACTED]","type":"text"}],"role":"user"}]"#
        );
        let mut output = Output::default();
        output.append("k-sec", None);
        output.append("ret", Some(&FinishReason::Stop));
        assert!(output
            .to_json(&transport)
            .contains(r#""content":"[REDACTED]""#));
        assert!(output
            .to_json(&transport)
            .contains(r#""finish_reason":"stop""#));
        Ok(())
    }
}
