//! `llm chat`, `llm models`, `llm ping`, errors and exit codes, run as a process against
//! the emulators (loopback only).

mod common;

use std::io::Write;
use std::process::Stdio;
use std::time::Duration;

use common::{llm, llm_aligneai, llm_peakprivacy, run, TestResult};
use llm_testkit::{AligneAIEmulator, Fault, PeakPrivacyEmulator};
use serde_json::Value;

#[test]
fn chat_streams_the_answer_piece_by_piece() -> TestResult {
    let dir = tempfile::tempdir()?;
    let server = AligneAIEmulator::start_blocking();

    let text = run(
        &mut llm_aligneai(dir.path(), &server),
        &["chat", "tell me more"],
    )?;
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert_eq!(text.stdout, "You said: tell me more\n");
    let sent = server.last_request().and_then(|r| r.body_json());
    assert_eq!(
        sent.as_ref().map(|b| &b["stream"]),
        Some(&Value::Bool(true))
    );

    let json = run(
        &mut llm_aligneai(dir.path(), &server),
        &["--json", "chat", "tell me more"],
    )?;
    assert_eq!(json.code, 0, "{}", json.stderr);
    let lines = json.json_lines()?;
    let chunks: Vec<&str> = lines
        .iter()
        .filter(|l| l["type"] == "chunk")
        .filter_map(|l| l["delta"].as_str())
        .collect();
    assert!(chunks.len() >= 3, "streamed in pieces: {chunks:?}");
    assert_eq!(chunks.concat(), "You said: tell me more");
    let done = lines.last().ok_or("no final line")?;
    assert_eq!(done["type"], "done");
    assert_eq!(done["text"], "You said: tell me more");
    assert_eq!(done["model"], "llama-3.1-8b-instruct");
    assert_eq!(done["provider"], "aligneai");
    assert!(
        done["request_id"].is_string(),
        "the stream's request id: {done}"
    );
    assert_eq!(done["chunks"], chunks.len());
    Ok(())
}

#[test]
fn chat_without_streaming_sends_the_options() -> TestResult {
    let dir = tempfile::tempdir()?;
    let server = PeakPrivacyEmulator::start_blocking();
    let out = run(
        &mut llm_peakprivacy(dir.path(), &server, server.token()),
        &[
            "--json",
            "chat",
            "--no-stream",
            "--system",
            "Be brief.",
            "--temperature",
            "0.25",
            "--max-tokens",
            "40",
            "Hello",
        ],
    )?;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let lines = out.json_lines()?;
    assert_eq!(lines.len(), 1);
    let answer = &lines[0];
    assert_eq!(answer["type"], "response");
    assert_eq!(answer["text"], PeakPrivacyEmulator::reply_for("Hello"));
    assert_eq!(answer["provider"], "peakprivacy");
    assert_eq!(answer["model"], "mistral-swiss");
    assert!(answer["request_id"].is_string(), "{answer}");

    let sent = server
        .last_request()
        .and_then(|r| r.body_json())
        .ok_or("no request")?;
    assert_ne!(sent["stream"], Value::Bool(true));
    assert_eq!(sent["model"], "mistral-swiss");
    assert_eq!(sent["temperature"], 0.25);
    assert_eq!(sent["max_tokens"], 40);
    assert_eq!(sent["messages"][0]["role"], "system");
    assert_eq!(sent["messages"][0]["content"], "Be brief.");
    assert_eq!(sent["messages"][1]["content"], "Hello");
    Ok(())
}

