//! Renames that keep identity (`renamed_from`): in every manifest format, one PATCH of the old
//! id carrying the new title; the properties under a renamed event keep their ids; a rename
//! the workspace makes ambiguous, or does not keep, changes nothing else; a category cannot be
//! renamed; a removal beside a similar create hints at a rename.

use crate::util::{Out, Sandbox};
use secoda_sync::sandbox::{LogEntry, SandboxConfig};
use serde_json::Value;
use std::path::Path;

const EVENTS: &str = "/api/v1/event/events";
const PROPERTIES: &str = "/api/v1/event/event_properties";

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

/// One event (`event`, with `extra` lines under it, e.g. `renamed_from`) and two properties.
fn yaml(event: &str, extra: &str) -> String {
    format!(
        "version: 1
integration: Segment
categories:
  - title: Checkout
    events:
      - title: {event}
{extra}        description: Sent when an order is placed.
        properties:
          - title: order_id
            description: The order.
          - title: total
            description: Order total.
"
    )
}

/// Live resources of `path` by title: `title -> id`.
fn ids(sb: &Sandbox, path: &str) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = sb
        .list(path)
        .into_iter()
        .filter(|r| r["archived"] != true)
        .filter(|r| !r["title"].as_str().unwrap_or("").starts_with("secoda-sync"))
        .map(|r| {
            (
                r["title"].as_str().unwrap().to_owned(),
                r["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    v.sort();
    v
}

fn id_of(sb: &Sandbox, path: &str, title: &str) -> String {
    ids(sb, path)
        .into_iter()
        .find(|(t, _)| t == title)
        .unwrap_or_else(|| panic!("no live `{title}` in {:?}", ids(sb, path)))
        .1
}

fn apply(sb: &Sandbox, m: &str) -> Out {
    sb.run(&["apply", m, "--auto-approve", "--no-lock"])
}

/// The executor's writes since the log was last cleared.
fn tool_writes(sb: &Sandbox) -> Vec<LogEntry> {
    sb.writes()
}

/// Asserts the last apply made exactly one write: a PATCH of `path/id` carrying `title`.
#[track_caller]
fn one_patch(sb: &Sandbox, path: &str, id: &str, title: &str) -> Value {
    let writes = tool_writes(sb);
    assert_eq!(writes.len(), 1, "{writes:#?}");
    let w = &writes[0];
    assert_eq!(w.method, "PATCH", "{w:?}");
    assert_eq!(
        w.path.trim_end_matches('/'),
        format!("{path}/{id}"),
        "{w:?}"
    );
    let body = w.body.clone().unwrap();
    assert_eq!(body["title"], title, "{body}");
    body
}

/// A plan with no changes (exit 0 with `--detailed-exitcode`).
#[track_caller]
fn clean(sb: &Sandbox, m: &str) {
    let out = sb.run(&["plan", m, "--detailed-exitcode"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
}

#[test]
fn a_yaml_event_rename_is_one_patch_of_its_id_and_its_properties_keep_theirs() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let old = write(dir.path(), "plan.yaml", &yaml("Checkout Completed", ""));
    apply(&sb, &old).ok();
    let event = id_of(&sb, EVENTS, "Checkout Completed");
    let props = ids(&sb, PROPERTIES);
    assert_eq!(props.len(), 2, "{props:?}");

    let new = yaml("Order Placed", "        renamed_from: Checkout Completed\n").replace(
        "Sent when an order is placed.",
        "Sent once the order is placed.",
    );
    let m = write(dir.path(), "plan.yaml", &new);
    let plan = sb.run(&["plan", &m]).ok();
    assert!(
        plan.stdout
            .contains("~ event \"Order Placed\" (renamed from \"Checkout Completed\")"),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout.contains("breaking: event renamed"),
        "{}",
        plan.stdout
    );
    assert!(
        !plan.stdout.contains("+ "),
        "nothing is created:\n{}",
        plan.stdout
    );
    let doc = sb.run(&["plan", &m, "--format", "json"]).ok().json();
    let changes = doc["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{doc}");
    assert_eq!(changes[0]["action"], "update", "{doc}");
    assert_eq!(changes[0]["renamed_from"], "Checkout Completed", "{doc}");
    assert_eq!(changes[0]["id"], event.as_str(), "{doc}");
    assert_eq!(doc["summary"]["update"], 1, "{doc}");
    let writes = doc["summary"]["writes"].as_u64().unwrap();
    let lease = doc["summary"]["lease_writes"].as_u64().unwrap();
    assert_eq!(writes - lease, 1, "one write for the rename: {doc}");
    let md = sb.run(&["plan", &m, "--format", "markdown"]).ok();
    assert!(
        md.stdout
            .contains("event \"Order Placed\" (renamed from \"Checkout Completed\")"),
        "{}",
        md.stdout
    );

    sb.clear_log();
    apply(&sb, &m).ok();
    let body = one_patch(&sb, EVENTS, &event, "Order Placed");
    assert_eq!(
        body["description"], "Sent once the order is placed.",
        "{body}"
    );
    assert_eq!(id_of(&sb, EVENTS, "Order Placed"), event);
    assert!(ids(&sb, EVENTS)
        .iter()
        .all(|(t, _)| t != "Checkout Completed"));
    assert_eq!(ids(&sb, PROPERTIES), props, "the properties keep their ids");
    clean(&sb, &m);
}

#[test]
fn a_csv_event_rename_is_one_patch_of_its_id() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let rows = |event: &str, from: &str| {
        format!(
            "integration,category,event,property,description,renamed_from
Segment,Checkout,{event},,Sent when an order is placed.,{from}
Segment,Checkout,{event},order_id,The order.,
Segment,Checkout,{event},total,Order total.,
"
        )
    };
    let old = write(dir.path(), "plan.csv", &rows("Checkout Completed", ""));
    apply(&sb, &old).ok();
    let event = id_of(&sb, EVENTS, "Checkout Completed");
    let props = ids(&sb, PROPERTIES);

    let m = write(
        dir.path(),
        "plan.csv",
        &rows("Order Placed", "Checkout Completed"),
    );
    let plan = sb.run(&["plan", &m]).ok();
    assert!(
        plan.stdout
            .contains("~ event \"Order Placed\" (renamed from \"Checkout Completed\")"),
        "{}",
        plan.stdout
    );
    sb.clear_log();
    apply(&sb, &m).ok();
    one_patch(&sb, EVENTS, &event, "Order Placed");
    assert_eq!(id_of(&sb, EVENTS, "Order Placed"), event);
    assert_eq!(ids(&sb, PROPERTIES), props, "the properties keep their ids");
    clean(&sb, &m);
}

#[test]
fn a_jsonl_property_rename_is_one_patch_of_its_id() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let records = |title: &str, from: &str| {
        format!(
            r#"{{"kind": "category", "integration": "Segment", "title": "Checkout"}}
{{"kind": "event", "category": "Checkout", "title": "Checkout Completed", "description": "Sent when an order is placed."}}
{{"kind": "property", "category": "Checkout", "event": "Checkout Completed", "title": "order_id", "description": "The order."}}
{{"kind": "property", "category": "Checkout", "event": "Checkout Completed", "title": "{title}", "description": "Order total."{from}}}
"#
        )
    };
    let old = write(dir.path(), "plan.jsonl", &records("total", ""));
    apply(&sb, &old).ok();
    let total = id_of(&sb, PROPERTIES, "total");
    let order_id = id_of(&sb, PROPERTIES, "order_id");

    let m = write(
        dir.path(),
        "plan.jsonl",
        &records("order_total", r#", "renamed_from": ["total", "amount"]"#),
    );
    let plan = sb.run(&["plan", &m]).ok();
    assert!(
        plan.stdout
            .contains("~ property \"order_total\" (renamed from \"total\")"),
        "{}",
        plan.stdout
    );
    sb.clear_log();
    let doc = sb
        .run(&["apply", &m, "--auto-approve", "--no-lock", "--json"])
        .ok()
        .json();
    assert_eq!(doc["changes"][0]["renamed_from"], "total", "{doc}");
    assert_eq!(doc["changes"][0]["id"], total.as_str(), "{doc}");
    one_patch(&sb, PROPERTIES, &total, "order_total");
    assert_eq!(id_of(&sb, PROPERTIES, "order_total"), total);
    assert_eq!(id_of(&sb, PROPERTIES, "order_id"), order_id);
    assert_eq!(ids(&sb, PROPERTIES).len(), 2);
    clean(&sb, &m);
}

#[test]
fn a_rename_whose_old_and_new_titles_both_exist_is_refused_naming_both_ids() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let both = yaml("Checkout Completed", "").replace(
        "        properties:\n          - title: order_id\n            description: The order.\n          - title: total\n            description: Order total.\n",
        "      - title: Order Placed\n        description: Sent when an order is placed.\n",
    );
    let m = write(dir.path(), "plan.yaml", &both);
    apply(&sb, &m).ok();
    let old = id_of(&sb, EVENTS, "Checkout Completed");
    let new = id_of(&sb, EVENTS, "Order Placed");

    let renamed = yaml("Order Placed", "        renamed_from: Checkout Completed\n");
    let m = write(dir.path(), "plan.yaml", &renamed);
    sb.clear_log();
    let out = apply(&sb, &m).code(1);
    assert!(tool_writes(&sb).is_empty(), "{:?}", tool_writes(&sb));
    for id in [&old, &new] {
        assert!(out.stderr.contains(id.as_str()), "{id}:\n{}", out.stderr);
    }
    assert!(out.stderr.contains("plan.yaml:"), "{}", out.stderr);
    let plan = sb.run(&["plan", &m]).code(1);
    assert!(
        plan.stderr
            .contains("cannot rename event `Checkout/Order Placed`"),
        "{}",
        plan.stderr
    );
}

#[test]
fn a_rename_the_workspace_does_not_keep_fails_alone_and_is_offered_again() {
    let sb = Sandbox::start(SandboxConfig {
        drop_title_patch: true,
        ..SandboxConfig::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let old = write(dir.path(), "plan.yaml", &yaml("Checkout Completed", ""));
    apply(&sb, &old).ok();
    let event = id_of(&sb, EVENTS, "Checkout Completed");

    // The rename, and a property description change that must still be made.
    let new = yaml("Order Placed", "        renamed_from: Checkout Completed\n")
        .replace("The order.", "The order's id.");
    let m = write(dir.path(), "plan.yaml", &new);
    let out = apply(&sb, &m).code(1);
    assert!(out.stderr.contains("Order Placed"), "{}", out.stderr);
    assert!(out.stderr.contains("was not kept"), "{}", out.stderr);
    assert_eq!(id_of(&sb, EVENTS, "Checkout Completed"), event);
    let order_id = sb
        .list(PROPERTIES)
        .into_iter()
        .find(|p| p["title"] == "order_id")
        .unwrap();
    assert_eq!(
        order_id["description"], "The order's id.",
        "the rest applies"
    );

    let plan = sb.run(&["plan", &m]).ok();
    assert!(
        plan.stdout
            .contains("~ event \"Order Placed\" (renamed from \"Checkout Completed\")"),
        "{}",
        plan.stdout
    );
    assert!(!plan.stdout.contains("+ event"), "{}", plan.stdout);
    assert!(
        ids(&sb, EVENTS).iter().all(|(t, _)| t != "Order Placed"),
        "{:?}",
        ids(&sb, EVENTS)
    );
}

#[test]
fn a_category_renamed_from_is_a_validation_error_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let m = write(
        dir.path(),
        "plan.yaml",
        "version: 1
integration: Segment
categories:
  - title: Purchase
    renamed_from: Checkout
    events:
      - title: Order Placed
        description: Sent when an order is placed.
",
    );
    let out = Out::of(crate::util::bin().args(["validate", &m]).output().unwrap()).code(1);
    assert!(out.stderr.contains("plan.yaml:5"), "{}", out.stderr);
    assert!(
        out.stderr.contains("cannot rename a category"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_delete_beside_a_similar_create_hints_at_a_rename() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let old = write(dir.path(), "plan.yaml", &yaml("Order Placed", ""));
    apply(&sb, &old).ok();
    let m = write(dir.path(), "plan.yaml", &yaml("Order_Placed", ""));
    let out = sb.run(&["plan", &m, "--prune"]).ok();
    assert!(
        out.stderr
            .contains("did you mean a rename? add `renamed_from: Order Placed` to Order_Placed"),
        "{}",
        out.stderr
    );
    let marked = write(
        dir.path(),
        "plan.yaml",
        &yaml("Order_Placed", "        renamed_from: Order Placed\n"),
    );
    let out = sb.run(&["plan", &marked, "--prune"]).ok();
    assert!(
        !out.stderr.contains("did you mean a rename"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_saved_plan_with_a_rename_applies_its_properties_under_the_new_title() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let old = write(dir.path(), "plan.yaml", &yaml("Checkout Completed", ""));
    apply(&sb, &old).ok();
    let event = id_of(&sb, EVENTS, "Checkout Completed");
    let order_id = id_of(&sb, PROPERTIES, "order_id");

    let new = yaml("Order Placed", "        renamed_from: Checkout Completed\n")
        .replace("The order.", "The order's id.");
    let m = write(dir.path(), "plan.yaml", &new);
    let saved = dir.path().join("plan.json");
    let saved = saved.to_str().unwrap();
    sb.run(&["plan", &m, "--out", saved]).ok();
    let file: Value = serde_json::from_str(&std::fs::read_to_string(saved).unwrap()).unwrap();
    assert!(
        file.to_string()
            .contains(r#""renamed_from":"Checkout Completed""#),
        "{file}"
    );
    sb.clear_log();
    sb.run(&["apply", "--plan", saved, "--auto-approve", "--no-lock"])
        .ok();
    let writes = tool_writes(&sb);
    assert_eq!(writes.len(), 2, "{writes:#?}");
    assert!(writes.iter().all(|w| w.method == "PATCH"), "{writes:#?}");
    assert_eq!(id_of(&sb, EVENTS, "Order Placed"), event);
    assert_eq!(id_of(&sb, PROPERTIES, "order_id"), order_id);
    clean(&sb, &m);
}

#[test]
fn diff_shows_a_rename_from_the_base_and_hints_at_an_unmarked_one() {
    let dir = tempfile::tempdir().unwrap();
    let (base, new) = (dir.path().join("base"), dir.path().join("new"));
    std::fs::create_dir_all(&base).unwrap();
    std::fs::create_dir_all(&new).unwrap();
    write(&base, "plan.yaml", &yaml("Checkout Completed", ""));
    write(
        &new,
        "plan.yaml",
        &yaml("Order Placed", "        renamed_from: Checkout Completed\n"),
    );
    let run = |a: &Path, b: &Path| {
        Out::of(
            crate::util::bin()
                .args(["diff", a.to_str().unwrap(), b.to_str().unwrap()])
                .output()
                .unwrap(),
        )
    };
    let out = run(&base, &new).ok();
    assert!(
        out.stdout
            .contains("~ event \"Order Placed\" (renamed from \"Checkout Completed\")"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("+ event"), "{}", out.stdout);

    write(&new, "plan.yaml", &yaml("Checkout_Completed", ""));
    let out = run(&base, &new).ok();
    assert!(
        out.stderr.contains(
            "did you mean a rename? add `renamed_from: Checkout Completed` to Checkout_Completed"
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn a_csv_category_row_with_renamed_from_is_a_validation_error_at_its_cell() {
    let dir = tempfile::tempdir().unwrap();
    let m = write(
        dir.path(),
        "plan.csv",
        "integration,category,event,property,description,renamed_from
Segment,Purchase,,,Buying things,Checkout
Segment,Purchase,Order Placed,,Sent when an order is placed.,
",
    );
    let out = Out::of(crate::util::bin().args(["validate", &m]).output().unwrap()).code(1);
    assert!(out.stderr.contains("plan.csv:2:6"), "{}", out.stderr);
    assert!(
        out.stderr.contains("cannot rename a category"),
        "{}",
        out.stderr
    );
    assert!(
        !out.stderr.contains("does not apply to"),
        "one error: {}",
        out.stderr
    );
}
