//! Why a command failed, its exit code, and the one-line (or JSON) report of it.
//!
//! The exit codes are listed in `llm --help` (`cli.rs`) and in the crate README; the
//! `exit_codes_are_documented` test keeps the three in step.

use std::fmt;
use std::path::Path;

use serde_json::{json, Value};
use unified::{Error, ErrorKind};

/// Exit code: the command succeeded.
pub const OK: u8 = 0;
/// Exit code: an error of no other class.
pub const OTHER: u8 = 1;
/// Exit code: the command line is wrong (also clap's code for its own usage errors).
pub const USAGE: u8 = 2;
/// Exit code: configuration (missing key, no model, unknown provider, bad `.env`).
pub const CONFIG: u8 = 3;
/// Exit code: authentication failed (401).
pub const AUTHENTICATION: u8 = 4;
/// Exit code: permission denied or quota used up (403).
pub const PERMISSION: u8 = 5;
/// Exit code: rate limited (429).
pub const RATE_LIMIT: u8 = 6;
/// Exit code: network error or timeout.
pub const NETWORK: u8 = 7;
/// Exit code: the request was rejected (400, 404, 409, 413, 422, invalid option).
pub const INVALID_REQUEST: u8 = 8;
/// Exit code: server error (5xx, an error object in a success answer).
pub const SERVER: u8 = 9;
/// Exit code: the answer could not be decoded, or a stream broke.
pub const BAD_RESPONSE: u8 = 10;
/// Exit code: the input or output file cannot be used.
pub const FILE: u8 = 11;
/// Exit code: `llm embed` stopped on Ctrl-C (after writing what was done; 128 + SIGINT).
pub const INTERRUPTED: u8 = 130;

/// Why a command failed.
#[derive(Debug)]
pub enum Failure {
    /// An error of the SDK (from the server, the network or the configuration).
    Api(Error),
    /// The command line is wrong.
    Usage(String),
    /// A file problem: the message names the file and, for a bad line, the line.
    File(String),
    /// Stopped on Ctrl-C.
    Interrupted,
}

impl Failure {
    /// A file problem for `path`: `what` went wrong.
    pub fn file(path: &Path, what: impl fmt::Display) -> Self {
        Self::File(format!("{}: {what}", path.display()))
    }

    /// The process exit code for this failure.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Api(err) => exit_code_for(err.kind()),
            Self::Usage(_) => USAGE,
            Self::File(_) => FILE,
            Self::Interrupted => INTERRUPTED,
        }
    }

    /// The kind as a `snake_case` word (`authentication`, `rate_limit`, `usage`, `file`).
    pub fn kind_name(&self) -> String {
        match self {
            Self::Api(err) => err.kind().code().to_owned(),
            Self::Usage(_) => "usage".to_owned(),
            Self::File(_) => "file".to_owned(),
            Self::Interrupted => "interrupted".to_owned(),
        }
    }

    /// The one-line report: `error: <kind> (status 401, request id req-1): <message>;
    /// hint: <what to do>`. The SDK's messages never hold a key (they are redacted).
    pub fn one_line(&self, provider: Option<&str>) -> String {
        let mut details = Vec::new();
        if let Self::Api(err) = self {
            if let Some(status) = err.status() {
                details.push(format!("status {status}"));
            }
            if let Some(id) = err.request_id() {
                details.push(format!("request id {id}"));
            }
        }
        let mut line = format!("error: {}", self.kind_name());
        if !details.is_empty() {
            line.push_str(&format!(" ({})", details.join(", ")));
        }
        line.push_str(": ");
        line.push_str(&self.message());
        if let Some(hint) = self.hint(provider) {
            line.push_str("; hint: ");
            line.push_str(&hint);
        }
        line
    }

    /// The report as one JSON object, for `--json`.
    pub fn to_json(&self, provider: Option<&str>) -> Value {
        let (status, request_id) = match self {
            Self::Api(err) => (err.status(), err.request_id().map(str::to_owned)),
            _ => (None, None),
        };
        json!({ "error": {
            "kind": self.kind_name(),
            "status": status,
            "request_id": request_id,
            "message": self.message(),
            "hint": self.hint(provider),
            "exit_code": self.exit_code(),
        }})
    }

    /// The message on one line.
    fn message(&self) -> String {
        let text = match self {
            Self::Api(err) => err.to_string(),
            Self::Usage(message) | Self::File(message) => message.clone(),
            Self::Interrupted => "stopped on Ctrl-C".to_owned(),
        };
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// What the user can do about it, when there is something to say.
    fn hint(&self, provider: Option<&str>) -> Option<String> {
        let key_var = match provider {
            Some("peakprivacy") => Some("PEAKPRIVACY_API_TOKEN"),
            Some("aligneai") => Some("ALIGNEAI_API_KEY"),
            _ => None,
        };
        let url_var = match provider {
            Some("peakprivacy") => Some("PEAKPRIVACY_API_URL"),
            Some("aligneai") => Some("ALIGNEAI_BASE_URL"),
            _ => None,
        };
        let err = match self {
            Self::Api(err) => err,
            Self::Usage(_) => return Some("see llm --help".to_owned()),
            Self::File(_) => return None,
            Self::Interrupted => return Some("run the same command again to resume".to_owned()),
        };
        Some(match err.kind() {
            ErrorKind::MissingCredential => format!(
                "set {} (environment or .env), or try --emulator",
                err.env_var().or(key_var).unwrap_or("the provider's key")
            ),
            ErrorKind::Config => {
                "set LLM_MODEL=\"provider:model\" or pass --model provider:model".to_owned()
            }
            ErrorKind::Authentication => match key_var {
                Some(var) => format!("check {var}: the key is wrong, expired or inactive"),
                None => "check the provider's key".to_owned(),
            },
            ErrorKind::PermissionDenied | ErrorKind::QuotaExceeded => {
                "the key may not do this, or the subscription's limit is reached".to_owned()
            }
            ErrorKind::RateLimit => match err.retry_after() {
                Some(after) => format!("rate limited: wait {} s and retry", after.as_secs()),
                None => "rate limited: wait and retry, or lower --concurrency".to_owned(),
            },
            ErrorKind::Connection => match url_var {
                Some(var) => format!("check the network and the base URL ({var})"),
                None => "check the network and the base URL".to_owned(),
            },
            ErrorKind::Timeout | ErrorKind::RequestTimeout => {
                "the server is slow: retry, or raise --timeout".to_owned()
            }
            ErrorKind::NotFound => "check the model id (llm models)".to_owned(),
            ErrorKind::InternalServer => {
                "the server failed: retry later (llm embed resumes where it stopped)".to_owned()
            }
            _ => return None,
        })
    }
}

