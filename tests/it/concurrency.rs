//! Concurrent applies of the same manifests against one workspace: the lease keeps
//! them one at a time, and the executor's look-ups adopt what another run made, so no
//! resource is ever made twice.

#![allow(clippy::print_stderr)] // the rounds report what they measured

use crate::util::{Out, Sandbox};
use secoda_sync::sandbox::{Faults, SandboxConfig};
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

const LEASE_MESSAGE: &str = "another apply holds the lease: run ";

/// Two categories, three events, four properties.
fn manifest(dir: &Path) -> String {
    let path = dir.join("plan.yaml");
    std::fs::write(
        &path,
        "version: 1
integration: Segment
categories:
  - title: Signup
    events:
      - title: Account Created
        description: A new account exists.
        properties:
          - title: plan
            description: Chosen plan.
          - title: referrer
      - title: Email Verified
        properties:
          - title: method
  - title: Billing
    events:
      - title: Invoice Paid
        properties:
          - title: amount
",
    )
    .unwrap();
    path.display().to_string()
}

/// Live resources sharing (kind, parent, title), by key, with their count; lease events left
/// out (each apply makes its own).
fn twins(sb: &Sandbox) -> Vec<(String, usize)> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for path in [
        "/api/v1/event/category",
        "/api/v1/event/events",
        "/api/v1/event/event_properties",
    ] {
        for r in sb.list(path) {
            let key = format!("{path} {} {}", r["parent"], r["title"]);
            *seen.entry(key).or_default() += 1;
        }
    }
    let mut out: Vec<_> = seen.into_iter().filter(|(_, n)| *n > 1).collect();
    out.sort();
    out
}

fn titled(sb: &Sandbox, path: &str, title: &str) -> Vec<Value> {
    sb.list(path)
        .into_iter()
        .filter(|r| r["title"] == title)
        .collect()
}

