//! Load + validate a generated 100,000-property tracking plan in each format, printing wall
//! time and peak RSS. Each format runs in a fresh child process so peaks do not mix.
//!
//! Run: `cargo bench --bench load` (targets: < 2 s CSV/JSONL, < 4 s YAML, < 500 MB).
#![allow(clippy::print_stdout)]

use secoda_sync::testing::manifest::generate::{tracking_plan, Shape};
use secoda_sync::testing::manifest::{load, write, LoadOptions};
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

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
    let set = tracking_plan(Shape::LARGE);
    let files = [
        ("plan.csv", write::to_csv(&set).expect("csv")),
        ("plan.jsonl", write::to_jsonl(&set).expect("jsonl")),
        ("plan.yaml", write::to_yaml(&set, None).expect("yaml")),
    ];
    drop(set);
    let exe = std::env::current_exe().expect("bench executable");
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("write plan");
        let status = Command::new(&exe)
            .env(CHILD, &path)
            .status()
            .expect("run child");
        assert!(status.success(), "{name} failed");
    }
}
