//! `plan` and `apply` end to end: the binary against a sandbox over HTTP, checked through the
//! sandbox's request log and state.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use crate::util::{bin, ex, Out, Sandbox};
use secoda_sync::sandbox::{Faults, SandboxConfig};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A small manifest: one category, two events, three properties.
#[track_caller]
fn small_manifest(dir: &Path, extra_event: bool) -> PathBuf {
    let mut yaml = String::from(
        "version: 1
integration: Segment
categories:
  - title: Signup
    events:
      - title: Account Created
        description: A new account exists.
        owners: [alice@acme.test]
        tags: [core]
        properties:
          - title: plan
            description: Chosen plan.
            type: string
          - title: referrer
            description: Where they came from.
      - title: Email Verified
        description: The address was confirmed.
        properties:
          - title: method
            description: Link or code.
",
    );
    if extra_event {
        yaml.push_str(
            "      - title: Trial Started
        description: A trial began.
",
        );
    }
    write_manifest(dir, "signup.yaml", &yaml)
}

/// Writes `text` to `dir/name` and returns the path.
#[track_caller]
fn write_manifest(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[track_caller]
fn apply_json(out: &Out) -> Value {
    serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("apply --json printed no JSON ({e}):\n{}", out.stdout))
}

#[track_caller]
fn summary_count(v: &Value, field: &str) -> u64 {
    v["summary"][field].as_u64().unwrap()
}

#[test]
fn examples_apply_to_an_empty_workspace_then_replan_shows_no_changes() {
    let sb = Sandbox::new();
    let out = sb.run(&["apply", &ex(), "--auto-approve", "--json"]).ok();
    let result = apply_json(&out);
    let created = summary_count(&result, "created");
    assert!(
        created >= 150,
        "the example creates its whole plan: {created}"
    );
    assert_eq!(summary_count(&result, "failed"), 0);
    // Writes per change = 1.00: one POST per created resource; besides them only the lease's
    // (its category, made once per integration, and its event's create and delete).
    let is_lease = |w: &&secoda_sync::sandbox::LogEntry| {
        w.method == "DELETE"
            || w.body
                .as_ref()
                .is_some_and(|b| b["title"] == "secoda-sync lease" || b["title"] == "secoda-sync")
    };
    let writes = sb.writes();
    let (lease, changes): (Vec<_>, Vec<_>) = writes.iter().partition(is_lease);
    assert_eq!(
        changes.len() as u64,
        created,
        "writes per change must be exactly 1"
    );
    assert!(changes.iter().all(|w| w.method == "POST"));
    assert_eq!(lease.len(), 3, "{lease:?}");

    sb.clear_log();
    let plan = sb.run(&["plan", &ex()]).ok();
    assert!(plan.stdout.contains("No changes."), "{}", plan.stdout);
    assert!(sb.writes().is_empty(), "plan never writes");
}

#[test]
fn a_single_field_edit_is_one_patch_carrying_only_that_field() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let m = small_manifest(dir.path(), false);
    sb.run(&["apply", m.to_str().unwrap(), "--auto-approve"])
        .ok();
    let text = std::fs::read_to_string(&m).unwrap();
    std::fs::write(
        &m,
        text.replace("The address was confirmed.", "Confirmed by link."),
    )
    .unwrap();
    sb.clear_log();

    // --no-lock: these are the executor's writes (the lease's are counted in `concurrency`).
    let out = sb
        .run(&["apply", m.to_str().unwrap(), "--auto-approve", "--no-lock"])
        .ok();
    assert!(
        out.stdout
            .contains("Apply complete: 0 created, 1 updated, 0 deleted, 0 failed."),
        "{}",
        out.stdout
    );
    let writes = sb.writes();
    assert_eq!(writes.len(), 1, "{writes:?}");
    assert_eq!(writes[0].method, "PATCH");
    assert!(
        writes[0].path.starts_with("/api/v1/event/events/"),
        "{}",
        writes[0].path
    );
    assert_eq!(
        writes[0].body,
        Some(json!({"description": "Confirmed by link."}))
    );
}

