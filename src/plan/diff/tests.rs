//! The diff's rules end to end: creates parent first, updates only what changed, prune scope,
//! caps, targets and monitors.

use super::*;
use crate::manifest::{Schedule, Thresholds, TrackingFields};
use crate::plan::desired::{Fields, IdSet};
use crate::plan::testutil::{category, event, id, ids, live_of, monitor, property, resolved};
use crate::plan::{Action, Kind};
use serde_json::{json, Value};

fn described(text: &str) -> Fields {
    Fields {
        description: Some(text.to_owned()),
        ..Fields::default()
    }
}

fn prune() -> DiffOptions {
    DiffOptions {
        prune: true,
        max_delete_percent: 100.0,
        ..DiffOptions::default()
    }
}

fn summary(plan: &Plan) -> Vec<String> {
    plan.changes
        .iter()
        .map(|c| format!("{:?} {}", c.action, c.key))
        .collect()
}

#[test]
fn new_tree_is_created_parent_first_with_pending_parents() {
    let d = resolved(
        vec![category(
            "Checkout",
            vec![event(
                "Order Completed",
                described("Fired once"),
                vec![property(
                    "order_id",
                    Fields::default(),
                    TrackingFields {
                        property_type: Some("string".into()),
                        ..TrackingFields::default()
                    },
                )],
            )],
        )],
        vec![],
    );
    let plan = diff(&d, &Live::default(), &DiffOptions::default());
    assert_eq!(
        summary(&plan),
        [
            "Create Checkout",
            "Create Checkout/Order Completed",
            "Create Checkout/Order Completed/order_id"
        ]
    );
    assert!(
        plan.changes[0].fields.is_empty(),
        "no managed category field"
    );
    assert_eq!(
        plan.changes[1].parent,
        Some(ParentRef::Pending("Checkout".into()))
    );
    let names: Vec<&str> = plan.changes[1]
        .fields
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(names, ["description"]);
    assert_eq!(plan.changes[1].fields[0].before.to_json(), Value::Null);
    assert_eq!(
        plan.changes[2].parent,
        Some(ParentRef::Pending("Checkout/Order Completed".into()))
    );
    assert_eq!(plan.changes[2].fields[0].name.as_str(), "type");
}

#[test]
fn update_carries_only_changed_fields_and_lists_compare_as_sets() {
    let mut f = described("same");
    f.tags = Some(ids(&[20, 21]));
    f.pii = Some(true);
    let d = resolved(vec![category("C", vec![event("E", f, vec![])])], vec![]);
    let mut live = live_of(&d, None);
    live.events[0].tags.reverse();
    live.events[0].pii = false;
    live.events[0].verified = true; // unmanaged: never shows
    let plan = diff(&d, &live, &DiffOptions::default());
    assert_eq!(summary(&plan), ["Update C/E"]);
    let c = &plan.changes[0];
    assert_eq!(c.id, Some(live.events[0].id.clone()));
    assert_eq!(c.fields.len(), 1);
    assert_eq!(c.fields[0].name.as_str(), "pii");
    assert_eq!(
        (&c.fields[0].before.to_json(), &c.fields[0].after.to_json()),
        (&json!(false), &json!(true))
    );

    live.events[0].tags = vec![id(21), id(22)];
    let plan = diff(&d, &live, &DiffOptions::default());
    let tags = &plan.changes[0].fields[1];
    assert_eq!(tags.name.as_str(), "tags");
    assert_eq!(tags.before.to_json(), json!([id(21).0, id(22).0]));
    assert_eq!(tags.after.to_json(), json!([id(20).0, id(21).0]));
}

