//! Property tests of the diff's invariants over small random tracking plans drawn from shared
//! name pools (so desired and live overlap in every possible way).

use super::desired::{DesiredCategory, DesiredEvent, DesiredMonitor, DesiredProperty, Fields};
use super::desired::{IdSet, Resolved};
use super::testutil::{id, live_of, resolved};
use super::{diff, Action, Change, DiffOptions, Key, Kind, Live, ParentRef};
use crate::api::{self, Id};
use crate::manifest::fields::{self, FieldKind, FieldValue, Group};
use crate::manifest::{Schedule, Thresholds, TrackingFields};
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};

const OWNER_TAG: u128 = 77;

fn text() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(select(vec!["", "x", "x\n", "two\nlines", "y"]).prop_map(str::to_owned))
}

fn flag() -> impl Strategy<Value = Option<bool>> {
    proptest::option::of(any::<bool>())
}

fn id_set() -> impl Strategy<Value = Option<IdSet>> {
    proptest::option::of(
        proptest::collection::btree_set(select(vec![100u128, 101, 102, OWNER_TAG]), 0..3)
            .prop_map(|s| s.into_iter().map(id).collect()),
    )
}

/// One random value per row of the field table.
fn values(g: Group) -> Vec<BoxedStrategy<Option<FieldValue<IdSet>>>> {
    fields::group(g)
        .map(|spec| match spec.kind {
            FieldKind::Text | FieldKind::Markdown => {
                text().prop_map(|v| v.map(FieldValue::Text)).boxed()
            }
            FieldKind::Bool => flag().prop_map(|v| v.map(FieldValue::Bool)).boxed(),
            FieldKind::Names(_) => id_set().prop_map(|v| v.map(FieldValue::Names)).boxed(),
        })
        .collect()
}

fn fields() -> impl Strategy<Value = Fields> {
    values(Group::Resource).prop_map(|vs| {
        let mut f = Fields::default();
        for (spec, v) in fields::group(Group::Resource).zip(vs) {
            f.set(spec.name, v);
        }
        f
    })
}

fn tracking() -> impl Strategy<Value = TrackingFields> {
    values(Group::Tracking).prop_map(|vs| {
        let mut t = TrackingFields::default();
        for (spec, v) in fields::group(Group::Tracking).zip(vs) {
            t.set(spec.name, v);
        }
        t
    })
}

fn properties() -> impl Strategy<Value = Vec<DesiredProperty>> {
    proptest::collection::btree_map(
        select(vec!["p1", "p2", "p3"]),
        (fields(), tracking(), any::<bool>()),
        0..3,
    )
    .prop_map(|m| {
        m.into_iter()
            .map(|(t, (fields, tracking, protect))| DesiredProperty {
                protect,
                ..super::testutil::property(t, fields, tracking)
            })
            .collect()
    })
}

fn events() -> impl Strategy<Value = Vec<DesiredEvent>> {
    proptest::collection::btree_map(
        select(vec!["e1", "e2", "e3"]),
        (fields(), any::<bool>(), properties()),
        0..3,
    )
    .prop_map(|m| {
        m.into_iter()
            .map(|(t, (fields, protect, props))| DesiredEvent {
                protect,
                ..super::testutil::event(t, fields, props)
            })
            .collect()
    })
}

fn categories() -> impl Strategy<Value = Vec<DesiredCategory>> {
    proptest::collection::btree_map(
        select(vec!["A", "B", "C"]),
        (text(), id_set(), any::<bool>(), events()),
        0..3,
    )
    .prop_map(|m| {
        m.into_iter()
            .map(|(t, (description, teams, protect, events))| {
                let mut c = super::testutil::category(t, events);
                c.fields.description = description;
                c.fields.teams = teams;
                c.protect = protect;
                c
            })
            .collect()
    })
}

fn thresholds() -> impl Strategy<Value = Option<Thresholds>> {
    proptest::option::of(prop_oneof![
        (1u8..=10).prop_map(|sensitivity| Thresholds::Auto { sensitivity }),
        (proptest::option::of(0i32..5), proptest::option::of(5i32..9)).prop_map(|(a, b)| {
            Thresholds::Manual {
                min: a.map(f64::from),
                max: b.map(f64::from),
            }
        }),
    ])
}

fn schedule() -> impl Strategy<Value = Option<Schedule>> {
    proptest::option::of(
        (
            proptest::option::of(select(vec!["daily", "hourly"]).prop_map(str::to_owned)),
            proptest::option::of(1u32..3),
            proptest::option::of(0u8..3),
        )
            .prop_map(|(cadence, frequency, hour)| Schedule {
                cadence,
                frequency,
                day: None,
                hour,
            }),
    )
}

