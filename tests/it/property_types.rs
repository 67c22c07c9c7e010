//! `--property-types native|definition|off` through the binary: where the tracking-plan fields
//! of properties go, that both real modes survive apply -> export -> plan, that hand-written
//! definition text outside the block stays, and that a workspace refusing (400) or dropping
//! the fields stops the property writes carrying them with the hint.

use crate::util::{property, Out, Sandbox};
use secoda_sync::sandbox::SandboxConfig;
use secoda_sync::testing::manifest::tracking_block::BEGIN;
use secoda_sync::testing::manifest::{load, LoadOptions, ManifestSet};
use serde_json::Value;
use std::path::{Path, PathBuf};

const PROPERTIES: &str = "/api/v1/event/event_properties";
const HINT: &str = "use `--property-types definition`";

fn avo() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/presets/avo.csv")
        .display()
        .to_string()
}

#[track_caller]
fn live_property(sb: &Sandbox, title: &str) -> Value {
    sb.list(PROPERTIES)
        .into_iter()
        .find(|p| p["title"] == title)
        .unwrap_or_else(|| panic!("no live property `{title}`"))
}

/// Exports with `--property-types mode` and loads the file back.
fn export(sb: &Sandbox, mode: &str, dir: &Path) -> (PathBuf, ManifestSet) {
    let file = dir.join(format!("export-{mode}.yaml"));
    let f = file.display().to_string();
    let args = [
        "export",
        "--integration",
        "Segment",
        "--property-types",
        mode,
    ];
    sb.run(&[&args[..], &["--out", &f]].concat()).ok();
    let l = load(&LoadOptions {
        paths: vec![file.clone()],
        ..LoadOptions::default()
    });
    assert!(!l.has_errors(), "{:#?}", l.diagnostics);
    (file, l.set)
}

#[test]
fn both_modes_carry_types_required_and_enums_through_apply_export_and_plan() {
    for mode in ["native", "definition"] {
        let sb = Sandbox::new();
        let file = avo();
        let flags = ["--integration", "Segment", "--property-types", mode];
        sb.run(&[&["apply", &file, "--auto-approve"][..], &flags].concat())
            .ok();
        let out = sb.run(&[&["plan", &file][..], &flags].concat()).ok();
        assert!(out.stdout.contains("No changes"), "{mode}: {}", out.stdout);

        let live = live_property(&sb, "amount_0");
        if mode == "definition" {
            assert_eq!(live["type"], Value::Null, "not sent as a field");
            let d = live["definition"].as_str().unwrap();
            assert!(
                d.contains(BEGIN) && d.contains("| type | `integer` |"),
                "{d}"
            );
            let sent_tracking = sb.writes().iter().any(|w| {
                w.body
                    .as_ref()
                    .is_some_and(|b| b.get("type").is_some() || b.get("is_required").is_some())
            });
            assert!(!sent_tracking, "no write carried a tracking field");
        } else {
            assert_eq!(live["type"], "integer");
        }

        let dir = tempfile::tempdir().unwrap();
        let (exported, set) = export(&sb, mode, dir.path());
        let amount = property(&set, "Order Completed", "amount_0");
        assert_eq!(amount.tracking.property_type.as_deref(), Some("integer"));
        assert_eq!(amount.tracking.is_required, Some(true), "{mode}");
        let plan = property(&set, "Order Completed", "plan");
        assert_eq!(
            plan.tracking.enum_values.as_deref(),
            Some("free,pro,enterprise"),
            "{mode}"
        );
        assert_eq!(
            property(&set, "Order Completed", "item_ids")
                .tracking
                .is_array_type,
            Some(true)
        );
        assert!(
            amount
                .fields
                .definition
                .as_deref()
                .is_none_or(|d| !d.contains(BEGIN)),
            "{mode}: the block is read back into the fields, not left in the definition"
        );
        let e = exported.display().to_string();
        let out = sb
            .run(&["plan", &e, "--property-types", mode, "--detailed-exitcode"])
            .code(0);
        assert!(out.stdout.contains("No changes"), "{mode}: {}", out.stdout);
    }
}

