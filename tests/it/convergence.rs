//! Servers that fail: PATCH and DELETE are idempotent, so a server error or a lost answer is
//! tried again (with backoff, as creates are) and one apply converges. Driven through the
//! binary against `sandbox serve` failing calls by method (`--fail-method`).

use crate::util::{bin, Out};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};

/// `sandbox serve` with `extra` flags, its request log in `log`; the child and its URL.
fn serve(log: &Path, extra: &[&str]) -> (Child, String) {
    let mut child = bin()
        .args([
            "sandbox",
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--token",
            "tok",
            "--log",
        ])
        .arg(log)
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let url_line = lines.next().unwrap().unwrap();
    let url = url_line
        .strip_prefix("export SECODA_API_URL=")
        .expect(&url_line)
        .to_owned();
    (child, url)
}

/// Kills the server when the test ends, passed or not.
struct Served(Child);

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn run(url: &str, args: &[&str]) -> Out {
    let out = bin()
        .env("SECODA_API_TOKEN", "tok")
        .env("SECODA_WRITE_RATE", "1000/s")
        .args(args)
        .args(["--api-url", url])
        .output()
        .unwrap();
    Out::of(out)
}

fn manifest(dir: &Path, events: &[(&str, &str)]) -> String {
    let mut yaml = String::from(
        "version: 1\nintegration: Segment\ncategories:\n  - title: Signup\n    events:\n",
    );
    for (title, description) in events {
        yaml.push_str(&format!(
            "      - title: {title}\n        description: {description}\n"
        ));
    }
    let path = dir.join("signup.yaml");
    std::fs::write(&path, yaml).unwrap();
    path.to_str().unwrap().to_owned()
}

/// The logged calls of `method`: (status, fault) each.
fn calls(log: &Path, method: &str) -> Vec<(Value, Value)> {
    std::fs::read_to_string(log)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|e| e["method"] == method)
        .map(|e| (e["status"].clone(), e["fault"].clone()))
        .collect()
}

#[test]
fn patches_and_deletes_answered_500_or_unanswered_are_retried_and_one_apply_converges() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("log.jsonl");
    let (child, url) = serve(
        &log,
        &[
            "--fail-method",
            "PATCH:500:3",
            "--fail-method",
            "DELETE:500:1",
            "--fail-method",
            "DELETE:reset:1",
        ],
    );
    let _served = Served(child);
    let m = manifest(dir.path(), &[("Kept", "old"), ("Gone", "bye")]);
    run(&url, &["apply", &m, "--auto-approve", "--no-lock"]).ok();

    let m = manifest(dir.path(), &[("Kept", "new")]);
    let out = run(
        &url,
        &[
            "apply",
            &m,
            "--auto-approve",
            "--no-lock",
            "--prune",
            "--max-delete-percent",
            "100",
        ],
    )
    .ok();
    assert!(out.stdout.contains("1 updated"), "{}", out.stdout);
    assert!(out.stdout.contains("1 deleted"), "{}", out.stdout);
    // One apply converged: nothing is left to do.
    run(&url, &["plan", &m, "--prune", "--detailed-exitcode"]).code(0);

    let failed = serde_json::json!("failed");
    let patches = calls(&log, "PATCH");
    assert_eq!(patches.len(), 4, "{patches:?}");
    assert!(
        patches[..3].iter().all(|(s, f)| *s == 500 && *f == failed),
        "{patches:?}"
    );
    assert_eq!(patches[3].0, 200, "{patches:?}");
    let deletes = calls(&log, "DELETE");
    assert_eq!(deletes.len(), 3, "{deletes:?}");
    assert_eq!(deletes[0], (500.into(), failed), "{deletes:?}");
    assert_eq!(deletes[1], (Value::Null, "reset".into()), "{deletes:?}");
    assert!(
        deletes[2].0.as_u64().is_some_and(|s| s < 300),
        "{deletes:?}"
    );
}

#[test]
fn sandbox_serve_refuses_a_method_fault_it_cannot_read() {
    let out = bin()
        .args([
            "sandbox",
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--fail-method",
            "PATCH:200:1",
        ])
        .output()
        .unwrap();
    let out = Out::of(out).code(1);
    assert!(
        out.stderr.contains("invalid method fault `PATCH:200:1`"),
        "{}",
        out.stderr
    );
}