fn monitors() -> impl Strategy<Value = Vec<DesiredMonitor>> {
    proptest::collection::btree_map(
        (
            select(vec![50u128, 51]),
            select(vec!["row_count", "freshness"]),
        ),
        (
            select(vec!["", "Rows", "Fresh"]),
            any::<bool>(),
            thresholds(),
            schedule(),
        ),
        0..3,
    )
    .prop_map(|m| {
        m.into_iter()
            .map(
                |((target, metric), (name, is_enabled, thresholds, schedule))| DesiredMonitor {
                    is_enabled,
                    thresholds,
                    schedule,
                    ..super::testutil::monitor(name, id(target), metric)
                },
            )
            .collect()
    })
}

fn desired() -> impl Strategy<Value = Resolved> {
    (categories(), monitors()).prop_map(|(c, m)| resolved(c, m))
}

fn options() -> impl Strategy<Value = DiffOptions> {
    (any::<bool>(), any::<bool>(), any::<bool>(), 0usize..4).prop_map(
        |(prune, owner, monitors_delete, max_deletes)| DiffOptions {
            prune,
            owner_tag: owner.then(|| id(OWNER_TAG)),
            targets: Vec::new(),
            excludes: Vec::new(),
            max_deletes,
            max_delete_percent: 60.0,
            monitors_delete,
            ..DiffOptions::default()
        },
    )
}

/// The names whose flag is set.
/// The wire names of the fields `f` manages.
fn managed(f: &Fields) -> HashSet<&'static str> {
    fields::group(Group::Resource)
        .filter(|s| f.get(s.name).is_some())
        .map(|s| s.name)
        .collect()
}

fn managed_tracking(t: &TrackingFields) -> HashSet<&'static str> {
    fields::group(Group::Tracking)
        .filter(|s| t.get::<IdSet>(s.name).is_some())
        .map(|s| s.name)
        .collect()
}

/// Sets a wire field on a live object from a change's `after` value.
fn set_field<T: serde::Serialize + serde::de::DeserializeOwned>(
    obj: &mut T,
    name: &str,
    v: &Value,
) {
    let mut json = serde_json::to_value(&*obj).unwrap();
    json[name] = v.clone();
    *obj = serde_json::from_value(json).unwrap();
}

/// A perfect executor over in-memory live state, following the plan in order.
fn apply(plan: &[Change], live: &mut Live) {
    let mut created: HashMap<String, Id> = HashMap::new();
    for (n, c) in plan.iter().enumerate() {
        let new_id = id(0xf000_0000 + n as u128);
        match (c.action, c.kind) {
            (Action::Unsupported | Action::Unmanaged, _) => {}
            (Action::Delete, _) if c.is_blocked() => {}
            (Action::Create, Kind::Monitor) => {
                let mut m = api::Monitor {
                    id: new_id,
                    ..api::Monitor::default()
                };
                for f in &c.fields {
                    set_field(&mut m, f.name.as_str(), &f.after.to_json());
                }
                live.monitors.push(m);
            }
            (Action::Create, kind) => {
                let parent = match &c.parent {
                    Some(ParentRef::Id(p)) => Some(p.clone()),
                    Some(ParentRef::Pending(k)) => Some(created[k].clone()),
                    None => None,
                };
                let mut r = api::Resource {
                    id: new_id.clone(),
                    title: c.key.title().to_owned(),
                    parent,
                    ..api::Resource::default()
                };
                for f in &c.fields {
                    set_field(&mut r, f.name.as_str(), &f.after.to_json());
                }
                created.insert(c.key.to_string(), new_id);
                match kind {
                    Kind::Category => live.categories.push(r),
                    Kind::Event => live.events.push(r),
                    _ => live.properties.push(r),
                }
            }
            (Action::Update, Kind::Monitor) => {
                let m = live
                    .monitors
                    .iter_mut()
                    .find(|m| Some(&m.id) == c.id.as_ref())
                    .unwrap();
                for f in &c.fields {
                    set_field(m, f.name.as_str(), &f.after.to_json());
                }
            }
            (Action::Update, _) => {
                let r = live
                    .events
                    .iter_mut()
                    .chain(live.properties.iter_mut())
                    .find(|r| Some(&r.id) == c.id.as_ref())
                    .unwrap();
                for f in &c.fields {
                    set_field(r, f.name.as_str(), &f.after.to_json());
                }
            }
            (Action::Delete, Kind::Monitor) => {
                live.monitors.retain(|m| Some(&m.id) != c.id.as_ref());
            }
            (Action::Delete, _) => {
                for r in live.events.iter_mut().chain(live.properties.iter_mut()) {
                    if Some(&r.id) == c.id.as_ref() {
                        r.archived = true;
                    }
                }
            }
        }
    }
}