impl From<Error> for Failure {
    fn from(err: Error) -> Self {
        Self::Api(err)
    }
}

/// The exit code for an SDK error of `kind`.
pub fn exit_code_for(kind: ErrorKind) -> u8 {
    match kind {
        ErrorKind::MissingCredential | ErrorKind::Config => CONFIG,
        ErrorKind::Authentication => AUTHENTICATION,
        ErrorKind::PermissionDenied | ErrorKind::QuotaExceeded => PERMISSION,
        ErrorKind::RateLimit => RATE_LIMIT,
        ErrorKind::Connection
        | ErrorKind::Timeout
        | ErrorKind::RequestTimeout
        | ErrorKind::Redirect => NETWORK,
        ErrorKind::BadRequest
        | ErrorKind::NotFound
        | ErrorKind::Conflict
        | ErrorKind::PayloadTooLarge
        | ErrorKind::UnprocessableEntity
        | ErrorKind::InvalidRequest
        | ErrorKind::Unsupported => INVALID_REQUEST,
        ErrorKind::InternalServer | ErrorKind::UnexpectedStatus | ErrorKind::ErrorPayload => SERVER,
        ErrorKind::Decode
        | ErrorKind::Stream
        | ErrorKind::ResponseTooLarge
        | ErrorKind::StreamInterrupted => BAD_RESPONSE,
        _ => OTHER,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_map_to_documented_codes() {
        let cases = [
            (ErrorKind::Authentication, AUTHENTICATION),
            (ErrorKind::RateLimit, RATE_LIMIT),
            (ErrorKind::Connection, NETWORK),
            (ErrorKind::Timeout, NETWORK),
            (ErrorKind::InternalServer, SERVER),
            (ErrorKind::InvalidRequest, INVALID_REQUEST),
            (ErrorKind::MissingCredential, CONFIG),
            (ErrorKind::StreamInterrupted, BAD_RESPONSE),
        ];
        for (kind, code) in cases {
            assert_eq!(exit_code_for(kind), code, "{kind:?}");
        }
    }

    #[test]
    fn exit_codes_are_documented() {
        let readme = include_str!("../README.md");
        let help = crate::cli::AFTER_HELP;
        for (code, word) in [
            (CONFIG, "configuration"),
            (AUTHENTICATION, "authentication"),
            (PERMISSION, "permission"),
            (RATE_LIMIT, "rate limit"),
            (NETWORK, "network"),
            (INVALID_REQUEST, "request rejected"),
            (SERVER, "server error"),
            (BAD_RESPONSE, "bad or broken response"),
            (FILE, "input or output file"),
            (INTERRUPTED, "interrupted"),
        ] {
            let entry = format!("{code} {word}");
            assert!(help.contains(&entry), "llm --help lacks {entry:?}");
            assert!(
                readme.contains(&format!("| {code} | {word}")),
                "README lacks {entry:?}"
            );
        }
    }

    #[test]
    fn one_line_names_kind_status_request_id_and_hint() {
        let mut headers = llm_core::reqwest::header::HeaderMap::new();
        headers.insert(
            "x-request-id",
            llm_core::reqwest::header::HeaderValue::from_static("req-42"),
        );
        let err = Error::from_response(401, headers, br#"{"error":"Unauthenticated"}"#);
        let line = Failure::Api(err).one_line(Some("peakprivacy"));
        assert!(line.starts_with("error: authentication (status 401, request id req-42): "));
        assert!(line
            .ends_with("hint: check PEAKPRIVACY_API_TOKEN: the key is wrong, expired or inactive"));
        assert!(!line.contains('\n'));
    }

    #[test]
    fn missing_key_hint_names_the_variable() {
        let failure = Failure::Api(Error::missing_credential("ALIGNEAI_API_KEY"));
        assert_eq!(failure.exit_code(), CONFIG);
        let json = failure.to_json(Some("aligneai"));
        assert_eq!(json["error"]["kind"], "missing_credential");
        assert!(json["error"]["hint"]
            .as_str()
            .is_some_and(|h| h.contains("set ALIGNEAI_API_KEY")));
    }
}
