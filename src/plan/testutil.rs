//! Builders shared by the plan's unit, property and snapshot tests: ids, a small desired state,
//! and `live_of`, the live state a perfect apply of a desired state would leave behind.

use super::desired::{CategoryIdFields, IdSet, Names, Resolved};
use super::desired::{DesiredCategory, DesiredEvent, DesiredMonitor, DesiredProperty, Fields};
use super::{IntegrationInfo, Live};
use crate::api::{self, Id, WireRef};
use crate::manifest::fields::{self, FieldKind, FieldRef, Group};
use crate::manifest::{Origin, Schedule, Thresholds, TrackingFields};
use std::sync::Arc;

/// A live resource: `title` under `parent`, everything else default.
pub(crate) fn res(id: &str, title: &str, parent: Option<&str>) -> api::Resource {
    api::Resource {
        id: Id::from(id),
        title: title.into(),
        parent: parent.map(Id::from),
        ..api::Resource::default()
    }
}

/// A plan of `changes` for [`integration`], with nothing else to report.
pub(crate) fn plan_of(changes: Vec<super::Change>) -> super::Plan {
    super::Plan {
        integration: integration(),
        changes,
        lease_writes: 0,
        twins: Vec::new(),
        rename_conflicts: Vec::new(),
        not_readable: Vec::new(),
        not_kept: Vec::new(),
        recorded: Vec::new(),
        managed_live: 0,
        leases_seen: None,
    }
}

/// A fixed UUID id.
pub(crate) fn id(n: u128) -> Id {
    Id(uuid::Uuid::from_u128(n).hyphenated().to_string())
}

pub(crate) fn origin(line: u32) -> Origin {
    Origin {
        file: Arc::from("plan.yaml"),
        line,
        column: 1,
    }
}

pub(crate) fn ids(ns: &[u128]) -> IdSet {
    ns.iter().map(|n| id(*n)).collect()
}

pub(crate) fn integration() -> IntegrationInfo {
    IntegrationInfo {
        id: id(1),
        name: "Segment".to_owned(),
    }
}

pub(crate) fn category(title: &str, events: Vec<DesiredEvent>) -> DesiredCategory {
    DesiredCategory {
        title: title.to_owned(),
        fields: CategoryIdFields::default(),
        protect: false,
        events,
        origin: origin(1),
    }
}

pub(crate) fn event(title: &str, fields: Fields, properties: Vec<DesiredProperty>) -> DesiredEvent {
    DesiredEvent {
        title: title.to_owned(),
        fields,
        protect: false,
        renamed_from: Vec::new(),
        properties,
        origin: origin(2),
    }
}

pub(crate) fn property(title: &str, fields: Fields, tracking: TrackingFields) -> DesiredProperty {
    DesiredProperty {
        title: title.to_owned(),
        fields,
        tracking,
        protect: false,
        renamed_from: Vec::new(),
        origin: origin(3),
    }
}

pub(crate) fn monitor(name: &str, target: Id, metric_type: &str) -> DesiredMonitor {
    DesiredMonitor {
        name: name.to_owned(),
        target,
        metric_type: metric_type.to_owned(),
        metric_config: None,
        is_enabled: true,
        thresholds: None,
        schedule: None,
        protect: false,
        origin: origin(4),
    }
}

pub(crate) fn resolved(
    categories: Vec<DesiredCategory>,
    monitors: Vec<DesiredMonitor>,
) -> Resolved {
    Resolved {
        left_out_owners: Vec::new(),
        integration: integration(),
        categories,
        monitors,
        tags: Vec::new(),
        names: Names::new(),
    }
}

/// Deterministic ids for live resources built by `live_of`, far from the fixture ids.
struct IdGen(u128);

impl IdGen {
    fn next(&mut self) -> Id {
        self.0 += 1;
        id(0xabc0_0000 + self.0)
    }
}

