//! What the benches share: a sandbox in its own process (so a bench's peak RSS is the tool's
//! alone), clients, planning and applying through the library, and peak memory.
//!
//! Each bench is its own crate and uses part of this, hence the `dead_code` allowance.

#![allow(dead_code)]

use secoda_sync::testing::api::{Client, ClientConfig, Rate, Token};
use secoda_sync::testing::apply::{self, Cancel, ExecOptions, Progress, Report};
use secoda_sync::testing::manifest::ManifestSet;
use secoda_sync::testing::output::Printer;
use secoda_sync::testing::pipeline::{self, Planning};
use secoda_sync::testing::plan::{DiffOptions, Plan};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use url::Url;

/// The token every bench sandbox accepts.
pub(crate) const TOKEN: &str = "bench-token";

/// `secoda-sync sandbox serve` on an ephemeral port, and the URL it announced. Kill the child
/// when done.
pub(crate) fn serve_sandbox() -> (Child, String) {
    serve_sandbox_with::<&str>(&[])
}

/// [`serve_sandbox`] with more `sandbox serve` flags.
pub(crate) fn serve_sandbox_with<S: AsRef<std::ffi::OsStr>>(flags: &[S]) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_secoda-sync"))
        .args([
            "sandbox",
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--token",
            TOKEN,
        ])
        .args(flags)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("sandbox serve");
    let stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let url = stdout
        .lines()
        .map(|l| l.expect("line"))
        .find_map(|l| {
            l.strip_prefix("export SECODA_API_URL=")
                .map(|u| u.trim().to_owned())
        })
        .expect("the sandbox announces its URL");
    (child, url)
}

/// A client for `url` with the given write pacing and concurrency.
pub(crate) fn client(
    url: &str,
    token: &str,
    write_rate: Option<Rate>,
    concurrency: usize,
) -> Client {
    let mut config = ClientConfig::new(Url::parse(url).expect("url"), Token::new(token));
    config.write_rate = write_rate;
    config.concurrency = concurrency;
    Client::new(config).expect("client")
}

/// The plan of `set` against the workspace behind `client`.
pub(crate) async fn plan_for(client: &Client, set: &ManifestSet) -> Plan {
    match pipeline::plan(
        client,
        set,
        None,
        DiffOptions::default(),
        pipeline::Checks::default(),
        8,
        &Printer::plain(),
    )
    .await
    .expect("plan")
    {
        Planning::Planned { plan, .. } => plan,
        Planning::Unresolved(e) => panic!("unresolved names: {e:?}"),
        Planning::Refused(r) => panic!("refused: {r:?}"),
    }
}

/// Applies `plan` through the executor, without progress output; the report and how long it
/// took.
pub(crate) async fn execute(plan: Plan, c: &Client, concurrency: usize) -> (Report, Duration) {
    let progress = Progress::hidden();
    let cancel = Cancel::new();
    let integration = plan.integration.id.clone();
    let ledger = secoda_sync::testing::plan::fidelity::Ledger::new();
    let opts = ExecOptions {
        integration: &integration,
        concurrency,
        cancel: &cancel,
        progress: &progress,
        ledger: &ledger,
    };
    let start = Instant::now();
    let report = apply::execute(plan, &opts, |w| apply::send(c, w, &ledger)).await;
    (report, start.elapsed())
}

/// This process's peak resident memory (VmHWM) in MB; NaN where /proc is missing.
pub(crate) fn peak_rss_mb() -> f64 {
    status_mb("VmHWM:")
}

/// A `kB` field of /proc/self/status in MB; NaN where /proc is missing.
pub(crate) fn status_mb(field: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}