#[test]
fn definition_trailing_newline_counts_only_when_the_manifest_has_one() {
    assert!(definition_matches("Text", "Text\n"));
    assert!(definition_matches("Text", "Text"));
    assert!(definition_matches("Text\n", "Text\n"));
    assert!(!definition_matches("Text\n", "Text"));
    assert!(!definition_matches("Text\n", "Text\n\n"));
    assert!(!definition_matches("Text", "Text "));

    let f = Fields {
        definition: Some("# Title\n".into()),
        ..Fields::default()
    };
    let d = resolved(vec![category("C", vec![event("E", f, vec![])])], vec![]);
    let mut live = live_of(&d, None);
    live.events[0].definition = "# Title".into();
    let plan = diff(&d, &live, &DiffOptions::default());
    assert_eq!(
        plan.changes[0].fields[0].after.to_json(),
        json!("# Title\n")
    );
}

#[test]
fn null_live_values_read_as_defaults() {
    let p = property(
        "p",
        Fields {
            description: Some(String::new()),
            owners: Some(IdSet::new()),
            ..Fields::default()
        },
        TrackingFields {
            is_required: Some(false),
            enum_values: Some(String::new()),
            ..TrackingFields::default()
        },
    );
    let d = resolved(
        vec![category("C", vec![event("E", Fields::default(), vec![p])])],
        vec![],
    );
    let mut live = live_of(&d, None);
    live.properties[0].is_required = None;
    live.properties[0].enum_values = None;
    assert!(diff(&d, &live, &DiffOptions::default()).changes.is_empty());
}

#[test]
fn category_drift_is_unsupported_and_undeclared_categories_stay() {
    let mut c = category("C", vec![]);
    c.fields.description = Some("new".into());
    let d = resolved(vec![c], vec![]);
    let mut live = live_of(&d, None);
    live.categories[0].description = "old".into();
    let mut other = live.categories[0].clone();
    other.id = id(999);
    other.title = "Extracted by Segment".into();
    live.categories.push(other);
    let plan = diff(&d, &live, &prune());
    assert_eq!(summary(&plan), ["Unsupported C"]);
    assert!(plan.changes[0]
        .note
        .as_deref()
        .unwrap()
        .contains("cannot be updated"));
    assert_eq!(plan.summary().writes(), 0);
}

#[test]
fn every_category_field_of_the_table_that_drifts_is_unsupported() {
    use crate::api::WireRef;
    use crate::manifest::fields::{self, FieldKind, FieldValue};
    let rows: Vec<_> = fields::category().collect();
    assert!(!rows.is_empty());
    for spec in rows {
        let (wanted, drifted) = match spec.kind {
            FieldKind::Text | FieldKind::Markdown => {
                (FieldValue::Text("wanted".into()), WireRef::Text("drifted"))
            }
            FieldKind::Bool => (FieldValue::Bool(true), WireRef::Bool(false)),
            FieldKind::Names(_) => (FieldValue::Names(ids(&[20])), WireRef::Ids(&[])),
        };
        let mut c = category("C", vec![]);
        c.fields.set(spec.name, Some(wanted));
        let d = resolved(vec![c], vec![]);
        let create = diff(&d, &Live::default(), &DiffOptions::default());
        let written: Vec<&str> = create.changes[0]
            .fields
            .iter()
            .map(|f| f.name.as_str())
            .collect();
        assert_eq!(written, [spec.name], "a create writes {}", spec.name);
        let mut live = live_of(&d, None);
        let none = diff(&d, &live, &DiffOptions::default());
        assert!(none.changes.is_empty(), "{}: {:?}", spec.name, none.changes);
        assert!(
            live.categories[0].set_field(spec.name, drifted),
            "{}",
            spec.name
        );
        let plan = diff(&d, &live, &DiffOptions::default());
        assert_eq!(summary(&plan), ["Unsupported C"], "{}", spec.name);
        let changed: Vec<&str> = plan.changes[0]
            .fields
            .iter()
            .map(|f| f.name.as_str())
            .collect();
        assert_eq!(changed, [spec.name], "{}", spec.name);
    }
}

fn tree() -> Resolved {
    resolved(
        vec![category(
            "C",
            vec![event(
                "E",
                Fields::default(),
                vec![property("p", Fields::default(), TrackingFields::default())],
            )],
        )],
        vec![],
    )
}