#[test]
fn chat_reads_the_prompt_from_stdin() -> TestResult {
    let dir = tempfile::tempdir()?;
    let server = AligneAIEmulator::start_blocking();
    let mut child = llm_aligneai(dir.path(), &server)
        .args(["chat", "--no-stream"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    child
        .stdin
        .take()
        .ok_or("no stdin")?
        .write_all(b"from a pipe")?;
    let out = child.wait_with_output()?;
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8(out.stdout)?, "You said: from a pipe\n");

    // An empty prompt is a usage error (exit 2), not a request.
    let before = server.received_count();
    let empty = run(&mut llm_aligneai(dir.path(), &server), &["chat"])?;
    assert_eq!(empty.code, 2, "{}", empty.stderr);
    assert!(empty
        .stderr
        .starts_with("error: usage: the prompt is empty"));
    assert_eq!(server.received_count(), before);
    Ok(())
}

#[test]
fn models_and_ping_on_both_providers() -> TestResult {
    let dir = tempfile::tempdir()?;
    let peakprivacy = PeakPrivacyEmulator::start_blocking();
    let aligneai = AligneAIEmulator::start_blocking();

    let models = run(
        &mut llm_peakprivacy(dir.path(), &peakprivacy, peakprivacy.token()),
        &["models"],
    )?;
    assert_eq!(models.code, 0, "{}", models.stderr);
    assert_eq!(
        models.stdout.lines().collect::<Vec<_>>(),
        [
            "mistral-swiss",
            "llama3-swiss",
            "gpt-4o-eu",
            "gpt-4o-mini-us"
        ]
    );
    let models = run(
        &mut llm_aligneai(dir.path(), &aligneai),
        &["--json", "models"],
    )?;
    assert_eq!(models.code, 0, "{}", models.stderr);
    let list: Value = serde_json::from_str(&models.stdout)?;
    let ids: Vec<&str> = list
        .as_array()
        .ok_or("not an array")?
        .iter()
        .filter_map(|m| m["id"].as_str())
        .collect();
    assert!(ids.contains(&"llama-3.1-8b-instruct"), "{ids:?}");
    assert_eq!(
        aligneai
            .last_request()
            .map(|r| r.path().to_owned())
            .as_deref(),
        Some("/v1/models")
    );

    let ping = run(
        &mut llm_peakprivacy(dir.path(), &peakprivacy, peakprivacy.token()),
        &["ping"],
    )?;
    assert_eq!(ping.code, 0, "{}", ping.stderr);
    assert!(ping.stdout.starts_with("ok: peakprivacy accepted the key"));
    let ping = run(
        &mut llm_aligneai(dir.path(), &aligneai),
        &["--json", "ping"],
    )?;
    assert_eq!(ping.code, 0, "{}", ping.stderr);
    let ping: Value = serde_json::from_str(&ping.stdout)?;
    assert_eq!(
        (ping["ok"].clone(), ping["provider"].clone()),
        (Value::Bool(true), "aligneai".into())
    );
    assert_eq!(
        aligneai
            .last_request()
            .map(|r| r.path().to_owned())
            .as_deref(),
        Some("/v1/ping")
    );
    Ok(())
}

#[test]
fn a_wrong_key_is_exit_4_with_a_one_line_error_that_never_shows_the_key() -> TestResult {
    let dir = tempfile::tempdir()?;
    let server = PeakPrivacyEmulator::start_blocking();
    let wrong = "pp-wrong-secret-123";
    for args in [
        &["ping"][..],
        &["chat", "hi"],
        &["chat", "--no-stream", "hi"],
        &["models"],
    ] {
        let out = run(&mut llm_peakprivacy(dir.path(), &server, wrong), args)?;
        assert_eq!(out.code, 4, "{args:?}: {}", out.stderr);
        assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
        assert!(
            out.stderr.starts_with("error: authentication (status 401"),
            "{}",
            out.stderr
        );
        assert!(
            out.stderr.contains("hint: check PEAKPRIVACY_API_TOKEN"),
            "{}",
            out.stderr
        );
        assert!(!out.stderr.contains(wrong) && !out.stdout.contains(wrong));
        assert_eq!(out.stdout, "");
    }

    let out = run(
        &mut llm_peakprivacy(dir.path(), &server, wrong),
        &["--json", "ping"],
    )?;
    assert_eq!(out.code, 4);
    let err: Value = serde_json::from_str(out.stderr.trim())?;
    assert_eq!(err["error"]["kind"], "authentication");
    assert_eq!(err["error"]["status"], 401);
    assert_eq!(err["error"]["exit_code"], 4);
    assert!(err["error"]["hint"]
        .as_str()
        .is_some_and(|h| h.contains("PEAKPRIVACY_API_TOKEN")));
    Ok(())
}

#[test]
fn exit_codes_follow_the_error_kind() -> TestResult {
    let dir = tempfile::tempdir()?;
    let server = AligneAIEmulator::start_blocking();

    // 429 -> 6, with the request id the server sent.
    server.fail_next(Fault::status(429));
    let out = run(
        &mut llm_aligneai(dir.path(), &server),
        &["--max-retries", "0", "ping"],
    )?;
    assert_eq!(out.code, 6, "{}", out.stderr);
    assert!(
        out.stderr
            .starts_with("error: rate_limit (status 429, request id ")
            && out.stderr.contains("hint: rate limited"),
        "{}",
        out.stderr
    );

    // 503 -> 9.
    server.fail_next(Fault::status(503));
    let out = run(
        &mut llm_aligneai(dir.path(), &server),
        &["--max-retries", "0", "--json", "chat", "--no-stream", "hi"],
    )?;
    assert_eq!(out.code, 9, "{}", out.stderr);
    let err: Value = serde_json::from_str(out.stderr.trim())?;
    assert_eq!(
        (err["error"]["kind"].clone(), err["error"]["status"].clone()),
        ("internal_server".into(), 503.into())
    );

    // An invalid option -> 8, never sent.
    let before = server.received_count();
    let out = run(
        &mut llm_aligneai(dir.path(), &server),
        &["chat", "--temperature", "9", "hi"],
    )?;
    assert_eq!(out.code, 8, "{}", out.stderr);
    assert_eq!(server.received_count(), before);

    // No server listening -> network (7).
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        listener.local_addr()?
    };
    let out = run(
        llm(dir.path())
            .env("LLM_MODEL", "aligneai:m")
            .env("ALIGNEAI_API_KEY", "k")
            .env("ALIGNEAI_BASE_URL", format!("http://{closed}/v1")),
        &["--max-retries", "0", "ping"],
    )?;
    assert_eq!(out.code, 7, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("hint: check the network and the base URL (ALIGNEAI_BASE_URL)"),
        "{}",
        out.stderr
    );

    // No key -> configuration (3), naming the variable.
    let out = run(llm(dir.path()).env("LLM_MODEL", "aligneai:m"), &["ping"])?;
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr.contains("hint: set ALIGNEAI_API_KEY"),
        "{}",
        out.stderr
    );

    // No model at all -> 3; a bad flag -> clap's usage error (2).
    let out = run(&mut llm(dir.path()), &["chat", "hi"])?;
    assert_eq!(out.code, 3, "{}", out.stderr);
    let out = run(&mut llm(dir.path()), &["chat", "--no-such-flag"])?;
    assert_eq!(out.code, 2, "{}", out.stderr);
    Ok(())
}