#[test]
fn an_unmanaged_field_changed_on_the_server_is_left_alone() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let m = small_manifest(dir.path(), false);
    sb.run(&["apply", m.to_str().unwrap(), "--auto-approve"])
        .ok();
    let events = sb.list("/api/v1/event/events");
    let ev = events
        .iter()
        .find(|e| e["title"] == "Email Verified")
        .unwrap();
    let id = ev["id"].as_str().unwrap();
    // `verified` and `definition` are not in the manifest: someone edits them in Secoda.
    sb.http(
        "PATCH",
        &format!("/api/v1/event/events/{id}"),
        Some(json!({"verified": true, "definition": "Written in the UI."})),
    );
    sb.clear_log();
    let plan = sb
        .run(&["plan", m.to_str().unwrap(), "--detailed-exitcode"])
        .ok();
    assert!(plan.stdout.contains("No changes."), "{}", plan.stdout);

    // A managed field changed the same way is planned back (so the check above can fail).
    sb.http(
        "PATCH",
        &format!("/api/v1/event/events/{id}"),
        Some(json!({"description": "Edited in the UI."})),
    );
    let plan = sb
        .run(&["plan", m.to_str().unwrap(), "--detailed-exitcode"])
        .code(2);
    assert!(plan.stdout.contains("Edited in the UI."), "{}", plan.stdout);
}

#[test]
fn detailed_exitcode_is_2_with_pending_changes_and_0_without() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let m = small_manifest(dir.path(), false);
    let m = m.to_str().unwrap();
    sb.run(&["plan", m, "--detailed-exitcode"]).code(2);
    sb.run(&["plan", m]).ok();
    sb.run(&["apply", m, "--auto-approve"]).ok();
    sb.run(&["plan", m, "--detailed-exitcode"]).ok();
}

#[test]
fn plan_format_json_prints_only_the_json_document() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let m = small_manifest(dir.path(), false);
    let out = sb
        .run(&["plan", m.to_str().unwrap(), "--format", "json"])
        .ok();
    let v: Value = serde_json::from_str(&out.stdout).expect("stdout is one JSON document");
    assert_eq!(v["format_version"], 1);
    assert_eq!(v["summary"]["create"], 6, "{v}");
}

#[test]
fn prune_deletes_exactly_the_undeclared_events_and_respects_both_caps() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let m = small_manifest(dir.path(), true);
    let m = m.to_str().unwrap();
    sb.run(&["apply", m, "--auto-approve"]).ok();
    let trial = sb
        .list("/api/v1/event/events")
        .into_iter()
        .find(|e| e["title"] == "Trial Started")
        .unwrap();
    small_manifest(dir.path(), false);

    // Without --prune nothing is deleted.
    sb.run(&["plan", m, "--detailed-exitcode"]).ok();

    // Over either cap: refused before any write, naming the flag to raise.
    sb.clear_log();
    let out = sb
        .run(&[
            "apply",
            m,
            "--prune",
            "--auto-approve",
            "--max-deletes",
            "0",
        ])
        .code(1);
    assert!(out.stderr.contains("--max-deletes"), "{}", out.stderr);
    let out = sb
        .run(&[
            "apply",
            m,
            "--prune",
            "--auto-approve",
            "--max-delete-percent",
            "1",
        ])
        .code(1);
    assert!(
        out.stderr.contains("--max-delete-percent"),
        "{}",
        out.stderr
    );
    assert!(sb.writes().is_empty(), "a refused apply writes nothing");

    let out = sb
        .run(&[
            "apply",
            m,
            "--prune",
            "--auto-approve",
            "--no-lock",
            "--max-delete-percent",
            "50",
        ])
        .ok();
    assert!(
        out.stdout
            .contains("Apply complete: 0 created, 0 updated, 1 deleted, 0 failed."),
        "{}",
        out.stdout
    );
    let writes = sb.writes();
    assert_eq!(writes.len(), 1);
    assert_eq!(writes[0].method, "DELETE");
    assert_eq!(
        writes[0].path,
        format!("/api/v1/event/events/{}", trial["id"].as_str().unwrap())
    );
    sb.run(&["plan", m, "--prune", "--detailed-exitcode"]).ok();
}

