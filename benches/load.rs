//! Load + validate a generated 100,000-property tracking plan in each format, printing wall
//! time and peak RSS. Each format runs in a fresh child process so peaks do not mix.
//!
//! Then, side by side in one run: `secoda-sync validate` of each file (the binary, as users run
//! it; best of five, with the highest peak RSS of the five) against Python merely `json.loads`-ing the JSONL's
//! lines, printing the ratios (YAML and CSV are also compared with JSONL). Skipped with a note
//! where `python3` is missing. `SECODA_LOAD_BENCH_BASELINE=/path/to/another/secoda-sync` times
//! that binary too, in the same run (e.g. a build without a lever being measured).
//!
//! `SECODA_LOAD_BENCH_DIR=DIR` writes the generated files there and keeps them (for a
//! profiler); otherwise they go to a temporary directory.
//!
//! Run: `cargo bench --bench load`.
#![allow(clippy::print_stdout)]

use secoda_sync::testing::manifest::generate::{tracking_plan, Shape};
use secoda_sync::testing::manifest::{load, write, LoadOptions};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const CHILD: &str = "SECODA_LOAD_BENCH_FILE";

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn child(path: &std::path::Path) {
    let start = Instant::now();
    let loaded = load(&LoadOptions {
        paths: vec![path.to_path_buf()],
        ..LoadOptions::default()
    });
    let elapsed = start.elapsed();
    let c = loaded.set.counts();
    assert!(!loaded.has_errors(), "{:?}", &loaded.diagnostics[..1]);
    assert_eq!(c.properties, 100_000);
    let size = std::fs::metadata(path).map_or(0, |m| m.len());
    println!(
        "{:<6} {:>7.1} MB file  load+validate {:>6.3} s  peak RSS {:>6.1} MB  ({} categories, {} events, {} properties)",
        path.extension().and_then(|e| e.to_str()).unwrap_or("?"),
        size as f64 / 1e6,
        elapsed.as_secs_f64(),
        peak_rss_mb(),
        c.categories,
        c.events,
        c.properties
    );
}

fn main() {
    if let Some(path) = std::env::var_os(CHILD) {
        child(&PathBuf::from(path));
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    // `SECODA_LOAD_BENCH_DIR` keeps the generated files there, for a profiler to read.
    let kept = std::env::var_os("SECODA_LOAD_BENCH_DIR").map(PathBuf::from);
    let dir_path = kept.as_deref().unwrap_or(dir.path());
    std::fs::create_dir_all(dir_path).expect("bench dir");
    let set = tracking_plan(Shape::LARGE);
    let files = [
        ("plan.csv", write::to_csv(&set).expect("csv")),
        ("plan.jsonl", write::to_jsonl(&set).expect("jsonl")),
        ("plan.yaml", write::to_yaml(&set, None).expect("yaml")),
    ];
    drop(set);
    let exe = std::env::current_exe().expect("bench executable");
    for (name, text) in files {
        let path = dir_path.join(name);
        std::fs::write(&path, text).expect("write plan");
        let status = Command::new(&exe)
            .env(CHILD, &path)
            .status()
            .expect("run child");
        assert!(status.success(), "{name} failed");
    }
    against_python(dir_path);
}

/// Runs of each command: a shared machine slows a run now and then, and the best of a few
/// is the one it did not.
const RUNS: usize = 5;

/// The best of [`RUNS`] runs of `cmd`, and the highest peak RSS (MB) `/usr/bin/time` saw in
/// them, if any.
fn best_of_runs(mut cmd: impl FnMut() -> Command) -> (Duration, Option<f64>) {
    let mut best = Duration::MAX;
    let mut rss: Option<f64> = None;
    for _ in 0..RUNS {
        let mut c = cmd();
        let started = Instant::now();
        let out = c.output().expect("run");
        best = best.min(started.elapsed());
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let run_rss = String::from_utf8_lossy(&out.stderr)
            .lines()
            .find_map(|l| l.strip_prefix("maxrss_kb="))
            .and_then(|k| k.trim().parse::<f64>().ok())
            .map(|kb| kb / 1024.0);
        rss = match (rss, run_rss) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
    }
    (best, rss)
}

/// `bin validate FILE`, under `/usr/bin/time` when there is one (for its peak RSS).
fn validate(bin: &Path, file: &Path) -> Command {
    if Path::new("/usr/bin/time").exists() {
        let mut c = Command::new("/usr/bin/time");
        c.args(["-f", "maxrss_kb=%M"])
            .arg(bin)
            .args(["validate", "-q"])
            .arg(file);
        c
    } else {
        let mut c = Command::new(bin);
        c.args(["validate", "-q"]).arg(file);
        c
    }
}

fn against_python(dir: &Path) {
    let jsonl = dir.join("plan.jsonl");
    let python = Command::new("python3").arg("--version").output();
    println!("\n== `secoda-sync validate` (binary, best of {RUNS}, highest peak RSS) side by side with Python");
    let bin = Path::new(env!("CARGO_BIN_EXE_secoda-sync"));
    let (ours, rss) = best_of_runs(|| validate(bin, &jsonl));
    let shown =
        |rss: Option<f64>| rss.map_or_else(String::new, |r| format!("  peak RSS {r:.0} MB"));
    println!("jsonl  {:>6.3} s{}", ours.as_secs_f64(), shown(rss));
    for name in ["plan.yaml", "plan.csv"] {
        let (t, rss) = best_of_runs(|| validate(bin, &dir.join(name)));
        println!(
            "{:<6} {:>6.3} s{}  ratio to JSONL {:.2}",
            name.trim_start_matches("plan."),
            t.as_secs_f64(),
            shown(rss),
            t.as_secs_f64() / ours.as_secs_f64()
        );
    }
    if let Some(base) = std::env::var_os("SECODA_LOAD_BENCH_BASELINE") {
        let base = PathBuf::from(base);
        for name in ["plan.jsonl", "plan.yaml", "plan.csv"] {
            let (t, rss) = best_of_runs(|| validate(&base, &dir.join(name)));
            let (now, _) = best_of_runs(|| validate(bin, &dir.join(name)));
            println!(
                "baseline {:<6} {:>6.3} s{}  this build / baseline {:.2}",
                name.trim_start_matches("plan."),
                t.as_secs_f64(),
                shown(rss),
                now.as_secs_f64() / t.as_secs_f64()
            );
        }
    }
    if python.is_err() {
        println!("(python3 not found: the ratio to json.loads is not measured)");
        return;
    }
    let (py, _) = best_of_runs(|| {
        let mut c = Command::new("python3");
        c.args([
            "-c",
            "import json,sys\nfor line in open(sys.argv[1], encoding='utf-8'):\n    json.loads(line)",
        ])
        .arg(&jsonl);
        c
    });
    println!(
        "python json.loads of every JSONL line {:>6.3} s; validate / json.loads = {:.2}",
        py.as_secs_f64(),
        ours.as_secs_f64() / py.as_secs_f64()
    );
}
