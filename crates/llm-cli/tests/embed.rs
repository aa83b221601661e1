//! `llm embed` as a process against the AligneAI emulator: 1,000 lines under a batch
//! limit, an interruption by a server fault mid-file and by a kill, then the resume to a
//! complete, ordered, duplicate-free output.

mod common;

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use common::{llm, llm_aligneai, run, TestResult};
use llm_testkit::{AligneAIEmulator, Fault};
use serde_json::{json, Value};

const EMBEDDINGS: &str = "/v1/embeddings";
const DIMENSIONS: usize = unified::aligneai::DEFAULT_EMBEDDING_DIMENSIONS as usize;

/// Writes `n` inputs: every third line plain text, the others `{"id", "text"}` objects,
/// with a blank line now and then (skipped, not an input).
fn write_inputs(path: &Path, n: usize) -> std::io::Result<Vec<(Option<Value>, String)>> {
    let mut file = String::new();
    let mut inputs = Vec::new();
    for i in 0..n {
        let text = format!("document number {i} about privacy");
        if i % 3 == 0 {
            file.push_str(&text);
            inputs.push((None, text));
        } else {
            let id = json!(format!("doc-{i}"));
            file.push_str(&json!({ "id": id, "text": text }).to_string());
            inputs.push((Some(id), text));
        }
        file.push('\n');
        if i % 97 == 0 {
            file.push_str("  \n");
        }
    }
    fs::write(path, file)?;
    Ok(inputs)
}

/// Checks that `out` holds exactly one record per input, in order, with the input's id and
/// the emulator's vector for its text.
fn assert_complete(out: &Path, inputs: &[(Option<Value>, String)]) -> TestResult {
    let content = fs::read_to_string(out)?;
    assert!(content.ends_with('\n'));
    let records: Vec<Value> = content
        .lines()
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()?;
    assert_eq!(
        records.len(),
        inputs.len(),
        "one record per input, no duplicates"
    );
    for (index, (record, (id, text))) in records.iter().zip(inputs).enumerate() {
        assert_eq!(record["index"], index, "in input order");
        assert_eq!(
            record["id"],
            id.clone().unwrap_or(Value::Null),
            "record {index}"
        );
        let vector: Vec<f32> = serde_json::from_value(record["embedding"].clone())?;
        let expected = AligneAIEmulator::embedding_for(text, DIMENSIONS);
        assert_eq!(vector.len(), DIMENSIONS);
        let close = vector
            .iter()
            .zip(&expected)
            .all(|(a, b)| (a - b).abs() < 1e-6);
        assert!(close, "record {index} is the vector of its own text");
    }
    Ok(())
}

/// The number of inputs sent in the embedding requests the server received.
fn inputs_sent(server: &AligneAIEmulator) -> usize {
    server
        .requests()
        .iter()
        .filter(|r| r.path() == EMBEDDINGS)
        .filter_map(|r| r.body_json())
        .filter_map(|b| b["inputs"].as_array().map(Vec::len))
        .sum()
}

#[test]
fn a_thousand_lines_in_batches_under_the_servers_limit() -> TestResult {
    let dir = tempfile::tempdir()?;
    let (input, out) = (
        dir.path().join("docs.jsonl"),
        dir.path().join("vectors.jsonl"),
    );
    let inputs = write_inputs(&input, 1000)?;
    let server = AligneAIEmulator::builder()
        .max_batch_size(50)
        .start_blocking();

    let started = Instant::now();
    let done = run(
        &mut llm_aligneai(dir.path(), &server),
        &[
            "--json",
            "embed",
            "--in",
            "docs.jsonl",
            "--out",
            "vectors.jsonl",
            "--batch-size",
            "50",
            "--concurrency",
            "4",
        ],
    )?;
    let elapsed = started.elapsed();
    assert_eq!(done.code, 0, "{}", done.stderr);
    let summary: Value = serde_json::from_str(&done.stdout)?;
    assert_eq!(summary["embedded"], 1000);
    assert_eq!(summary["skipped"], 0);
    assert_eq!(summary["batches"], 20);
    assert_eq!(summary["dimensions"], DIMENSIONS);
    // No progress bar: stderr is not a terminal.
    assert_eq!(done.stderr, "");

    let requests: Vec<usize> = server
        .requests()
        .iter()
        .filter_map(|r| r.body_json())
        .filter_map(|b| b["inputs"].as_array().map(Vec::len))
        .collect();
    assert_eq!(
        requests,
        vec![50; 20],
        "20 requests of 50, none over the limit"
    );
    assert_complete(&out, &inputs)?;
    eprintln!("1,000 inputs embedded in {elapsed:?}");

    // Run again: everything is there, nothing is sent.
    let again = run(
        &mut llm_aligneai(dir.path(), &server),
        &["embed", "--in", "docs.jsonl", "--out", "vectors.jsonl"],
    )?;
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(
        again.stdout.starts_with("embedded 0 inputs"),
        "{}",
        again.stdout
    );
    assert_eq!(server.received_count(), 20);
    assert_complete(&out, &inputs)
}

