//! The sandbox over real HTTP, continued: monitors, faults, the request log, persistence, and
//! `sandbox serve` through the binary.

use crate::sandbox::{start, ORDERS, SEEDED_CATEGORIES};
use reqwest::StatusCode;
use secoda_sync::atomic as persist;
use secoda_sync::sandbox::{self, seed, Fault, Faults, SandboxConfig};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[tokio::test]
async fn monitors_are_created_run_patched_and_deleted() {
    let (sb, api) = start(SandboxConfig::default()).await;
    let (s, m) = api
        .post("/api/v1/monitor/monitors", json!({"target": ORDERS, "metric_type": "row_count", "schedule": {"cadence": "hourly", "frequency": 6}}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    let id = m["id"].as_str().unwrap().to_owned();
    assert_eq!(m["integration"], seed::SNOWFLAKE);
    // The reference's shapes: the schedule folded into hours and not sent back, an integer
    // sensitivity, a server-made name, the run fields present before any run.
    assert_eq!(m["frequency"].as_u64(), Some(6));
    assert!(m.get("schedule").is_none(), "{m}");
    assert_eq!(m["is_enabled"], true);
    assert_eq!(m["condition_auto_sensitivity"].as_i64(), Some(5));
    assert_eq!(m["name"], "Row count in orders");
    assert_eq!(m["metric_config"], "{}");
    for k in [
        "last_measurement_value",
        "last_measurement",
        "last_incident",
        "last_attempted_at",
        "last_success_at",
        "last_error_at",
    ] {
        assert!(m[k].is_null(), "{k}: {m}");
    }
    assert_eq!(m["last_error_message"], "");
    assert!(m.get("last_value").is_none());
    assert_eq!(m["display_metadata"]["target"]["label"], "orders");
    assert_eq!(
        m["display_metadata"]["target"]["integration_type"],
        "snowflake"
    );
    assert_eq!(m["workspace"], seed::WORKSPACE);

    // Custom SQL configs come back as a JSON string (a real API quirk).
    let (_, sql) = api
        .post("/monitor/monitors/", json!({"target": ORDERS, "metric_type": "custom_sql", "metric_config": {"query_select": "SELECT 1"}}))
        .await;
    let config: Value = serde_json::from_str(sql["metric_config"].as_str().unwrap()).unwrap();
    assert_eq!(config, json!({"query_select": "SELECT 1"}));

    let (s, got) = api.get(&format!("/monitor/monitors/{id}")).await;
    assert_eq!((s, &got["id"]), (StatusCode::OK, &json!(id)));
    let (_, list) = api.get("/api/v1/monitor/monitors").await;
    assert_eq!(list["count"], 2);

    // Manual thresholds that exclude the measured row count (1000) open an incident on a run.
    let (s, patched) = api
        .patch(
            &format!("/api/v1/monitor/monitors/{id}"),
            json!({"condition_auto_sensitivity": null, "condition_manual_max": 10.0}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{patched}");
    assert_eq!(patched["condition_auto_sensitivity"], Value::Null);
    assert_eq!(patched["condition_manual_max"], 10.0);
    let (s, job) = api
        .post("/api/v1/monitor/monitors/run", json!({"monitors": [id]}))
        .await;
    assert_eq!(s, StatusCode::OK, "{job}");
    assert_eq!(job["failed"], false);
    assert!(job["id"].as_str().is_some_and(|j| !j.is_empty()));
    // A background job: not completed when it is answered.
    assert!(job["completed"].is_null(), "{job}");
    assert_eq!(job["title"], "Run Monitors");
    let (_, incidents) = api
        .get(&format!("/api/v1/monitor/incidents?monitor={id}"))
        .await;
    assert_eq!(incidents["count"], 1);
    assert_eq!(incidents["results"][0]["status"], "active");
    let incident = incidents["results"][0]["id"].as_str().unwrap().to_owned();
    let (s, inc) = api
        .get(&format!("/api/v1/monitor/incident/{incident}"))
        .await;
    assert_eq!((s, inc["value"].as_f64()), (StatusCode::OK, Some(1000.0)));
    let (_, by_monitor) = api
        .get(&format!("/api/v1/monitor/measurements?monitor={id}"))
        .await;
    assert_eq!(by_monitor["count"], 1);
    let (_, by_incident) = api
        .get(&format!("/monitor/measurements?incident_id={incident}"))
        .await;
    assert_eq!(by_incident["results"][0]["incident"], json!(incident));
    let (_, after) = api.get(&format!("/api/v1/monitor/monitors/{id}")).await;
    assert_eq!(
        (
            after["status"].as_str(),
            after["last_measurement_value"].as_f64()
        ),
        (Some("incident"), Some(1000.0))
    );
    assert_eq!(after["last_incident"], json!(incident));
    assert_eq!(
        after["last_measurement"], by_monitor["results"][0]["id"],
        "{after}"
    );
    assert!(after["last_success_at"].is_string());

    let (s, body) = api
        .post(
            "/api/v1/monitor/monitors",
            json!({"target": "nope", "metric_type": "vibes"}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(body["target"][0].as_str().unwrap().contains("nope"));
    assert!(body["metric_type"][0].as_str().unwrap().contains("vibes"));
    let (s, body) = api.post("/api/v1/monitor/monitors", json!({})).await;
    assert_eq!(
        (s, &body["target"]),
        (StatusCode::BAD_REQUEST, &json!(["This field is required."]))
    );
    assert_eq!(
        api.post(
            "/api/v1/monitor/monitors/run",
            json!({"monitors": ["nope"]})
        )
        .await
        .0,
        StatusCode::BAD_REQUEST
    );

    assert_eq!(
        api.delete(&format!("/api/v1/monitor/monitors/{id}"))
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        api.get(&format!("/api/v1/monitor/monitors/{id}")).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        api.delete(&format!("/api/v1/monitor/monitors/{id}"))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    sb.shutdown().await.unwrap();
}

#[tokio::test]
async fn monitor_patch_and_delete_can_be_switched_off() {
    let config = SandboxConfig {
        monitor_patch: false,
        monitor_delete: false,
        ..SandboxConfig::default()
    };
    let (sb, api) = start(config).await;
    let (_, m) = api
        .post(
            "/api/v1/monitor/monitors",
            json!({"target": ORDERS, "metric_type": "freshness"}),
        )
        .await;
    let path = format!("/api/v1/monitor/monitors/{}", m["id"].as_str().unwrap());
    let (s, body) = api.patch(&path, json!({"is_enabled": false})).await;
    assert_eq!(
        (s, &body["detail"]),
        (
            StatusCode::METHOD_NOT_ALLOWED,
            &json!("Method \"PATCH\" not allowed.")
        )
    );
    assert_eq!(api.delete(&path).await.0, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(api.get(&path).await.1["is_enabled"], true);
    sb.shutdown().await.unwrap();
}

#[tokio::test]
async fn write_limit_answers_429_with_and_without_retry_after() {
    let config = SandboxConfig {
        faults: Faults {
            write_limit: Some("2/min".parse::<sandbox::Limit>().unwrap()),
            ..Faults::default()
        },
        ..SandboxConfig::default()
    };
    let (sb, api) = start(config).await;
    assert_eq!(api.create_category("C").await.0, StatusCode::CREATED);
    assert_eq!(api.create_category("C").await.0, StatusCode::CREATED);
    let third = api.create_category_raw("C").await.unwrap();
    assert_eq!(third.status(), StatusCode::TOO_MANY_REQUESTS);
    let secs: u64 = third.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=30).contains(&secs), "one call every 30 s: {secs}");
    // Reads are not limited by the write limit.
    assert_eq!(
        api.get("/api/v1/event/category").await.1["count"],
        2 + SEEDED_CATEGORIES,
        "the throttled write did not land"
    );

    sb.set_faults(Faults {
        write_limit: Some("1/min".parse().unwrap()),
        retry_after: false,
        ..sb.faults()
    })
    .unwrap();
    assert_eq!(api.create_category("C").await.0, StatusCode::CREATED);
    let limited = api.create_category_raw("C").await.unwrap();
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.headers().get("retry-after").is_none());
    let throttled = sb
        .request_log()
        .iter()
        .filter(|e| e.fault == Some(Fault::Throttled))
        .count();
    assert_eq!(throttled, 2);
    sb.shutdown().await.unwrap();
}

#[tokio::test]
async fn read_limit_answers_429_to_reads_only() {
    let config = SandboxConfig {
        faults: Faults {
            read_limit: Some("1/min".parse().unwrap()),
            ..Faults::default()
        },
        ..SandboxConfig::default()
    };
    let (sb, api) = start(config).await;
    assert_eq!(api.get("/api/v1/tag").await.0, StatusCode::OK);
    assert_eq!(
        api.get("/api/v1/tag").await.0,
        StatusCode::TOO_MANY_REQUESTS
    );
    let (s, _) = api.create_category("C").await;
    assert_eq!(s, StatusCode::CREATED);
    sb.shutdown().await.unwrap();
}

#[tokio::test]
async fn fail_rate_fails_writes_without_committing_them() {
    let (sb, api) = start(SandboxConfig {
        faults: Faults {
            fail_rate: 1.0,
            ..Faults::default()
        },
        ..SandboxConfig::default()
    })
    .await;
    for _ in 0..6 {
        let (s, _) = api.create_category("C").await;
        assert!(
            s == StatusCode::INTERNAL_SERVER_ERROR || s == StatusCode::SERVICE_UNAVAILABLE,
            "{s}"
        );
    }
    assert_eq!(
        api.get("/api/v1/event/category").await.1["count"],
        SEEDED_CATEGORIES
    );
    assert!(sb
        .request_log()
        .iter()
        .filter(|e| e.is_write())
        .all(|e| e.fault == Some(Fault::Failed)));

    sb.set_faults(Faults::default()).unwrap();
    let (s, _) = api.create_category("C").await;
    assert_eq!(s, StatusCode::CREATED);
    sb.shutdown().await.unwrap();
}

#[tokio::test]
async fn drop_after_commit_commits_then_loses_the_answer() {
    let (sb, api) = start(SandboxConfig {
        faults: Faults {
            drop_after_commit: 1.0,
            ..Faults::default()
        },
        seed: 7,
        ..SandboxConfig::default()
    })
    .await;
    let (mut bad_gateway, mut dropped) = (0, 0);
    for i in 0..10 {
        let sent = api.create_category_raw(&format!("C{i}")).await;
        match sent {
            Ok(resp) => {
                assert_eq!(resp.status(), StatusCode::BAD_GATEWAY);
                bad_gateway += 1;
            }
            Err(_) => dropped += 1,
        }
    }
    assert!(
        bad_gateway > 0 && dropped > 0,
        "502s: {bad_gateway}, drops: {dropped}"
    );
    let (_, cats) = api.get("/api/v1/event/category?page_size=100").await;
    assert_eq!(
        cats["count"],
        10 + SEEDED_CATEGORIES,
        "every write was committed"
    );
    let log = sb.request_log();
    let drops = log
        .iter()
        .filter(|e| e.fault == Some(Fault::DroppedAfterCommit))
        .count();
    assert_eq!(drops, dropped);
    assert!(log
        .iter()
        .filter(|e| e.fault == Some(Fault::DroppedAfterCommit))
        .all(|e| e.status.is_none()));
    sb.shutdown().await.unwrap();
}

#[tokio::test]
async fn latency_fault_delays_answers_without_changing_them() {
    let (sb, api) = start(SandboxConfig {
        faults: Faults {
            latency: std::time::Duration::from_millis(20),
            ..Faults::default()
        },
        ..SandboxConfig::default()
    })
    .await;
    assert_eq!(sb.faults().latency, std::time::Duration::from_millis(20));
    assert_eq!(api.get("/api/v1/tag").await.0, StatusCode::OK);
    sb.shutdown().await.unwrap();
}

#[tokio::test]
async fn request_log_keeps_calls_and_bodies_but_never_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("calls.jsonl");
    let config = SandboxConfig {
        token: Some("s3cret-token".into()),
        log_file: Some(file.clone()),
        ..SandboxConfig::default()
    };
    assert!(!format!("{config:?}").contains("s3cret-token"));
    let (sb, api) = start(config).await;
    assert!(!format!("{sb:?}").contains("s3cret-token"));
    api.get("/api/v1/tag?page=1").await;
    api.create_category("C").await;
    let log = sb.request_log();
    assert_eq!(log.len(), 2);
    assert_eq!(
        (
            log[0].method.as_str(),
            log[0].path.as_str(),
            log[0].query.as_deref(),
            log[0].status
        ),
        ("GET", "/api/v1/tag", Some("page=1"), Some(200))
    );
    assert_eq!(log[0].body, None);
    assert_eq!(log[1].status, Some(201));
    assert_eq!(log[1].body.as_ref().unwrap()["title"], "C");
    sb.clear_log();
    assert!(sb.request_log().is_empty());
    sb.shutdown().await.unwrap();

    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(text.lines().count(), 2);
    for line in text.lines() {
        let entry: Value = serde_json::from_str(line).unwrap();
        assert!(entry["time"].is_string());
    }
    assert!(!text.contains("s3cret-token"));
}

#[tokio::test]
async fn state_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let config = SandboxConfig {
        state_file: Some(state.clone()),
        ..SandboxConfig::default()
    };
    let (sb, api) = start(config.clone()).await;
    let (cid, eid, pid) = api.tree().await;
    let (_, m) = api
        .post(
            "/api/v1/monitor/monitors",
            json!({"target": ORDERS, "metric_type": "row_count"}),
        )
        .await;
    sb.shutdown().await.unwrap();
    assert!(state.exists());
    assert!(!persist::temp_path(&state).exists());

    let (sb, api) = start(config).await;
    for path in [
        format!("/api/v1/event/category/{cid}"),
        format!("/api/v1/event/events/{eid}"),
        format!("/api/v1/event/event_properties/{pid}"),
        format!("/api/v1/monitor/monitors/{}", m["id"].as_str().unwrap()),
    ] {
        assert_eq!(api.get(&path).await.0, StatusCode::OK, "{path}");
    }
    let (_, l) = api
        .get(&format!(
            "/api/v1/event/events?parent_id={cid}&title=Order%20Completed"
        ))
        .await;
    assert_eq!(l["count"], 1, "indexes are rebuilt on load");
    let (_, c2) = api.create_category("Two").await;
    assert_ne!(
        c2["id"].as_str().unwrap(),
        cid,
        "a reloaded sandbox hands out fresh ids"
    );
    sb.shutdown().await.unwrap();
}

#[tokio::test]
async fn writes_are_saved_without_waiting_for_shutdown() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let (sb, api) = start(SandboxConfig {
        state_file: Some(state.clone()),
        ..SandboxConfig::default()
    })
    .await;
    let (cid, _, _) = api.tree().await;
    let mut saved = false;
    for _ in 0..100 {
        if std::fs::read_to_string(&state).is_ok_and(|s| s.contains(&cid)) {
            saved = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(saved, "the debounced saver wrote the state");
    sb.shutdown().await.unwrap();
}

#[tokio::test]
async fn crash_between_temp_write_and_rename_leaves_the_old_state_loadable() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let config = SandboxConfig {
        state_file: Some(state.clone()),
        ..SandboxConfig::default()
    };
    let (sb, api) = start(config.clone()).await;
    let (cid, _, _) = api.tree().await;
    sb.shutdown().await.unwrap();
    let before = std::fs::read(&state).unwrap();

    // The next save gets as far as a complete temp file, then the process "dies".
    let staged = persist::stage(&state, b"{\"format\": 1, \"resources\": [").unwrap();
    assert!(staged.temp_path().exists());
    drop(staged);
    assert_eq!(
        std::fs::read(&state).unwrap(),
        before,
        "the state file is untouched"
    );

    let (sb, api) = start(config).await;
    assert_eq!(
        api.get(&format!("/api/v1/event/category/{cid}")).await.0,
        StatusCode::OK
    );
    sb.shutdown().await.unwrap();
    assert!(
        !persist::temp_path(&state).exists(),
        "the next save replaces the leftover temp file"
    );
}

#[tokio::test]
async fn unusable_state_file_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    std::fs::write(&state, "{\"format\": 1, \"resources\": [").unwrap();
    let empty = dir.path().join("touched.json");
    std::fs::write(&empty, "").unwrap();
    let (sb, api) = start(SandboxConfig {
        state_file: Some(empty),
        ..SandboxConfig::default()
    })
    .await;
    assert_eq!(
        api.get("/api/v1/tag").await.1["count"],
        7,
        "an empty file starts the seeded workspace"
    );
    sb.shutdown().await.unwrap();

    let err = sandbox::spawn(SandboxConfig {
        state_file: Some(state.clone()),
        ..SandboxConfig::default()
    })
    .await
    .unwrap_err();
    assert!(err.to_string().contains("state.json"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&state).unwrap(),
        "{\"format\": 1, \"resources\": [",
        "never overwritten"
    );
    let bad = sandbox::spawn(SandboxConfig {
        faults: Faults {
            fail_rate: 2.0,
            ..Faults::default()
        },
        ..SandboxConfig::default()
    })
    .await
    .unwrap_err();
    assert!(bad.to_string().contains("fail rate"), "{bad}");
}

/// Starts `sandbox serve` on a free port with the token `cli-token` and `state`, and reads
/// the URL from the export lines it prints.
fn serve(state: &std::path::Path) -> (std::process::Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_secoda-sync"))
        .args([
            "sandbox",
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--token",
            "cli-token",
            "--state",
        ])
        .arg(state)
        .env_clear()
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let url_line = lines.next().unwrap().unwrap();
    let token_line = lines.next().unwrap().unwrap();
    let url = url_line
        .strip_prefix("export SECODA_API_URL=")
        .expect(&url_line)
        .to_owned();
    assert_eq!(token_line, "export SECODA_API_TOKEN=cli-token");
    assert!(
        url.starts_with("http://127.0.0.1:") && !url.ends_with(":0"),
        "{url}"
    );
    (child, url)
}

/// Sends `signal` (e.g. `-INT`) to a child process.
fn kill(child: &std::process::Child, signal: &str) {
    let sent = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
}

#[tokio::test]
async fn sandbox_serve_prints_exports_and_serves_until_interrupted() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let (mut child, url) = serve(&state);

    // What the README's curl does: an authorized GET and a POST.
    let http = reqwest::Client::new();
    let tags: Value = http
        .get(format!("{url}/api/v1/tag"))
        .bearer_auth("cli-token")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(tags["count"], 7);
    let created = http
        .post(format!("{url}/api/v1/event/category"))
        .bearer_auth("cli-token")
        .json(&json!({"title": "Checkout", "integration": "Segment"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        created.status(),
        StatusCode::BAD_REQUEST,
        "integration must be an id"
    );

    kill(&child, "-INT");
    let status = child.wait().unwrap();
    assert!(status.success(), "{status}");
    assert!(state.exists(), "state saved on Ctrl-C");
}

#[test]
fn sandbox_serve_stops_cleanly_and_saves_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let (mut child, _) = serve(&state);
    kill(&child, "-TERM");
    let status = child.wait().unwrap();
    assert!(status.success(), "{status}");
    assert!(state.exists(), "state saved on SIGTERM");
}
