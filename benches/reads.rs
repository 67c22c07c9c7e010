//! Reads at the server's pace: `plan` of a workspace holding 100,000 properties (100
//! categories, 1,000 events) against `sandbox serve` limiting reads, with the default
//! `--read-rate auto`, measured side by side with the bound the server sets.
//!
//! The bound of a scenario is the pages the plan reads divided by the server's read limit, plus
//! the plan's own time: the same plan against the same workspace served without a read limit
//! (`--read-rate 100000/s`), which is load, diff and the reads' own latency. The ratio printed is
//! measured / bound. Scenarios: the server honours `page_size` (reads limited to 50/s), ignores
//! it (50/s, 2,000+ pages), and limits reads to 5/s; each prints its 429 answers.
//!
//! Run: `cargo bench --bench reads` (about three minutes, most of it seeding and the 50/s read
//! of 2,000 pages).
#![allow(clippy::print_stdout)]

mod support;

use secoda_sync::sandbox::{self, SandboxConfig};
use secoda_sync::testing::apply::Outcome;
use secoda_sync::testing::manifest::generate::{tracking_plan, Shape};
use secoda_sync::testing::manifest::write;
use std::ffi::OsString;
use std::path::Path;
use std::process::{Child, Command};
use std::time::{Duration, Instant};
use support::{client, execute, plan_for, serve_sandbox_with, TOKEN};

/// 100 categories x 10 events x 100 properties.
const SHAPE: Shape = Shape {
    categories: 100,
    events: 10,
    properties: 100,
};

/// Seeds the workspace once, through the library against an in-process sandbox that saves
/// its state to `state` on shutdown.
async fn seed(state: &Path, manifest: &Path) {
    let set = tracking_plan(SHAPE);
    std::fs::write(manifest, write::to_yaml(&set, None).expect("yaml")).expect("manifest");
    let sb = sandbox::spawn(SandboxConfig {
        token: Some(TOKEN.to_owned()),
        state_file: Some(state.to_owned()),
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox");
    let c = client(sb.url(), TOKEN, None, 32);
    let plan = plan_for(&c, &set).await;
    let started = Instant::now();
    let (report, _) = execute(plan, &c, 32).await;
    let failed = report
        .entries
        .iter()
        .filter(|(_, o)| !matches!(o, Outcome::Done(_)))
        .count();
    assert_eq!(failed, 0, "seeding failed");
    sb.shutdown().await.expect("state saved");
    println!(
        "seeded {} resources by an unpaced apply in {:.1} s",
        report.entries.len(),
        started.elapsed().as_secs_f64()
    );
}

/// `sandbox serve` on a copy of `state` with `flags`, logging calls to `log`; the child and
/// its URL.
fn serve(state: &Path, log: &Path, flags: &[&str]) -> (Child, String) {
    let copy = state.with_extension(format!("{}.json", std::process::id()));
    std::fs::copy(state, &copy).expect("state copy");
    let _ = std::fs::remove_file(log);
    let mut all: Vec<OsString> = vec!["--state".into(), copy.into(), "--log".into(), log.into()];
    all.extend(flags.iter().map(OsString::from));
    serve_sandbox_with(&all)
}

/// What one plan cost.
struct Planned {
    took: Duration,
    reads: usize,
    limited: usize,
    settled: String,
}

/// `secoda-sync plan` of `manifest` against `url` with `flags`; the sandbox log tells the reads
/// and the 429s.
fn plan(url: &str, manifest: &Path, log: &Path, flags: &[&str]) -> Planned {
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_secoda-sync"))
        .env_clear()
        .env("SECODA_API_TOKEN", TOKEN)
        .args(["plan", "--api-url", url, "-v", "--format", "json"])
        .arg(manifest)
        .args(flags)
        .output()
        .expect("run plan");
    let took = started.elapsed();
    assert!(
        out.status.success(),
        "plan failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    let settled = stderr
        .lines()
        .find(|l| l.starts_with("Reads settled at "))
        .unwrap_or("")
        .to_owned();
    // The log is appended as calls are answered; give the server a moment to flush.
    std::thread::sleep(Duration::from_millis(300));
    let log = std::fs::read_to_string(log).unwrap_or_default();
    let entries: Vec<serde_json::Value> = log
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    Planned {
        took,
        reads: entries.iter().filter(|e| e["method"] == "GET").count(),
        limited: entries.iter().filter(|e| e["status"] == 429).count(),
        settled,
    }
}

fn stop(mut child: Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// One scenario: the plan unlimited (the plan's own time), then limited to `limit`.
fn scenario(name: &str, state: &Path, manifest: &Path, limit: &str, server: &[&str]) {
    let dir = state.parent().expect("dir");
    let log = dir.join("calls.jsonl");
    let (child, url) = serve(state, &log, server);
    let own = plan(&url, manifest, &log, &["--read-rate", "100000/s"]);
    stop(child);
    let limited_flags: Vec<&str> = [&["--read-limit", limit][..], server].concat();
    let (child, url) = serve(state, &log, &limited_flags);
    let run = plan(&url, manifest, &log, &[]);
    stop(child);
    let per_second: f64 = limit.trim_end_matches("/s").parse().expect("an N/s limit");
    // Reads retried after a 429 are not pages the plan needed.
    #[allow(clippy::cast_precision_loss)]
    let pages = (run.reads - run.limited) as f64;
    let bound = pages / per_second + own.took.as_secs_f64();
    println!(
        "{name:<38} {pages:>5} pages  plan {:>6.1} s  bound {:>6.1} s  ratio {:>4.2}  429s {:>2}  \
         (unlimited: {:.1} s)  {}",
        run.took.as_secs_f64(),
        bound,
        run.took.as_secs_f64() / bound,
        run.limited,
        own.took.as_secs_f64(),
        run.settled
    );
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let state = dir.path().join("state.json");
    let manifest = dir.path().join("plan.yaml");
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(seed(&state, &manifest));
    println!("\n== plan of 100,000 properties, --read-rate auto (ceiling 50/s), measured / bound");
    scenario(
        "server honours page_size, 50 reads/s",
        &state,
        &manifest,
        "50/s",
        &[],
    );
    scenario(
        "server ignores page_size, 50 reads/s",
        &state,
        &manifest,
        "50/s",
        &["--ignore-page-size"],
    );
    scenario(
        "server honours page_size, 5 reads/s",
        &state,
        &manifest,
        "5/s",
        &[],
    );
}
