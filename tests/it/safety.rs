//! The paths that could delete or corrupt data — deletes the caps did not see, saved
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

/// Applies `Signup` with two events, then saves a `--prune` plan that deletes `Event 1`;
/// returns the plan file's path and `Event 0`'s live entry (id, `updated_at`).
fn saved_delete(sb: &Sandbox, dir: &Path) -> (PathBuf, String, String) {
    let m = wide_manifest(dir, 2, 1);
    let m = m.to_str().unwrap();
    sb.run(&["apply", m, "--auto-approve"]).ok();
    let e0 = sb
        .list("/api/v1/event/events")
        .into_iter()
        .find(|e| e["title"] == "Event 0")
        .unwrap();
    wide_manifest(dir, 1, 1);
    let plan = dir.join("plan.json");
    sb.run(&[
        "plan",
        m,
        "--prune",
        "--max-delete-percent",
        "100",
        "--out",
        plan.to_str().unwrap(),
    ])
    .ok();
    let id = e0["id"].as_str().unwrap().to_owned();
    let updated = e0["updated_at"].as_str().unwrap().to_owned();
    (plan, id, updated)
}

/// Writes an edited plan with its fingerprint recomputed, so the check under test (not the
/// fingerprint) is what must catch the edit.
fn write_resealed(plan: &Path, doc: &serde_json::Value) {
    let bytes = serde_json::to_vec(doc).unwrap();
    let saved = secoda_sync::testing::plan::saved::SavedPlan::from_bytes(&bytes)
        .unwrap()
        .sealed();
    std::fs::write(plan, saved.to_bytes().unwrap()).unwrap();
}

#[test]
fn a_saved_plan_whose_delete_id_names_another_resource_is_refused_whole() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let (plan, id, updated) = saved_delete(&sb, dir.path());
    let mut doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&plan).unwrap()).unwrap();
    // Point the delete of `Signup/Event 1` (and its live entry) at `Event 0`.
    for c in doc["plan"]["changes"].as_array_mut().unwrap() {
        if c["key"] == "Signup/Event 1" {
            c["id"] = id.clone().into();
            c["live_updated_at"] = updated.clone().into();
        }
    }
    for t in doc["live"].as_array_mut().unwrap() {
        if t["key"] == "Signup/Event 1" {
            t["id"] = id.clone().into();
            t["updated_at"] = updated.clone().into();
        }
    }
    write_resealed(&plan, &doc);
    sb.clear_log();
    let out = sb
        .run(&[
            "apply",
            "--plan",
            plan.to_str().unwrap(),
            "--auto-approve",
            "--max-delete-percent",
            "100",
        ])
        .code(1);
    assert!(
        out.stderr
            .contains("the saved plan does not match the workspace")
            && out.stderr.contains("event `Signup/Event 1` has id")
            && out.stderr.contains("which is event `Signup/Event 0`"),
        "{}",
        out.stderr
    );
    assert!(sb.writes().is_empty(), "nothing is written");
}

#[test]
fn a_saved_plan_change_without_its_live_entry_is_refused() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let (plan, _, _) = saved_delete(&sb, dir.path());
    let mut doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&plan).unwrap()).unwrap();
    doc["live"] = serde_json::json!([]);
    write_resealed(&plan, &doc);
    sb.clear_log();
    let out = sb
        .run(&[
            "apply",
            "--plan",
            plan.to_str().unwrap(),
            "--auto-approve",
            "--max-delete-percent",
            "100",
        ])
        .code(1);
    assert!(
        out.stderr.contains("`Signup/Event 1` (")
            && out
                .stderr
                .contains("has no matching entry in the plan's `live` list"),
        "{}",
        out.stderr
    );
    assert!(sb.writes().is_empty(), "nothing is written");
}

/// A workspace whose every list says "there is a next page" forever: page N holds one item,
/// `x` on every page (`repeat`) or `xN` with `total_pages: 1`.
struct Endless {
    repeat: bool,
}

impl wiremock::Respond for Endless {
    fn respond(&self, req: &wiremock::Request) -> wiremock::ResponseTemplate {
        let page: u64 = req
            .url
            .query_pairs()
            .find(|(k, _)| k == "page")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(1);
        let id = if self.repeat {
            "x".to_owned()
        } else {
            format!("x{page}")
        };
        wiremock::ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "links": {"next": "https://elsewhere.example/more"},
            "meta": {"page": page},
            "total_pages": if self.repeat { serde_json::Value::Null } else { 1.into() },
            "results": [{"id": id, "name": "Segment", "title": "Segment"}],
        }))
    }
}

