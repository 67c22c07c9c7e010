//! `export` end to end: the binary against a sandbox over HTTP. The round trip (export, then
//! plan the export against the same workspace = no changes; load(export) = the live model) in
//! every format, the filters, monitors, and a workspace filled by someone else's API calls.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use crate::util::{ex, Out, Sandbox};
use secoda_sync::sandbox::seed;
use secoda_sync::testing::api::{Client, ClientConfig, LogSink, Token};
use secoda_sync::testing::export::{export, ExportOptions, Exported};
use secoda_sync::testing::manifest::{
    load_sources, InputFormat, IntegrationRef, LoadOptions, ManifestSet, SourceFile,
};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

impl Sandbox {
    /// The live model, built in process through the library (not through the binary).
    #[track_caller]
    fn live_model(&self, include_monitors: bool, list_safe: bool) -> Exported {
        let mut config = ClientConfig::new(
            self.sb().url().parse().unwrap(),
            Token::new(self.sb().token()),
        );
        config.log_sink = LogSink::new(std::io::sink());
        let client = Client::new(config).unwrap();
        let opts = ExportOptions {
            integration: IntegrationRef::parse("Segment"),
            categories: Vec::new(),
            include_monitors,
            list_safe,
            concurrency: 4,
            property_types: secoda_sync::testing::manifest::PropertyTypes::Native,
        };
        self.rt.block_on(export(&client, &opts)).unwrap()
    }

    /// POSTs straight to the sandbox (not through the tool) and returns the created object.
    #[track_caller]
    fn post(&self, path: &str, body: Value) -> Value {
        self.http("POST", path, Some(body))
    }
}

const FORMATS: [(&str, InputFormat); 3] = [
    ("yaml", InputFormat::Yaml),
    ("csv", InputFormat::Csv),
    ("jsonl", InputFormat::Jsonl),
];

