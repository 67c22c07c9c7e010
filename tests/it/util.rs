//! What the end-to-end modules share: a sandbox on a background runtime, the binary pointed at
//! it, and the captured outcome of a run.

use secoda_sync::sandbox::{self, Faults, LogEntry, RunningSandbox, SandboxConfig};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// A sandbox serving on a background runtime while the test drives the binary.
///
/// Like xh's test server it checks its hits on drop: a test that starts a sandbox and never
/// has the tool (the binary or the library client) call it fails, since it then proves
/// nothing; the fixture's own set-up and inspection calls ([`Sandbox::http`]) do not count.
/// A test that means to leave it uncalled says so with [`Sandbox::expect_no_calls`].
pub(crate) struct Sandbox {
    /// The runtime the sandbox serves on; tests run their own async calls on it too.
    pub(crate) rt: tokio::runtime::Runtime,
    sb: Option<RunningSandbox>,
    /// Calls the fixture itself made (they are in the request log too).
    own_calls: AtomicUsize,
    /// Log entries forgotten by [`Sandbox::clear_log`].
    cleared: AtomicUsize,
    /// Set by [`Sandbox::expect_no_calls`].
    no_calls_expected: AtomicBool,
}

impl Sandbox {
    #[track_caller]
    pub(crate) fn start(config: SandboxConfig) -> Self {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let sb = rt.block_on(sandbox::spawn(config)).unwrap();
        Self {
            rt,
            sb: Some(sb),
            own_calls: AtomicUsize::new(0),
            cleared: AtomicUsize::new(0),
            no_calls_expected: AtomicBool::new(false),
        }
    }

    #[track_caller]
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
        self.cleared.fetch_add(self.log().len(), Ordering::SeqCst);
        self.sb().clear_log();
    }

    /// Calls the tool made so far: every answered call, less the fixture's own.
    pub(crate) fn hits(&self) -> usize {
        (self.cleared.load(Ordering::SeqCst) + self.log().len())
            .saturating_sub(self.own_calls.load(Ordering::SeqCst))
    }

    /// This test means the tool never to reach the sandbox (e.g. it stops before any call);
    /// the drop check then fails the test if it did.
    pub(crate) fn expect_no_calls(&self) {
        self.no_calls_expected.store(true, Ordering::SeqCst);
    }

    #[track_caller]
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

    #[track_caller]
    pub(crate) fn run(&self, args: &[&str]) -> Out {
        Out::of(self.cmd(args).output().unwrap())
    }

    /// GET a list straight from the sandbox (not through the tool), every page.
    #[track_caller]
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
    #[track_caller]
    pub(crate) fn http(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.sb().url());
        let token = self.token();
        let verb: reqwest::Method = method.parse().expect("an HTTP method");
        self.own_calls.fetch_add(1, Ordering::SeqCst);
        // The asserts stay outside the async block, where `#[track_caller]` reaches them.
        let answer = self.rt.block_on(async move {
            let mut req = reqwest::Client::new().request(verb, url).bearer_auth(token);
            if let Some(b) = body {
                req = req.json(&b);
            }
            let resp = req.send().await?;
            let status = resp.status();
            let body: Value = resp.json().await.unwrap_or(Value::Null);
            Ok::<_, reqwest::Error>((status, body))
        });
        let (status, body) = answer.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        assert!(status.is_success(), "{method} {path}: {status} {body}");
        body
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let hits = self.hits();
        if let Some(sb) = self.sb.take() {
            let _ = self.rt.block_on(sb.shutdown());
        }
        // A test already failing has said what went wrong; a second panic would abort.
        if std::thread::panicking() {
            return;
        }
        if self.no_calls_expected.load(Ordering::SeqCst) {
            assert_eq!(
                hits, 0,
                "the sandbox was called, but the test expected no calls"
            );
        } else {
            assert!(
                hits > 0,
                "the sandbox was started but the tool never called it (call \
                 `expect_no_calls` if that is the point of the test)"
            );
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
    #[track_caller]
    pub(crate) fn code(self, code: i32) -> Self {
        assert_eq!(
            self.code, code,
            "stdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Fails the test (showing both streams) unless the run succeeded.
    #[track_caller]
    pub(crate) fn ok(self) -> Self {
        self.code(0)
    }

    /// Stdout as JSON; fails the test when it is not.
    #[track_caller]
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

#[test]
#[should_panic(expected = "the tool never called it")]
fn a_sandbox_only_the_fixture_called_fails_the_test() {
    let sb = Sandbox::new();
    // The fixture's own reads are set-up and inspection, not the tool under test.
    let _ = sb.list("/api/v1/event/category");
}

#[test]
#[should_panic(expected = "expected no calls")]
fn a_sandbox_that_expected_no_calls_fails_the_test_when_called() {
    let sb = Sandbox::new();
    sb.expect_no_calls();
    sb.run(&["plan", &ex()]).ok();
}

/// The property `event/title` of a loaded set; fails the test when there is none.
#[track_caller]
pub(crate) fn property<'s>(
    set: &'s secoda_sync::testing::manifest::ManifestSet,
    event: &str,
    title: &str,
) -> &'s secoda_sync::testing::manifest::Property {
    set.categories
        .iter()
        .flat_map(|c| &c.events)
        .find(|e| e.title == event)
        .and_then(|e| e.properties.iter().find(|p| p.title == title))
        .unwrap_or_else(|| panic!("no {event}/{title}"))
}
