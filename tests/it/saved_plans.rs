//! A saved plan does exactly what was reviewed, and nothing past its limits: each test edits a
//! saved plan's JSON, then `apply --plan` must exit 1 having written nothing. Most edits are
//! re-sealed (the fingerprint recomputed, as someone who knows the format could), so the check
//! under test is the one that catches them; one is not, and the fingerprint catches it.

use crate::util::{Out, Sandbox};
use secoda_sync::testing::plan::saved::SavedPlan;
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// `Signup` with `events` events of `props` properties each; event `i`'s description is
/// `d{i}` plus `suffix`.
fn manifest(dir: &Path, events: usize, props: usize, suffix: &str) -> PathBuf {
    let mut yaml = String::from(
        "version: 1\nintegration: Segment\ncategories:\n  - title: Signup\n    events:\n",
    );
    for e in 0..events {
        let _ = writeln!(
            yaml,
            "      - title: Event {e}\n        description: d{e}{suffix}\n        properties:"
        );
        for p in 0..props {
            let _ = writeln!(yaml, "          - title: prop_{p}");
        }
    }
    let path = dir.join("signup.yaml");
    std::fs::write(&path, yaml).unwrap();
    path
}

/// A workspace holding `events` x `props`, and a plan saved with `plan_args` after the
/// manifest's descriptions changed (`changed` events get a new one).
struct Fixture {
    sb: Sandbox,
    _dir: tempfile::TempDir,
    plan: PathBuf,
}

impl Fixture {
    fn new(events: usize, props: usize, changed: usize, plan_args: &[&str]) -> Self {
        let sb = Sandbox::new();
        let dir = tempfile::tempdir().unwrap();
        let m = manifest(dir.path(), events, props, "");
        let m = m.to_str().unwrap().to_owned();
        sb.run(&["apply", &m, "--auto-approve"]).ok();
        // The first `changed` events get a new description.
        let mut yaml = std::fs::read_to_string(&m).unwrap();
        for e in 0..changed {
            yaml = yaml.replace(&format!("d{e}\n"), &format!("d{e} new\n"));
        }
        std::fs::write(&m, yaml).unwrap();
        let plan = dir.path().join("plan.json");
        let mut args = vec!["plan", m.as_str(), "--out", plan.to_str().unwrap()];
        args.extend_from_slice(plan_args);
        sb.run(&args).ok();
        Self {
            sb,
            _dir: dir,
            plan,
        }
    }

    fn doc(&self) -> Value {
        serde_json::from_slice(&std::fs::read(&self.plan).unwrap()).unwrap()
    }

    /// Writes `doc` as the plan, its fingerprint recomputed when `reseal`.
    fn write(&self, doc: &Value, reseal: bool) {
        let bytes = serde_json::to_vec_pretty(doc).unwrap();
        let bytes = if reseal {
            let saved = SavedPlan::from_bytes(&bytes).unwrap().sealed();
            saved.to_bytes().unwrap()
        } else {
            bytes
        };
        std::fs::write(&self.plan, bytes).unwrap();
    }

    /// The live event titled `title`.
    fn event(&self, title: &str) -> Value {
        self.sb
            .list("/api/v1/event/events")
            .into_iter()
            .find(|e| e["title"] == title)
            .unwrap()
    }

    /// `apply --plan` (plus `extra`) must refuse with exit 1 and write nothing; its stderr.
    #[track_caller]
    fn refused(&self, extra: &[&str]) -> String {
        self.sb.clear_log();
        let mut args = vec![
            "apply",
            "--plan",
            self.plan.to_str().unwrap(),
            "--auto-approve",
        ];
        args.extend_from_slice(extra);
        let out: Out = self.sb.run(&args).code(1);
        assert!(
            self.sb.writes().is_empty(),
            "nothing may be written: {:?}\n{}",
            self.sb.writes(),
            out.stderr
        );
        out.stderr
    }
}

/// A delete change (and its `live` entry) of live event `e`, as `plan --prune` writes one.
fn event_delete(e: &Value, cascade: usize) -> (Value, Value) {
    let key = format!("Signup/{}", e["title"].as_str().unwrap());
    let change = json!({
        "action": "delete", "kind": "event", "key": key, "label": e["title"],
        "id": e["id"], "parent": null, "fields": [], "live_updated_at": e["updated_at"],
        "note": null, "cascade": cascade,
    });
    let live = json!({"kind": "event", "key": key, "id": e["id"], "updated_at": e["updated_at"]});
    (change, live)
}

