//! What the end-to-end modules share: a sandbox on a background runtime, the binary pointed at
//! it, and the captured outcome of a run.

use secoda_sync::sandbox::{self, Faults, LogEntry, RunningSandbox, SandboxConfig};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// A sandbox serving on a background runtime while the test drives the binary.
pub(crate) struct Sandbox {
    /// The runtime the sandbox serves on; tests run their own async calls on it too.
    pub(crate) rt: tokio::runtime::Runtime,
    sb: Option<RunningSandbox>,
}

impl Sandbox {
    pub(crate) fn start(config: SandboxConfig) -> Self {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let sb = rt.block_on(sandbox::spawn(config)).unwrap();
        Self { rt, sb: Some(sb) }
    }

    pub(crate) fn new() -> Self {
        Self::start(SandboxConfig::default())
    }

    pub(crate) fn sb(&self) -> &RunningSandbox {
        self.sb.as_ref().unwrap()
    }

    pub(crate) fn token(&self) -> String {
        self.sb().token().to_owned()
    }

    pub(crate) fn log(&self) -> Vec<LogEntry> {
        self.sb().request_log()
    }

    pub(crate) fn writes(&self) -> Vec<LogEntry> {
        self.log().into_iter().filter(LogEntry::is_write).collect()
    }

    pub(crate) fn clear_log(&self) {
        self.sb().clear_log();
    }

    pub(crate) fn set_faults(&self, f: Faults) {
        self.sb().set_faults(f).unwrap();
    }

    /// The binary with a scrubbed environment, pointed at this sandbox.
    pub(crate) fn cmd(&self, args: &[&str]) -> Command {
        let mut c = bin();
        c.env("SECODA_API_TOKEN", self.token());
        // Secoda's 30/min pacing is the default against a URL; the sandbox needs none.
        c.env("SECODA_WRITE_RATE", "1000/s");
        c.args(args);
        c.args(["--api-url", self.sb().url()]);
        c
    }

    pub(crate) fn run(&self, args: &[&str]) -> Out {
        Out::of(self.cmd(args).output().unwrap())
    }

    /// GET a list straight from the sandbox (not through the tool), every page.
    pub(crate) fn list(&self, path: &str) -> Vec<Value> {
        let mut all = Vec::new();
        for page in 1.. {
            let v = self.http("GET", &format!("{path}?page={page}&page_size=1000"), None);
            let results = v["results"].as_array().cloned().unwrap_or_default();
            all.extend(results);
            if v["meta"]["next_page"].is_null() || v["meta"]["next_page"] == "None" {
                break;
            }
        }
        all
    }

    /// One call straight to the sandbox (not through the tool); fails the test unless it
    /// succeeds, and returns the answer's JSON (`null` when there is none).
    pub(crate) fn http(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.sb().url());
        let token = self.token();
        self.rt.block_on(async move {
            let mut req = reqwest::Client::new()
                .request(method.parse().unwrap(), url)
                .bearer_auth(token);
            if let Some(b) = body {
                req = req.json(&b);
            }
            let resp = req.send().await.unwrap();
            let status = resp.status();
            let body: Value = resp.json().await.unwrap_or(Value::Null);
            assert!(status.is_success(), "{method} {path}: {status} {body}");
            body
        })
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(sb) = self.sb.take() {
            let _ = self.rt.block_on(sb.shutdown());
        }
    }
}

/// The binary with a scrubbed environment (no colour, no stdin).
pub(crate) fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_secoda-sync"));
    c.env_clear().env("NO_COLOR", "1").stdin(Stdio::null());
    c
}

/// A finished run of the binary.
pub(crate) struct Out {
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl Out {
    pub(crate) fn of(o: Output) -> Self {
        Self {
            code: o.status.code().unwrap_or(-1),
            stdout: lossy(o.stdout),
            stderr: lossy(o.stderr),
        }
    }

    /// Fails the test (showing both streams) unless the run exited with `code`.
    pub(crate) fn code(self, code: i32) -> Self {
        assert_eq!(
            self.code, code,
            "stdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    pub(crate) fn ok(self) -> Self {
        self.code(0)
    }

    pub(crate) fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("no JSON on stdout ({e}):\n{}", self.stdout))
    }
}

fn lossy(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// The example tracking plan's directory.
pub(crate) fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ecommerce")
}

/// [`examples`] as a command-line argument.
pub(crate) fn ex() -> String {
    examples().display().to_string()
}