/// Live holds `tree()` plus an undeclared event `X` (with a property) and property `q`.
fn live_with_extras(d: &Resolved) -> Live {
    let mut live = live_of(d, None);
    let mut x = live.events[0].clone();
    x.id = id(900);
    x.title = "X".into();
    let mut q = live.properties[0].clone();
    q.id = id(901);
    q.title = "q".into();
    let mut xp = q.clone();
    xp.id = id(902);
    xp.parent = Some(x.id.clone());
    live.events.push(x);
    live.properties.extend([q, xp]);
    live
}

#[test]
fn prune_deletes_only_undeclared_under_declared_scope() {
    let d = tree();
    let live = live_with_extras(&d);
    assert!(diff(&d, &live, &DiffOptions::default()).changes.is_empty());
    let plan = diff(&d, &live, &prune());
    assert_eq!(summary(&plan), ["Delete C/E/q", "Delete C/X"]);
    assert_eq!(
        plan.changes[1].note.as_deref(),
        Some("removes its 1 property with it")
    );
    assert!(plan.changes.iter().all(|c| !c.is_blocked()));

    let mut protected = d.clone();
    protected.categories[0].protect = true;
    assert!(diff(&protected, &live, &prune()).changes.is_empty());
    let mut protected = d.clone();
    protected.categories[0].events[0].protect = true;
    assert_eq!(summary(&diff(&protected, &live, &prune())), ["Delete C/X"]);
}

#[test]
fn owner_tag_limits_prune_and_tags_creates() {
    let d = tree();
    let mut live = live_with_extras(&d);
    live.events[1].tags = vec![id(77)];
    let opts = DiffOptions {
        owner_tag: Some(id(77)),
        ..prune()
    };
    let plan = diff(&d, &live, &opts);
    assert_eq!(summary(&plan), ["Delete C/X"]);

    let mut d2 = d.clone();
    d2.categories[0]
        .events
        .push(event("New", Fields::default(), vec![]));
    let plan = diff(&d2, &live, &opts);
    let create = plan
        .changes
        .iter()
        .find(|c| c.action == Action::Create)
        .unwrap();
    assert_eq!(create.fields[0].name.as_str(), "tags");
    assert_eq!(create.fields[0].after.to_json(), json!([id(77).0]));
}

#[test]
fn no_delete_used_holds_back_used_deletes_the_allow_list_does_not_name() {
    use crate::plan::{AllowUsed, Block, UsedDeletes};
    let d = tree();
    let mut live = live_with_extras(&d);
    // X (id 900) is used 12 times; q is not used at all.
    live.events[1].total_usage = 12;
    let with = |min_usage, allow| DiffOptions {
        used_deletes: UsedDeletes { min_usage, allow },
        ..prune()
    };
    let blocks = |opts: &DiffOptions| -> Vec<(String, Option<Block>)> {
        diff(&d, &live, opts)
            .changes
            .iter()
            .map(|c| (c.key.to_string(), c.blocked))
            .collect()
    };
    let x_only = vec![
        ("C/E/q".to_owned(), None),
        ("C/X".to_owned(), Some(Block::Used)),
    ];
    assert_eq!(blocks(&with(Some(1), AllowUsed::Nothing)), x_only);
    assert_eq!(blocks(&with(Some(12), AllowUsed::Nothing)), x_only);
    let none = vec![("C/E/q".to_owned(), None), ("C/X".to_owned(), None)];
    assert_eq!(blocks(&with(Some(13), AllowUsed::Nothing)), none);
    assert_eq!(blocks(&with(None, AllowUsed::Nothing)), none);
    assert_eq!(blocks(&with(Some(1), AllowUsed::All)), none);
    let named = |k: &str| AllowUsed::Keys(vec![Key::parse_path(k).unwrap()]);
    assert_eq!(blocks(&with(Some(1), named("C/X"))), none);
    assert_eq!(blocks(&with(Some(1), named("C"))), none);
    assert_eq!(blocks(&with(Some(1), named("C/E"))), x_only);

    let plan = diff(&d, &live, &with(Some(1), AllowUsed::Nothing));
    let s = plan.summary();
    assert_eq!(
        (s.used_deletes, s.blocked, s.blocked_used, s.writes()),
        (1, 1, 1, 1)
    );
    // A cap over the whole plan is the reason given; the usage hold stays in the note.
    let capped = DiffOptions {
        max_deletes: 1,
        ..with(Some(1), AllowUsed::Nothing)
    };
    let plan = diff(&d, &live, &capped);
    let x = &plan.changes[1];
    assert_eq!(x.blocked, Some(Block::Cap));
    let note = x.note.as_deref().unwrap();
    assert!(
        note.contains("--max-deletes 1") && note.contains("no-delete-used"),
        "{note}"
    );
    assert_eq!(plan.summary().blocked_used, 0);
}