#[test]
fn a_stale_saved_plan_is_refused_and_a_fresh_one_applies() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let m = small_manifest(dir.path(), false);
    let m_str = m.to_str().unwrap();
    sb.run(&["apply", m_str, "--auto-approve"]).ok();
    let text = std::fs::read_to_string(&m).unwrap();
    std::fs::write(&m, text.replace("Chosen plan.", "The plan they chose.")).unwrap();
    let saved = dir.path().join("plan.json");
    let saved = saved.to_str().unwrap();
    sb.run(&["plan", m_str, "--out", saved]).ok();

    // Someone edits the planned property in the meantime.
    let prop = sb
        .list("/api/v1/event/event_properties")
        .into_iter()
        .find(|p| p["title"] == "plan")
        .unwrap();
    let id = prop["id"].as_str().unwrap().to_owned();
    std::thread::sleep(Duration::from_millis(20));
    sb.http(
        "PATCH",
        &format!("/api/v1/event/event_properties/{id}"),
        Some(json!({"pii": true})),
    );
    sb.clear_log();
    let out = sb
        .cmd(&["apply", "--plan", saved, "--auto-approve"])
        .output()
        .unwrap();
    let out = Out::of(out).code(1);
    assert!(
        out.stderr.contains("Signup/Account Created/plan"),
        "{}",
        out.stderr
    );
    assert!(sb.writes().is_empty());

    // Re-planned, it applies exactly.
    sb.run(&["plan", m_str, "--out", saved]).ok();
    let out = sb
        .run(&["apply", "--plan", saved, "--auto-approve", "--no-lock"])
        .ok();
    assert!(out.stdout.contains("1 updated"), "{}", out.stdout);
    assert_eq!(sb.writes().len(), 1);
}

#[test]
fn a_saved_plan_shows_monitor_targets_by_path_as_plan_does() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let mon = write_manifest(
        dir.path(),
        "monitors.yaml",
        "version: 1
integration: Segment
monitors:
  - name: Orders row count
    target: analytics.public.orders
    metric_type: row_count
",
    );
    let saved = dir.path().join("plan.json");
    let saved = saved.to_str().unwrap();
    let target_line = |stdout: &str| {
        stdout
            .lines()
            .find(|l| l.trim_start().starts_with("target:"))
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
    };
    let planned = sb
        .run(&["plan", mon.to_str().unwrap(), "--out", saved])
        .ok();
    let applied = sb.run(&["apply", "--plan", saved, "--auto-approve"]).ok();
    assert_eq!(
        target_line(&applied.stdout).as_deref(),
        Some("target: analytics.public.orders"),
        "{}",
        applied.stdout
    );
    assert_eq!(target_line(&applied.stdout), target_line(&planned.stdout));
}

#[test]
fn a_saved_plan_for_another_workspace_is_refused() {
    let a = Sandbox::new();
    let b = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let m = small_manifest(dir.path(), false);
    let saved = dir.path().join("plan.json");
    let saved = saved.to_str().unwrap();
    a.run(&["plan", m.to_str().unwrap(), "--out", saved]).ok();
    let out = b.run(&["apply", "--plan", saved, "--auto-approve"]).code(1);
    assert!(out.stderr.contains(a.sb().url()), "{}", out.stderr);
    assert!(b.writes().is_empty());
}

#[test]
fn a_bad_manifest_makes_no_api_calls_at_all() {
    let sb = Sandbox::new();
    sb.expect_no_calls();
    let dir = tempfile::tempdir().unwrap();
    let m = write_manifest(
        dir.path(),
        "bad.yaml",
        "version: 1\nintegration: Segment\ncategories:\n  - title: A\n    events:\n      - title: E\n        pii: maybe\n",
    );
    for args in [vec!["plan"], vec!["apply", "--auto-approve"]] {
        let args = [args, vec![m.to_str().unwrap()]].concat();
        let out = sb.run(&args).code(1);
        assert!(out.stderr.contains("bad.yaml:7:"), "{}", out.stderr);
        assert!(
            out.stderr.contains("1 error in the manifests"),
            "{}",
            out.stderr
        );
    }
    assert!(sb.log().is_empty(), "{:?}", sb.log());
}