fn apply_fields(r: &mut api::Resource, f: &Fields, owner_tag: Option<&Id>) {
    for spec in fields::group(Group::Resource) {
        let ids: Vec<Id>;
        let v = match (f.get(spec.name), spec.kind) {
            (Some(FieldRef::Text(s)), _) => WireRef::Text(s),
            (Some(FieldRef::Bool(b)), _) => WireRef::Bool(b),
            (Some(FieldRef::Names(s)), _) => {
                ids = s.iter().cloned().collect();
                WireRef::Ids(&ids)
            }
            (None, FieldKind::Text | FieldKind::Markdown) => WireRef::Text(""),
            (None, FieldKind::Bool) => WireRef::Bool(false),
            (None, FieldKind::Names(_)) => WireRef::Ids(&[]),
        };
        assert!(r.set_field(spec.name, v), "{} is not settable", spec.name);
    }
    if let Some(t) = owner_tag {
        if !r.tags.contains(t) {
            r.tags.push(t.clone());
        }
    }
}

/// The live state a perfect apply of `d` (with `owner_tag` added to creates) leaves behind.
pub(crate) fn live_of(d: &Resolved, owner_tag: Option<&Id>) -> Live {
    let mut ids = IdGen(0);
    let mut live = Live {
        integration: api::Integration {
            id: d.integration.id.clone(),
            name: d.integration.name.clone(),
            integration_type: "segment".to_owned(),
        },
        ..Live::default()
    };
    for c in &d.categories {
        let mut cat = api::Resource {
            id: ids.next(),
            updated_at: "2026-01-01T00:00:00Z".to_owned(),
            title: c.title.clone(),
            integration: Some(d.integration.id.clone()),
            ..api::Resource::default()
        };
        for spec in fields::category() {
            let ids: Vec<Id>;
            let v = match c.fields.get(spec.name) {
                None => continue,
                Some(FieldRef::Text(s)) => WireRef::Text(s),
                Some(FieldRef::Bool(b)) => WireRef::Bool(b),
                Some(FieldRef::Names(s)) => {
                    ids = s.iter().cloned().collect();
                    WireRef::Ids(&ids)
                }
            };
            assert!(cat.set_field(spec.name, v), "{} is not settable", spec.name);
        }
        for e in &c.events {
            let mut ev = api::Resource {
                id: ids.next(),
                updated_at: "2026-01-01T00:00:00Z".to_owned(),
                title: e.title.clone(),
                parent: Some(cat.id.clone()),
                ..api::Resource::default()
            };
            apply_fields(&mut ev, &e.fields, owner_tag);
            for p in &e.properties {
                let mut pr = api::Resource {
                    id: ids.next(),
                    updated_at: "2026-01-01T00:00:00Z".to_owned(),
                    title: p.title.clone(),
                    parent: Some(ev.id.clone()),
                    property_type: p.tracking.property_type.clone(),
                    is_required: p.tracking.is_required,
                    is_array_type: p.tracking.is_array_type,
                    enum_values: p.tracking.enum_values.clone(),
                    regex: p.tracking.regex.clone(),
                    ..api::Resource::default()
                };
                apply_fields(&mut pr, &p.fields, owner_tag);
                live.properties.push(pr);
            }
            live.events.push(ev);
        }
        live.categories.push(cat);
    }
    for m in &d.monitors {
        let (sens, min, max) = match &m.thresholds {
            Some(Thresholds::Auto { sensitivity }) => (Some(f64::from(*sensitivity)), None, None),
            Some(Thresholds::Manual { min, max }) => (None, *min, *max),
            None => (Some(5.0), None, None),
        };
        live.monitors.push(api::Monitor {
            id: ids.next(),
            updated_at: "2026-01-01T00:00:00Z".to_owned(),
            target: Some(m.target.clone()),
            metric_type: m.metric_type.clone(),
            metric_config: m.metric_config.clone().unwrap_or_default(),
            name: if m.name.is_empty() {
                format!("{} monitor", m.metric_type)
            } else {
                m.name.clone()
            },
            is_enabled: m.is_enabled,
            condition_auto_sensitivity: sens,
            condition_manual_min: min,
            condition_manual_max: max,
            schedule: m
                .schedule
                .as_ref()
                .map(|s: &Schedule| api::MonitorSchedule {
                    cadence: s.cadence.clone(),
                    frequency: s.frequency,
                    day: s.day,
                    hour: s.hour,
                }),
            ..api::Monitor::default()
        });
    }
    live
}

