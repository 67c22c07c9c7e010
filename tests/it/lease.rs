//! An apply that loses its lease stops writing: renewals that fail until the expiry, the
//! lease's category deleted in Secoda's UI mid-run, `unlock` of a live apply; only events in
//! the tool's own category are leases; and the apply's summary says how the run ended.
//! The lease timings are shortened to seconds through their hidden environment variables.

#![allow(clippy::print_stderr)] // the rounds report what they measured

use crate::util::{bin, ex, Out, Sandbox};
use chrono::{DateTime, Utc};
use secoda_sync::sandbox::{seed, Adversity, Faults, LogEntry, SandboxConfig};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const LEASE: &str = "secoda-sync lease";
const HOME: &str = "secoda-sync";
/// The shortened time to live and renewal interval (writes stop 0.6 s before the expiry).
const TTL: Duration = Duration::from_secs(3);

/// `cats` categories of `events` events of one property each.
fn many(dir: &Path, cats: usize, events: usize) -> String {
    let mut yaml = String::from("version: 1\nintegration: Segment\ncategories:\n");
    for c in 0..cats {
        let _ = write!(yaml, "  - title: Area {c}\n    events:\n");
        for e in 0..events {
            let _ = write!(
                yaml,
                "      - title: Thing {e} Happened\n        properties:\n          - title: size\n"
            );
        }
    }
    let path = dir.join("many.yaml");
    std::fs::write(&path, yaml).unwrap();
    path.display().to_string()
}

/// The binary against `sb` with the lease timings shortened.
fn leased(sb: &Sandbox, args: &[&str]) -> Command {
    let mut c = sb.cmd(args);
    c.env("SECODA_LEASE_TTL", "3s")
        .env("SECODA_LEASE_RENEW_EVERY", "1s")
        .env("SECODA_READ_RATE", "1000/s");
    c
}

/// The leased binary run to success.
fn applied(sb: &Sandbox, args: &[&str]) -> Out {
    leased(sb, args).output().map(Out::of).unwrap().ok()
}

fn spawn(mut c: Command) -> Child {
    c.stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn titled(sb: &Sandbox, path: &str, title: &str) -> Vec<Value> {
    sb.list(path)
        .into_iter()
        .filter(|r| r["title"] == title)
        .collect()
}

fn time(e: &LogEntry) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(&e.time).unwrap().into()
}

/// Whether a logged write is the lease's own (its category, its event, their updates).
fn is_lease_write(e: &LogEntry) -> bool {
    let title = e.body.as_ref().and_then(|b| b["title"].as_str());
    title == Some(LEASE)
        || title == Some(HOME)
        || (e.method != "POST" && e.path.starts_with("/api/v1/event/events/"))
}

/// Committed writes of the plan's changes (every change of these tests is a create).
fn change_writes(sb: &Sandbox) -> Vec<LogEntry> {
    sb.writes()
        .into_iter()
        .filter(|e| !is_lease_write(e) && e.status.is_some_and(|s| s < 300))
        .collect()
}

/// Live resources sharing (kind, parent, title) besides the lease's own.
fn twins(sb: &Sandbox) -> Vec<(String, usize)> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for path in [
        "/api/v1/event/category",
        "/api/v1/event/events",
        "/api/v1/event/event_properties",
    ] {
        for r in sb.list(path) {
            if r["title"] == HOME || r["title"] == LEASE {
                continue;
            }
            let key = format!("{path} {} {} {}", r["integration"], r["parent"], r["title"]);
            *seen.entry(key).or_default() += 1;
        }
    }
    let mut out: Vec<_> = seen.into_iter().filter(|(_, n)| *n > 1).collect();
    out.sort();
    out
}

fn last_line(s: &str) -> &str {
    s.lines().rfind(|l| !l.trim().is_empty()).unwrap_or("")
}