#[test]
fn a_list_that_never_ends_stops_with_an_error_naming_it_and_writes_nothing() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let m = wide_manifest(dir.path(), 1, 1);
    for repeat in [true, false] {
        let server = rt.block_on(wiremock::MockServer::start());
        rt.block_on(
            wiremock::Mock::given(wiremock::matchers::any())
                .respond_with(Endless { repeat })
                .mount(&server),
        );
        let mut cmd = bin();
        cmd.env("SECODA_API_TOKEN", "endless-token")
            .args(["apply", m.to_str().unwrap(), "--auto-approve", "--api-url"])
            .arg(server.uri());
        let out = Out::of(cmd.output().unwrap()).code(1);
        let why = if repeat {
            "repeats only items already read"
        } else {
            "page 12 of a list of 1 pages"
        };
        assert!(
            out.stderr.contains("the list does not end") && out.stderr.contains(why),
            "{}",
            out.stderr
        );
        let calls = rt.block_on(server.received_requests()).unwrap();
        assert!(calls.len() < 200, "{} calls", calls.len());
        assert!(calls
            .iter()
            .all(|r| r.method == wiremock::http::Method::GET));
    }
}

/// Answers every call 400 with a body that quotes the request's `Authorization` header, as
/// some proxies and debug servers do.
struct Echo;

impl wiremock::Respond for Echo {
    fn respond(&self, req: &wiremock::Request) -> wiremock::ResponseTemplate {
        let auth = req
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        wiremock::ResponseTemplate::new(400).set_body_json(
            serde_json::json!({"detail": "bad request", "headers": {"Authorization": auth}}),
        )
    }
}

#[test]
fn an_error_body_quoting_the_authorization_header_never_prints_the_token() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(wiremock::MockServer::start());
    rt.block_on(
        wiremock::Mock::given(wiremock::matchers::any())
            .respond_with(Echo)
            .mount(&server),
    );
    let dir = tempfile::tempdir().unwrap();
    let m = wide_manifest(dir.path(), 1, 1);
    let token = "quoted-token-4f9a0c17";
    for extra in [&[][..], &["-vv"][..]] {
        let mut cmd = bin();
        cmd.env("SECODA_API_TOKEN", token)
            .args(["plan", m.to_str().unwrap()])
            .args(extra)
            .arg("--api-url")
            .arg(server.uri());
        let out = Out::of(cmd.output().unwrap()).code(1);
        assert!(
            !out.stderr.contains(token) && !out.stdout.contains(token),
            "{}",
            out.stderr
        );
        assert!(out.stderr.contains("Bearer [redacted]"), "{}", out.stderr);
    }
}

#[test]
fn sigterm_mid_apply_finishes_the_calls_in_flight_reports_and_exits_143() {
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};
    let sb = Sandbox::new();
    let ex = crate::util::ex();
    let child = sb
        .cmd(&[
            "apply",
            &ex,
            "--auto-approve",
            "--json",
            "--write-rate",
            "20/s",
            // The lease's own writes are not changes of the report.
            "--no-lock",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while sb.writes().len() < 10 {
        assert!(start.elapsed() < Duration::from_secs(60), "never wrote");
        std::thread::sleep(Duration::from_millis(20));
    }
    let kill = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let out = Out::of(child.wait_with_output().unwrap()).code(143);
    let report = out.json();
    assert_eq!(report["interrupted"], true, "{}", out.stdout);
    // Every acknowledged write is in the report: none was abandoned.
    let done = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "done")
        .count();
    let acknowledged = sb
        .writes()
        .iter()
        .filter(|w| w.status.is_some_and(|s| s < 300))
        .count();
    assert_eq!(done, acknowledged, "{}", out.stdout);
    assert!(acknowledged < 150, "the apply stopped early");
}

