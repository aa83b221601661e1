//! Starting the `bench-server` process (pinned to core 0 with `taskset` when available).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};

/// A running `bench-server` process; killed (by its own pid) when dropped.
#[derive(Debug)]
pub struct ServerProcess {
    child: Child,
    // Held open: the server exits when its stdin closes.
    _stdin: Option<ChildStdin>,
    /// The port it listens on (127.0.0.1).
    pub port: u16,
    /// How it was started (for the report).
    pub pinned: String,
}

impl ServerProcess {
    /// Starts the server binary that sits next to the current executable, on core
    /// `core` when `taskset` exists.
    ///
    /// # Errors
    /// When the binary is missing or does not report its port.
    pub fn start(core: usize) -> Result<Self, Box<dyn std::error::Error>> {
        let exe = std::env::current_exe()?;
        Self::start_at(&exe.with_file_name("bench-server"), core)
    }

    /// Starts the server binary at `server` (tests pass `CARGO_BIN_EXE_bench-server`).
    ///
    /// # Errors
    /// When the binary is missing or does not report its port.
    pub fn start_at(server: &Path, core: usize) -> Result<Self, Box<dyn std::error::Error>> {
        if !server.exists() {
            return Err(format!(
                "{} not found: build it with `cargo build --release -p llm-bench`",
                server.display()
            )
            .into());
        }
        let taskset = Command::new("taskset")
            .arg("-V")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        let mut cmd = if taskset {
            let mut c = Command::new("taskset");
            c.arg("-c").arg(core.to_string()).arg(server);
            c
        } else {
            Command::new(server)
        };
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()?;
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().ok_or("no server stdout")?;
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        let port = line
            .strip_prefix("PORT ")
            .and_then(|p| p.trim().parse().ok())
            .ok_or_else(|| format!("bench-server said {line:?}"))?;
        Ok(Self {
            child,
            _stdin: stdin,
            port,
            pinned: if taskset {
                format!("taskset -c {core}")
            } else {
                "unpinned (no taskset)".to_owned()
            },
        })
    }

    /// `http://127.0.0.1:{port}/{path}` (path without leading slash).
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}/{path}", self.port)
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
