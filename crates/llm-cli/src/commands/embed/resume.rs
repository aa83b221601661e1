//! The output file of `llm embed`, and resuming it.
//!
//! The output is JSONL: one record `{"index": n, "id": .., "embedding": [..]}` per input,
//! in input order. Each batch is appended as one buffer with a single `write_all`, then
//! `sync_data`, so after a crash or Ctrl-C the file holds whole batches plus at most one
//! torn final line. On start, the file is read: a torn final line (no newline) is cut off,
//! every complete line must be the record of index 0, 1, 2, ... in order, and those `k`
//! inputs are skipped. Nothing written is lost (a complete line is never rewritten) and
//! nothing is duplicated (the next record written is index `k`).

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

use crate::failure::Failure;

/// What a complete output line must hold.
#[derive(Debug, Deserialize)]
struct StoredRecord {
    index: u64,
    #[serde(default)]
    id: Option<Value>,
    #[allow(dead_code)] // required to be present; its content is not needed here
    embedding: serde::de::IgnoredAny,
}

/// The output file, opened for appending after the records it already holds.
#[derive(Debug)]
pub struct Output {
    file: File,
    path: PathBuf,
    /// The ids of the records already in the file (`None` when a record has none), in
    /// index order: `ids.len()` inputs are done.
    pub ids: Vec<Option<Value>>,
    /// Bytes of a torn final line that were cut off.
    pub torn_bytes: u64,
}

impl Output {
    /// Opens (or creates) `path`, cuts a torn final line and validates the records.
    pub fn open(path: &Path) -> Result<Self, Failure> {
        let fail = |what: String| Failure::file(path, what);
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)
            .map_err(|e| fail(e.to_string()))?;
        let mut ids = Vec::new();
        let mut complete: u64 = 0;
        let mut torn_bytes: u64 = 0;
        {
            let mut reader = BufReader::new(&file);
            let mut line = Vec::new();
            loop {
                line.clear();
                let read = reader
                    .read_until(b'\n', &mut line)
                    .map_err(|e| fail(e.to_string()))?;
                if read == 0 {
                    break;
                }
                let read = u64::try_from(read).unwrap_or(u64::MAX);
                if line.last() != Some(&b'\n') {
                    torn_bytes = read;
                    break;
                }
                let expected = ids.len();
                let record: StoredRecord = serde_json::from_slice(&line).map_err(|e| {
                    fail(format!(
                        "line {} is not an embedding record ({e}); this file was not written \
                         by llm embed: pass another --out",
                        expected.saturating_add(1)
                    ))
                })?;
                if usize::try_from(record.index).ok() != Some(expected) {
                    return Err(fail(format!(
                        "line {} holds index {} where index {expected} belongs: the file is \
                         not one llm embed job in order; pass another --out",
                        expected.saturating_add(1),
                        record.index
                    )));
                }
                ids.push(record.id.filter(|id| !id.is_null()));
                complete = complete.saturating_add(read);
            }
        }
        if torn_bytes > 0 {
            file.set_len(complete).map_err(|e| fail(e.to_string()))?;
            file.sync_data().map_err(|e| fail(e.to_string()))?;
        }
        file.seek(SeekFrom::End(0))
            .map_err(|e| fail(e.to_string()))?;
        Ok(Self {
            file,
            path: path.to_owned(),
            ids,
            torn_bytes,
        })
    }

    /// Appends the records of one batch, `first` being the index of `vectors[0]`, as one
    /// write, then flushes them to disk.
    pub fn append(
        &mut self,
        first: usize,
        ids: &[Option<Value>],
        vectors: &[Vec<f32>],
    ) -> Result<(), Failure> {
        let mut buffer = String::new();
        for (offset, (id, vector)) in ids.iter().zip(vectors).enumerate() {
            let record = serde_json::json!({
                "index": first.saturating_add(offset),
                "id": id,
                "embedding": vector,
            });
            buffer.push_str(&record.to_string());
            buffer.push('\n');
        }
        self.file
            .write_all(buffer.as_bytes())
            .and_then(|()| self.file.flush())
            .and_then(|()| self.file.sync_data())
            .map_err(|e| Failure::file(&self.path, e))
    }
}

#[cfg(test)]
mod tests {
    use std::fs;

    use serde_json::json;

    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    fn open(path: &Path) -> Result<Output, String> {
        Output::open(path).map_err(|f| f.one_line(None))
    }

    #[test]
    fn a_torn_final_line_is_cut_and_the_rest_kept() -> TestResult {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("out.jsonl");
        let mut out = open(&path)?;
        assert!(out.ids.is_empty());
        out.append(0, &[Some(json!("a")), None], &[vec![0.5], vec![0.25]])
            .map_err(|f| f.one_line(None))?;
        drop(out);
        let whole = fs::read_to_string(&path)?;
        fs::write(&path, format!("{whole}{{\"index\":2,\"id\":nu"))?;

        let mut out = open(&path)?;
        assert_eq!(out.ids, vec![Some(json!("a")), None]);
        assert_eq!(out.torn_bytes, 18);
        assert_eq!(fs::read_to_string(&path)?, whole);
        out.append(2, &[None], &[vec![1.0]])
            .map_err(|f| f.one_line(None))?;
        let lines: Vec<Value> = fs::read_to_string(&path)?
            .lines()
            .map(serde_json::from_str)
            .collect::<Result<_, _>>()?;
        let indices: Vec<u64> = lines.iter().filter_map(|l| l["index"].as_u64()).collect();
        assert_eq!(indices, [0, 1, 2]);
        Ok(())
    }

    #[test]
    fn a_foreign_or_disordered_file_is_refused_untouched() -> TestResult {
        let dir = tempfile::tempdir()?;
        for (content, expected) in [
            ("hello\n", "not an embedding record"),
            (
                "{\"index\":0,\"embedding\":[]}\n{\"index\":2,\"embedding\":[]}\n",
                "holds index 2 where index 1",
            ),
            ("{\"index\":0}\n", "not an embedding record"),
        ] {
            let path = dir.path().join("bad.jsonl");
            fs::write(&path, content)?;
            let err = open(&path).err().unwrap_or_default();
            assert!(err.contains(expected), "{err}");
            assert_eq!(fs::read_to_string(&path)?, content);
        }
        Ok(())
    }
}