#[test]
fn unknown_names_are_reported_with_suggestions_and_nothing_is_written() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let m = write_manifest(
        dir.path(),
        "names.yaml",
        "version: 1\nintegration: Segment\ncategories:\n  - title: A\n    events:\n      - title: E\n        teams: [Growht]\n",
    );
    let out = sb
        .run(&["apply", m.to_str().unwrap(), "--auto-approve"])
        .code(1);
    assert!(out.stderr.contains("Growth"), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("1 name in the manifests did not resolve"),
        "{}",
        out.stderr
    );
    assert!(sb.writes().is_empty());
}

#[test]
fn apply_without_a_terminal_refuses_unless_auto_approved() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let m = small_manifest(dir.path(), false);
    let out = sb.run(&["apply", m.to_str().unwrap()]).code(1);
    assert!(out.stderr.contains("--auto-approve"), "{}", out.stderr);
    assert!(sb.writes().is_empty());
}

#[test]
fn faults_then_reapply_until_clean_converges_without_duplicates() {
    let sb = Sandbox::start(SandboxConfig {
        seed: 7,
        ..SandboxConfig::default()
    });
    sb.set_faults(Faults {
        fail_rate: 0.2,
        drop_after_commit: 0.1,
        ..Faults::default()
    });
    let mut clean = false;
    for _ in 0..10 {
        let out = sb.run(&[
            "apply",
            &ex(),
            "--auto-approve",
            "--retry-base-ms",
            "1",
            "--max-tries",
            "3",
            // A lease whose release failed under the faults would hold the next run off for
            // its 5-minute expiry; the lease is tested in `concurrency`.
            "--no-lock",
        ]);
        assert!(out.code == 0 || out.code == 1, "{}", out.stderr);
        if out.code == 0 {
            clean = true;
            break;
        }
    }
    assert!(clean, "apply never finished cleanly under faults");
    let faulted = sb.log().iter().filter(|e| e.fault.is_some()).count();
    assert!(faulted > 0, "the sandbox injected faults");
    sb.set_faults(Faults::default());
    sb.run(&["plan", &ex(), "--detailed-exitcode"]).ok();
    assert_no_duplicates(&sb);
}

#[track_caller]
fn assert_no_duplicates(sb: &Sandbox) {
    for path in [
        "/api/v1/event/category",
        "/api/v1/event/events",
        "/api/v1/event/event_properties",
    ] {
        let mut seen: HashMap<(String, String), usize> = HashMap::new();
        for r in sb.list(path) {
            let key = (
                format!("{} {}", r["integration"], r["parent"]),
                r["title"].as_str().unwrap().to_owned(),
            );
            *seen.entry(key).or_default() += 1;
        }
        let twins: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
        assert!(twins.is_empty(), "{path}: duplicates {twins:?}");
    }
}

