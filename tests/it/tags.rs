//! Tags the manifests declare: created before the resources carrying them (which then carry
//! the new tag's id), patched when their colour or description changes, never created from a
//! typo; through YAML, JSONL, saved plans and export.

use crate::util::Sandbox;
use serde_json::Value;
use std::path::{Path, PathBuf};

#[track_caller]
fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

const YAML: &str = "version: 1
integration: Segment
tags:
  - name: v2
    color: '#2f80ed'
    description: The second tracking plan.
categories:
  - title: Checkout
    events:
      - title: Order Completed
        tags: [core, v2]
";

/// The tag of that name as the sandbox lists it.
#[track_caller]
fn tag(sb: &Sandbox, name: &str) -> Value {
    sb.list("/api/v1/tag")
        .into_iter()
        .find(|t| t["name"] == name)
        .unwrap_or_else(|| panic!("no tag `{name}`"))
}

/// The tag writes and the writes of `Order Completed` in the sandbox's log (not the lease's),
/// in order, as `METHOD path`.
fn tag_and_event_writes(sb: &Sandbox) -> Vec<String> {
    sb.writes()
        .into_iter()
        .filter(|w| {
            w.path.contains("/tag")
                || w.body
                    .as_ref()
                    .is_some_and(|b| b["title"] == "Order Completed")
        })
        .map(|w| format!("{} {}", w.method, w.path))
        .collect()
}

#[track_caller]
fn the_event_carries(sb: &Sandbox, tag_id: &Value) {
    let segment = sb
        .list("/api/v1/integration/integrations")
        .into_iter()
        .find(|i| i["name"] == "Segment")
        .unwrap();
    let events = sb.list("/api/v1/event/events");
    let ev = events
        .iter()
        .find(|e| e["title"] == "Order Completed" && e["integration"] == segment["id"])
        .expect("the event was created");
    let tags = ev["tags"].as_array().unwrap();
    assert!(tags.contains(tag_id), "{tags:?} lacks {tag_id}");
    assert_eq!(tags.len(), 2, "{tags:?}");
}

#[test]
fn a_declared_tag_is_created_before_the_event_carrying_it_and_replans_clean() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let m = write(dir.path(), "checkout.yaml", YAML);
    let m = m.to_str().unwrap();
    let plan = sb.run(&["plan", m]).ok();
    assert!(plan.stdout.contains("+ tag \"v2\""), "{}", plan.stdout);
    assert!(
        plan.stdout.find("+ tag \"v2\"") < plan.stdout.find("+ event \"Order Completed\""),
        "the tag comes first: {}",
        plan.stdout
    );
    assert!(!plan.stdout.contains("pending-tag"), "{}", plan.stdout);
    sb.clear_log();
    sb.run(&["apply", m, "--auto-approve"]).ok();
    let writes = tag_and_event_writes(&sb);
    assert_eq!(
        writes,
        ["POST /api/v1/tag", "POST /api/v1/event/events"],
        "one write each, the tag first"
    );
    let v2 = tag(&sb, "v2");
    assert_eq!(v2["color"], "#2f80ed");
    assert_eq!(v2["description"], "The second tracking plan.");
    the_event_carries(&sb, &v2["id"]);
    let again = sb.run(&["plan", m]).ok();
    assert!(again.stdout.contains("No changes."), "{}", again.stdout);
}

#[test]
fn a_jsonl_tag_record_declares_a_tag_like_yaml() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let m = write(
        dir.path(),
        "plan.jsonl",
        r#"{"kind": "tag", "name": "v2", "color": "red"}
{"kind": "category", "integration": "Segment", "title": "Checkout"}
{"kind": "event", "category": "Checkout", "title": "Order Completed", "tags": ["core", "v2"]}
"#,
    );
    let m = m.to_str().unwrap();
    sb.run(&["apply", m, "--auto-approve"]).ok();
    let v2 = tag(&sb, "v2");
    assert_eq!(v2["color"], "red");
    assert_eq!(
        v2["description"], "",
        "a description not declared is not sent"
    );
    the_event_carries(&sb, &v2["id"]);
    let again = sb.run(&["plan", m]).ok();
    assert!(again.stdout.contains("No changes."), "{}", again.stdout);
}

#[test]
fn a_changed_tag_colour_is_one_patch_of_that_field() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let m = write(dir.path(), "checkout.yaml", YAML);
    let m = m.to_str().unwrap();
    sb.run(&["apply", m, "--auto-approve"]).ok();
    write(
        dir.path(),
        "checkout.yaml",
        &YAML.replace("#2f80ed", "#eb5757"),
    );
    let plan = sb.run(&["plan", m]).ok();
    assert!(plan.stdout.contains("~ tag \"v2\""), "{}", plan.stdout);
    sb.clear_log();
    sb.run(&["apply", m, "--auto-approve"]).ok();
    let id = tag(&sb, "v2")["id"].as_str().unwrap().to_owned();
    let patches: Vec<_> = sb
        .writes()
        .into_iter()
        .filter(|w| w.path.contains("/tag"))
        .collect();
    assert_eq!(patches.len(), 1, "{patches:?}");
    assert_eq!(patches[0].method, "PATCH");
    assert_eq!(patches[0].path, format!("/api/v1/tag/{id}"));
    assert_eq!(
        patches[0].body,
        Some(serde_json::json!({"color": "#eb5757"}))
    );
    assert_eq!(tag(&sb, "v2")["description"], "The second tracking plan.");
    let again = sb.run(&["plan", m]).ok();
    assert!(again.stdout.contains("No changes."), "{}", again.stdout);
}