#[test]
fn renewals_that_fail_stop_the_apply_before_its_lease_expires_and_it_exits_1() {
    let sb = Sandbox::start(SandboxConfig {
        adversity: Adversity {
            failing_renewals: usize::MAX,
            ..Adversity::default()
        },
        ..SandboxConfig::default()
    });
    let out = Out::of(
        leased(
            &sb,
            &["apply", &ex(), "--auto-approve", "--write-rate", "20/s"],
        )
        .output()
        .unwrap(),
    )
    .code(1);
    assert!(
        out.stderr.contains("could not renew the lease"),
        "{}",
        out.stderr
    );
    assert!(
        out.stdout
            .contains("Stopped: the lease was lost (it could not be renewed before its expiry")
            && out.stdout.contains("not done: create"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("Apply complete"), "{}", out.stdout);
    assert!(
        last_line(&out.stdout).starts_with("Apply stopped (lease lost): "),
        "{}",
        out.stdout
    );
    // No change was written once the lease could have expired.
    let log = sb.log();
    let taken = log
        .iter()
        .find(|e| e.method == "POST" && e.body.as_ref().is_some_and(|b| b["title"] == LEASE))
        .map(time)
        .unwrap();
    let writes = change_writes(&sb);
    assert!(!writes.is_empty(), "it wrote under the lease first");
    let last = writes.iter().map(time).max().unwrap();
    assert!(
        last < taken + TTL,
        "a change written at {last} on a lease taken at {taken}"
    );
}

#[test]
fn a_lease_category_deleted_in_the_ui_mid_apply_stops_it_at_its_next_write() {
    let sb = Sandbox::start(SandboxConfig {
        adversity: Adversity {
            ui_delete_category: Some(HOME.into()),
            // The lease's category and event, then ten changes.
            ui_delete_after_writes: 12,
            ..Adversity::default()
        },
        ..SandboxConfig::default()
    });
    let out = Out::of(
        leased(
            &sb,
            &["apply", &ex(), "--auto-approve", "--write-rate", "50/s"],
        )
        .output()
        .unwrap(),
    )
    .code(1);
    assert!(
        out.stdout
            .contains("Stopped: the lease was lost (its event was removed"),
        "{}",
        out.stdout
    );
    assert!(
        out.stderr.contains("this apply lost its lease"),
        "{}",
        out.stderr
    );
    // Ten before the delete, and at most the calls already in flight (8) after it.
    let written = change_writes(&sb).len();
    assert!(written <= 18, "{written} changes written");
    assert!(titled(&sb, "/api/v1/event/events", LEASE).is_empty());
}

#[test]
fn unlock_of_a_live_apply_asks_for_force_and_with_it_the_apply_stops() {
    let sb = Sandbox::new();
    let child = spawn(leased(
        &sb,
        &["apply", &ex(), "--auto-approve", "--write-rate", "10/s"],
    ));
    let start = Instant::now();
    let run = loop {
        let lease = titled(&sb, "/api/v1/event/events", LEASE);
        if let Some(l) = lease.first() {
            let d = l["description"].as_str().unwrap();
            let run = d.split_whitespace().find_map(|w| w.strip_prefix("run="));
            break run.unwrap().to_owned();
        }
        assert!(start.elapsed() < Duration::from_secs(60), "no lease taken");
        std::thread::sleep(Duration::from_millis(50));
    };
    let unlock = |force: bool| {
        let mut c = leased(&sb, &["unlock", &run]);
        if force {
            c.arg("--force");
        }
        Out::of(c.output().unwrap())
    };
    let out = unlock(false).code(1);
    assert!(
        out.stderr.contains("is still going")
            && out.stderr.contains("lets another apply write beside it")
            && out.stderr.contains("pass --force"),
        "{}",
        out.stderr
    );
    unlock(true).ok();
    let out = Out::of(child.wait_with_output().unwrap()).code(1);
    assert!(
        out.stdout
            .contains("Stopped: the lease was lost (its event was removed"),
        "{}",
        out.stdout
    );
    // Another apply finishes the job without a twin.
    applied(&sb, &["apply", &ex(), "--auto-approve"]);
    assert!(twins(&sb).is_empty(), "{:?}", twins(&sb));
}

#[test]
fn a_users_event_titled_like_the_lease_outside_the_tools_category_is_left_alone() {
    let sb = Sandbox::new();
    let ops = sb.http(
        "POST",
        "/api/v1/event/category",
        Some(json!({"title": "Ops", "integration": seed::SEGMENT})),
    );
    let theirs = sb.http(
        "POST",
        "/api/v1/event/events",
        Some(
            json!({"title": LEASE, "parent": ops["id"], "integration": seed::SEGMENT,
                    "description": "Our own note about leases."}),
        ),
    );
    let dir = tempfile::tempdir().unwrap();
    let m = many(dir.path(), 1, 2);
    let out = leased(&sb, &["apply", &m, "--auto-approve"])
        .output()
        .map(Out::of)
        .unwrap()
        .ok();
    assert!(out.stdout.contains("5 created"), "{}", out.stdout);
    let left = titled(&sb, "/api/v1/event/events", LEASE);
    assert_eq!(left.len(), 1, "{left:?}");
    assert_eq!(left[0]["id"], theirs["id"]);
}

#[test]
fn an_apply_takes_its_lease_from_its_plans_look_and_a_saved_plans_apply_looks_itself() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let m = many(dir.path(), 1, 1);
    applied(&sb, &["apply", &m, "--auto-approve"]);
    // Reads of the lease's category or events made before the lease is created.
    let looks_before_the_lease = |sb: &Sandbox| {
        let log = sb.log();
        let create = log
            .iter()
            .position(|e| e.method == "POST" && is_lease_write(e))
            .expect("the lease was created");
        log[..create]
            .iter()
            .filter(|e| {
                e.query
                    .as_deref()
                    .is_some_and(|q| q.contains("secoda-sync"))
            })
            .count()
    };
    let m = many(dir.path(), 2, 1);
    sb.clear_log();
    applied(&sb, &["apply", &m, "--auto-approve"]);
    assert_eq!(looks_before_the_lease(&sb), 0, "the plan's read served");
    let m = many(dir.path(), 3, 1);
    let saved = dir.path().join("plan.json");
    let saved = saved.to_str().unwrap();
    sb.run(&["plan", &m, "--out", saved]).ok();
    sb.clear_log();
    applied(&sb, &["apply", "--plan", saved, "--auto-approve"]);
    assert_eq!(
        looks_before_the_lease(&sb),
        2,
        "a saved plan's apply finds the category and looks at the leases"
    );
}