fn push_change(doc: &mut Value, change: Value, live: Option<Value>) {
    doc["plan"]["changes"].as_array_mut().unwrap().push(change);
    if let Some(live) = live {
        doc["live"].as_array_mut().unwrap().push(live);
    }
}

#[test]
fn a_saved_plan_retargeted_to_another_resource_is_caught_by_its_fingerprint() {
    let f = Fixture::new(2, 0, 1, &[]);
    let mut doc = f.doc();
    // The update of `Signup/Event 0` moved to `Signup/Event 1`: id, key and live entry agree.
    let e1 = f.event("Event 1");
    let change = &mut doc["plan"]["changes"][0];
    assert_eq!(change["key"], "Signup/Event 0");
    change["key"] = "Signup/Event 1".into();
    change["label"] = "Event 1".into();
    change["id"] = e1["id"].clone();
    change["live_updated_at"] = e1["updated_at"].clone();
    doc["live"][0] = json!({"kind": "event", "key": "Signup/Event 1", "id": e1["id"],
        "updated_at": e1["updated_at"]});
    f.write(&doc, false);
    let err = f.refused(&[]);
    assert!(
        err.contains("the saved plan cannot be applied (1 problem)")
            && err.contains("does not match its fingerprint"),
        "{err}"
    );
}

#[test]
fn saved_plan_deletes_are_rechecked_against_the_caps_counting_live_cascades() {
    // 20 events of 2 properties; the plan deletes none of them and updates one.
    let f = Fixture::new(20, 2, 1, &["--prune"]);
    let mut doc = f.doc();
    // 14 event deletes added, each claiming to remove nothing more: they remove 42.
    for i in 6..20 {
        let (change, live) = event_delete(&f.event(&format!("Event {i}")), 0);
        push_change(&mut doc, change, Some(live));
    }
    f.write(&doc, true);
    let err = f.refused(&[]);
    assert!(
        err.contains("14 deletes removing 42 resources exceed --max-deletes 25"),
        "{err}"
    );
    // Under the count cap, the share is checked against the managed resources planned over.
    let err = f.refused(&["--max-deletes", "100"]);
    assert!(err.contains("over --max-delete-percent 10"), "{err}");
    // Both caps raised on the apply's own command line, it applies.
    f.sb.clear_log();
    let plan = f.plan.to_str().unwrap();
    let out = f.sb.run(&[
        "apply",
        "--plan",
        plan,
        "--auto-approve",
        "--max-deletes",
        "100",
        "--max-delete-percent",
        "100",
    ]);
    let out = out.ok();
    assert!(out.stdout.contains("14 deleted"), "{}", out.stdout);
}

#[test]
fn a_delete_in_a_saved_plan_made_without_prune_is_refused() {
    let f = Fixture::new(3, 0, 1, &[]);
    let mut doc = f.doc();
    assert_eq!(doc["options"]["prune"], false);
    let (change, live) = event_delete(&f.event("Event 2"), 0);
    push_change(&mut doc, change, Some(live));
    f.write(&doc, true);
    let err = f.refused(&["--max-delete-percent", "100"]);
    assert!(
        err.contains("event `Signup/Event 2` is a delete, but the plan was made without --prune"),
        "{err}"
    );
}

#[test]
fn a_saved_plan_change_carries_only_the_fields_the_field_table_gives_its_kind() {
    let f = Fixture::new(2, 1, 1, &[]);
    let mut doc = f.doc();
    let other = f.event("Event 1");
    let fields = doc["plan"]["changes"][0]["fields"].as_array_mut().unwrap();
    for (name, after) in [
        ("title", json!("Renamed")),
        ("parent", other["parent"].clone()),
        ("integration", other["integration"].clone()),
        ("type", json!("string")),
    ] {
        fields.push(json!({"name": name, "before": null, "after": after}));
    }
    f.write(&doc, true);
    let err = f.refused(&[]);
    for expected in [
        "event `Signup/Event 0` carries field `title`: not a managed field",
        "carries field `parent`: not a managed field",
        "carries field `integration`: not a managed field",
        "carries field `type`: not a field of events",
    ] {
        assert!(err.contains(expected), "{expected}\n{err}");
    }
}

/// An edit of a saved plan's JSON.
type Edit<'a> = Box<dyn Fn(&mut Value) + 'a>;

