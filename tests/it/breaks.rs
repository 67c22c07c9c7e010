//! Breaks a new user hit where two features meet: scope filters that match nothing, case
//! twins of live resources, shell completion, exported monitor schedules, offline `diff`
//! counts, the sandbox's read pacing, the markdown review and warehouse integrations.

use crate::util::{bin, Out};
use std::path::{Path, PathBuf};

/// Writes `text` to `dir/name` and returns the path as an argument.
#[track_caller]
fn write(dir: &Path, name: &str, text: &str) -> String {
    let path: PathBuf = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

/// Two events under one category, for the scope tests.
const SIGNUP: &str = "version: 1
integration: Segment
categories:
  - title: Signup
    events:
      - title: Account Created
        description: A new account exists.
      - title: Email Verified
        description: The address was confirmed.
";

#[test]
fn the_in_process_sandbox_does_not_pace_reads() {
    let dir = tempfile::tempdir().unwrap();
    let m = write(dir.path(), "signup.yaml", SIGNUP);
    let state = dir.path().join("state.json");
    let out = Out::of(
        bin()
            .args(["plan", &m, "-v", "--sandbox", "--sandbox-state"])
            .arg(&state)
            .output()
            .unwrap(),
    )
    .ok();
    assert!(
        out.stderr.contains("Pacing: reads unpaced, writes unpaced"),
        "{}",
        out.stderr
    );
    // A pace the user asks for is kept.
    let out = Out::of(
        bin()
            .args(["plan", &m, "-v", "--read-rate", "5/s", "--sandbox"])
            .arg("--sandbox-state")
            .arg(&state)
            .output()
            .unwrap(),
    )
    .ok();
    assert!(out.stderr.contains("Pacing: reads 5/s"), "{}", out.stderr);
}
