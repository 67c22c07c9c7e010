//! Reads at the server's pace: `--read-rate auto` against a server that limits reads, and the
//! page size a run settles on.

use crate::util::{ex, Sandbox};
use secoda_sync::sandbox::{self, Faults, SandboxConfig};

#[test]
fn a_plan_against_a_server_limiting_reads_meets_a_handful_of_429s_and_says_its_pace() {
    // Small pages the server will not grow, so the plan reads a few dozen of them.
    let sb = Sandbox::start(SandboxConfig {
        page_size: 5,
        page_size_param: sandbox::PageSizeParam::Ignored,
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

#[test]
fn a_server_refusing_page_size_is_read_without_it() {
    let sb = Sandbox::start(SandboxConfig {
        page_size: 5,
        page_size_param: sandbox::PageSizeParam::Refused,
        ..SandboxConfig::default()
    });
    sb.run(&["apply", &ex(), "--auto-approve"]).ok();
    sb.clear_log();
    let out = sb.run(&["plan", &ex()]).ok();
    assert!(out.stdout.contains("No changes"), "{}", out.stdout);
    let log = sb.log();
    let reads = log.iter().filter(|e| e.method == "GET").count();
    let query = |e: &sandbox::LogEntry| e.query.clone().unwrap_or_default();
    let refused: Vec<_> = log.iter().filter(|e| e.status == Some(400)).collect();
    // Only the lists started before the first refusal came back asked for it (the plan starts
    // a few at once); each first page refused was asked again without it, and no page after a
    // first one asked.
    assert!(
        !refused.is_empty(),
        "the server was never asked for page_size"
    );
    assert!(
        refused.len() * 4 < reads,
        "{} answers of 400 in {reads} reads: the run kept asking",
        refused.len()
    );
    for e in &refused {
        assert!(
            query(e).starts_with("page=1&") || query(e).contains("&page=1&"),
            "{e:?}"
        );
        let again = log
            .iter()
            .any(|r| r.path == e.path && r.status == Some(200) && !query(r).contains("page_size"));
        assert!(again, "{} was not read again without page_size", e.path);
    }
    let asked_later = log
        .iter()
        .filter(|e| query(e).contains("page_size") && !query(e).contains("page=1&"))
        .count();
    assert_eq!(
        asked_later, 0,
        "pages after a first one asked for page_size"
    );
}

#[test]
fn the_look_ups_before_creates_list_each_parent_once_for_its_new_children() {
    let sb = Sandbox::new();
    let out = sb.run(&["apply", &ex(), "--auto-approve"]).ok();
    assert!(out.stdout.contains("Apply complete"), "{}", out.stdout);
    let log = sb.log();
    let created = |path: &str| {
        log.iter()
            .filter(|e| e.method == "POST" && e.path == path)
            .count()
    };
    let looked_up = |path: &str| {
        log.iter()
            .filter(|e| e.method == "GET" && e.path == path)
            .filter(|e| e.query.as_deref().is_some_and(|q| q.contains("parent_id=")))
            .count()
    };
    let (events, properties) = (
        created("/api/v1/event/events"),
        created("/api/v1/event/event_properties"),
    );
    assert!(
        properties > 3 * events,
        "{properties} properties, {events} events"
    );
    // One list of an event's properties answers the look-ups of every property created
    // under it at about the same time (not one look-up per property).
    let property_looks = looked_up("/api/v1/event/event_properties");
    assert!(
        property_looks <= events,
        "{property_looks} look-ups for {properties} properties under {events} events"
    );
    assert!(looked_up("/api/v1/event/events") < events);
}