#[test]
fn caps_block_every_delete_but_keep_them_in_the_plan() {
    let d = tree();
    let live = live_with_extras(&d);
    let opts = DiffOptions {
        max_deletes: 1,
        ..prune()
    };
    let plan = diff(&d, &live, &opts);
    assert_eq!(plan.summary().blocked, 2);
    assert_eq!(plan.summary().writes(), 0);
    assert!(plan.changes[0]
        .note
        .as_deref()
        .unwrap()
        .contains("--max-deletes 1"));

    // 2 deletes removing 3 of 5 managed live resources (E, X and X's child, p, q) = 60%: an
    // event delete counts the properties it takes with it.
    let opts = DiffOptions {
        max_delete_percent: 49.0,
        ..prune()
    };
    let plan = diff(&d, &live, &opts);
    assert_eq!(plan.summary().blocked, 2);
    let note = plan.changes[1].note.as_deref().unwrap();
    assert!(
        note.contains("2 deletes removing 3 resources are 60.0% of the 5 managed")
            && note.ends_with("with it"),
        "{note}"
    );
}

#[test]
fn targets_limit_the_plan_but_keep_needed_parent_creates() {
    let d = resolved(
        vec![
            category(
                "A",
                vec![
                    event("E", described("x"), vec![]),
                    event("F", described("y"), vec![]),
                ],
            ),
            category("B", vec![event("G", described("z"), vec![])]),
        ],
        vec![monitor("m", id(50), "row_count")],
    );
    let opts = DiffOptions {
        targets: vec![Key::Event("A".into(), "F".into())],
        ..DiffOptions::default()
    };
    let plan = diff(&d, &Live::default(), &opts);
    assert_eq!(summary(&plan), ["Create A", "Create A/F"]);
}