fn find_event<'a>(
    d: &'a Resolved,
    c: &str,
    e: &str,
) -> Option<(&'a DesiredCategory, &'a DesiredEvent)> {
    let cat = d.categories.iter().find(|x| x.title == c)?;
    Some((cat, cat.events.iter().find(|x| x.title == e)?))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn what_a_perfect_apply_leaves_plans_to_nothing(d in desired(), opts in options()) {
        let live = live_of(&d, opts.owner_tag.as_ref());
        let plan = diff(&d, &live, &opts);
        prop_assert!(plan.changes.is_empty(), "{:#?}", plan.changes);
    }

    #[test]
    fn a_perfect_apply_with_types_in_the_definition_plans_to_nothing(
        d in desired(),
        opts in options(),
    ) {
        let mut live = live_of(&d, opts.owner_tag.as_ref());
        crate::plan::property_types::into_definitions(&mut live.properties);
        let opts = DiffOptions {
            property_types: crate::manifest::PropertyTypes::Definition,
            ..opts
        };
        let plan = diff(&d, &live, &opts);
        prop_assert!(plan.changes.is_empty(), "{:#?}", plan.changes);
    }

    #[test]
    fn writes_only_managed_fields_and_prunes_only_in_scope(
        d in desired(),
        other in desired(),
        tagged in any::<bool>(),
        opts in options(),
    ) {
        let tag = id(OWNER_TAG);
        let live = live_of(&other, tagged.then_some(&tag));
        let plan = diff(&d, &live, &opts);
        for c in &plan.changes {
            let names: HashSet<&str> = c.fields.iter().map(|f| f.name.as_str()).collect();
            match (&c.key, c.action) {
                (Key::Event(cat, ev) | Key::Property(cat, ev, _), Action::Create | Action::Update) => {
                    let (_, e) = find_event(&d, cat, ev).unwrap();
                    let mut allowed = match &c.key {
                        Key::Property(.., p) => {
                            let p = e.properties.iter().find(|x| &x.title == p).unwrap();
                            let mut fields = managed(&p.fields);
                            fields.extend(managed_tracking(&p.tracking));
                            fields
                        }
                        _ => managed(&e.fields),
                    };
                    if opts.owner_tag.is_some() && c.action == Action::Create {
                        allowed.insert("tags");
                    }
                    prop_assert!(names.is_subset(&allowed), "{c:#?}");
                }
                (Key::Event(cat, ev), Action::Delete) => {
                    prop_assert!(opts.prune);
                    let declared = d.categories.iter().find(|x| &x.title == cat).unwrap();
                    prop_assert!(!declared.protect);
                    prop_assert!(declared.events.iter().all(|e| &e.title != ev));
                }
                (Key::Property(cat, ev, p), Action::Delete) => {
                    prop_assert!(opts.prune);
                    let (dc, de) = find_event(&d, cat, ev).unwrap();
                    prop_assert!(!dc.protect && !de.protect);
                    prop_assert!(de.properties.iter().all(|x| &x.title != p));
                }
                (Key::Monitor(..), Action::Delete) => prop_assert!(opts.prune && opts.monitors_delete),
                (Key::Category(_), Action::Delete | Action::Update) => prop_assert!(false, "{c:#?}"),
                _ => {}
            }
            if c.action == Action::Delete && c.kind != Kind::Monitor && opts.owner_tag.is_some() {
                let r = live.events.iter().chain(&live.properties).find(|r| Some(&r.id) == c.id.as_ref());
                prop_assert!(r.unwrap().tags.contains(&tag));
            }
        }
    }

    #[test]
    fn applying_a_plan_then_planning_again_leaves_only_what_cannot_be_done(
        d in desired(),
        other in desired(),
        tagged in any::<bool>(),
        opts in options(),
    ) {
        let tag = id(OWNER_TAG);
        let mut live = live_of(&other, tagged.then_some(&tag));
        let plan = diff(&d, &live, &opts);
        apply(&plan.changes, &mut live);
        let again = diff(&d, &live, &opts);
        let left: BTreeMap<String, Action> = again
            .changes
            .iter()
            .map(|c| (c.key.to_string(), c.action))
            .collect();
        let expected: BTreeMap<String, Action> = plan
            .changes
            .iter()
            .filter(|c| c.action == Action::Unsupported || c.is_blocked())
            .map(|c| (c.key.to_string(), c.action))
            .collect();
        prop_assert_eq!(left, expected);
    }
}