#[test]
fn a_fault_mid_file_then_a_resume_gives_a_complete_ordered_output() -> TestResult {
    let dir = tempfile::tempdir()?;
    let (input, out) = (
        dir.path().join("docs.jsonl"),
        dir.path().join("vectors.jsonl"),
    );
    let inputs = write_inputs(&input, 1000)?;
    let server = AligneAIEmulator::builder()
        .max_batch_size(40)
        .start_blocking();
    // Seven embedding requests pass, then every one fails with 500.
    server.fail_next(Fault::delay(Duration::ZERO).times(7).path(EMBEDDINGS));
    server.fail_next(Fault::status(500).always().path(EMBEDDINGS));
    let args = [
        "--max-retries",
        "0",
        "embed",
        "--in",
        "docs.jsonl",
        "--out",
        "vectors.jsonl",
        "--batch-size",
        "40",
        "--concurrency",
        "3",
    ];

    let failed = run(&mut llm_aligneai(dir.path(), &server), &args)?;
    assert_eq!(failed.code, 9, "server error: {}", failed.stderr);
    assert!(
        failed
            .stderr
            .contains("run the same command again to resume"),
        "{}",
        failed.stderr
    );
    assert!(
        failed.stderr.contains("error: internal_server (status 500"),
        "{}",
        failed.stderr
    );
    let kept = fs::read_to_string(&out)?;
    let k = kept.lines().count();
    assert!(k > 0 && k < 1000 && k % 40 == 0, "whole batches only: {k}");
    assert!(k <= 7 * 40);
    // As if the process had died in the middle of writing the next batch.
    fs::write(&out, format!("{kept}{{\"index\":{k},\"id\":\"doc-"))?;

    server.clear_faults();
    server.clear_requests();
    let resumed = run(
        &mut llm_aligneai(dir.path(), &server),
        &[&["--json"][..], &args].concat(),
    )?;
    assert_eq!(resumed.code, 0, "{}", resumed.stderr);
    let summary: Value = serde_json::from_str(&resumed.stdout)?;
    assert_eq!(summary["skipped"], k);
    assert_eq!(summary["embedded"], 1000 - k);
    assert!(summary["torn_bytes_dropped"]
        .as_u64()
        .is_some_and(|n| n > 0));
    // Only the missing inputs were sent again.
    assert_eq!(inputs_sent(&server), 1000 - k);
    assert!(
        fs::read_to_string(&out)?.starts_with(&kept),
        "nothing written was rewritten"
    );
    assert_complete(&out, &inputs)
}

/// 300 inputs against an emulator whose answers each take 40 ms, so a kill or Ctrl-C
/// lands mid-job (batches of 10).
struct SlowJob {
    dir: tempfile::TempDir,
    out: std::path::PathBuf,
    inputs: Vec<(Option<Value>, String)>,
    server: AligneAIEmulator,
}

impl SlowJob {
    const ARGS: [&'static str; 7] = [
        "embed",
        "--in",
        "docs.jsonl",
        "--out",
        "vectors.jsonl",
        "--batch-size",
        "10",
    ];

    fn start() -> Result<Self, Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let inputs = write_inputs(&dir.path().join("docs.jsonl"), 300)?;
        let out = dir.path().join("vectors.jsonl");
        let server = AligneAIEmulator::start_blocking();
        server.fail_next(
            Fault::delay(Duration::from_millis(40))
                .always()
                .path(EMBEDDINGS),
        );
        Ok(Self {
            dir,
            out,
            inputs,
            server,
        })
    }
}

