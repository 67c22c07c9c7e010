//! Builders shared by the plan's unit, property and snapshot tests: ids, a small desired state,
//! and `live_of`, the live state a perfect apply of a desired state would leave behind.

use super::resolve::{DesiredCategory, DesiredEvent, DesiredMonitor, DesiredProperty, Fields};
use super::resolve::{IdSet, Names, Resolved};
use super::{IntegrationInfo, Live};
use crate::api::{self, Id};
use crate::manifest::{Origin, Schedule, Thresholds, TrackingFields};
use std::sync::Arc;

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
        description: None,
        teams: None,
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
        integration: integration(),
        categories,
        monitors,
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
    let set = |s: &Option<IdSet>| s.iter().flatten().cloned().collect::<Vec<_>>();
    r.description = f.description.clone().unwrap_or_default();
    r.definition = f.definition.clone().unwrap_or_default();
    r.pii = f.pii.unwrap_or_default();
    r.verified = f.verified.unwrap_or_default();
    r.published = f.published.unwrap_or_default();
    r.owners = set(&f.owners);
    r.teams = set(&f.teams);
    r.tags = set(&f.tags);
    if let Some(t) = owner_tag {
        if !r.tags.contains(t) {
            r.tags.push(t.clone());
        }
    }
    r.collections = set(&f.collections);
    r.subscribers = set(&f.subscribers);
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
        let cat = api::Resource {
            id: ids.next(),
            updated_at: "2026-01-01T00:00:00Z".to_owned(),
            title: c.title.clone(),
            description: c.description.clone().unwrap_or_default(),
            teams: c.teams.iter().flatten().cloned().collect(),
            integration: Some(d.integration.id.clone()),
            ..api::Resource::default()
        };
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
