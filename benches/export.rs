//! Export benchmark: a sandbox (in its own process) seeded with the generated 100,000-property
//! tracking plan by an unpaced apply, then exported in each format. Each export runs in a
//! fresh child process so its peak RSS (VmHWM) is the export's alone: reading the workspace
//! page by page into the compact model, then serialising it and writing the file.
//! The binary is also timed end to end (`secoda-sync export --out`, reads unpaced).
//!
//! Run: `cargo bench --bench export`.
#![allow(clippy::print_stdout)]

mod support;

use secoda_sync::testing::apply::Outcome;
use secoda_sync::testing::export::{export, ExportOptions};
use secoda_sync::testing::manifest::generate::{tracking_plan, Shape};
use secoda_sync::testing::manifest::{write, IntegrationRef, ManifestSet};
use secoda_sync::testing::plan::IntegrationInfo;
use secoda_sync::testing::workspace;
use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::Instant;
use support::{client, execute, peak_rss_mb, plan_for, serve_sandbox, status_mb, TOKEN};

const CHILD_URL: &str = "SECODA_EXPORT_BENCH_URL";
const CHILD_FORMAT: &str = "SECODA_EXPORT_BENCH_FORMAT";
const CHILD_OUT: &str = "SECODA_EXPORT_BENCH_OUT";

/// For comparison: what holding every wire resource (as `plan` reads them) costs.
fn wire_child(url: &str, rt: &tokio::runtime::Runtime) {
    let c = client(url, TOKEN, None, 8);
    let start = Instant::now();
    let live = rt.block_on(async {
        let lookups = workspace::fetch_lookups(&c, &ManifestSet::default(), 8)
            .await
            .expect("lookups");
        let segment = lookups
            .integrations
            .iter()
            .find(|i| i.name == "Segment")
            .expect("Segment")
            .clone();
        let info = IntegrationInfo {
            id: segment.id,
            name: segment.name,
        };
        workspace::read_live(&c, &info, &lookups.integrations, &|| {})
            .await
            .expect("read")
    });
    println!(
        "wire  read {:>6.2} s  (every api::Resource kept, as `plan` reads)     peak RSS {:>6.1} MB  \
         [{} properties]",
        start.elapsed().as_secs_f64(),
        peak_rss_mb(),
        live.properties.len()
    );
}

/// One export in this (child) process: read, serialise, write; prints times and peak RSS.
fn child(url: &str, format: &str, out: &Path) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    if format == "wire" {
        wire_child(url, &rt);
        return;
    }
    let opts = ExportOptions {
        integration: IntegrationRef::parse("Segment"),
        categories: Vec::new(),
        include_monitors: format != "csv",
        list_safe: format == "csv",
        concurrency: 8,
        property_types: secoda_sync::testing::manifest::PropertyTypes::Native,
    };
    let base = status_mb("VmRSS:");
    let start = Instant::now();
    let exported = rt
        .block_on(export(&client(url, TOKEN, None, 8), &opts))
        .expect("export");
    let read = start.elapsed();
    let after_read = peak_rss_mb();
    let start = Instant::now();
    let mut file = std::io::BufWriter::new(std::fs::File::create(out).expect("create"));
    match format {
        "yaml" => write::write_yaml(&exported.set, None, &mut file),
        "csv" => write::write_csv(&exported.set, &mut file),
        _ => write::write_jsonl(&exported.set, &mut file),
    }
    .expect("serialise");
    file.flush().expect("flush");
    let serialise = start.elapsed();
    let size = std::fs::metadata(out).map_or(0, |m| m.len());
    let c = exported.set.counts();
    println!(
        "{format:<5} read {:>6.2} s  serialise+write {:>5.2} s  {:>6.1} MB file  peak RSS {:>6.1} MB \
         (after reading {:>6.1} MB, at start {:>4.1} MB)  [{} categories, {} events, {} properties]",
        read.as_secs_f64(),
        serialise.as_secs_f64(),
        size as f64 / 1e6,
        peak_rss_mb(),
        after_read,
        base,
        c.categories,
        c.events,
        c.properties
    );
}

async fn seed(url: &str) {
    let set = tracking_plan(Shape::LARGE);
    let c = client(url, TOKEN, None, 32);
    let plan = plan_for(&c, &set).await;
    let (report, took) = execute(plan, &c, 32).await;
    let failed = report
        .entries
        .iter()
        .filter(|(_, o)| !matches!(o, Outcome::Done(_)))
        .count();
    assert_eq!(failed, 0, "seeding failed");
    println!(
        "seeded {} resources by an unpaced apply in {:.1} s",
        report.entries.len(),
        took.as_secs_f64()
    );
}

fn main() {
    if let (Some(url), Some(format), Some(out)) = (
        std::env::var_os(CHILD_URL),
        std::env::var_os(CHILD_FORMAT),
        std::env::var_os(CHILD_OUT),
    ) {
        child(
            &url.to_string_lossy(),
            &format.to_string_lossy(),
            Path::new(&out),
        );
        return;
    }
    let bin = env!("CARGO_BIN_EXE_secoda-sync");
    let (mut sandbox, url) = serve_sandbox();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(seed(&url));

    let dir = tempfile::tempdir().expect("temp dir");
    let exe = std::env::current_exe().expect("bench executable");
    println!("\n== library export in a child process (sandbox page size 50, reads unpaced)");
    for format in ["yaml", "csv", "jsonl", "wire"] {
        let status = Command::new(&exe)
            .env(CHILD_URL, &url)
            .env(CHILD_FORMAT, format)
            .env(CHILD_OUT, dir.path().join(format!("lib.{format}")))
            .status()
            .expect("run child");
        assert!(status.success(), "{format} export failed");
    }
    println!("\n== `secoda-sync export --out FILE --read-rate 1000/s`, wall time");
    for format in ["yaml", "csv", "jsonl"] {
        let out = dir.path().join(format!("bin.{format}"));
        let start = Instant::now();
        let mut cmd = Command::new(bin);
        cmd.env_clear()
            .env("SECODA_API_TOKEN", TOKEN)
            .args(["export", "--integration", "Segment", "--format", format])
            .args(["--read-rate", "1000/s", "--api-url", &url, "-q", "--out"])
            .arg(&out);
        if format != "csv" {
            cmd.arg("--include-monitors");
        }
        let status = cmd.status().expect("run export");
        assert!(status.success(), "{format} export failed");
        let lib = std::fs::read(dir.path().join(format!("lib.{format}"))).ok();
        let same = std::fs::read(&out).ok() == lib;
        println!(
            "{format:<5} {:>6.2} s{}",
            start.elapsed().as_secs_f64(),
            if same {
                ""
            } else {
                "  (differs from the library export!)"
            }
        );
    }
    let _ = sandbox.kill();
    let _ = sandbox.wait();
}