#[test]
fn a_token_file_is_read_to_a_bound_and_a_leading_bom_is_dropped() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let m = wide_manifest(dir.path(), 1, 1);
    let m = m.to_str().unwrap();
    let huge = dir.path().join("huge");
    std::fs::write(&huge, vec![b'a'; 100 * 1024]).unwrap();
    let mut files = vec![huge];
    if Path::new("/dev/zero").exists() {
        files.push("/dev/zero".into());
    }
    for f in files {
        let out = Out::of(
            bin()
                .args(["plan", m, "--api-url", sb.sb().url(), "--token-file"])
                .arg(&f)
                .output()
                .unwrap(),
        )
        .code(1);
        assert!(
            out.stderr.contains("failed to read token file")
                && out.stderr.contains("longer than 64 KiB"),
            "{}",
            out.stderr
        );
    }
    let with_bom = dir.path().join("token");
    std::fs::write(&with_bom, format!("\u{feff}{}\n", sb.token())).unwrap();
    bin()
        .args(["plan", m, "--api-url", sb.sb().url(), "--token-file"])
        .arg(&with_bom)
        .output()
        .map(Out::of)
        .unwrap()
        .ok();
}

#[test]
fn non_finite_or_out_of_range_numeric_flags_are_refused_before_anything_runs() {
    let dir = tempfile::tempdir().unwrap();
    let m = wide_manifest(dir.path(), 1, 1);
    let m = m.to_str().unwrap();
    for (flag, value) in [
        ("--max-delete-percent", "nan"),
        ("--max-delete-percent", "inf"),
        ("--max-delete-percent", "101"),
        ("--max-delete-percent", "1e400"),
        ("--request-timeout", "nan"),
        ("--connect-timeout", "inf"),
        ("--request-timeout", "0"),
    ] {
        let arg = format!("{flag}={value}");
        // 1, not clap's 2: `--detailed-exitcode` means 2 as "changes pending".
        let out = Out::of(bin().args(["plan", m, &arg]).output().unwrap()).code(1);
        assert!(
            out.stderr
                .contains(&format!("invalid value '{value}' for '{flag}")),
            "{flag} {value}: {}",
            out.stderr
        );
    }
    for (flag, value) in [("--fail-rate", "nan"), ("--drop-after-commit", "2")] {
        let out = Out::of(
            bin()
                .args(["sandbox", "serve", "--addr", "127.0.0.1:0", flag, value])
                .output()
                .unwrap(),
        )
        .code(1);
        assert!(out.stderr.contains("invalid value"), "{}", out.stderr);
    }
}

#[test]
fn sandbox_serve_refuses_a_state_file_in_a_missing_directory_and_an_empty_token() {
    let dir = tempfile::tempdir().unwrap();
    let lost = dir.path().join("missing").join("state.json");
    let out = Out::of(
        bin()
            .args(["sandbox", "serve", "--addr", "127.0.0.1:0", "--state"])
            .arg(&lost)
            .output()
            .unwrap(),
    )
    .code(1);
    assert!(
        out.stderr.contains("its directory does not exist"),
        "{}",
        out.stderr
    );
    let out = Out::of(
        bin()
            .args(["sandbox", "serve", "--addr", "127.0.0.1:0", "--token", ""])
            .output()
            .unwrap(),
    )
    .code(1);
    assert!(out.stderr.contains("--token is empty"), "{}", out.stderr);
}

#[test]
fn sandbox_serve_on_a_wildcard_address_prints_a_loopback_url_warns_and_answers_413_in_json() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let mut child = bin()
        .args([
            "sandbox",
            "serve",
            "--addr",
            "0.0.0.0:0",
            "--token",
            "wild-token-123",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let url_line = lines.next().unwrap().unwrap();
    let url = url_line
        .strip_prefix("export SECODA_API_URL=")
        .expect(&url_line)
        .to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (status, body) = rt.block_on(async {
        let resp = reqwest::Client::new()
            .post(format!("{url}/api/v1/event/category"))
            .bearer_auth("wild-token-123")
            .header("content-type", "application/json")
            .body(vec![b' '; 3 * 1024 * 1024])
            .send()
            .await
            .unwrap();
        (resp.status(), resp.text().await.unwrap())
    });
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("reachable from the network"), "{stderr}");
    assert_eq!(status.as_u16(), 413, "{body}");
    let json: serde_json::Value = serde_json::from_str(&body).expect(&body);
    assert!(json["detail"].as_str().unwrap().contains("2 MiB"), "{body}");
}
