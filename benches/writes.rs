//! Applies that reads do not slow: `secoda-sync apply` of 256 creates (1 category, 15 events,
//! 240 properties) against `sandbox serve` answering after 60 ms and allowing 25 writes a
//! second, with `--write-rate 25/s --concurrency 16` and the default `--read-rate auto`,
//! measured side by side with
//!
//! - the write bound: the creates divided by the server's write limit (256 / 25 = 10.24 s);
//! - a sequential script against the same server: for each resource in plan order, one
//!   look-up for a twin and then the create, each call awaited before the next (the careful
//!   loop a migration script would be).
//!
//! The apply runs with the lease and with `--no-lock`; each prints its reads, writes and 429s
//! from the server's log. With the lease it runs twice: as the integration's first apply ever
//! (which also creates the category that holds the leases, after a random pause of up to
//! 1.5 s that keeps two first applies from each creating one) and as any later apply (a
//! one-category apply made first, not measured). Run: `cargo bench --bench writes` (about
//! two minutes).
#![allow(clippy::print_stdout, clippy::cast_precision_loss)]

mod support;

use futures::TryStreamExt;
use secoda_sync::testing::api::{Id, ListFilter, Resource};
use secoda_sync::testing::apply;
use secoda_sync::testing::manifest::generate::{tracking_plan, Shape};
use secoda_sync::testing::manifest::{write, ManifestSet};
use secoda_sync::testing::plan::{Action, ParentRef};
use std::collections::HashMap;
use std::path::Path;
use std::process::{Child, Command};
use std::time::{Duration, Instant};
use support::{client, plan_for, serve_sandbox_with, TOKEN};

/// 1 category x 15 events x 16 properties: 256 creates.
const SHAPE: Shape = Shape {
    categories: 1,
    events: 15,
    properties: 16,
};

/// The server's write limit, and the client's write pace.
const WRITES_PER_SECOND: f64 = 25.0;

/// What the server saw of one run.
struct Calls {
    reads: usize,
    writes: usize,
    limited: usize,
}

/// `sandbox serve` with 60 ms answers and 25 writes/s, logging calls to `log`.
fn serve(log: &Path) -> (Child, String) {
    let _ = std::fs::remove_file(log);
    let log = log.to_string_lossy().into_owned();
    serve_sandbox_with(&[
        "--latency-ms",
        "60",
        "--write-limit",
        "25/s",
        "--log",
        log.as_str(),
    ])
}