#[test]
fn an_undeclared_unknown_tag_is_an_error_with_the_hint_to_declare_it() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let undeclared = YAML.replace(
        "tags:\n  - name: v2\n    color: '#2f80ed'\n    description: The second tracking plan.\n",
        "",
    );
    let m = write(dir.path(), "checkout.yaml", &undeclared);
    let out = sb.run(&["plan", m.to_str().unwrap()]).code(1);
    assert!(
        out.stderr.contains("unknown tag `v2` in `tags`")
            && out.stderr.contains("declare it under `tags:` to create it"),
        "{}",
        out.stderr
    );
    assert!(sb.writes().is_empty());
}

#[test]
fn a_tag_declared_twice_is_an_error_at_the_second_declaration() {
    let sb = Sandbox::new();
    sb.expect_no_calls();
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.yaml", YAML);
    write(
        dir.path(),
        "b.yaml",
        "version: 1\nintegration: Segment\ntags:\n  - name: v2\n",
    );
    let out = sb.run(&["plan", dir.path().to_str().unwrap()]).code(1);
    assert!(
        out.stderr.contains("b.yaml:4:") && out.stderr.contains("tag `v2` is declared twice"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_saved_plan_creating_a_tag_applies_as_reviewed() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let m = write(dir.path(), "checkout.yaml", YAML);
    let m = m.to_str().unwrap();
    let saved = dir.path().join("plan.json");
    let saved = saved.to_str().unwrap();
    sb.run(&["plan", m, "--out", saved]).ok();
    sb.clear_log();
    let out = sb.run(&["apply", "--plan", saved, "--auto-approve"]).ok();
    assert!(out.stdout.contains("tag \"v2\""), "{}", out.stdout);
    assert!(!out.stdout.contains("pending-tag"), "{}", out.stdout);
    assert_eq!(
        tag_and_event_writes(&sb),
        ["POST /api/v1/tag", "POST /api/v1/event/events"]
    );
    the_event_carries(&sb, &tag(&sb, "v2")["id"]);
    let again = sb.run(&["plan", m]).ok();
    assert!(again.stdout.contains("No changes."), "{}", again.stdout);
}

#[test]
fn a_saved_plan_naming_a_tag_no_create_makes_is_refused_whole() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let m = write(dir.path(), "checkout.yaml", YAML);
    let saved = dir.path().join("plan.json");
    let saved = saved.to_str().unwrap();
    sb.run(&["plan", m.to_str().unwrap(), "--out", saved]).ok();
    // Drop the tag's create and keep the event naming it: every problem is named, this one too.
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(saved).unwrap()).unwrap();
    let changes = v["plan"]["changes"].as_array_mut().unwrap();
    changes.retain(|c| c["kind"] != "tag");
    std::fs::write(saved, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
    sb.clear_log();
    let out = sb
        .run(&["apply", "--plan", saved, "--auto-approve"])
        .code(1);
    assert!(
        out.stderr.contains("carries tag `v2` to be created"),
        "{}",
        out.stderr
    );
    assert!(sb.writes().is_empty(), "{:?}", sb.writes());
}

#[test]
fn export_writes_the_tags_its_resources_use_and_round_trips_clean() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let m = write(dir.path(), "checkout.yaml", YAML);
    sb.run(&["apply", m.to_str().unwrap(), "--auto-approve"])
        .ok();
    let out_dir = dir.path().join("exported");
    std::fs::create_dir(&out_dir).unwrap();
    sb.run(&[
        "export",
        "--integration",
        "Segment",
        "--out",
        out_dir.join("export.yaml").to_str().unwrap(),
    ])
    .ok();
    let text = std::fs::read_to_string(out_dir.join("export.yaml")).unwrap();
    assert!(text.contains("name: v2"), "{text}");
    assert!(text.contains("The second tracking plan."), "{text}");
    let again = sb.run(&["plan", out_dir.to_str().unwrap()]).ok();
    assert!(again.stdout.contains("No changes."), "{}", again.stdout);
}

#[test]
fn a_saved_plan_patching_a_tag_colour_applies_and_refuses_once_stale() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let m = write(dir.path(), "checkout.yaml", YAML);
    let m = m.to_str().unwrap();
    sb.run(&["apply", m, "--auto-approve"]).ok();
    write(
        dir.path(),
        "checkout.yaml",
        &YAML.replace("#2f80ed", "#eb5757"),
    );
    let saved = dir.path().join("plan.json");
    let saved = saved.to_str().unwrap();
    sb.run(&["plan", m, "--out", saved]).ok();
    sb.clear_log();
    sb.run(&["apply", "--plan", saved, "--auto-approve"]).ok();
    assert_eq!(tag(&sb, "v2")["color"], "#eb5757");
    let tag_writes = sb
        .writes()
        .into_iter()
        .filter(|w| w.path.contains("/tag"))
        .count();
    assert_eq!(tag_writes, 1);
    // The tag gone since the plan was made: refused whole, nothing written.
    let id = tag(&sb, "v2")["id"].as_str().unwrap().to_owned();
    write(
        dir.path(),
        "checkout.yaml",
        &YAML.replace("#2f80ed", "#219653"),
    );
    sb.run(&["plan", m, "--out", saved]).ok();
    sb.http("DELETE", &format!("/api/v1/tag/{id}"), None);
    sb.clear_log();
    let out = sb
        .run(&["apply", "--plan", saved, "--auto-approve"])
        .code(1);
    assert!(out.stderr.contains("tag:v2"), "{}", out.stderr);
    assert!(sb.writes().is_empty(), "{:?}\n{}", sb.writes(), out.stderr);
}
