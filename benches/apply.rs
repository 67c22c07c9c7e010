//! Apply and plan benchmarks against the sandbox (numbers for the report, no assertions).
//!
//! 1. The example plan (~150 creates) applied to an empty sandbox answering after 50 ms and
//!    limiting writes to 20/s, with the client pacing writes at 20/s: elapsed time against the
//!    rate-limit bound (creates / 20 s), and against a naive one-call-at-a-time loop.
//! 2. The generated 100,000-property plan applied to a sandbox in another process, then planned
//!    again (no changes): diff time, whole-plan time, peak RSS of this process.
//!
//! Run: `cargo bench --bench apply` (add `-- --quick` to skip the 100k part). The example
//! apply runs twice: at 50 ms latency and at 200 ms, closer to a remote API.

#![allow(clippy::print_stdout)]

mod support;

use secoda_sync::sandbox::{self, Faults, SandboxConfig};
use secoda_sync::testing::api::{Client, Id, Rate};
use secoda_sync::testing::apply::{self, Outcome};
use secoda_sync::testing::manifest::generate::{tracking_plan, Shape};
use secoda_sync::testing::manifest::{self, LoadOptions};
use secoda_sync::testing::plan::resolve::resolve;
use secoda_sync::testing::plan::{diff, Action, DiffOptions, ParentRef, Plan};
use secoda_sync::testing::workspace;
use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};
use support::{client, execute, peak_rss_mb, plan_for, serve_sandbox, TOKEN};

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(example_apply(Duration::from_millis(50)));
    // Secoda's own answers take longer than a local sandbox's: the naive loop pays each one.
    rt.block_on(example_apply(Duration::from_millis(200)));
    if !quick {
        rt.block_on(large_plan());
    }
}

async fn example_apply(latency: Duration) {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ecommerce");
    let loaded = manifest::load(&LoadOptions {
        paths: vec![examples],
        ..LoadOptions::default()
    });
    assert!(!loaded.has_errors(), "the examples load");
    let rate: Rate = "20/s".parse().expect("rate");
    let config = || SandboxConfig {
        faults: Faults {
            latency,
            write_limit: Some("20/s".parse().expect("limit")),
            ..Faults::default()
        },
        ..SandboxConfig::default()
    };

    // The executor: ready-queue, concurrent, paced by the client.
    let sb = sandbox::spawn(config()).await.expect("sandbox");
    let c = client(sb.url(), sb.token(), Some(rate), 8);
    let plan = plan_for(&c, &loaded.set).await;
    let writes = plan.summary().writes();
    let (report, executor) = execute(plan, &c, 8).await;
    assert!(report.is_complete(), "the apply completes");
    let posts = sb.request_log().iter().filter(|e| e.is_write()).count();
    let stats = c.stats();
    sb.shutdown().await.expect("shutdown");

    // The naive loop: one call at a time, in plan order, same pacing.
    let sb = sandbox::spawn(config()).await.expect("sandbox");
    let c = client(sb.url(), sb.token(), Some(rate), 8);
    let plan2 = plan_for(&c, &loaded.set).await;
    let start = Instant::now();
    naive(&plan2, &c).await;
    let naive_time = start.elapsed();
    sb.shutdown().await.expect("shutdown");

    let bound = rate.time_for(writes);
    println!(
        "== apply of the example plan: latency {} ms, sandbox write limit 20/s, --write-rate 20/s",
        latency.as_millis()
    );
    println!("changes (writes planned):     {writes}");
    println!(
        "write calls seen by sandbox:  {posts} (writes per change {:.2})",
        posts as f64 / writes as f64
    );
    println!("429s seen by the client:      {}", stats.rate_limited);
    println!("rate-limit bound (N/20 s):    {:.2}s", bound.as_secs_f64());
    println!(
        "executor:                     {:.2}s ({:.3}x the bound)",
        executor.as_secs_f64(),
        executor.as_secs_f64() / bound.as_secs_f64()
    );
    println!(
        "naive one-at-a-time loop:     {:.2}s ({:.3}x the bound; executor is {:.2}x faster)",
        naive_time.as_secs_f64(),
        naive_time.as_secs_f64() / bound.as_secs_f64(),
        naive_time.as_secs_f64() / executor.as_secs_f64()
    );
}

/// Runs `plan` through the executor with `concurrency` changes in flight; the report and the
/// time it took.
/// One write after another, each awaited before the next starts.
async fn naive(plan: &Plan, c: &Client) {
    let mut created: HashMap<String, Id> = HashMap::new();
    for change in plan.changes.iter().filter(|c| c.action.is_write()) {
        let parent = match &change.parent {
            Some(ParentRef::Id(id)) => Some(id.clone()),
            Some(ParentRef::Pending(k)) => created.get(k).cloned(),
            None => None,
        };
        let w = apply::write_for(change, &plan.integration.id, parent).expect("write");
        let id = apply::send(c, w, &secoda_sync::testing::plan::fidelity::Ledger::new())
            .await
            .expect("write call");
        if change.action == Action::Create {
            created.insert(change.key.to_string(), id.expect("created id"));
        }
    }
}

async fn large_plan() {
    // The sandbox runs in its own process so that the peak RSS below is the tool's alone.
    let (mut child, url) = serve_sandbox();
    let set = tracking_plan(Shape::LARGE);
    let counts = set.counts();
    let c = client(&url, TOKEN, None, 32);

    let start = Instant::now();
    let plan = plan_for(&c, &set).await;
    let first_plan = start.elapsed();
    let (report, apply_time) = execute(plan, &c, 32).await;
    let failed = report
        .entries
        .iter()
        .filter(|(_, o)| !matches!(o, Outcome::Done(_)))
        .count();
    let created = report.entries.len();
    drop(report);

    // The no-change plan, piece by piece so the diff can be timed alone.
    let start = Instant::now();
    let lookups = workspace::fetch_lookups(&c, &set, 8)
        .await
        .expect("lookups");
    let resolved = resolve(&set, &lookups).expect("resolve");
    let read_start = Instant::now();
    let live_state = workspace::read_live(&c, &resolved.integration, &lookups.integrations, &|| {})
        .await
        .expect("live");
    let read = read_start.elapsed();
    let diff_start = Instant::now();
    let again = diff(&resolved, &live_state, &DiffOptions::default());
    let diff_time = diff_start.elapsed();
    let total = start.elapsed();
    let _ = child.kill();
    let _ = child.wait();

    println!(
        "\n== generated plan: {} categories, {} events, {} properties",
        counts.categories, counts.events, counts.properties
    );
    println!(
        "first plan (empty workspace): {:.2}s",
        first_plan.as_secs_f64()
    );
    println!(
        "apply, unpaced, concurrency 32: {created} creates in {:.1}s ({:.0}/s), {failed} not done",
        apply_time.as_secs_f64(),
        created as f64 / apply_time.as_secs_f64()
    );
    println!(
        "re-plan (no changes: {}):      total {:.2}s, reading live {:.2}s, diff {:.3}s",
        again.summary().is_empty(),
        total.as_secs_f64(),
        read.as_secs_f64(),
        diff_time.as_secs_f64()
    );
    println!("peak RSS (VmHWM) of plan + apply: {:.0} MB", peak_rss_mb());
}