#[test]
fn validate_refuses_a_manifest_that_declares_the_tools_own_category() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.yaml");
    std::fs::write(
        &path,
        "version: 1\nintegration: Segment\ncategories:\n  - title: secoda-sync\n    events:\n      - title: Deployed\n",
    )
    .unwrap();
    let out = Out::of(
        bin()
            .args(["validate", &path.display().to_string()])
            .output()
            .unwrap(),
    )
    .code(1);
    let all = format!("{}{}", out.stdout, out.stderr);
    assert!(
        all.contains("reserved-title") && all.contains("rename the category"),
        "{all}"
    );
}

#[test]
fn an_unreadable_lease_names_an_unlock_command_that_runs() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let m = many(dir.path(), 1, 1);
    applied(&sb, &["apply", &m, "--auto-approve"]);
    let home = titled(&sb, "/api/v1/event/category", HOME);
    sb.http(
        "POST",
        "/api/v1/event/events",
        Some(
            json!({"title": LEASE, "parent": home[0]["id"], "integration": seed::SEGMENT,
                    "description": "edited by hand"}),
        ),
    );
    let m = many(dir.path(), 1, 2);
    let out = leased(&sb, &["apply", &m, "--auto-approve"])
        .output()
        .map(Out::of)
        .unwrap()
        .code(1);
    let command = out
        .stderr
        .split('`')
        .find(|s| s.starts_with("secoda-sync unlock "))
        .unwrap_or_else(|| panic!("no unlock command in:\n{}", out.stderr));
    let args: Vec<&str> = command.split_whitespace().skip(1).collect();
    assert_eq!(args.len(), 2, "{command}");
    // Made a moment ago, it looks renewed: --force.
    leased(&sb, &[&args[..], &["--force"]].concat())
        .output()
        .map(Out::of)
        .unwrap()
        .ok();
    applied(&sb, &["apply", &m, "--auto-approve"]);
}

/// Sleeps until the expiry written in the first lease event has passed.
fn wait_for_the_lease_to_look_dead(sb: &Sandbox) {
    let start = Instant::now();
    let expires = loop {
        let lease = titled(sb, "/api/v1/event/events", LEASE);
        let expires = lease.first().and_then(|l| {
            let d = l["description"].as_str()?;
            let e = d
                .split_whitespace()
                .find_map(|w| w.strip_prefix("expires="))?;
            DateTime::parse_from_rfc3339(e.trim_end_matches('.')).ok()
        });
        if let Some(e) = expires {
            break e.with_timezone(&Utc);
        }
        assert!(start.elapsed() < Duration::from_secs(60), "no lease taken");
        std::thread::sleep(Duration::from_millis(20));
    };
    let left = (expires - Utc::now()).to_std().unwrap_or_default();
    assert!(
        left < TTL * 2,
        "the lease timings were not shortened: {left:?} to go"
    );
    std::thread::sleep(left + Duration::from_millis(100));
}