#[test]
fn three_applies_at_once_make_no_twins_and_all_but_the_lease_holder_say_why() {
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let m = manifest(dir.path());
    let (mut won, mut lost) = (0, 0);
    for round in 0..5 {
        let sb = Sandbox::start(SandboxConfig {
            seed: round,
            faults: Faults {
                latency: Duration::from_millis(15),
                ..Faults::default()
            },
            ..SandboxConfig::default()
        });
        let children: Vec<_> = (0..3)
            .map(|_| {
                sb.cmd(&["apply", &m, "--auto-approve", "--read-rate", "1000/s"])
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let out = Out::of(child.wait_with_output().unwrap());
            match out.code {
                0 => won += 1,
                1 if out.stderr.contains(LEASE_MESSAGE) => lost += 1,
                _ => panic!(
                    "round {round}: exit {}\nstdout:\n{}\nstderr:\n{}",
                    out.code, out.stdout, out.stderr
                ),
            }
        }
        // The lease's own category could, rarely, be made twice by first applies racing on a
        // new integration (categories cannot be deleted); it holds nothing, and is named.
        let manifest_twins: Vec<_> = twins(&sb)
            .into_iter()
            .filter(|(k, _)| !k.ends_with("\"secoda-sync\""))
            .collect();
        assert!(
            manifest_twins.is_empty(),
            "round {round}: {manifest_twins:?}"
        );
        let leases = titled(&sb, "/api/v1/event/events", "secoda-sync lease");
        assert!(leases.is_empty(), "round {round}: leases left {leases:?}");
        let plan = sb.run(&["plan", &m, "--detailed-exitcode"]).ok();
        assert!(plan.stdout.contains("No changes."), "{}", plan.stdout);
        let homes = titled(&sb, "/api/v1/event/category", "secoda-sync").len();
        if homes > 1 {
            assert!(
                plan.stderr.contains("share the key `secoda-sync`"),
                "{}",
                plan.stderr
            );
        }
        eprintln!("round {round}: lease categories {homes}");
    }
    eprintln!(
        "5 rounds of 3 applies: {won} applied, {lost} refused by the lease, in {:?}",
        started.elapsed()
    );
    assert!(won >= 5, "every round applies at least once");
}

#[test]
fn a_second_apply_waits_for_the_lease_with_lock_timeout_and_unlock_removes_a_dead_one() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let m = manifest(dir.path());
    sb.run(&["apply", &m, "--auto-approve"]).ok();
    let homes = titled(&sb, "/api/v1/event/category", "secoda-sync");
    assert_eq!(homes.len(), 1, "the first apply made the lease category");
    // A lease left by a run that died, far from expiring.
    dead_lease(&sb, "dead-run");
    // Leases are never planned, pruned or exported.
    let prune = ["plan", &m, "--prune", "--max-delete-percent", "100"];
    let out = sb
        .run(&[&prune[..], &["--detailed-exitcode"]].concat())
        .ok();
    assert!(!out.stderr.contains("share the key"), "{}", out.stderr);
    let out = sb.run(&["export", "--integration", "Segment"]).ok();
    assert!(!out.stdout.contains("secoda-sync"), "{}", out.stdout);
    std::fs::write(
        &m,
        std::fs::read_to_string(&m)
            .unwrap()
            .replace("Chosen plan.", "The plan."),
    )
    .unwrap();
    sb.clear_log();
    let out = sb.run(&["apply", &m, "--auto-approve"]).code(1);
    assert!(
        out.stderr.contains(
            "another apply holds the lease: run dead-run, started 2026-12-02T06:00:00Z on laptop"
        ),
        "{}",
        out.stderr
    );
    assert!(sb.writes().is_empty(), "{:?}", sb.writes());
    let waited = Instant::now();
    let out = sb
        .run(&["apply", &m, "--auto-approve", "--lock-timeout", "1s"])
        .code(1);
    assert!(out.stderr.contains(LEASE_MESSAGE), "{}", out.stderr);
    assert!(waited.elapsed() >= Duration::from_secs(1));

    // Made a moment ago, it looks renewed: removing it asks for --force.
    let out = sb.run(&["unlock", "dead-run"]).code(1);
    assert!(out.stderr.contains("pass --force"), "{}", out.stderr);
    sb.run(&["unlock", "dead-run", "--force"]).ok();
    sb.run(&["unlock", "dead-run"]).code(1);
    sb.clear_log();
    let out = sb.run(&["apply", &m, "--auto-approve"]).ok();
    assert!(out.stdout.contains("1 updated"), "{}", out.stdout);
    // The lease's create and delete, and the one PATCH.
    let writes: Vec<String> = sb
        .writes()
        .iter()
        .map(|w| format!("{} {}", w.method, w.path.split('/').nth(4).unwrap_or("")))
        .collect();
    assert_eq!(
        writes,
        ["POST events", "PATCH event_properties", "DELETE events"],
        "{writes:?}"
    );
}

#[test]
fn a_saved_plan_applied_twice_adopts_instead_of_creating_again() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let m = manifest(dir.path());
    let saved = dir.path().join("p.json").display().to_string();
    sb.run(&["plan", &m, "--out", &saved]).ok();
    sb.run(&["apply", &m, "--auto-approve", "--no-lock"]).ok();
    sb.clear_log();
    let out = sb
        .run(&["apply", "--plan", &saved, "--auto-approve", "--no-lock"])
        .ok();
    assert!(out.stderr.contains("Adopted 9 resources"), "{}", out.stderr);
    assert!(sb.writes().is_empty(), "{:?}", sb.writes());
    assert!(twins(&sb).is_empty());
}

/// Makes a lease event by hand, as a run that died would leave it; returns its id.
fn dead_lease(sb: &Sandbox, run: &str) -> String {
    let home = titled(sb, "/api/v1/event/category", "secoda-sync");
    let description = format!(
        "secoda-sync apply lease: run={run} host=laptop started=2026-12-02T06:00:00Z \
         expires=2999-01-01T00:00:00Z."
    );
    let lease = sb.http(
        "POST",
        "/api/v1/event/events",
        Some(
            serde_json::json!({"title": "secoda-sync lease", "parent": home[0]["id"],
            "integration": home[0]["integration"], "description": description}),
        ),
    );
    lease["id"].as_str().unwrap().to_owned()
}