/// Loads manifest text the way `plan` would; fails the test on any error diagnostic.
#[track_caller]
fn load(name: &str, format: InputFormat, text: &str) -> ManifestSet {
    let loaded = load_sources(
        vec![SourceFile::read(name, format, text.as_bytes().to_vec())],
        &LoadOptions {
            paths: Vec::new(),
            integration: None,
            csv_map: None,
            csv_empty: Default::default(),
            stdin_format: None,
            preset: Default::default(),
            rules: None,
        },
    );
    let errors: Vec<_> = loaded.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{name}: {errors:#?}\n{text}");
    loaded.set
}

/// Exports to a file in `dir`, plans that file against the same workspace (no changes, exit
/// 0 with --detailed-exitcode) and returns the file's text.
#[track_caller]
fn export_and_replan(sb: &Sandbox, dir: &Path, ext: &str, extra: &[&str]) -> String {
    let file: PathBuf = dir.join(format!("export.{ext}"));
    let file_arg = file.display().to_string();
    let mut args = vec![
        "export",
        "--integration",
        "Segment",
        "--format",
        ext,
        "--out",
        &file_arg,
    ];
    args.extend(extra);
    let out = sb.run(&args).ok();
    assert!(out.stdout.is_empty(), "--out keeps stdout empty");
    assert!(out.stderr.contains("Exported"), "{}", out.stderr);
    let plan = sb.run(&["plan", &file_arg, "--detailed-exitcode"]).ok();
    assert!(plan.stdout.contains("No changes"), "{}", plan.stdout);
    std::fs::read_to_string(&file).unwrap()
}

#[test]
fn export_of_the_example_round_trips_in_every_format() {
    let sb = Sandbox::new();
    sb.run(&["apply", &ex(), "--auto-approve"]).ok();
    let dir = tempfile::tempdir().unwrap();
    let live = sb.live_model(false, false).set.canonical();
    let counts = live.counts();
    assert_eq!(
        (counts.categories, counts.events, counts.properties),
        (5, 28, 147),
        "the live model holds the whole example"
    );
    for (ext, format) in FORMATS {
        let text = export_and_replan(&sb, dir.path(), ext, &[]);
        let loaded = load(ext, format, &text).canonical();
        // CSV has no form for a tag declaration: the tags stay in the workspace, undeclared.
        let expected = if ext == "csv" {
            ManifestSet {
                tags: Vec::new(),
                ..live.clone()
            }
        } else {
            live.clone()
        };
        assert_eq!(
            loaded, expected,
            "load(export --format {ext}) == the live model"
        );
    }
}

#[test]
fn export_writes_names_not_ids_and_omits_what_the_server_holds_empty() {
    let sb = Sandbox::new();
    sb.run(&["apply", &ex(), "--auto-approve"]).ok();
    let out = sb
        .run(&[
            "export",
            "--integration",
            "Segment",
            "--category",
            "Checkout",
        ])
        .ok();
    // stdout holds only the manifest; the status line goes to stderr.
    assert!(out.stdout.starts_with("version: 1\nintegration: Segment\n"));
    assert!(!out.stdout.contains("Exported"));
    assert!(
        out.stderr.contains("Exported 1 category, "),
        "{}",
        out.stderr
    );
    let set = load("stdout.yaml", InputFormat::Yaml, &out.stdout);
    let checkout = &set.categories[0];
    assert_eq!(checkout.title, "Checkout");
    assert_eq!(
        checkout
            .fields
            .teams
            .as_ref()
            .unwrap()
            .iter()
            .collect::<Vec<_>>(),
        ["Checkout"]
    );
    let started = checkout
        .events
        .iter()
        .find(|e| e.title == "Checkout Started")
        .unwrap();
    let tags: Vec<&String> = started.fields.tags.as_ref().unwrap().iter().collect();
    assert_eq!(tags, ["core", "revenue"]);
    let owners: Vec<&String> = started.fields.owners.as_ref().unwrap().iter().collect();
    assert_eq!(owners, ["alice@acme.test"], "the example's default owner");
    assert_eq!(started.fields.published, Some(true));
    assert_eq!(started.fields.pii, Some(false), "false is exported");
    assert_eq!(started.fields.definition, None, "never set, so not managed");
    assert_eq!(started.fields.collections, None);
    let currency = started
        .properties
        .iter()
        .find(|p| p.title == "currency")
        .unwrap();
    assert_eq!(
        currency.tracking.enum_values.as_deref(),
        Some("USD,EUR,GBP")
    );
    assert_eq!(currency.tracking.regex.as_deref(), Some("^[A-Z]{3}$"));
    assert!(!out.stdout.contains(seed::id(0x31).as_str()), "no user ids");
}

#[test]
fn export_category_filter_keeps_only_those_and_rejects_unknown_titles() {
    let sb = Sandbox::new();
    sb.run(&["apply", &ex(), "--auto-approve"]).ok();
    let out = sb
        .run(&[
            "export",
            "--integration",
            "Segment",
            "--format",
            "jsonl",
            "--category",
            "Cart",
            "--category",
            "Checkout",
        ])
        .ok();
    let set = load("x.jsonl", InputFormat::Jsonl, &out.stdout);
    let titles: Vec<&str> = set.categories.iter().map(|c| c.title.as_str()).collect();
    assert_eq!(titles, ["Cart", "Checkout"]);
    assert!(set.categories.iter().all(|c| !c.events.is_empty()));

    let bad = sb
        .run(&[
            "export",
            "--integration",
            "Segment",
            "--category",
            "Chekout",
        ])
        .code(1);
    assert!(bad.stdout.is_empty());
    assert!(
        bad.stderr.contains(
            "unknown category `Chekout`; the integration has: `Account`, `Browsing`, `Cart`, \
             `Checkout`, `Marketing`"
        ),
        "{}",
        bad.stderr
    );
}

#[test]
fn export_with_monitors_round_trips_in_yaml_and_jsonl_and_csv_refuses() {
    let sb = Sandbox::new();
    sb.run(&["apply", &ex(), "--auto-approve"]).ok();
    let dir = tempfile::tempdir().unwrap();
    let live = sb.live_model(true, false).set.canonical();
    assert_eq!(live.monitors.len(), 5);
    for (ext, format) in [("yaml", InputFormat::Yaml), ("jsonl", InputFormat::Jsonl)] {
        let text = export_and_replan(&sb, dir.path(), ext, &["--include-monitors"]);
        assert!(
            text.contains("analytics.public.orders.amount"),
            "targets by path"
        );
        let loaded = load(ext, format, &text).canonical();
        assert_eq!(
            loaded, live,
            "load(export --format {ext} --include-monitors)"
        );
    }
    let csv = sb
        .run(&[
            "export",
            "--integration",
            "Segment",
            "--format",
            "csv",
            "--include-monitors",
        ])
        .code(1);
    assert!(csv.stdout.is_empty());
    assert!(
        csv.stderr.contains("CSV cannot hold monitors"),
        "{}",
        csv.stderr
    );
}

#[test]
fn reexport_is_byte_identical_and_out_matches_stdout() {
    let sb = Sandbox::new();
    sb.run(&["apply", &ex(), "--auto-approve"]).ok();
    let dir = tempfile::tempdir().unwrap();
    for (ext, _) in FORMATS {
        let mut args = vec!["export", "--integration", "Segment", "--format", ext];
        if ext != "csv" {
            args.push("--include-monitors");
        }
        let first = sb.run(&args).ok().stdout;
        let second = sb.run(&args).ok().stdout;
        assert_eq!(first, second, "{ext}");
        let file = dir.path().join(format!("x.{ext}"));
        let file_arg = file.display().to_string();
        args.extend(["--out", &file_arg]);
        sb.run(&args).ok();
        assert_eq!(std::fs::read_to_string(&file).unwrap(), first, "{ext}");
    }
}

#[test]
fn export_csv_of_the_example_validates_clean() {
    let sb = Sandbox::new();
    sb.run(&["apply", &ex(), "--auto-approve"]).ok();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plan.csv").display().to_string();
    sb.run(&[
        "export",
        "--integration",
        "Segment",
        "--format",
        "csv",
        "--out",
        &file,
    ])
    .ok();
    let mut c = Command::new(env!("CARGO_BIN_EXE_secoda-sync"));
    c.env_clear().env("NO_COLOR", "1").args(["validate", &file]);
    let v = Out::of(c.output().unwrap()).ok();
    assert!(
        v.stdout.contains("5 categories, 28 events, 147 properties"),
        "{}",
        v.stdout
    );
    assert!(!v.stderr.contains("warning"), "{}", v.stderr);
}

/// Adoption: a workspace filled through the API by someone else, with fields the examples
/// never set (definitions, subscribers, collections, a manual-threshold monitor). (Ids the
/// workspace cannot name are covered by the unit tests: the sandbox refuses unknown ids.)
#[test]
fn export_adopts_a_workspace_filled_outside_the_tool() {
    let sb = Sandbox::new();
    let segment = seed::SEGMENT;
    let cat = sb.post(
        "/api/v1/event/category",
        json!({"title": "Orders", "integration": segment, "teams": [seed::id(0x11)]}),
    );
    let event = sb.post(
        "/api/v1/event/events",
        json!({
            "title": "Order Shipped", "parent": cat["id"], "integration": segment,
            "definition": "# Shipped\n\nSent when the parcel leaves.\n",
            "pii": true, "published": false,
            "tags": [seed::id(0x22), seed::id(0x23)], "subscribers": [seed::id(0x32)],
            "collections": [seed::id(0x42)],
        }),
    );
    sb.post(
        "/api/v1/event/event_properties",
        json!({
            "title": "carrier", "parent": event["id"], "integration": segment,
            "owners": [seed::id(0x33)], "type": "string", "is_required": false,
            "enum_values": "ups,dhl", "regex": "^[a-z]+$", "description": "Who ships it",
        }),
    );
    sb.post(
        "/api/v1/event/event_properties",
        json!({"title": "bare", "parent": event["id"], "integration": segment}),
    );
    // Another integration's category is not part of Segment's export.
    sb.post(
        "/api/v1/event/category",
        json!({"title": "Elsewhere", "integration": seed::AMPLITUDE}),
    );
    let monitor = json!({"target": seed::id(0x62), "metric_type": "null_percentage",
                         "condition_manual_max": 1.5, "condition_auto_sensitivity": null});
    sb.post("/api/v1/monitor/monitors", monitor.clone());
    // A twin (same target, metric and config): a manifest cannot declare it twice.
    sb.post("/api/v1/monitor/monitors", monitor);
    let out = sb
        .run(&["export", "--integration", "Segment", "--include-monitors"])
        .ok();
    assert!(
        out.stderr
            .contains("same target, metric and config as an earlier monitor; skipped"),
        "{}",
        out.stderr
    );

    let dir = tempfile::tempdir().unwrap();
    let live = sb.live_model(true, false).set.canonical();
    for (ext, format) in [("yaml", InputFormat::Yaml), ("jsonl", InputFormat::Jsonl)] {
        let text = export_and_replan(&sb, dir.path(), ext, &["--include-monitors"]);
        assert_eq!(load(ext, format, &text).canonical(), live, "{ext}");
    }
    let text = export_and_replan(&sb, dir.path(), "csv", &[]);
    let csv_live = ManifestSet {
        vendor_files: Vec::new(),
        monitors: Vec::new(),
        tags: Vec::new(),
        ..live.clone()
    };
    assert_eq!(load("csv", InputFormat::Csv, &text).canonical(), csv_live);

    let titles: Vec<&str> = live.categories.iter().map(|c| c.title.as_str()).collect();
    assert_eq!(titles, ["Orders"]);
    let e = &live.categories[0].events[0];
    let names = |s: &Option<secoda_sync::testing::manifest::NameSet>| {
        s.as_ref().unwrap().iter().cloned().collect::<Vec<_>>()
    };
    assert_eq!(names(&e.fields.tags), ["core", "revenue"]);
    assert_eq!(names(&e.fields.subscribers), ["bob@acme.test"]);
    assert_eq!(names(&e.fields.collections), ["Revenue Metrics"]);
    assert_eq!(
        e.fields.definition.as_deref(),
        Some("# Shipped\n\nSent when the parcel leaves.\n")
    );
    assert_eq!(e.fields.published, Some(false));
    let bare = e.properties.iter().find(|p| p.title == "bare").unwrap();
    assert_eq!(bare.fields.description, None);
    assert_eq!(bare.fields.owners, None);
    assert_eq!(bare.tracking.property_type, None);
    let carrier = e.properties.iter().find(|p| p.title == "carrier").unwrap();
    assert_eq!(names(&carrier.fields.owners), ["carol@acme.test"]);
    assert_eq!(live.monitors.len(), 1, "the twin is left out");
    let m = &live.monitors[0];
    assert_eq!(m.target.as_deref(), Some("analytics.public.orders.amount"));
    assert!(!m.name.is_empty(), "the server's generated name is kept");
}
