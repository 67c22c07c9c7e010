//! Client speed against the in-process sandbox.
//!
//! `cargo bench --bench client` runs the paced and scaling scenarios;
//! `cargo bench --bench client -- secoda` adds the ~2 minute `--secoda-limits` rehearsal
//! (`all` runs everything, `pace` / `scale` / `read` / `secoda` pick scenarios).

use futures::StreamExt;
use secoda_sync::sandbox::{self, seed, Fault, Faults, RunningSandbox, SandboxConfig};
use secoda_sync::testing::api::{
    Client, ClientConfig, Id, LogSink, Rate, ReadPace, ResourceWrite, Token,
};
use std::io::Write;
use std::time::{Duration, Instant};
use url::Url;

/// What one scenario measured.
struct Run {
    elapsed: Duration,
    failures: usize,
    throttled_answers: usize,
    client_429s: u64,
}

fn out(line: &str) {
    let _ = writeln!(std::io::stdout().lock(), "{line}");
}

async fn start(faults: Faults) -> RunningSandbox {
    let sb = sandbox::spawn(SandboxConfig::default())
        .await
        .expect("sandbox starts");
    sb.set_faults(faults).expect("valid faults");
    sb
}

fn client(sb: &RunningSandbox, write_rate: Option<Rate>, concurrency: usize) -> Client {
    let mut c = ClientConfig::new(Url::parse(sb.url()).expect("url"), Token::new(sb.token()));
    c.write_rate = write_rate;
    c.read_pace = ReadPace::Unpaced;
    c.concurrency = concurrency;
    c.log_sink = LogSink::new(std::io::sink());
    Client::new(c).expect("client")
}

/// Creates `n` events under a fresh category with `workers` tasks, as apply would.
async fn create_events(sb: &RunningSandbox, c: &Client, n: usize, workers: usize) -> Run {
    let cat = c
        .create_category(&ResourceWrite {
            title: Some(format!("Bench {}", uuid::Uuid::new_v4())),
            integration: Some(Id::from(seed::SEGMENT)),
            ..ResourceWrite::default()
        })
        .await
        .expect("category");
    sb.clear_log();
    let before = c.stats();
    let started = Instant::now();
    let results: Vec<_> = futures::stream::iter(0..n)
        .map(|i| {
            let c = c.clone();
            let body = ResourceWrite {
                title: Some(format!("Event {i}")),
                parent: Some(cat.id.clone()),
                integration: Some(Id::from(seed::SEGMENT)),
                description: Some("benchmark".into()),
                ..ResourceWrite::default()
            };
            async move { c.create_event_idempotent(&body).await }
        })
        .buffer_unordered(workers)
        .collect()
        .await;
    let elapsed = started.elapsed();
    let throttled_answers = sb
        .request_log()
        .iter()
        .filter(|e| e.fault == Some(Fault::Throttled))
        .count();
    Run {
        elapsed,
        failures: results.iter().filter(|r| r.is_err()).count(),
        throttled_answers,
        client_429s: c.stats().rate_limited - before.rate_limited,
    }
}

async fn paced() {
    let limit: Rate = "20/s".parse().expect("rate");
    let sb = start(Faults {
        latency: Duration::from_millis(50),
        write_limit: Some("20/s".parse().expect("limit")),
        ..Faults::default()
    })
    .await;
    let c = client(&sb, Some(limit), 16);
    let n = 600;
    let r = create_events(&sb, &c, n, 16).await;
    let bound = limit.time_for(n);
    out(&format!(
        "| 600 creates, sandbox latency 50 ms + write limit 20/s, client --write-rate 20/s --concurrency 16 | {:.2} s (bound {} s, ratio {:.3}, target <= 1.10) | failures {}, 429 answers {} |",
        r.elapsed.as_secs_f64(),
        bound.as_secs(),
        r.elapsed.as_secs_f64() / bound.as_secs_f64(),
        r.failures,
        r.throttled_answers,
    ));
}

async fn secoda_limits() {
    let sb = start(Faults {
        write_limit: Some(secoda_sync::sandbox::Limit::SECODA_WRITES),
        retry_after: false,
        ..Faults::default()
    })
    .await;
    let c = client(&sb, Some(Rate::SECODA_WRITES), 8);
    let r = create_events(&sb, &c, 60, 8).await;
    out(&format!(
        "| 60 creates, sandbox --secoda-limits (30/min, no Retry-After), client defaults (30/min, concurrency 8) | {:.1} s | failures {}, 429 answers {} (client saw {}; target <= 2) |",
        r.elapsed.as_secs_f64(),
        r.failures,
        r.throttled_answers,
        r.client_429s,
    ));
}

async fn scaling() {
    let sb = start(Faults {
        latency: Duration::from_millis(50),
        ..Faults::default()
    })
    .await;
    let mut base = None;
    for workers in [1usize, 2, 4, 8, 16, 32] {
        let c = client(&sb, None, workers);
        let n = 40 * workers;
        let r = create_events(&sb, &c, n, workers).await;
        let rate = n as f64 / r.elapsed.as_secs_f64();
        let base = *base.get_or_insert(rate);
        out(&format!(
            "| no limit, latency 50 ms, --concurrency {workers:>2} | {n} creates in {:.2} s = {rate:.1}/s | speed-up {:.1}x (ideal {workers}x), failures {} |",
            r.elapsed.as_secs_f64(),
            rate / base,
            r.failures,
        ));
    }
}

/// Lists 5,000 events (100 pages) at 50 ms latency: one page at a time (`--concurrency 1`)
/// against read-ahead windows of 8 pages.
async fn reading() {
    let sb = start(Faults::default()).await;
    let c = client(&sb, None, 32);
    create_events(&sb, &c, 5_000, 32).await;
    sb.set_faults(Faults {
        latency: Duration::from_millis(50),
        ..Faults::default()
    })
    .expect("valid faults");
    for workers in [1usize, 8] {
        let c = client(&sb, None, workers);
        let started = Instant::now();
        let n = c
            .list_events(&secoda_sync::testing::api::ListFilter::default())
            .fold(0usize, |n, r| async move { n + usize::from(r.is_ok()) })
            .await;
        out(&format!(
            "| list {n} events (100 pages), latency 50 ms, --concurrency {workers} | {:.2} s | {:.1} pages/s |",
            started.elapsed().as_secs_f64(),
            100.0 / started.elapsed().as_secs_f64(),
        ));
    }
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let want = |name: &str| {
        args.iter().any(|a| a == name || a == "all") || (args.is_empty() && name != "secoda")
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        out("| scenario | time | outcome |");
        out("|---|---|---|");
        if want("pace") {
            paced().await;
        }
        if want("scale") {
            scaling().await;
        }
        if want("read") {
            reading().await;
        }
        if want("secoda") {
            secoda_limits().await;
        }
    });
}