#[test]
fn three_applies_with_failing_renewals_and_a_ui_delete_make_no_twins_in_five_rounds() {
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let m = many(dir.path(), 4, 6);
    for round in 0..5 {
        let sb = Sandbox::start(SandboxConfig {
            seed: round,
            faults: Faults {
                latency: Duration::from_millis(2),
                ..Faults::default()
            },
            adversity: Adversity {
                failing_renewals: usize::MAX,
                ..Adversity::default()
            },
            ..SandboxConfig::default()
        });
        let apply = |extra: &[&str]| {
            let args = [
                &["apply", &m, "--auto-approve", "--write-rate", "15/s"],
                extra,
            ]
            .concat();
            spawn(leased(&sb, &args))
        };
        // The first apply's renewals fail; the others start once its lease looks dead.
        let first = apply(&[]);
        wait_for_the_lease_to_look_dead(&sb);
        sb.sb().set_adversity(Adversity {
            ui_delete_category: Some(HOME.into()),
            ui_delete_after_writes: 15,
            ..Adversity::default()
        });
        let others = [
            apply(&["--lock-timeout", "60s"]),
            apply(&["--lock-timeout", "60s"]),
        ];
        let mut codes = Vec::new();
        for child in std::iter::once(first).chain(others) {
            let out = Out::of(child.wait_with_output().unwrap());
            let known = out.code == 0
                || (out.code == 1
                    && (out.stderr.contains("lost its lease")
                        || out.stderr.contains("another apply holds the lease")));
            assert!(
                known,
                "round {round}: exit {}\nstdout:\n{}\nstderr:\n{}",
                out.code, out.stdout, out.stderr
            );
            codes.push(out.code);
        }
        assert_eq!(codes[0], 1, "round {round}: the first apply lost its lease");
        let found = twins(&sb);
        assert!(found.is_empty(), "round {round}: {found:?}");
        sb.sb().set_adversity(Adversity::default());
        leased(&sb, &["apply", &m, "--auto-approve"])
            .output()
            .map(Out::of)
            .unwrap()
            .ok();
        let found = twins(&sb);
        assert!(found.is_empty(), "round {round}, finished: {found:?}");
        eprintln!("round {round}: exits {codes:?}");
    }
    eprintln!("5 rounds in {:?}", started.elapsed());
}

/// `sandbox serve` with `flags`, on a free port: the process and its URL.
fn serve(flags: &[&str]) -> (Child, String) {
    use std::io::{BufRead, BufReader};
    let mut child = bin()
        .args(["sandbox", "serve", "--addr", "127.0.0.1:0", "--token", "t"])
        .args(flags)
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

#[test]
fn sandbox_serve_plays_failing_renewals_and_a_ui_delete_for_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let m = many(dir.path(), 2, 3);
    for (flags, why) in [
        (
            &["--fail-lease-renewals", "1000"][..],
            "it could not be renewed before its expiry",
        ),
        (
            &[
                "--ui-delete-category",
                "secoda-sync",
                "--ui-delete-after-writes",
                "4",
            ][..],
            "its event was removed",
        ),
    ] {
        let (mut server, url) = serve(flags);
        let out = Out::of(
            bin()
                .args(["apply", &m, "--auto-approve", "--api-url", &url])
                .args(["--concurrency", "1", "--write-rate", "5/s"])
                .env("SECODA_API_TOKEN", "t")
                .env("SECODA_LEASE_TTL", "3s")
                .env("SECODA_LEASE_RENEW_EVERY", "1s")
                .output()
                .unwrap(),
        );
        let _ = server.kill();
        let _ = server.wait();
        assert_eq!(out.code, 1, "{flags:?}\n{}\n{}", out.stdout, out.stderr);
        assert!(
            out.stdout
                .contains(&format!("Stopped: the lease was lost ({why}")),
            "{flags:?}\n{}",
            out.stdout
        );
    }
}