/// A small plan that shows every kind of change, with the names to render it.
pub(crate) fn sample_plan() -> (super::Plan, Names) {
    use super::{diff, DiffOptions, Key};
    let alice = id(30);
    let bob = id(31);
    let table = id(50);
    let mut names = Names::new();
    for (i, n) in [
        (&alice, "alice@acme.test"),
        (&bob, "bob@acme.test"),
        (&id(10), "Growth"),
        (&id(11), "Checkout"),
        (&id(20), "revenue"),
        (&table, "analytics.public.orders"),
    ] {
        names.insert(i.clone(), n.to_owned());
    }
    let mut checkout = category(
        "Checkout",
        vec![event(
            "Order Completed",
            Fields {
                description: Some("Fired once an order is paid".to_owned()),
                definition: Some(
                    "# Order Completed\n\nSent by the backend after payment.\n\n- one per order\n"
                        .to_owned(),
                ),
                owners: Some(ids(&[30])),
                tags: Some(ids(&[20])),
                ..Fields::default()
            },
            vec![property(
                "order_id",
                Fields {
                    description: Some("Order UUID".to_owned()),
                    pii: Some(false),
                    ..Fields::default()
                },
                TrackingFields {
                    property_type: Some("string".to_owned()),
                    is_required: Some(true),
                    ..TrackingFields::default()
                },
            )],
        )],
    );
    checkout.fields.description = Some("Purchase funnel".to_owned());
    checkout.fields.teams = Some(ids(&[11]));
    let mut before = resolved(vec![checkout.clone()], vec![]);
    before.categories[0].events[0].properties.clear();
    let mut live = live_of(&before, None);
    live.categories[0].description = "Checkout flow".to_owned();
    let ev = &mut live.events[0];
    ev.description = "Fired when an order is paid".to_owned();
    ev.owners = vec![bob.clone()];
    ev.definition =
        "# Order Completed\n\nSent by the web client after payment.\n\n- one per order\n"
            .to_owned();
    let order_event = ev.id.clone();
    let mut legacy = ev.clone();
    legacy.id = id(0x900);
    legacy.title = "Legacy Checkout".to_owned();
    let coupon = api::Resource {
        id: id(0x901),
        title: "coupon".to_owned(),
        parent: Some(order_event),
        updated_at: "2026-01-01T00:00:00Z".to_owned(),
        ..api::Resource::default()
    };
    let legacy_prop = api::Resource {
        id: id(0x902),
        title: "cart_id".to_owned(),
        parent: Some(legacy.id.clone()),
        ..coupon.clone()
    };
    live.events.push(legacy);
    live.properties.extend([coupon, legacy_prop]);
    live.monitors.push(api::Monitor {
        id: id(0x903),
        target: Some(table.clone()),
        metric_type: "freshness".to_owned(),
        is_enabled: true,
        updated_at: "2026-01-01T00:00:00Z".to_owned(),
        ..api::Monitor::default()
    });

    let onboarding = category(
        "Onboarding",
        vec![event(
            "Signed Up",
            Fields {
                published: Some(true),
                teams: Some(ids(&[10])),
                ..Fields::default()
            },
            vec![property(
                "plan",
                Fields::default(),
                TrackingFields {
                    property_type: Some("string".to_owned()),
                    enum_values: Some("free,pro".to_owned()),
                    ..TrackingFields::default()
                },
            )],
        )],
    );
    let mut rows = monitor("Orders row count", table, "row_count");
    rows.thresholds = Some(Thresholds::Auto { sensitivity: 5 });
    rows.schedule = Some(Schedule {
        cadence: Some("daily".to_owned()),
        frequency: Some(1),
        day: None,
        hour: Some(3),
    });
    let desired = Resolved {
        left_out_owners: Vec::new(),
        names: names.clone(),
        ..resolved(vec![checkout, onboarding], vec![rows])
    };
    let opts = DiffOptions {
        prune: true,
        max_deletes: 1,
        ..DiffOptions::default()
    };
    let plan = diff(&desired, &live, &opts);
    debug_assert!(plan
        .changes
        .iter()
        .any(|c| c.key == Key::Category("Onboarding".into())));
    (plan, names)
}