#[test]
fn the_emulator_flag_needs_no_key() -> TestResult {
    let dir = tempfile::tempdir()?;
    let out = run(&mut llm(dir.path()), &["--emulator", "chat", "Grüezi"])?;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        format!("{}\n", PeakPrivacyEmulator::reply_for("Grüezi"))
    );
    let out = run(
        &mut llm(dir.path()),
        &["--emulator", "--provider", "aligneai", "ping"],
    )?;
    assert_eq!(out.code, 0, "{}", out.stderr);
    Ok(())
}

#[test]
fn help_lists_the_exit_codes() -> TestResult {
    let dir = tempfile::tempdir()?;
    let out = run(&mut llm(dir.path()), &["--help"])?;
    assert_eq!(out.code, 0);
    for entry in [
        "4 authentication (401)",
        "6 rate limited (429)",
        "7 network or timeout",
    ] {
        assert!(out.stdout.contains(entry), "{entry}");
    }
    Ok(())
}

#[test]
fn configuration_comes_from_a_dotenv_file() -> TestResult {
    let dir = tempfile::tempdir()?;
    let server = AligneAIEmulator::start_blocking();
    std::fs::write(
        dir.path().join(".env"),
        format!(
            "LLM_MODEL=aligneai:llama-3.1-8b-instruct\nALIGNEAI_API_KEY={}\nALIGNEAI_BASE_URL={}\n",
            server.api_key(),
            server.base_url()
        ),
    )?;
    let out = run(&mut llm(dir.path()), &["chat", "--no-stream", "from .env"])?;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "You said: from .env\n");
    let sent = server
        .last_request()
        .and_then(|r| r.body_json())
        .ok_or("no request")?;
    assert_eq!(sent["model"], "llama-3.1-8b-instruct");
    // The flags win over the file.
    let out = run(
        &mut llm(dir.path()),
        &[
            "--model",
            "aligneai:other-model",
            "chat",
            "--no-stream",
            "x",
        ],
    )?;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let sent = server
        .last_request()
        .and_then(|r| r.body_json())
        .ok_or("no request")?;
    assert_eq!(sent["model"], "other-model");
    Ok(())
}

#[test]
fn a_slow_server_is_a_timeout_with_exit_7() -> TestResult {
    let dir = tempfile::tempdir()?;
    let server = AligneAIEmulator::start_blocking();
    server.fail_next(Fault::delay(Duration::from_secs(3)));
    let out = run(
        &mut llm_aligneai(dir.path(), &server),
        &["--timeout", "0.2", "--max-retries", "0", "ping"],
    )?;
    assert_eq!(out.code, 7, "{}", out.stderr);
    assert!(out.stderr.starts_with("error: timeout"), "{}", out.stderr);
    assert!(out.stderr.contains("raise --timeout"), "{}", out.stderr);
    let out = run(
        &mut llm_aligneai(dir.path(), &server),
        &["--timeout", "-1", "ping"],
    )?;
    assert_eq!(out.code, 2, "{}", out.stderr);
    Ok(())
}
