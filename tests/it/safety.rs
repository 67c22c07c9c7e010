//! Issue 15: the paths that could delete or corrupt data — deletes the caps did not see, saved
//! plans pointed at the wrong resource, an API answering badly, unbounded or nonsensical flags,
//! and a sandbox started in a way that loses its state.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use crate::util::{bin, Out, Sandbox};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// One category `Signup` with `events` events of `props` properties each.
fn wide_manifest(dir: &Path, events: usize, props: usize) -> PathBuf {
    let mut yaml =
        String::from("version: 1\nintegration: Segment\ncategories:\n  - title: Signup\n");
    if events > 0 {
        yaml.push_str("    events:\n");
    }
    for e in 0..events {
        let _ = write!(yaml, "      - title: Event {e}\n        properties:\n");
        for p in 0..props {
            let _ = writeln!(yaml, "          - title: prop_{p}");
        }
    }
    let path = dir.join("signup.yaml");
    std::fs::write(&path, yaml).unwrap();
    path
}

#[test]
fn caps_count_the_properties_an_event_delete_removes() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let m = wide_manifest(dir.path(), 3, 9);
    let m = m.to_str().unwrap();
    sb.run(&["apply", m, "--auto-approve"]).ok();
    // The file loses its events (a truncated file): 3 event deletes remove 30 resources.
    wide_manifest(dir.path(), 0, 0);

    let out = bin().args(["validate", m]).output().unwrap();
    let out = Out::of(out).ok();
    assert!(
        out.stderr
            .contains("warning[empty-category]: category `Signup` declares no events"),
        "{}",
        out.stderr
    );

    let out = sb.run(&["plan", m]).ok();
    assert!(
        out.stderr.contains(
            "category `Signup` declares no events; with --prune its 3 events and their 27 \
             properties would be deleted"
        ),
        "{}",
        out.stderr
    );
    let out = sb.run(&["plan", m, "--prune", "--format", "json"]).ok();
    assert_eq!(out.json()["summary"]["removes"], 30, "{}", out.stdout);
    let out = sb
        .run(&["plan", m, "--prune", "--max-delete-percent", "100"])
        .ok();
    assert!(
        out.stdout.contains("3 deletes removing 30 resources."),
        "{}",
        out.stdout
    );

    sb.clear_log();
    let out = sb
        .run(&[
            "apply",
            m,
            "--prune",
            "--auto-approve",
            "--max-delete-percent",
            "100",
        ])
        .code(1);
    assert!(
        out.stderr
            .contains("3 deletes removing 30 resources exceed --max-deletes 25"),
        "{}",
        out.stderr
    );
    assert!(sb.writes().is_empty(), "a refused apply writes nothing");
}