#[cfg(unix)]
#[test]
fn ctrl_c_mid_apply_stops_cleanly_and_a_rerun_converges() {
    let sb = Sandbox::new();
    let child = sb
        .cmd(&["apply", &ex(), "--auto-approve", "--write-rate", "20/s"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while sb.writes().len() < 10 {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "apply never started writing"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let out = Out::of(child.wait_with_output().unwrap()).code(130);
    assert!(out.stdout.contains("Interrupted:"), "{}", out.stdout);
    assert!(out.stdout.contains("not done:"), "{}", out.stdout);
    let written = sb.writes().len();
    assert!(written < 150, "the apply stopped early ({written} writes)");

    sb.run(&["apply", &ex(), "--auto-approve"]).ok();
    sb.run(&["plan", &ex(), "--detailed-exitcode"]).ok();
    assert_no_duplicates(&sb);
}

#[test]
fn the_token_never_appears_in_any_output() {
    let sb = Sandbox::new();
    let token = sb.token();
    let dir = tempfile::tempdir().unwrap();
    let m = small_manifest(dir.path(), false);
    let m = m.to_str().unwrap();
    let saved = dir.path().join("plan.json");
    let saved = saved.to_str().unwrap();
    // Each run must succeed, and `-vv` must really have logged headers and bodies: a run
    // that failed early, or a log level that printed nothing, would pass the checks below
    // without proving anything.
    let runs = [
        ("plan --out", sb.run(&["-vv", "plan", m, "--out", saved])),
        (
            "apply --auto-approve --json",
            sb.run(&["-vv", "apply", m, "--auto-approve", "--json"]),
        ),
        (
            "plan --format json",
            sb.run(&["-vv", "plan", m, "--format", "json"]),
        ),
        ("apply (nothing to do)", sb.run(&["-vv", "apply", m])),
    ];
    for (what, out) in &runs {
        assert_eq!(out.code, 0, "{what}: exit code\nstderr:\n{}", out.stderr);
        assert!(!out.stdout.contains(&token), "{what}: token on stdout");
        assert!(!out.stderr.contains(&token), "{what}: token on stderr");
        assert!(
            out.stderr.contains("> authorization: Bearer [redacted]"),
            "{what}: -vv logged no request headers:\n{}",
            out.stderr
        );
        assert!(
            out.stderr.contains("\n< {"),
            "{what}: -vv logged no response body:\n{}",
            out.stderr
        );
    }
    let applied = &runs[1].1.stderr;
    assert!(
        applied.contains("> content-type: application/json\n> {")
            && applied.contains("Account Created"),
        "-vv logged no request body of the apply's writes:\n{applied}"
    );
    assert!(!std::fs::read_to_string(saved).unwrap().contains(&token));
    // A refused token is reported without echoing it.
    let mut c = bin();
    c.env("SECODA_API_TOKEN", "wrong-secret-token");
    let out = Out::of(
        c.args(["plan", m, "--api-url", sb.sb().url(), "--max-tries", "1"])
            .output()
            .unwrap(),
    )
    .code(1);
    assert!(out.stderr.contains("401"), "{}", out.stderr);
    assert!(!out.stderr.contains("wrong-secret-token"));
}

#[test]
fn sandbox_flag_persists_state_between_runs() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let state = state.to_str().unwrap();
    let m = small_manifest(dir.path(), false);
    let m = m.to_str().unwrap();
    let run = |args: &[&str]| {
        let mut c = bin();
        c.args(args).args(["--sandbox", "--sandbox-state", state]);
        Out::of(c.output().unwrap())
    };
    let out = run(&["apply", m, "--auto-approve"]).ok();
    assert!(
        out.stdout.contains("Apply complete: 6 created"),
        "{}",
        out.stdout
    );
    let out = run(&["plan", m]).ok();
    assert!(out.stdout.contains("No changes."), "{}", out.stdout);

    // A saved plan made against the sandbox applies against the same state file.
    let text = std::fs::read_to_string(m).unwrap();
    std::fs::write(m, text.replace("Link or code.", "Link, or a code.")).unwrap();
    let saved = dir.path().join("plan.json");
    let saved = saved.to_str().unwrap();
    run(&["plan", m, "--out", saved]).ok();
    let out = run(&["apply", "--plan", saved, "--auto-approve"]).ok();
    assert!(
        out.stdout.contains("0 created, 1 updated"),
        "{}",
        out.stdout
    );
    let out = run(&["plan", m]).ok();
    assert!(out.stdout.contains("No changes."), "{}", out.stdout);
}

#[test]
fn a_monitor_delete_the_workspace_does_not_serve_fails_alone_and_names_the_monitor() {
    let sb = Sandbox::start(SandboxConfig {
        monitor_delete: false,
        ..SandboxConfig::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let m = small_manifest(dir.path(), true);
    let mon = dir.path().join("monitors.yaml");
    let monitors = "version: 1
integration: Segment
monitors:
  - name: Orders row count
    target: analytics.public.orders
    metric_type: row_count
    condition_auto_sensitivity: 5
";
    let fresh = "  - name: Orders fresh
    target: analytics.public.orders
    metric_type: freshness
    condition_auto_sensitivity: 5
";
    std::fs::write(&mon, format!("{monitors}{fresh}")).unwrap();
    let (m, mon_s) = (m.to_str().unwrap(), mon.to_str().unwrap());
    sb.run(&["apply", m, mon_s, "--auto-approve"]).ok();
    // One monitor on the same table and one event go: the event delete still happens.
    std::fs::write(&mon, monitors).unwrap();
    small_manifest(dir.path(), false);
    let out = sb
        .run(&[
            "apply",
            m,
            mon_s,
            "--prune",
            "--monitors-delete",
            "--auto-approve",
            "--max-delete-percent",
            "100",
        ])
        .code(1);
    assert!(
        out.stdout.contains("does not support deleting monitors")
            && out.stdout.contains("Orders fresh"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("Apply complete: 0 created, 0 updated, 1 deleted, 1 failed."),
        "{}",
        out.stdout
    );
}

#[test]
fn a_monitor_patch_the_workspace_does_not_serve_names_the_monitor() {
    let sb = Sandbox::start(SandboxConfig {
        monitor_patch: false,
        ..SandboxConfig::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let mon = dir.path().join("monitors.yaml");
    let yaml = "version: 1
integration: Segment
monitors:
  - name: Orders row count
    target: analytics.public.orders
    metric_type: row_count
    condition_auto_sensitivity: 5
";
    std::fs::write(&mon, yaml).unwrap();
    let mon = mon.to_str().unwrap();
    sb.run(&["apply", mon, "--auto-approve"]).ok();
    std::fs::write(mon, yaml.replace("sensitivity: 5", "sensitivity: 7")).unwrap();
    let out = sb.run(&["apply", mon, "--auto-approve"]).code(1);
    assert!(
        out.stdout.contains("does not support updating monitors")
            && out.stdout.contains("Orders row count"),
        "{}",
        out.stdout
    );
}

#[test]
fn owner_tag_marks_creates_and_limits_prune_to_tagged_resources() {
    let sb = Sandbox::new();
    let tag = sb
        .list("/api/v1/tag")
        .into_iter()
        .find(|t| t["name"] == "secoda-sync")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let dir = tempfile::tempdir().unwrap();
    let m = small_manifest(dir.path(), true);
    let m = m.to_str().unwrap();
    sb.run(&[
        "apply",
        m,
        "--auto-approve",
        "--no-lock",
        "--owner-tag",
        "secoda-sync",
    ])
    .ok();
    let posts: Vec<_> = sb
        .writes()
        .into_iter()
        .filter(|w| w.path != "/api/v1/event/category")
        .collect();
    assert!(!posts.is_empty());
    for p in &posts {
        let tags = p.body.as_ref().unwrap()["tags"].as_array().unwrap();
        assert!(tags.contains(&json!(tag)), "{p:?}");
    }
    // An event someone else added in the same category carries no owner tag.
    let category = sb
        .list("/api/v1/event/category")
        .into_iter()
        .find(|c| c["title"] == "Signup")
        .unwrap();
    sb.http(
        "POST",
        "/api/v1/event/events",
        Some(json!({"title": "Added By Hand", "parent": category["id"],
                    "integration": category["integration"]})),
    );
    small_manifest(dir.path(), false);
    sb.clear_log();
    let out = sb
        .run(&[
            "apply",
            m,
            "--prune",
            "--owner-tag",
            "secoda-sync",
            "--auto-approve",
            "--max-delete-percent",
            "100",
        ])
        .ok();
    assert!(out.stdout.contains("1 deleted"), "{}", out.stdout);
    let titles: Vec<String> = sb
        .list("/api/v1/event/events")
        .iter()
        .map(|e| e["title"].as_str().unwrap().to_owned())
        .collect();
    assert!(titles.contains(&"Added By Hand".to_owned()), "{titles:?}");
    assert!(!titles.contains(&"Trial Started".to_owned()), "{titles:?}");
}

#[test]
fn target_limits_plan_and_apply_to_a_subtree() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let m = small_manifest(dir.path(), false);
    let m = m.to_str().unwrap();
    let target = ["--target", "Signup/Email Verified"];
    let out = sb
        .run(&[&["plan", m, "--format", "json"][..], &target].concat())
        .ok();
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    let keys: Vec<&str> = v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            "Signup",
            "Signup/Email Verified",
            "Signup/Email Verified/method"
        ]
    );
    sb.run(&[&["apply", m, "--auto-approve", "--no-lock"][..], &target].concat())
        .ok();
    assert_eq!(sb.writes().len(), 3);
    let out = sb.run(&["plan", m, "--format", "markdown"]).ok();
    assert!(out.stdout.contains("<details>"), "{}", out.stdout);
    assert!(out.stdout.contains("Account Created"), "{}", out.stdout);
}
