//! Monitors end to end: the binary against a sandbox over HTTP for plan labels, target paths,
//! validation, pruning (disable / delete / unsupported), `apply --run-monitors` and
//! `monitors status`, checked through the sandbox's request log and state.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use crate::util::{examples, Out, Sandbox};
use secoda_sync::sandbox::{self, SandboxConfig};
use serde_json::{json, Value};
use std::path::Path;
use std::process::Command;

impl Sandbox {
    /// The bodies of the monitor-run calls made since the log was last cleared.
    fn runs(&self) -> Vec<Value> {
        self.log()
            .into_iter()
            .filter(|e| e.method == "POST" && e.path.ends_with("/monitor/monitors/run"))
            .map(|e| e.body.unwrap_or_default())
            .collect()
    }

    /// Every monitor, straight from the sandbox.
    #[track_caller]
    fn monitors(&self) -> Vec<Value> {
        let v = self.http("GET", "/api/v1/monitor/monitors?page_size=1000", None);
        v["results"].as_array().cloned().unwrap()
    }

    #[track_caller]
    fn monitor(&self, name: &str) -> Value {
        self.monitors()
            .into_iter()
            .find(|m| m["name"] == name)
            .unwrap_or_else(|| panic!("no monitor `{name}`"))
    }

    /// The id of the catalog resource at `path`.
    #[track_caller]
    fn catalog_id(&self, path: &str) -> String {
        let filter = json!({"operator": "exact", "field": "title_full", "value": path});
        let v = self.http(
            "GET",
            &format!("/api/v1/resource/catalog/?filter={filter}"),
            None,
        );
        v["results"][0]["id"].as_str().unwrap().to_owned()
    }
}

/// Writes a manifest holding `monitors` (YAML list items) and returns its path.
#[track_caller]
fn manifest(dir: &Path, monitors: &str) -> String {
    let path = dir.join("monitors.yaml");
    std::fs::write(
        &path,
        format!("version: 1\nintegration: Segment\nmonitors:\n{monitors}"),
    )
    .unwrap();
    path.display().to_string()
}

const ROWS: &str = "  - name: Orders rows
    target: analytics.public.orders
    metric_type: row_count
    condition_auto_sensitivity: 5
";

const FRESH: &str = "  - name: Orders fresh
    target: analytics.public.orders
    metric_type: freshness
    condition_auto_sensitivity: 5
";

#[test]
fn plan_names_unnamed_monitors_by_metric_and_target_title_and_never_diffs_their_name() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let page_views = sb.catalog_id("analytics.public.page_views");
    let m = manifest(
        dir.path(),
        &format!(
            "{ROWS}  - target: {page_views}
    metric_type: freshness
    condition_auto_sensitivity: 7
"
        ),
    );
    let out = sb.run(&["plan", &m]).ok();
    assert!(
        out.stdout.contains("+ monitor \"Orders rows\""),
        "{}",
        out.stdout
    );
    // A UUID target is shown by its catalog title, not its id.
    assert!(
        out.stdout
            .contains("+ monitor \"freshness on analytics.public.page_views\""),
        "{}",
        out.stdout
    );
    sb.run(&["apply", &m, "--auto-approve"]).ok();
    // The server named the unnamed monitor; the manifest does not manage the name.
    let named_by_server = sb
        .monitors()
        .into_iter()
        .find(|x| x["metric_type"] == "freshness")
        .unwrap();
    assert!(!named_by_server["name"].as_str().unwrap().is_empty());
    sb.clear_log();
    let out = sb.run(&["plan", &m, "--detailed-exitcode"]).ok();
    assert!(out.stdout.contains("No changes."), "{}", out.stdout);
    assert!(sb.writes().is_empty());
}

#[test]
fn a_target_named_by_path_and_by_id_in_one_set_resolves_to_one_resource() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let orders = sb.catalog_id("analytics.public.orders");
    let m = manifest(
        dir.path(),
        &format!(
            "{ROWS}{}",
            FRESH.replace("analytics.public.orders", &orders)
        ),
    );
    let out = sb.run(&["plan", &m, "--format", "json"]).ok();
    let targets: Vec<Value> = out.json()["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["after"]["target"].clone())
        .collect();
    assert_eq!(targets, [json!(orders), json!(orders)]);
}

