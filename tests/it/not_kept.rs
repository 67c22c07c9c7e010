//! Fields a workspace answers as `null` or with their old value after a write
//! (`SandboxConfig::ignore_fields`): the apply reports them and records them in the workspace,
//! the next plans leave them out and name them once, a field that is kept is still diffed, and
//! `--recheck-fields` compares them again; the same for monitor fields
//! (`monitor.<field>` in `ignore_fields`).

use crate::util::{Out, Sandbox};
use secoda_sync::sandbox::SandboxConfig;
use serde_json::Value;
use std::path::Path;

/// One event with two documented properties; `plan_desc` is the definition of `plan`. (Neither a
/// `description`, which the record itself lives in, nor a tracking field such as `type`: a tracking field not kept also stops the apply's later
/// writes carrying it, which `property_types.rs` tests.)
fn manifest(dir: &Path, plan_desc: &str, seats_required: bool) -> String {
    let path = dir.join("described.yaml");
    let yaml = format!(
        "version: 1
integration: Segment
categories:
  - title: Signup
    events:
      - title: Account Created
        properties:
          - title: plan
            definition: {plan_desc}
            type: string
          - title: seats
            definition: Seats bought.
            type: number
            is_required: {seats_required}
"
    );
    std::fs::write(&path, yaml).unwrap();
    path.to_str().unwrap().to_owned()
}

#[track_caller]
fn json(out: &Out) -> Value {
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}:\n{}", out.stdout))
}

fn ignoring(fields: &[&str], state: Option<&Path>) -> Sandbox {
    Sandbox::start(SandboxConfig {
        ignore_fields: fields.iter().map(|f| (*f).to_owned()).collect(),
        state_file: state.map(Path::to_path_buf),
        ..SandboxConfig::default()
    })
}

/// The record event's description, straight from the sandbox.
fn record_events(sb: &Sandbox) -> Vec<Value> {
    sb.list("/api/v1/event/events/")
        .into_iter()
        .filter(|e| e["title"] == "secoda-sync fields not kept")
        .collect()
}

#[test]
fn a_field_answered_null_after_a_write_is_recorded_and_then_left_out_of_plans() {
    let sb = ignoring(&["definition"], None);
    let dir = tempfile::tempdir().unwrap();
    let m = manifest(dir.path(), "Plan v1", false);
    let out = sb.run(&["apply", &m, "--auto-approve", "--json"]).ok();
    let doc = json(&out);
    assert_eq!(doc["not_kept"][0]["field"], "definition", "{doc}");
    assert_eq!(doc["not_kept"][0]["count"], 2, "{doc}");
    assert!(
        out.stderr
            .contains("Recorded in the workspace that it does not keep `definition` on properties"),
        "{}",
        out.stderr
    );
    let records = record_events(&sb);
    assert_eq!(records.len(), 1, "{records:?}");
    assert!(
        records[0]["description"]
            .as_str()
            .unwrap()
            .contains("property.definition seen "),
        "{records:?}"
    );

    // The record is the tool's own: never exported (nor planned, below).
    let export = sb.run(&["export", "--integration", "Segment"]).ok();
    assert!(!export.stdout.contains("secoda-sync"), "{}", export.stdout);

    // The answers carry `"definition": null`, so the field is readable; the record holds it back.
    let out = sb.run(&["plan", &m, "--detailed-exitcode"]).code(0);
    assert!(out.stdout.contains("No changes."), "{}", out.stdout);
    let line = "Not kept by the workspace: definition on 2 properties (seen on apply at ";
    assert_eq!(out.stdout.matches(line).count(), 1, "{}", out.stdout);
    let md = sb.run(&["plan", &m, "--format", "markdown"]).ok();
    assert!(md.stdout.contains(line), "{}", md.stdout);
    let doc = json(&sb.run(&["plan", &m, "--format", "json"]).ok());
    assert_eq!(doc["summary"]["writes"], 0, "{doc}");
    assert_eq!(doc["not_kept"][0]["kind"], "property", "{doc}");
    assert_eq!(doc["not_kept"][0]["field"], "definition", "{doc}");
    assert_eq!(doc["not_kept"][0]["count"], 2, "{doc}");
    assert!(!doc["not_kept"][0]["seen"].as_str().unwrap().is_empty());

    // A field the workspace keeps is still diffed, and applying it does not rewrite the
    // record (its set of fields is unchanged): one write, the PATCH.
    let m = manifest(dir.path(), "Plan v1", true);
    let out = sb.run(&["plan", &m, "--detailed-exitcode"]).code(2);
    assert!(
        out.stdout.contains("is_required: false -> true"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("definition:"), "{}", out.stdout);
    sb.clear_log();
    sb.run(&["apply", &m, "--auto-approve", "--no-lock"]).ok();
    let writes = sb.writes();
    assert_eq!(writes.len(), 1, "{writes:?}");
    assert!(writes[0].path.contains("/event_properties/"), "{writes:?}");
    sb.run(&["plan", &m, "--detailed-exitcode"]).code(0);

    // `--recheck-fields` compares them again: the writes are offered.
    let out = sb
        .run(&["plan", &m, "--detailed-exitcode", "--recheck-fields"])
        .code(2);
    assert!(
        out.stdout.contains("definition: \"\" -> \"Plan v1\""),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("Not kept"), "{}", out.stdout);
}

#[test]
fn a_field_answered_with_its_old_value_is_recorded_and_a_recheck_that_keeps_it_clears_it() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let m = manifest(dir.path(), "Plan v1", false);
    {
        // A workspace that keeps everything first.
        let sb = ignoring(&[], Some(&state));
        sb.run(&["apply", &m, "--auto-approve"]).ok();
    }
    let m = manifest(dir.path(), "Plan v2", false);
    {
        let sb = ignoring(&["definition"], Some(&state));
        let doc = json(&sb.run(&["apply", &m, "--auto-approve", "--json"]).ok());
        assert_eq!(doc["not_kept"][0]["field"], "definition", "{doc}");
        assert_eq!(doc["not_kept"][0]["count"], 1, "{doc}");
        let out = sb.run(&["plan", &m, "--detailed-exitcode"]).code(0);
        assert!(
            out.stdout
                .contains("Not kept by the workspace: definition on 1 property"),
            "{}",
            out.stdout
        );
    }
    // The same workspace, now keeping `definition`: a recheck writes it, sees it kept and removes
    // the record; plans compare `definition` again by themselves.
    let sb = ignoring(&[], Some(&state));
    assert_eq!(record_events(&sb).len(), 1);
    let out = sb
        .run(&["apply", &m, "--auto-approve", "--recheck-fields"])
        .ok();
    assert!(
        out.stderr.contains("record of fields not kept is removed"),
        "{}",
        out.stderr
    );
    assert!(record_events(&sb).is_empty());
    sb.run(&["plan", &m, "--detailed-exitcode"]).code(0);
    let m = manifest(dir.path(), "Plan v3", false);
    let out = sb.run(&["plan", &m, "--detailed-exitcode"]).code(2);
    assert!(
        out.stdout
            .contains("definition: \"Plan v2\" -> \"Plan v3\""),
        "{}",
        out.stdout
    );
}