/// Waits (at most 20 s) until `out` holds at least `lines` lines.
fn wait_for_lines(out: &Path, lines: usize) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while fs::read_to_string(out).map_or(0, |s| s.lines().count()) < lines {
        assert!(Instant::now() < deadline, "no progress");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn a_killed_run_resumes_without_loss_or_duplicates() -> TestResult {
    let job = SlowJob::start()?;
    let (dir, out, server, args) = (&job.dir, job.out.as_path(), &job.server, SlowJob::ARGS);
    let mut child = llm_aligneai(dir.path(), server).args(args).spawn()?;
    wait_for_lines(out, 50);
    child.kill()?;
    child.wait()?;
    let k = fs::read_to_string(out)?.lines().count();
    assert!(k < 300, "killed before the end: {k}");

    server.clear_faults();
    let resumed = run(&mut llm_aligneai(dir.path(), server), &args)?;
    assert_eq!(resumed.code, 0, "{}", resumed.stderr);
    assert_complete(out, &job.inputs)
}

#[test]
fn ctrl_c_stops_after_whole_batches_with_exit_130() -> TestResult {
    let job = SlowJob::start()?;
    let (dir, out, server, args) = (&job.dir, job.out.as_path(), &job.server, SlowJob::ARGS);
    let child = llm_aligneai(dir.path(), server)
        .args(args)
        .stderr(std::process::Stdio::piped())
        .spawn()?;
    wait_for_lines(out, 30);
    // Ctrl-C in a terminal sends SIGINT; the shell's `kill` sends the same.
    let sent = std::process::Command::new("sh")
        .args(["-c", &format!("kill -INT {}", child.id())])
        .status()?;
    assert!(sent.success());
    let stopped = child.wait_with_output()?;
    let stderr = String::from_utf8_lossy(&stopped.stderr);
    assert_eq!(stopped.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("error: interrupted"), "{stderr}");
    assert!(
        stderr.contains("run the same command again to resume"),
        "{stderr}"
    );
    let kept = fs::read_to_string(out)?;
    assert!(kept.ends_with('\n'), "no torn line after Ctrl-C");
    let k = kept.lines().count();
    assert!(k < 300 && k % 10 == 0, "whole batches: {k}");

    server.clear_faults();
    let resumed = run(&mut llm_aligneai(dir.path(), server), &args)?;
    assert_eq!(resumed.code, 0, "{}", resumed.stderr);
    assert!(
        resumed.stdout.contains(&format!("({k} were already there")),
        "{}",
        resumed.stdout
    );
    assert_complete(out, &job.inputs)
}

#[test]
fn an_output_of_another_job_is_refused_untouched() -> TestResult {
    let dir = tempfile::tempdir()?;
    let server = AligneAIEmulator::start_blocking();
    write_inputs(&dir.path().join("docs.jsonl"), 5)?;
    let out = dir.path().join("notes.txt");
    fs::write(&out, "my notes\n")?;
    let refused = run(
        &mut llm_aligneai(dir.path(), &server),
        &["embed", "--in", "docs.jsonl", "--out", "notes.txt"],
    )?;
    assert_eq!(refused.code, 11, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("not an embedding record"),
        "{}",
        refused.stderr
    );
    assert_eq!(fs::read_to_string(&out)?, "my notes\n");
    assert_eq!(server.received_count(), 0);

    // Records whose ids are not the input's: another input file.
    fs::write(&out, "{\"index\":0,\"id\":\"other\",\"embedding\":[0.1]}\n")?;
    let refused = run(
        &mut llm_aligneai(dir.path(), &server),
        &["embed", "--in", "docs.jsonl", "--out", "notes.txt"],
    )?;
    assert_eq!(refused.code, 11, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("belongs to another input"),
        "{}",
        refused.stderr
    );

    // A bad input line: the inputs before it are written, then exit 11 naming the line.
    fs::write(dir.path().join("bad.jsonl"), "one\ntwo\n{\"id\":1}\nfour\n")?;
    let bad = run(
        &mut llm_aligneai(dir.path(), &server),
        &[
            "embed",
            "--in",
            "bad.jsonl",
            "--out",
            "bad-out.jsonl",
            "--batch-size",
            "10",
        ],
    )?;
    assert_eq!(bad.code, 11, "{}", bad.stderr);
    assert!(
        bad.stderr
            .contains("bad.jsonl: line 3: the JSON object has no \"text\""),
        "{}",
        bad.stderr
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("bad-out.jsonl"))?
            .lines()
            .count(),
        2
    );
    Ok(())
}

#[test]
fn embed_under_the_emulator_flag_needs_no_key() -> TestResult {
    let dir = tempfile::tempdir()?;
    fs::write(dir.path().join("in.txt"), "alpha\nbeta\n")?;
    let done = run(
        &mut llm(dir.path()),
        &[
            "--emulator",
            "embed",
            "--in",
            "in.txt",
            "--out",
            "out.jsonl",
        ],
    )?;
    assert_eq!(done.code, 0, "{}", done.stderr);
    assert_complete(
        &dir.path().join("out.jsonl"),
        &[(None, "alpha".to_owned()), (None, "beta".to_owned())],
    )
}