#[test]
fn an_unknown_target_path_lists_the_closest_paths_and_writes_nothing() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let m = manifest(dir.path(), &ROWS.replace("public.orders", "public.order"));
    sb.clear_log();
    let out = sb.run(&["apply", &m, "--auto-approve"]).code(1);
    assert!(
        out.stderr.contains("unknown catalog path")
            && out.stderr.contains("`analytics.public.order`")
            && out.stderr.contains("analytics.public.orders"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("Orders rows"), "{}", out.stderr);
    assert!(sb.writes().is_empty(), "{:?}", sb.writes());
}

#[test]
fn an_ambiguous_target_path_lists_the_candidates_and_writes_nothing() {
    let sb = Sandbox::new();
    // An event whose path is `analytics.public.orders` too: category `analytics.public`,
    // event `orders`.
    let category = sb.http(
        "POST",
        "/api/v1/event/category",
        Some(json!({"title": "analytics.public", "integration": sandbox::seed::SEGMENT})),
    );
    let event = sb.http(
        "POST",
        "/api/v1/event/events",
        Some(json!({"title": "orders", "parent": category["id"],
                    "integration": sandbox::seed::SEGMENT})),
    );
    let table = sb.catalog_id("analytics.public.orders.id");
    let dir = tempfile::tempdir().unwrap();
    let m = manifest(dir.path(), ROWS);
    sb.clear_log();
    let out = sb.run(&["plan", &m]).code(1);
    assert!(out.stderr.contains("ambiguous"), "{}", out.stderr);
    assert!(
        out.stderr.contains(event["id"].as_str().unwrap()),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains(&table), "{}", out.stderr);
    assert!(sb.writes().is_empty());
}

#[test]
fn an_unknown_metric_type_warns_but_custom_sql_without_a_query_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let validate = |m: &str| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_secoda-sync"));
        c.env_clear().env("NO_COLOR", "1").args(["validate", m]);
        Out::of(c.output().unwrap())
    };
    let m = manifest(dir.path(), &ROWS.replace("row_count", "row_cont"));
    let out = validate(&m).ok();
    assert!(
        out.stderr.contains("warning[unknown-metric-type]")
            && out.stderr.contains("did you mean `row_count`?"),
        "{}",
        out.stderr
    );
    let m = manifest(dir.path(), &ROWS.replace("row_count", "custom_sql"));
    let out = validate(&m).code(1);
    assert!(
        out.stderr
            .contains("monitor `Orders rows`: custom_sql needs `metric_config.query_select`"),
        "{}",
        out.stderr
    );
}