#[test]
fn an_update_whose_resource_changed_while_waiting_for_the_lease_is_a_named_conflict() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let m = manifest(dir.path());
    sb.run(&["apply", &m, "--auto-approve"]).ok();
    let text = std::fs::read_to_string(&m).unwrap();
    std::fs::write(&m, text.replace("Chosen plan.", "The plan.")).unwrap();
    let lease = dead_lease(&sb, "holder");
    sb.clear_log();
    let child = sb
        .cmd(&["apply", &m, "--auto-approve", "--lock-timeout", "60s"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Once it planned and looks at the lease, the property is edited, then the lease goes.
    let start = Instant::now();
    while !sb
        .log()
        .iter()
        .any(|e| e.query.as_deref().is_some_and(|q| q.contains("lease")))
    {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "never looked at the lease"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let prop = titled(&sb, "/api/v1/event/event_properties", "plan");
    let id = prop[0]["id"].as_str().unwrap().to_owned();
    std::thread::sleep(Duration::from_millis(5));
    sb.http(
        "PATCH",
        &format!("/api/v1/event/event_properties/{id}"),
        Some(serde_json::json!({"pii": true})),
    );
    sb.http("DELETE", &format!("/api/v1/event/events/{lease}"), None);
    let out = Out::of(child.wait_with_output().unwrap()).code(1);
    assert!(
        out.stdout
            .contains("update property Signup/Account Created/plan")
            && out
                .stdout
                .contains("conflict: it changed in Secoda since the plan was made"),
        "{}",
        out.stdout
    );
    let prop = titled(&sb, "/api/v1/event/event_properties", "plan");
    assert_eq!(
        prop[0]["description"], "Chosen plan.",
        "the conflict was not written"
    );
    let leases = titled(&sb, "/api/v1/event/events", "secoda-sync lease");
    assert!(
        leases.is_empty(),
        "a failed apply gives the lease back: {leases:?}"
    );
}

#[test]
fn plan_names_twins_with_their_ids() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let m = manifest(dir.path());
    sb.run(&["apply", &m, "--auto-approve"]).ok();
    let signup = titled(&sb, "/api/v1/event/category", "Signup");
    let twin = sb.http(
        "POST",
        "/api/v1/event/events",
        Some(
            serde_json::json!({"title": "Email Verified", "parent": signup[0]["id"],
            "integration": signup[0]["integration"]}),
        ),
    );
    let out = sb.run(&["plan", &m]).ok();
    assert!(
        out.stderr
            .contains("2 live events share the key `Signup/Email Verified`")
            && out.stderr.contains(twin["id"].as_str().unwrap()),
        "{}",
        out.stderr
    );
    assert!(out.stdout.contains("No changes."), "{}", out.stdout);
}

#[test]
fn the_holder_renews_its_lease_and_a_lease_removed_under_it_stops_the_run() {
    use secoda_sync::testing::api::{Client, ClientConfig, Id, Token};
    use secoda_sync::testing::apply::{lease, Cancel, LeaseOptions, Stage};
    let sb = Sandbox::new();
    let client = Client::new(ClientConfig::new(
        url::Url::parse(sb.sb().url()).unwrap(),
        Token::new(sb.token()),
    ))
    .unwrap();
    let segment = Id::from(secoda_sync::sandbox::seed::SEGMENT);
    let mut opts = LeaseOptions::new(segment, Duration::ZERO);
    opts.renew_every = Duration::from_millis(150);
    let cancel = Cancel::new();
    let held = sb
        .rt
        .block_on(lease::acquire(
            &client,
            &opts,
            &cancel,
            &secoda_sync::testing::output::Printer::plain(),
        ))
        .unwrap();
    let description = |sb: &Sandbox| {
        titled(sb, "/api/v1/event/events", "secoda-sync lease")
            .first()
            .map(|l| l["description"].as_str().unwrap().to_owned())
    };
    let first = description(&sb).unwrap();
    assert!(first.contains(&format!("run={}", held.run)), "{first}");
    // Expiry is written to the second: wait past one.
    std::thread::sleep(Duration::from_millis(1200));
    let renewed = description(&sb).unwrap();
    assert_ne!(first, renewed, "the expiry moved on");
    sb.run(&["unlock", &held.run, "--force"]).ok();
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(
        held.lost(),
        Some(secoda_sync::testing::apply::Lost::Removed),
        "the renewal saw the lease gone"
    );
    assert_eq!(
        held.watch().stop_token().stage(),
        Stage::Stopping,
        "and stopped the run"
    );
    assert_eq!(cancel.stage(), Stage::Running, "not as a Ctrl-C would");
    sb.rt.block_on(held.release()).unwrap();
}