#[test]
fn monitors_match_on_target_metric_and_config_and_diff_managed_fields() {
    let mut m = monitor("Orders rows", id(50), "row_count");
    m.metric_config = Some(serde_json::from_str(r#"{"b": 1, "a": {"y": 2, "x": 1}}"#).unwrap());
    m.thresholds = Some(Thresholds::Manual {
        min: Some(1.0),
        max: None,
    });
    m.schedule = Some(Schedule {
        cadence: Some("daily".into()),
        hour: Some(3),
        ..Schedule::default()
    });
    let d = resolved(vec![], vec![m]);

    let plan = diff(&d, &Live::default(), &DiffOptions::default());
    let c = &plan.changes[0];
    assert_eq!(c.action, Action::Create);
    assert_eq!(c.kind, Kind::Monitor);
    assert_eq!(
        c.key,
        Key::Monitor(
            id(50).0,
            "row_count".into(),
            r#"{"a":{"x":1,"y":2},"b":1}"#.into()
        )
    );
    let fields: Vec<(&str, Value)> = c
        .fields
        .iter()
        .map(|f| (f.name.as_str(), f.after.to_json()))
        .collect();
    assert_eq!(
        fields[3..].iter().map(|f| f.0).collect::<Vec<_>>(),
        [
            "name",
            "is_enabled",
            "condition_auto_sensitivity",
            "condition_manual_min",
            "schedule"
        ]
    );
    assert_eq!(fields[5].1, Value::Null);
    assert_eq!(fields[7].1, json!({"cadence": "daily", "hour": 3}));

    let mut live = live_of(&d, None);
    assert!(diff(&d, &live, &DiffOptions::default()).changes.is_empty());
    live.monitors[0].condition_auto_sensitivity = Some(5.0);
    live.monitors[0].schedule.as_mut().unwrap().frequency = Some(2); // unmanaged part
    let plan = diff(&d, &live, &DiffOptions::default());
    assert_eq!(plan.changes[0].action, Action::Update);
    assert_eq!(plan.changes[0].fields.len(), 1);
    assert_eq!(
        plan.changes[0].fields[0].name.as_str(),
        "condition_auto_sensitivity"
    );
    assert_eq!(plan.changes[0].fields[0].after.to_json(), Value::Null);
}

#[test]
fn pruned_monitors_are_disabled_unless_monitors_delete() {
    let d = resolved(vec![], vec![monitor("", id(50), "row_count")]);
    let mut live = live_of(&d, None);
    let mut extra = live.monitors[0].clone();
    extra.id = id(600);
    extra.metric_type = "freshness".into();
    extra.name = String::new();
    let mut elsewhere = extra.clone();
    elsewhere.id = id(601);
    elsewhere.target = Some(id(51));
    live.monitors.extend([extra, elsewhere]);
    let mut names = Names::new();
    names.insert(id(50), "analytics.public.orders".into());
    let d = Resolved { names, ..d };

    let plan = diff(&d, &live, &prune());
    assert_eq!(plan.changes.len(), 1);
    let c = &plan.changes[0];
    assert_eq!(
        (c.action, c.note.as_deref()),
        (Action::Update, Some("disable"))
    );
    assert_eq!(c.label, "freshness on analytics.public.orders");
    assert_eq!(c.fields[0].after.to_json(), json!(false));

    let opts = DiffOptions {
        monitors_delete: true,
        ..prune()
    };
    let plan = diff(&d, &live, &opts);
    assert_eq!(plan.changes.len(), 1);
    assert_eq!(plan.changes[0].action, Action::Delete);
    assert_eq!(plan.changes[0].id, Some(id(600)));
}

#[test]
fn the_lease_category_and_its_events_are_never_planned_or_pruned() {
    use crate::plan::reserved::{LEASE_HOME_TITLE, LEASE_TITLE};
    let d = resolved(
        vec![category(
            "Checkout",
            vec![event("Paid", Fields::default(), vec![])],
        )],
        vec![],
    );
    let mut live = live_of(&d, None);
    let home = api::Resource {
        id: id(900),
        title: LEASE_HOME_TITLE.into(),
        integration: Some(crate::plan::testutil::integration().id),
        ..api::Resource::default()
    };
    live.events.push(api::Resource {
        id: id(901),
        title: LEASE_TITLE.into(),
        parent: Some(home.id.clone()),
        ..api::Resource::default()
    });
    live.categories.push(home);
    let plan = diff(&d, &live, &prune());
    assert!(plan.changes.is_empty(), "{:?}", summary(&plan));
    assert!(plan.twins.is_empty());

    let reserved = resolved(vec![category(LEASE_HOME_TITLE, vec![])], vec![]);
    let plan = diff(&reserved, &live, &prune());
    assert_eq!(summary(&plan), ["Unsupported secoda-sync"]);
    assert!(plan.changes[0]
        .note
        .as_deref()
        .unwrap()
        .contains("reserved"));
}

#[test]
fn the_diff_sees_a_change_in_every_field_of_the_table() {
    use crate::api::WireRef;
    use crate::manifest::fields::{FieldKind, FieldValue, Group, FIELDS};
    for spec in FIELDS {
        let (wanted, drifted) = match spec.kind {
            FieldKind::Text | FieldKind::Markdown => {
                (FieldValue::Text("wanted".into()), WireRef::Text("drifted"))
            }
            FieldKind::Bool => (FieldValue::Bool(true), WireRef::Bool(false)),
            FieldKind::Names(_) => (FieldValue::Names(ids(&[20])), WireRef::Ids(&[])),
        };
        let (mut f, mut t) = (Fields::default(), TrackingFields::default());
        match spec.group {
            Group::Resource => f.set(spec.name, Some(wanted)),
            Group::Tracking => t.set(spec.name, Some(wanted)),
        }
        let p = property("p", f, t);
        let d = resolved(
            vec![category("C", vec![event("E", Fields::default(), vec![p])])],
            vec![],
        );
        let mut live = live_of(&d, None);
        let none = diff(&d, &live, &DiffOptions::default());
        assert!(none.changes.is_empty(), "{}: {:?}", spec.name, none.changes);
        assert!(
            live.properties[0].set_field(spec.name, drifted),
            "{}",
            spec.name
        );
        let plan = diff(&d, &live, &DiffOptions::default());
        let changed: Vec<(&str, &str)> = plan
            .changes
            .iter()
            .flat_map(|c| c.fields.iter().map(|f| (c.key.title(), f.name.as_str())))
            .collect();
        assert_eq!(changed, [("p", spec.name)], "{}", spec.name);
    }
}

#[test]
fn excludes_leave_a_subtree_out_whole() {
    let d = resolved(
        vec![
            category("A", vec![event("E", Fields::default(), vec![])]),
            category("B", vec![event("F", Fields::default(), vec![])]),
        ],
        vec![],
    );
    let opts = DiffOptions {
        excludes: vec![Key::Category("A".into())],
        ..DiffOptions::default()
    };
    let plan = diff(&d, &Live::default(), &opts);
    let keys: Vec<String> = plan.changes.iter().map(|c| c.key.to_string()).collect();
    assert_eq!(keys, ["B", "B/F"]);
}

/// The tree `Checkout/<event>/{order_id}` declared, renamed from `from`.
fn renamed(event_title: &str, from: &[&str]) -> Resolved {
    let mut e = event(
        event_title,
        described("Fired once"),
        vec![property(
            "order_id",
            described("Id"),
            TrackingFields::default(),
        )],
    );
    e.renamed_from = from.iter().map(|s| (*s).to_owned()).collect();
    resolved(vec![category("Checkout", vec![e])], vec![])
}

#[test]
fn a_rename_updates_the_old_id_and_matches_its_properties_even_when_pruning() {
    let live = live_of(&renamed("Order Completed", &[]), None);
    let old = live.events[0].id.clone();
    let plan = diff(
        &renamed("Order Placed", &["Gone", "Order Completed"]),
        &live,
        &prune(),
    );
    assert_eq!(summary(&plan), ["Update Checkout/Order Placed"]);
    let c = &plan.changes[0];
    assert_eq!(c.id.as_ref(), Some(&old));
    assert_eq!(c.renamed_from.as_deref(), Some("Order Completed"));
    assert!(c.fields.is_empty(), "nothing else changed: {:?}", c.fields);
    assert!(plan.rename_conflicts.is_empty());
    assert_eq!(plan.summary().writes(), 1);
}

#[test]
fn a_rename_done_is_no_change_and_one_whose_titles_both_live_is_a_conflict() {
    let live = live_of(&renamed("Order Placed", &[]), None);
    let plan = diff(
        &renamed("Order Placed", &["Order Completed"]),
        &live,
        &prune(),
    );
    assert!(plan.changes.is_empty(), "{:?}", summary(&plan));

    let mut both = renamed("Order Placed", &[]);
    let mut twin = both.categories[0].events[0].clone();
    twin.title = "Order Completed".into();
    both.categories[0].events.push(twin);
    let live = live_of(&both, None);
    let plan = diff(
        &renamed("Order Placed", &["Order Completed"]),
        &live,
        &prune(),
    );
    assert_eq!(plan.rename_conflicts.len(), 1);
    let conflict = plan.rename_conflicts[0].to_string();
    for e in &live.events {
        assert!(conflict.contains(&e.id.to_string()), "{conflict}");
    }
    assert!(
        plan.changes.iter().all(|c| c.action != Action::Delete),
        "neither is pruned while the user decides: {:?}",
        summary(&plan)
    );
}