#[test]
fn a_bad_value_unknown_field_category_delete_or_missing_parent_fails_before_any_write() {
    // Two updates; each edit goes into the second, so a check made change by change would
    // have written the first.
    let f = Fixture::new(2, 0, 2, &["--prune", "--max-delete-percent", "100"]);
    let category =
        f.sb.list("/api/v1/event/category")
            .into_iter()
            .find(|c| c["title"] == "Signup")
            .unwrap();
    let e1 = f.event("Event 1");
    let edits: Vec<(&str, Edit<'_>)> = vec![
        (
            "carries field `description`: 5 is not a string",
            Box::new(|d: &mut Value| {
                d["plan"]["changes"][1]["fields"][0]["after"] = json!(5);
            }),
        ),
        (
            "carries field `colour`: not a managed field",
            Box::new(|d: &mut Value| {
                d["plan"]["changes"][1]["fields"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!({"name": "colour", "before": null, "after": "red"}));
            }),
        ),
        (
            "category `Signup` is to be deleted, which the API cannot do",
            Box::new(|d: &mut Value| {
                let change = json!({"action": "delete", "kind": "category", "key": "Signup",
                "label": "Signup", "id": category["id"], "parent": null, "fields": [],
                "live_updated_at": category["updated_at"], "note": null});
                let live = json!({"kind": "category", "key": "Signup", "id": category["id"],
                "updated_at": category["updated_at"]});
                push_change(d, change, Some(live));
            }),
        ),
        (
            "property `Signup/Event 1/extra` is created without its parent",
            Box::new(|d: &mut Value| {
                push_change(
                    d,
                    json!({"action": "create", "kind": "property",
                "key": "Signup/Event 1/extra", "label": "extra", "id": null, "parent": null,
                "fields": [], "live_updated_at": null, "note": null}),
                    None,
                );
            }),
        ),
        (
            "property `Signup/Event 1/extra` is created under gone, which does not exist",
            Box::new(|d: &mut Value| {
                push_change(
                    d,
                    json!({"action": "create", "kind": "property",
                "key": "Signup/Event 1/extra", "label": "extra", "id": null,
                "parent": {"id": "gone"}, "fields": [], "live_updated_at": null,
                "note": null}),
                    None,
                );
            }),
        ),
    ];
    let planned = f.doc();
    assert_eq!(
        planned["plan"]["changes"][1]["key"], "Signup/Event 1",
        "{planned}"
    );
    assert_eq!(planned["plan"]["changes"][1]["id"], e1["id"]);
    for (expected, edit) in edits {
        let mut doc = planned.clone();
        edit(&mut doc);
        f.write(&doc, true);
        let err = f.refused(&[]);
        assert!(err.contains(expected), "{expected}\n{err}");
    }
}

#[test]
fn a_value_no_field_holds_fails_the_read_of_the_saved_plan_naming_the_field() {
    let f = Fixture::new(2, 0, 1, &[]);
    let mut doc = f.doc();
    let field = &mut doc["plan"]["changes"][0]["fields"][0];
    assert_eq!(field["name"], "description", "{field}");
    field["after"] = json!([1]);
    f.write(&doc, false);
    let err = f.refused(&[]);
    assert!(
        err.contains("is not a secoda-sync plan file")
            && err.contains("field `description`: [1] is not a value any field of that name holds"),
        "{err}"
    );
}

#[test]
fn a_saved_plan_holding_deletes_back_says_to_plan_again_not_to_raise_a_flag_of_the_apply() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let m = manifest(dir.path(), 3, 0, "");
    let m = m.to_str().unwrap();
    sb.run(&["apply", m, "--auto-approve"]).ok();
    manifest(dir.path(), 1, 0, "");
    let plan = dir.path().join("plan.json");
    let plan = plan.to_str().unwrap();
    // Two of the three events go: over the default --max-delete-percent, so held back.
    sb.run(&["plan", m, "--prune", "--out", plan]).ok();
    sb.clear_log();
    let out = sb
        .run(&[
            "apply",
            "--plan",
            plan,
            "--auto-approve",
            "--max-delete-percent",
            "100",
        ])
        .code(1);
    assert!(
        out.stderr
            .contains("the saved plan holds it back, so no flag of `apply --plan` lets it through")
            && out.stderr.contains("re-run `secoda-sync plan --out`"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("over --max-delete-percent 10"),
        "{}",
        out.stderr
    );
    assert!(sb.writes().is_empty(), "{:?}", sb.writes());
}
