//! `secoda-sync doctor` through the binary: against the sandbox (text and JSON, GETs only),
//! with a refused token, and against a scripted server whose lists answer only in the other
//! slash form and whose deprecated events list is gone.

use crate::util::{bin, Out, Sandbox};
use secoda_sync::sandbox::SandboxConfig;
use secoda_sync::testing::doctor::report::Answer;
use secoda_sync::testing::doctor::DoctorReport;
use serde_json::json;

/// Reads unpaced, so the ~40 calls take no time against a local server.
const FAST: [&str; 2] = ["--read-rate", "1000/s"];

#[track_caller]
fn only_gets(sb: &Sandbox) {
    let log = sb.log();
    assert!(log.len() > 20, "doctor made {} calls", log.len());
    let others: Vec<_> = log.iter().filter(|e| e.method != "GET").collect();
    assert!(others.is_empty(), "doctor must never write: {others:?}");
}

#[test]
fn doctor_text_against_the_sandbox_reports_every_check_and_only_reads() {
    let sb = Sandbox::new();
    let out = sb.run(&[&["doctor"][..], &FAST].concat()).ok();
    only_gets(&sb);
    for line in [
        "ok    token",
        "ok    healthcheck",
        "12 lists answer as the tool sends them",
        "the category list ignores integration_id: asked for Segment",
        "the resource list answers type = event",
        "/monitor/monitors -> 200",
        "Amplitude (1 event)",
        "p50 ",
        "0 failures: the tool can work with this workspace.",
    ] {
        assert!(out.stdout.contains(line), "no `{line}` in:\n{}", out.stdout);
    }
    assert!(!out.stdout.contains(&sb.token()) && !out.stderr.contains(&sb.token()));
}

#[test]
fn doctor_json_is_one_documented_document() {
    let sb = Sandbox::start(SandboxConfig {
        page_size: 2,
        ..SandboxConfig::default()
    });
    let out = sb
        .run(&[&["doctor", "--format", "json"][..], &FAST].concat())
        .ok();
    only_gets(&sb);
    // The schema is generated from this type, which refuses unknown fields.
    let doc: DoctorReport = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc.format_version, 1);
    assert_eq!(doc.region, None, "a loopback host is no Secoda region");
    assert!(doc.healthy(), "{:?}", doc.findings);
    assert_eq!(doc.category_filter.honoured, Some(false));
    assert_eq!(doc.events.used.as_deref(), Some("resource_list"));
    assert_eq!(doc.pagination.page_size, Some(2));
    assert!(doc.pagination.page_two.as_ref().is_some_and(Answer::ok));
    assert!(doc
        .pagination
        .none_strings
        .contains(&"links.previous".to_owned()));
    assert!(doc
        .pagination
        .next_links
        .iter()
        .all(|l| l.foreign.is_none()));
    let amplitude = doc
        .integrations
        .iter()
        .find(|i| i.name == "Amplitude")
        .unwrap();
    assert_eq!(amplitude.events, Some(1));
    assert!(doc.latency.calls > 20 && doc.latency.p95_ms >= doc.latency.p50_ms);
    assert_eq!(doc.latency.read_rate.as_deref(), Some("1000/s"));
    assert_eq!(doc.endpoints.len(), 12);
    assert!(doc.endpoints.iter().all(|e| e.plain.ok() && e.slash.ok()));
}

#[test]
fn doctor_runs_on_the_in_process_sandbox() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("sb.json");
    let out = Out::of(
        bin()
            .args(["doctor", "--sandbox", "--format", "json", "--sandbox-state"])
            .arg(&state)
            .args(FAST)
            .output()
            .unwrap(),
    )
    .ok();
    assert_eq!(out.json()["region"], "sandbox");
}

#[test]
fn a_refused_token_exits_1_naming_the_host_and_never_the_token() {
    let sb = Sandbox::new();
    let secret = "not-the-sandbox-token-4711";
    let out = Out::of(
        sb.cmd(&["doctor"])
            .env("SECODA_API_TOKEN", secret)
            .output()
            .unwrap(),
    )
    .code(1);
    let host = sb.sb().url().trim_start_matches("http://");
    let want = format!("the token was refused by {host}");
    assert!(out.stderr.contains(&want), "{}", out.stderr);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert!(!out.stderr.contains(secret) && !out.stdout.contains(secret));
    only_reads_so_far(&sb);
}

#[test]
fn a_host_that_does_not_answer_exits_1_naming_it() {
    let out = Out::of(
        bin()
            .env("SECODA_API_TOKEN", "t")
            .args([
                "doctor",
                "--api-url",
                "http://127.0.0.1:1",
                "--max-tries",
                "1",
            ])
            .output()
            .unwrap(),
    )
    .code(1);
    assert!(
        out.stderr.contains("cannot reach 127.0.0.1:1"),
        "{}",
        out.stderr
    );
}

#[track_caller]
fn only_reads_so_far(sb: &Sandbox) {
    assert!(sb.writes().is_empty(), "{:?}", sb.writes());
}

#[test]
fn lists_that_want_the_slash_and_a_gone_events_list_are_reported() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(async {
        let server = MockServer::start().await;
        let page = |results: serde_json::Value| {
            ResponseTemplate::new(200).set_body_json(json!({
                "links": {"next": null, "previous": "None"},
                "meta": {"page": 1, "previous_page": "None", "next_page": "None"},
                "count": results.as_array().map_or(0, Vec::len),
                "total_pages": 1,
                "results": results,
            }))
        };
        let ok = [
            ("/healthcheck", json!([])),
            (
                "/api/v1/integration/integrations",
                json!([{"id": "seg", "name": "Segment", "type": "segment"}]),
            ),
            ("/api/v1/event/category/", json!([])),
            ("/api/v1/resource/catalog/", json!([])),
            ("/api/v1/monitor/monitors", json!([])),
        ];
        for (p, results) in ok {
            Mock::given(method("GET"))
                .and(path(p))
                .respond_with(page(results))
                .mount(&server)
                .await;
        }
        server
    });
    let out = Out::of(
        bin()
            .env("SECODA_API_TOKEN", "t")
            .args(["doctor", "--api-url", &server.uri()])
            .args(FAST)
            .output()
            .unwrap(),
    )
    .code(1);
    for want in [
        "categories: /api/v1/event/category -> 404, but /api/v1/event/category/ -> 200 (pass --trailing-slash)",
        "the deprecated events list is gone (404)",
        "FAIL",
    ] {
        assert!(out.stdout.contains(want), "no `{want}` in:\n{}", out.stdout);
    }
    let requests = rt.block_on(server.received_requests()).unwrap();
    assert!(requests.iter().all(|r| r.method.as_str() == "GET"));
}