#[test]
fn sandbox_serve_refuses_to_ignore_a_field_it_does_not_know() {
    let out = crate::util::bin()
        .args([
            "sandbox",
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--ignore-fields",
            "tpye",
        ])
        .output()
        .unwrap();
    let out = Out::of(out).code(1);
    assert!(
        out.stderr.contains("cannot ignore `tpye`"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("monitor.condition_manual_min"),
        "{}",
        out.stderr
    );
    // Monitor answers always carry their fields: they can be ignored, never dropped.
    let out = crate::util::bin()
        .args([
            "sandbox",
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--drop-fields",
            "monitor.name",
        ])
        .output()
        .unwrap();
    let out = Out::of(out).code(1);
    assert!(
        out.stderr.contains("cannot drop `monitor.name`"),
        "{}",
        out.stderr
    );
}

/// One manual-threshold monitor on the seeded orders table.
fn monitor_manifest(dir: &Path, max: u32) -> String {
    let path = dir.join("monitor.yaml");
    let yaml = format!(
        "version: 1
integration: Segment
monitors:
  - name: Orders rows
    target: analytics.public.orders
    metric_type: row_count
    condition_manual_min: 1
    condition_manual_max: {max}
"
    );
    std::fs::write(&path, yaml).unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn a_monitor_field_the_workspace_does_not_keep_is_recorded_and_then_left_out_of_plans() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let sb = ignoring(&["monitor.condition_manual_min"], Some(&state));
    let m = monitor_manifest(dir.path(), 2000);
    let out = sb
        .run(&["apply", &m, "--auto-approve", "--json", "--strict"])
        .code(1);
    let doc = json(&out);
    assert_eq!(doc["not_kept"][0]["kind"], "monitor", "{doc}");
    assert_eq!(doc["not_kept"][0]["field"], "condition_manual_min", "{doc}");
    assert_eq!(doc["not_kept"][0]["count"], 1, "{doc}");
    assert_eq!(doc["not_kept_record"]["status"], "recorded", "{doc}");
    assert_eq!(
        doc["not_kept_record"]["fields"][0],
        serde_json::json!({"kind": "monitor", "field": "condition_manual_min"}),
        "{doc}"
    );
    assert!(
        out.stderr.contains(
            "Recorded in the workspace that it does not keep `condition_manual_min` on monitors"
        ),
        "{}",
        out.stderr
    );
    let records = record_events(&sb);
    assert_eq!(records.len(), 1, "{records:?}");
    assert!(
        records[0]["description"]
            .as_str()
            .unwrap()
            .contains("monitor.condition_manual_min seen "),
        "{records:?}"
    );

    // The next plan offers nothing for it and names it once.
    let out = sb.run(&["plan", &m, "--detailed-exitcode"]).code(0);
    assert!(out.stdout.contains("No changes."), "{}", out.stdout);
    let line = "Not kept by the workspace: condition_manual_min on 1 monitor (seen on apply at ";
    assert_eq!(out.stdout.matches(line).count(), 1, "{}", out.stdout);
    let doc = json(&sb.run(&["plan", &m, "--format", "json"]).ok());
    assert_eq!(doc["not_kept"][0]["kind"], "monitor", "{doc}");
    assert_eq!(doc["not_kept"][0]["count"], 1, "{doc}");

    // A kept field of the same monitor is still diffed: one PATCH, carrying only it, and an
    // apply whose answers add nothing new writes nothing to the record.
    let m = monitor_manifest(dir.path(), 3000);
    let out = sb.run(&["plan", &m, "--detailed-exitcode"]).code(2);
    assert!(
        out.stdout.contains("condition_manual_max: 2000 -> 3000"),
        "{}",
        out.stdout
    );
    assert!(
        !out.stdout.contains("condition_manual_min:"),
        "{}",
        out.stdout
    );
    sb.clear_log();
    let doc = json(
        &sb.run(&[
            "apply",
            &m,
            "--auto-approve",
            "--no-lock",
            "--json",
            "--strict",
        ])
        .ok(),
    );
    assert_eq!(doc["not_kept"], serde_json::json!([]), "{doc}");
    assert_eq!(doc["not_kept_record"]["status"], "unchanged", "{doc}");
    let writes = sb.writes();
    assert_eq!(writes.len(), 1, "{writes:?}");
    assert!(writes[0].path.contains("/monitor/monitors/"), "{writes:?}");
    sb.run(&["plan", &m, "--detailed-exitcode"]).code(0);

    // `--recheck-fields` compares it again.
    let out = sb
        .run(&["plan", &m, "--detailed-exitcode", "--recheck-fields"])
        .code(2);
    assert!(
        out.stdout.contains("condition_manual_min: null -> 1"),
        "{}",
        out.stdout
    );

    // The same workspace, now keeping it: a recheck writes it, sees it kept and removes the
    // record.
    drop(sb);
    let sb = ignoring(&[], Some(&state));
    let out = sb
        .run(&["apply", &m, "--auto-approve", "--recheck-fields", "--json"])
        .ok();
    assert_eq!(
        json(&out)["not_kept_record"]["status"],
        "cleared",
        "{}",
        out.stdout
    );
    assert!(record_events(&sb).is_empty());
    sb.run(&["plan", &m, "--detailed-exitcode"]).code(0);
}

#[test]
fn a_record_edited_in_secoda_is_ignored_with_a_warning_and_hides_no_difference() {
    let sb = ignoring(&["definition"], None);
    let dir = tempfile::tempdir().unwrap();
    let described = |description: &str| {
        let path = dir.path().join("described.yaml");
        let yaml = format!(
            "version: 1
integration: Segment
categories:
  - title: Signup
    events:
      - title: Account Created
        properties:
          - title: plan
            description: {description}
            definition: Plan v1
"
        );
        std::fs::write(&path, yaml).unwrap();
        path.to_str().unwrap().to_owned()
    };
    let m = described("Chosen plan.");
    sb.run(&["apply", &m, "--auto-approve"]).ok();
    sb.run(&["plan", &m, "--detailed-exitcode"]).code(0);

    // Someone edits the record in Secoda's UI to name `description` instead.
    let record = record_events(&sb).remove(0);
    let text = record["description"].as_str().unwrap();
    assert!(text.contains("property.definition seen "), "{text}");
    let edited = text.replace("property.definition", "property.description");
    let id = record["id"].as_str().unwrap();
    sb.http(
        "PATCH",
        &format!("/api/v1/event/events/{id}"),
        Some(serde_json::json!({ "description": edited })),
    );

    // A description that differs is still a change: the edited record hides nothing.
    let m = described("The plan they chose.");
    let out = sb.run(&["plan", &m, "--detailed-exitcode"]).code(2);
    assert!(
        out.stdout
            .contains("description: \"Chosen plan.\" -> \"The plan they chose.\""),
        "{}",
        out.stdout
    );
    assert!(
        out.stderr.contains(&format!(
            "the workspace's record of fields not kept (event {id}) is ignored: its description \
             was changed outside secoda-sync"
        )),
        "{}",
        out.stderr
    );
    // The next apply finds `definition` not kept again and rewrites the record.
    sb.run(&["apply", &m, "--auto-approve"]).ok();
    let text = record_events(&sb)[0]["description"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        text.contains("property.definition seen ") && !text.contains("property.description"),
        "{text}"
    );
    let out = sb.run(&["plan", &m, "--detailed-exitcode"]).code(0);
    assert!(!out.stderr.contains("is ignored"), "{}", out.stderr);
}