#[test]
fn two_monitors_with_the_same_target_metric_and_config_are_a_duplicate() {
    let dir = tempfile::tempdir().unwrap();
    let sql = |name: &str, config: &str| {
        format!(
            "  - name: {name}
    target: analytics.public.orders
    metric_type: custom_sql
    metric_config: {config}
    condition_manual_max: 0
"
        )
    };
    // The same config with its keys in another order is the same monitor.
    let m = manifest(
        dir.path(),
        &format!(
            "{}{}",
            sql("Negative amounts", "{query_select: SELECT 1, label: x}"),
            sql("Also negative", "{label: x, query_select: SELECT 1}"),
        ),
    );
    let mut c = Command::new(env!("CARGO_BIN_EXE_secoda-sync"));
    c.env_clear().env("NO_COLOR", "1").args(["validate", &m]);
    let out = Out::of(c.output().unwrap()).code(1);
    assert!(
        out.stderr.contains(
            "error[duplicate-key]: monitor `Also negative` has the same target, metric_type \
             and metric_config as monitor `Negative amounts`"
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn prune_disables_an_undeclared_monitor_and_monitors_delete_deletes_it() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let m = manifest(dir.path(), &format!("{ROWS}{FRESH}"));
    sb.run(&["apply", &m, "--auto-approve"]).ok();
    manifest(dir.path(), ROWS);
    let prune = ["--prune", "--max-delete-percent", "100"];
    let out = sb.run(&[&["plan", &m][..], &prune].concat()).ok();
    assert!(
        out.stdout.contains("~ monitor \"Orders fresh\"")
            && out.stdout.contains("is_enabled")
            && out.stdout.contains("true -> false"),
        "{}",
        out.stdout
    );
    sb.clear_log();
    sb.run(&[&["apply", &m, "--auto-approve", "--no-lock"][..], &prune].concat())
        .ok();
    let writes = sb.writes();
    assert_eq!(writes.len(), 1, "{writes:?}");
    assert_eq!(writes[0].method, "PATCH");
    assert_eq!(writes[0].body, Some(json!({"is_enabled": false})));
    assert_eq!(sb.monitor("Orders fresh")["is_enabled"], false);
    assert_eq!(sb.monitor("Orders rows")["is_enabled"], true);

    let out = sb
        .run(
            &[
                &["apply", &m, "--auto-approve", "--monitors-delete"][..],
                &prune,
            ]
            .concat(),
        )
        .ok();
    assert!(out.stdout.contains("1 deleted"), "{}", out.stdout);
    let names: Vec<Value> = sb.monitors().iter().map(|x| x["name"].clone()).collect();
    assert_eq!(names, [json!("Orders rows")]);
}

#[test]
fn a_disable_the_workspace_cannot_patch_fails_alone_and_names_the_monitor() {
    let sb = Sandbox::start(SandboxConfig {
        monitor_patch: false,
        ..SandboxConfig::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let m = manifest(dir.path(), &format!("{ROWS}{FRESH}"));
    sb.run(&["apply", &m, "--auto-approve"]).ok();
    // Drop one monitor (a disable) and add another (a create): the create still happens.
    let m = manifest(
        dir.path(),
        &format!("{ROWS}{}", FRESH.replace("freshness", "cardinality")),
    );
    let out = sb
        .run(&["apply", &m, "--auto-approve", "--prune", "--json"])
        .code(1);
    let v = out.json();
    assert_eq!(v["summary"]["created"], 1, "{v}");
    assert_eq!(v["summary"]["failed"], 1, "{v}");
    let failed = v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["status"] == "failed")
        .unwrap();
    let error = failed["error"].as_str().unwrap();
    assert!(
        error.contains("does not support updating monitors") && error.contains("Orders fresh"),
        "{error}"
    );
    assert_eq!(sb.monitors().len(), 3);
}

#[test]
fn run_monitors_runs_what_the_apply_created_or_changed_and_prints_the_job() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let m = manifest(dir.path(), &format!("{ROWS}{FRESH}"));
    let out = sb
        .run(&["apply", &m, "--auto-approve", "--run-monitors"])
        .ok();
    let runs = sb.runs();
    assert_eq!(runs.len(), 1, "{runs:?}");
    let mut ran: Vec<String> = runs[0]["monitors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    ran.sort();
    let mut created: Vec<String> = sb
        .monitors()
        .iter()
        .map(|x| x["id"].as_str().unwrap().to_owned())
        .collect();
    created.sort();
    assert_eq!(ran, created);
    assert!(
        out.stdout.contains("Started a run of 2 monitors: job "),
        "{}",
        out.stdout
    );

    // Nothing changed: nothing to run, and no call.
    sb.clear_log();
    let out = sb
        .run(&["apply", &m, "--auto-approve", "--run-monitors"])
        .ok();
    assert!(out.stdout.contains("nothing to run"), "{}", out.stdout);
    assert!(sb.runs().is_empty());

    // One monitor changed, one disabled by the prune: only the changed one runs; --json
    // carries the job.
    let m = manifest(
        dir.path(),
        &ROWS.replace("sensitivity: 5", "sensitivity: 8"),
    );
    sb.clear_log();
    let out = sb
        .run(&[
            "apply",
            &m,
            "--auto-approve",
            "--run-monitors",
            "--prune",
            "--json",
        ])
        .ok();
    let v = out.json();
    let rows = sb.monitor("Orders rows")["id"].clone();
    assert_eq!(v["monitor_run"]["status"], "started", "{v}");
    assert_eq!(v["monitor_run"]["monitors"], json!([rows]));
    assert!(v["monitor_run"]["job_id"].is_string(), "{v}");
    assert_eq!(sb.runs(), [json!({"monitors": [rows]})]);
}

#[test]
fn run_monitors_works_with_a_saved_plan() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let m = manifest(dir.path(), ROWS);
    let saved = dir.path().join("plan.json");
    let saved = saved.to_str().unwrap();
    sb.run(&["plan", &m, "--out", saved]).ok();
    let out = sb
        .run(&["apply", "--plan", saved, "--auto-approve", "--run-monitors"])
        .ok();
    assert!(
        out.stdout.contains("Started a run of 1 monitor: job "),
        "{}",
        out.stdout
    );
    assert_eq!(sb.runs().len(), 1);
}

#[test]
fn monitors_status_lists_every_monitor_with_its_last_value_and_open_incidents() {
    let sb = Sandbox::new();
    let ex = examples().join("monitors.yaml");
    let ex = ex.to_str().unwrap();
    sb.run(&[
        "apply",
        ex,
        "--integration",
        "Segment",
        "--auto-approve",
        "--run-monitors",
    ])
    .ok();
    // One more monitor that never ran.
    let dir = tempfile::tempdir().unwrap();
    let m = manifest(dir.path(), FRESH);
    sb.run(&["apply", &m, "--auto-approve"]).ok();

    let out = sb.run(&["monitors", "status", "--incidents"]).ok();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(lines[0].starts_with("NAME"), "{}", out.stdout);
    for name in [
        "Orders row count",
        "Order amount never null",
        "Customer emails unique",
        "Page views fresh",
        "Negative order amounts",
        "Orders fresh",
    ] {
        assert!(
            lines.iter().any(|l| l.starts_with(name)),
            "{name}:\n{}",
            out.stdout
        );
    }
    // Columns line up: every row's metric starts where the METRIC header does.
    let at = lines[0].find("METRIC").unwrap();
    let row = lines
        .iter()
        .find(|l| l.starts_with("Orders row count"))
        .unwrap();
    assert_eq!(row[at..].split_whitespace().next(), Some("row_count"));
    // The custom SQL monitor measures 1 against a manual max of 0: an open incident.
    let sql = lines
        .iter()
        .find(|l| l.starts_with("Negative order amounts"))
        .unwrap();
    assert!(sql.contains("incident"), "{sql}");
    assert!(
        out.stdout
            .contains("Open incidents:\n  Negative order amounts: "),
        "{}",
        out.stdout
    );

    let out = sb
        .run(&["monitors", "status", "--incidents", "--format", "json"])
        .ok();
    let v = out.json();
    assert_eq!(v["format_version"], 1);
    assert_eq!(
        v["summary"],
        json!({"monitors": 6, "enabled": 6, "in_incident": 1, "open_incidents": 1})
    );
    let by_name = |n: &str| {
        v["monitors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["name"] == n)
            .unwrap()
            .clone()
    };
    let rows = by_name("Orders row count");
    assert_eq!(rows["last_value"], 1000.0);
    assert_eq!(rows["last_value_source"], "monitor");
    // The reference's `display_metadata.target.label` is the target's own title.
    assert_eq!(rows["target"]["title"], "orders");
    assert_eq!(rows["incidents"], json!([]));
    let never = by_name("Orders fresh");
    assert!(never["last_value"].is_null() && never["last_run_at"].is_null());
    let sql = by_name("Negative order amounts");
    assert_eq!(sql["status"], "incident");
    assert_eq!(sql["incidents"][0]["status"], "active");
    assert_eq!(sql["incidents"][0]["value"], 1.0);

    // Without --incidents, no incident is read or shown.
    sb.clear_log();
    let v = sb
        .run(&["monitors", "status", "--format", "json"])
        .ok()
        .json();
    assert!(v["summary"]["open_incidents"].is_null());
    assert!(sb.log().iter().all(|e| !e.path.contains("incident")));
}

#[test]
fn monitors_status_reads_every_page() {
    let sb = Sandbox::start(SandboxConfig {
        page_size: 2,
        page_size_param: sandbox::PageSizeParam::Ignored,
        ..SandboxConfig::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let metrics = [
        "row_count",
        "freshness",
        "cardinality",
        "minimum",
        "maximum",
    ];
    let monitors: String = metrics
        .iter()
        .map(|m| format!("  - target: analytics.public.orders.amount\n    metric_type: {m}\n"))
        .collect();
    sb.run(&["apply", &manifest(dir.path(), &monitors), "--auto-approve"])
        .ok();
    let v = sb
        .run(&["monitors", "status", "--format", "json"])
        .ok()
        .json();
    assert_eq!(v["summary"]["monitors"], 5, "{v}");
}

#[test]
fn markdown_plan_of_the_example_through_the_binary() {
    let sb = Sandbox::new();
    // At Secoda's own pace, so the estimate reads as it would on a pull request.
    let mut cmd = sb.cmd(&["plan", examples().to_str().unwrap(), "--format", "markdown"]);
    cmd.env_remove("SECODA_WRITE_RATE");
    let out = Out::of(cmd.output().unwrap()).ok();
    assert!(out.stdout.len() < 65_000);
    assert!(
        // 185 changes, plus the lease's create, delete and three renewals.
        out.stdout
            .contains("187 writes (2 for the lease), about 6m14s at 30/min"),
        "{}",
        out.stdout
    );
    insta::with_settings!({filters => vec![
        (r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "[uuid]"),
    ]}, {
        insta::assert_snapshot!("example_plan_markdown", out.stdout);
    });
}

#[test]
fn scheduled_monitor_plans_no_changes_after_its_apply_and_a_second_apply_writes_nothing() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let m = manifest(
        dir.path(),
        &format!("{ROWS}    schedule: {{cadence: daily, frequency: 2, day: 1, hour: 3}}\n"),
    );
    sb.run(&["apply", &m, "--auto-approve"]).ok();
    // The workspace answers as the reference shows: hours in `frequency`, no `schedule`.
    let live = sb.monitor("Orders rows");
    assert_eq!(live["frequency"].as_u64(), Some(48), "{live}");
    assert!(live.get("schedule").is_none(), "{live}");

    let out = sb.run(&["plan", &m, "--detailed-exitcode"]).code(0);
    assert!(out.stdout.contains("No changes."), "{}", out.stdout);
    // Nothing is sent, so the note on what cannot be read is left to the JSON document.
    assert!(!out.stdout.contains("Not readable"), "{}", out.stdout);
    let doc: serde_json::Value =
        serde_json::from_str(&sb.run(&["plan", &m, "--format", "json"]).ok().stdout).unwrap();
    assert_eq!(
        doc["not_readable"][0]["fields"],
        serde_json::json!(["schedule.day", "schedule.hour"]),
        "{doc}"
    );
    sb.clear_log();
    sb.run(&["apply", &m, "--auto-approve"]).ok();
    assert!(sb.writes().is_empty(), "{:?}", sb.writes());

    // A changed cadence is still seen (through the hours) and converges after its PATCH.
    let weekly = manifest(
        dir.path(),
        &format!("{ROWS}    schedule: {{cadence: weekly, frequency: 1}}\n"),
    );
    let out = sb.run(&["plan", &weekly, "--detailed-exitcode"]).code(2);
    assert!(out.stdout.contains("schedule"), "{}", out.stdout);
    sb.run(&["apply", &weekly, "--auto-approve"]).ok();
    assert_eq!(sb.monitor("Orders rows")["frequency"].as_u64(), Some(168));
    sb.run(&["plan", &weekly, "--detailed-exitcode"]).code(0);
}

#[test]
fn monitors_status_shows_last_values_without_reading_measurements_and_the_last_error() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let broken = "  - name: Broken SQL
    target: analytics.public.orders
    metric_type: custom_sql
    metric_config: {query_select: \"SELEC 1\"}
    condition_auto_sensitivity: 5
";
    let m = manifest(dir.path(), &format!("{ROWS}{broken}"));
    sb.run(&["apply", &m, "--auto-approve", "--run-monitors"])
        .ok();
    sb.clear_log();
    let v = sb
        .run(&["monitors", "status", "--format", "json"])
        .ok()
        .json();
    let by_name = |n: &str| {
        v["monitors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["name"] == n)
            .unwrap()
            .clone()
    };
    let rows = by_name("Orders rows");
    assert_eq!(rows["last_value"], 1000.0);
    assert_eq!(rows["last_value_source"], "monitor");
    assert!(rows.get("last_error").is_none(), "{rows}");
    let broken = by_name("Broken SQL");
    assert_eq!(broken["status"], "error");
    assert_eq!(broken["last_error"], "syntax error at or near \"SELEC\"");
    // A monitor that ran carries its value; only the failed one (value null) has its
    // measurements read.
    let reads: Vec<String> = sb
        .log()
        .into_iter()
        .filter(|e| e.path.contains("measurements"))
        .map(|e| e.query.unwrap_or_default())
        .collect();
    assert_eq!(reads.len(), 1, "{reads:?}");
    assert!(
        reads[0].contains(broken["id"].as_str().unwrap()),
        "{reads:?}"
    );
    let text = sb.run(&["monitors", "status"]).ok().stdout;
    assert!(
        text.contains("Last run failed:\n  Broken SQL: syntax error at or near \"SELEC\""),
        "{text}"
    );
}