fn stop(mut child: Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// The calls the server has logged so far.
fn logged(log: &Path) -> Vec<serde_json::Value> {
    // The log is appended as calls are answered; give the server a moment to flush.
    std::thread::sleep(Duration::from_millis(300));
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

/// What the server's log says of the calls it answered after the first `skip`.
fn calls(log: &Path, skip: usize) -> Calls {
    let entries: Vec<serde_json::Value> = logged(log).into_iter().skip(skip).collect();
    Calls {
        reads: entries.iter().filter(|e| e["method"] == "GET").count(),
        writes: entries.iter().filter(|e| e["method"] != "GET").count(),
        limited: entries.iter().filter(|e| e["status"] == 429).count(),
    }
}

/// `secoda-sync apply` of `manifest` with `flags`, after an apply of `before` when given; how
/// long the measured apply took and the server's calls during it.
fn apply_binary(
    manifest: &Path,
    before: Option<&Path>,
    log: &Path,
    flags: &[&str],
) -> (Duration, Calls) {
    let (child, url) = serve(log);
    let skip = before.map_or(0, |first| {
        run_apply(&url, first, flags);
        logged(log).len()
    });
    let took = run_apply(&url, manifest, flags);
    let seen = calls(log, skip);
    stop(child);
    (took, seen)
}

/// One `secoda-sync apply` against `url`; how long it took.
fn run_apply(url: &str, manifest: &Path, flags: &[&str]) -> Duration {
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_secoda-sync"))
        .env_clear()
        .env("SECODA_API_TOKEN", TOKEN)
        .args(["apply", "--api-url", url, "--auto-approve"])
        .args(["--write-rate", "25/s", "--concurrency", "16"])
        .arg(manifest)
        .args(flags)
        .output()
        .expect("run apply");
    let took = started.elapsed();
    assert!(
        out.status.success(),
        "apply failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    took
}

/// The sequential script: plan, then for each create one look-up and one write, in order.
async fn sequential(set: &ManifestSet, log: &Path) -> (Duration, Calls) {
    let (child, url) = serve(log);
    let c = client(&url, TOKEN, Some("25/s".parse().expect("rate")), 1);
    let started = Instant::now();
    let plan = plan_for(&c, set).await;
    let ledger = secoda_sync::testing::plan::fidelity::Ledger::new();
    let mut created: HashMap<String, Id> = HashMap::new();
    for change in plan.changes.iter().filter(|c| c.action == Action::Create) {
        let parent = match &change.parent {
            Some(ParentRef::Id(id)) => Some(id.clone()),
            Some(ParentRef::Pending(k)) => created.get(k).cloned(),
            None => None,
        };
        let kind = change.kind.resource().expect("a tracking-plan create");
        let filter = ListFilter {
            title: Some(change.key.title().to_owned()),
            integration_id: Some(plan.integration.id.clone()),
            parent_id: parent.clone(),
        };
        let twins: Vec<Resource> = c
            .list_resources(kind, &filter)
            .try_collect()
            .await
            .expect("look-up");
        assert!(twins.is_empty(), "an empty workspace has no twins");
        let w = apply::write_for(change, &plan.integration.id, parent).expect("write");
        let id = apply::send(&c, w, &ledger).await.expect("write call");
        created.insert(change.key.to_string(), id.expect("created id"));
    }
    let took = started.elapsed();
    let seen = calls(log, 0);
    stop(child);
    (took, seen)
}

fn line(name: &str, took: Duration, calls: &Calls, bound: f64) {
    println!(
        "{name:<34} {:>6.2} s  {:>4.2}x the bound  reads {:>4}  writes {:>4}  429s {:>2}",
        took.as_secs_f64(),
        took.as_secs_f64() / bound,
        calls.reads,
        calls.writes,
        calls.limited
    );
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let manifest = dir.path().join("plan.yaml");
    let log = dir.path().join("calls.jsonl");
    let set = tracking_plan(SHAPE);
    let creates = set.counts().categories + set.counts().events + set.counts().properties;
    std::fs::write(&manifest, write::to_yaml(&set, None).expect("yaml")).expect("manifest");
    // Another category of the same integration: an apply of it leaves the lease's home behind.
    let earlier = dir.path().join("earlier.yaml");
    let mut one = tracking_plan(Shape {
        categories: 1,
        events: 0,
        properties: 0,
    });
    for c in &mut one.categories {
        c.title = format!("{} (earlier)", c.title);
    }
    std::fs::write(&earlier, write::to_yaml(&one, None).expect("yaml")).expect("manifest");
    let bound = creates as f64 / WRITES_PER_SECOND;

    println!(
        "\n== apply of {creates} creates, server: 60 ms answers, 25 writes/s; \
         --write-rate 25/s --concurrency 16"
    );
    println!("write bound ({creates} / 25 s)            {bound:>6.2} s");
    let (first, first_calls) = apply_binary(&manifest, None, &log, &[]);
    line("apply (lease), first ever", first, &first_calls, bound);
    let (leased, leased_calls) = apply_binary(&manifest, Some(&earlier), &log, &[]);
    line("apply (lease)", leased, &leased_calls, bound);
    let (unlocked, unlocked_calls) = apply_binary(&manifest, None, &log, &["--no-lock"]);
    line("apply --no-lock", unlocked, &unlocked_calls, bound);
    let (script, script_calls) = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(sequential(&set, &log));
    line("sequential script", script, &script_calls, bound);
    println!(
        "the apply is {:.1}x (lease) and {:.1}x (--no-lock) faster than the sequential script",
        script.as_secs_f64() / leased.as_secs_f64(),
        script.as_secs_f64() / unlocked.as_secs_f64()
    );
}