fn manifest(dir: &Path, property: &str) -> String {
    let path = dir.join("m.yaml");
    let yaml = format!(
        "version: 1
integration: Segment
categories:
  - title: Checkout
    events:
      - title: Order Completed
        description: An order was paid.
        properties:
{property}"
    );
    std::fs::write(&path, yaml).unwrap();
    path.display().to_string()
}

#[test]
fn hand_written_definition_text_outside_the_block_survives_an_apply() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    // Someone wrote the definition by hand (here: a manifest that manages it, natively).
    let hand = "# Amount\n\nIn cents, before tax.";
    let m = manifest(
        dir.path(),
        &format!("          - title: amount\n            definition: {hand:?}\n"),
    );
    sb.run(&["apply", &m, "--auto-approve"]).ok();

    // A manifest that manages only the type, in definition mode, adds the block below it.
    let typed =
        "          - title: amount\n            type: integer\n            is_required: true\n";
    let m = manifest(dir.path(), typed);
    let flags = ["--property-types", "definition"];
    sb.run(&[&["apply", &m, "--auto-approve"][..], &flags].concat())
        .ok();
    let d = live_property(&sb, "amount")["definition"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(d.starts_with(&format!("{hand}\n\n{BEGIN}\n")), "{d}");
    assert!(d.contains("| is_required | yes |"), "{d}");

    // Text added after the block by hand, then a type change: only the block changes.
    let with_footer = format!("{d}\n\nSee the pricing doc.");
    let id = live_property(&sb, "amount")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    sb.http(
        "PATCH",
        &format!("{PROPERTIES}/{id}"),
        Some(serde_json::json!({ "definition": with_footer })),
    );
    let m = manifest(dir.path(), &typed.replace("integer", "number"));
    let out = sb.run(&[&["plan", &m, "--detailed-exitcode"][..], &flags].concat());
    let out = out.code(2);
    assert!(out.stdout.contains("definition"), "{}", out.stdout);
    sb.run(&[&["apply", &m, "--auto-approve"][..], &flags].concat())
        .ok();
    let after = live_property(&sb, "amount")["definition"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(after, with_footer.replace("`integer`", "`number`"));
    sb.run(&[&["plan", &m, "--detailed-exitcode"][..], &flags].concat())
        .code(0);
}

#[test]
fn off_sends_and_compares_no_tracking_field() {
    let sb = Sandbox::new();
    let file = avo();
    let flags = ["--integration", "Segment", "--property-types", "off"];
    sb.run(&[&["apply", &file, "--auto-approve"][..], &flags].concat())
        .ok();
    for w in sb.writes() {
        let b = w.body.unwrap_or(Value::Null);
        for f in [
            "type",
            "is_required",
            "is_array_type",
            "enum_values",
            "regex",
        ] {
            assert!(b.get(f).is_none(), "{} {} sent `{f}`", w.method, w.path);
        }
    }
    assert_eq!(live_property(&sb, "amount_0")["type"], Value::Null);
    sb.run(&[&["plan", &file, "--detailed-exitcode"][..], &flags].concat())
        .code(0);
    // The same file natively still has every type to write.
    let out = sb
        .run(&[
            "plan",
            &file,
            "--integration",
            "Segment",
            "--detailed-exitcode",
        ])
        .code(2);
    assert!(
        out.stdout
            .lines()
            .any(|l| l.trim().starts_with("type:") && l.ends_with("\"\" -> \"integer\"")),
        "{}",
        out.stdout
    );
}

/// Two typed properties and one untyped, in key order: `plan`, `referrer`, `seats`.
fn typed_three(dir: &Path) -> String {
    manifest(
        dir,
        "          - title: plan
            type: string
          - title: referrer
            description: Where they came from.
          - title: seats
            type: number
",
    )
}

fn statuses(doc: &Value) -> Vec<(String, String)> {
    doc["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["key"].as_str().unwrap().to_owned(),
                c["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[track_caller]
fn stopped_apply(sb: &Sandbox, m: &str, why: &str) {
    // One write at a time, so which property meets the workspace first is fixed.
    let args = [
        "apply",
        m,
        "--auto-approve",
        "--no-lock",
        "--concurrency",
        "1",
    ];
    let doc: Value = sb.run(&[&args[..], &["--json"]].concat()).code(1).json();
    let s = statuses(&doc);
    let status = |key: &str| {
        s.iter()
            .find(|(k, _)| k == key)
            .map(|(_, st)| st.as_str())
            .unwrap_or_else(|| panic!("no {key} in {s:?}"))
    };
    assert_eq!(status("Checkout/Order Completed"), "done");
    assert_eq!(
        status("Checkout/Order Completed/referrer"),
        "done",
        "no tracking field"
    );
    assert_eq!(status("Checkout/Order Completed/seats"), "held", "{doc}");
    assert_eq!(doc["summary"]["held"], 1);
    assert_eq!(doc["stopped"]["fields"][0]["field"], "type");
    assert_eq!(doc["stopped"]["fields"][0]["why"], why);
    assert!(
        doc["stopped"]["hint"].as_str().unwrap().contains(HINT),
        "{doc}"
    );
    let seats = doc["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == "Checkout/Order Completed/seats")
        .unwrap();
    assert!(seats["error"].as_str().unwrap().contains(HINT), "{seats}");
}

#[test]
fn a_workspace_refusing_a_tracking_field_stops_the_property_writes_with_the_hint() {
    let sb = Sandbox::start(SandboxConfig {
        reject_fields: vec!["type".into()],
        ..SandboxConfig::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let m = typed_three(dir.path());
    stopped_apply(&sb, &m, "refused");
    // The text form says what was held and the way out; the exit code is non-zero.
    let out = sb
        .run(&[
            "apply",
            &m,
            "--auto-approve",
            "--no-lock",
            "--concurrency",
            "1",
        ])
        .code(1);
    assert!(
        out.stdout.contains("-> 400") && out.stdout.contains(HINT),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("Held back, 1 property write"),
        "{}",
        out.stdout
    );
    // Following the hint converges.
    let flags = ["--property-types", "definition"];
    sb.run(&[&["apply", &m, "--auto-approve"][..], &flags].concat())
        .ok();
    sb.run(&[&["plan", &m, "--detailed-exitcode"][..], &flags].concat())
        .code(0);
}

#[test]
fn a_workspace_not_keeping_a_tracking_field_stops_the_property_writes_with_the_hint() {
    let sb = Sandbox::start(SandboxConfig {
        drop_fields: vec!["type".into()],
        ..SandboxConfig::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let m = typed_three(dir.path());
    stopped_apply(&sb, &m, "not_kept");
    let out = Out::of(
        sb.cmd(&[
            "apply",
            &m,
            "--auto-approve",
            "--property-types",
            "definition",
        ])
        .output()
        .unwrap(),
    )
    .ok();
    assert!(!out.stdout.contains(HINT), "{}", out.stdout);
    let d = live_property(&sb, "seats")["definition"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(d.contains("| type | `number` |"), "{d}");
}

#[test]
fn a_tracking_field_already_recorded_as_not_kept_stops_nothing_the_next_time() {
    // Answers hold the old value (`null`): the apply records the field in the workspace.
    let sb = Sandbox::start(SandboxConfig {
        ignore_fields: vec!["type".into()],
        ..SandboxConfig::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let m = typed_three(dir.path());
    stopped_apply(&sb, &m, "not_kept");
    // The record now names `type`: the held property is created without a second stop, the
    // loss is reported, and the plan after it has nothing left to do.
    let args = ["apply", &m, "--auto-approve", "--no-lock", "--json"];
    let doc: Value = sb.run(&args).ok().json();
    assert!(doc.get("stopped").is_none(), "{doc}");
    assert_eq!(doc["not_kept"][0]["field"], "type", "{doc}");
    let out = sb.run(&["plan", &m, "--detailed-exitcode"]).code(0);
    assert!(
        out.stdout.contains("Not kept by the workspace: type"),
        "{}",
        out.stdout
    );
}

#[test]
fn migrate_report_says_where_the_types_go() {
    for (mode, line) in [
        (
            "native",
            "property types: native (the properties' own fields)",
        ),
        (
            "definition",
            "property types: definition (a tracking block in the definition of",
        ),
        (
            "off",
            "property types: off (not carried: the types, required flags and enums of",
        ),
    ] {
        let out = crate::util::bin()
            .args(["migrate-report", &avo(), "--property-types", mode])
            .output()
            .unwrap();
        let out = Out::of(out).ok();
        assert!(out.stdout.contains(line), "{mode}: {}", out.stdout);
    }
}
