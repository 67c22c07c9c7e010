//! Reads at the server's pace: `--read-rate auto` against a server that limits reads, and the
//! page size a run settles on.

use crate::util::{ex, Sandbox};
use secoda_sync::sandbox::{Faults, SandboxConfig};

#[test]
fn a_plan_against_a_server_limiting_reads_meets_a_handful_of_429s_and_says_its_pace() {
    // Small pages the server will not grow, so the plan reads a few dozen of them.
    let sb = Sandbox::start(SandboxConfig {
        page_size: 5,
        page_size_param: false,
        ..SandboxConfig::default()
    });
    sb.run(&["apply", &ex(), "--auto-approve"]).ok();
    sb.set_faults(Faults {
        read_limit: Some("8/s".parse().unwrap()),
        ..Faults::default()
    });
    sb.clear_log();
    let out = sb.run(&["plan", &ex(), "-v"]).ok();
    assert!(out.stdout.contains("No changes"), "{}", out.stdout);
    let log = sb.log();
    let reads = log.iter().filter(|e| e.method == "GET").count();
    let limited = log.iter().filter(|e| e.status == Some(429)).count();
    assert!(reads > 40, "a plan of {reads} reads proves little");
    assert!(limited <= 10, "{limited} answers of 429 in {reads} reads");
    assert!(
        out.stderr.contains("Pacing: reads auto (up to 50/s)"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("Reads settled at "), "{}", out.stderr);
    // Lists asked for large pages until one showed they are not given; later lists do not
    // ask again.
    let asked = log
        .iter()
        .filter(|e| e.query.as_deref().is_some_and(|q| q.contains("page_size")))
        .count();
    assert!(
        asked < reads / 3,
        "{asked} of {reads} reads asked for page_size"
    );
}

#[test]
fn a_fixed_read_rate_is_kept_as_given() {
    let sb = Sandbox::new();
    let out = sb.run(&["plan", &ex(), "-v", "--read-rate", "200/s"]).ok();
    assert!(
        out.stderr.contains("Pacing: reads 200/s, writes 1000/s"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("Reads settled at"), "{}", out.stderr);
    let bad = sb.run(&["plan", &ex(), "--read-rate", "fast"]).code(1);
    assert!(bad.stderr.contains("write `auto`"), "{}", bad.stderr);
}
