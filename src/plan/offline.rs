//! Manifest against manifest, with no workspace: what a pull request changes, planned the way
//! `plan` would plan it against a workspace the base manifests had just been applied to.
//!
//! Names resolve to placeholder ids (the name itself), the base set becomes the live state a
//! perfect apply would leave behind, and the ordinary diff runs over the two. Removals are
//! marked: `apply` leaves them alone (no longer managed) and `--prune` deletes those in its
//! scope, so a reviewer sees both.

use super::desired::{Fields, IdSet, Resolved};
use super::diff::monitor_key;
use super::resolve::Lookups;
use super::{diff, Action, Change, DiffOptions, Key, Live, Plan};
use crate::api::{self, Id, WireRef};
use crate::manifest::fields::{self, FieldKind, FieldRef, FieldSpec, Group, NameKind};
use crate::manifest::{
    IntegrationRef, ManifestSet, NameSet, PropertyTypes, ResourceFields, Thresholds, TrackingFields,
};
use std::collections::{BTreeSet, HashSet};

/// The note every removal carries, before what `--prune` would do with it.
pub(crate) const NO_LONGER_MANAGED: &str = "no longer managed";

/// Look-ups that know every name the given sets use, each with the name as its id, so both
/// sets resolve without a workspace and plans still show names.
#[must_use]
pub(crate) fn placeholder_lookups(sets: &[&ManifestSet]) -> Lookups {
    let mut names = Collected::default();
    for set in sets {
        names.set(set);
    }
    let id = |n: &String| Id(n.clone());
    let mut l = Lookups {
        integrations: names
            .integrations
            .iter()
            .map(|n| api::Integration {
                id: id(n),
                name: n.clone(),
                integration_type: String::new(),
            })
            .collect(),
        teams: names
            .teams
            .iter()
            .map(|n| api::Team {
                id: id(n),
                name: n.clone(),
            })
            .collect(),
        tags: names
            .tags
            .iter()
            .map(|n| api::Tag {
                id: id(n),
                name: n.clone(),
                ..api::Tag::default()
            })
            .collect(),
        collections: names
            .collections
            .iter()
            .map(|n| api::Collection {
                id: id(n),
                title: n.clone(),
            })
            .collect(),
        ..Lookups::default()
    };
    // Users match by email in any case: one user per spelling would make them ambiguous.
    let mut seen = HashSet::new();
    for n in &names.users {
        if seen.insert(n.to_lowercase()) {
            l.users.push(api::User {
                id: id(n),
                email: n.clone(),
                display_name: n.clone(),
                ..api::User::default()
            });
        }
    }
    l.add_catalog(names.targets.iter().map(|n| api::Resource {
        id: id(n),
        title: n.clone(),
        title_full: n.clone(),
        ..api::Resource::default()
    }));
    l
}

/// Every name a manifest set uses, by kind.
#[derive(Default)]
struct Collected {
    integrations: BTreeSet<String>,
    teams: BTreeSet<String>,
    tags: BTreeSet<String>,
    collections: BTreeSet<String>,
    users: BTreeSet<String>,
    targets: BTreeSet<String>,
}

impl Collected {
    fn set(&mut self, set: &ManifestSet) {
        if let Some(IntegrationRef::Name(n)) = &set.integration {
            self.integrations.insert(n.trim().to_owned());
        }
        for c in &set.categories {
            self.names(fields::category().map(|s| (s, c.fields.get(s.name))));
            for e in &c.events {
                self.fields(&e.fields);
                for p in &e.properties {
                    self.fields(&p.fields);
                }
            }
        }
        for m in &set.monitors {
            if let Some(t) = m.target.as_deref().map(str::trim) {
                if !t.is_empty() {
                    self.targets.insert(t.to_owned());
                }
            }
        }
    }

    /// Every list of names the row table gives these fields, by what it names.
    fn fields(&mut self, f: &ResourceFields) {
        self.names(fields::group(Group::Resource).map(|s| (s, f.get(s.name))));
    }

    /// Every list of names among `values` (rows of the table with their values).
    fn names<'a>(
        &mut self,
        values: impl Iterator<Item = (&'static FieldSpec, Option<FieldRef<'a, NameSet>>)>,
    ) {
        for (spec, value) in values {
            let (FieldKind::Names(names), Some(FieldRef::Names(set))) = (spec.kind, value) else {
                continue;
            };
            let to = match names {
                NameKind::Users => &mut self.users,
                NameKind::Teams => &mut self.teams,
                NameKind::Tags => &mut self.tags,
                NameKind::Collections => &mut self.collections,
            };
            add(to, Some(set));
        }
    }
}

fn add(to: &mut BTreeSet<String>, names: Option<&NameSet>) {
    to.extend(names.into_iter().flatten().map(|n| n.trim().to_owned()));
}

/// Plans `new` against the workspace a perfect apply of `base` would leave: creates and field
/// changes as `plan` shows them, and every removal marked [`NO_LONGER_MANAGED`] with what
/// `--prune` does with it. A removal is a delete (or a monitor's disabling) only when
/// `opts.prune` is on; otherwise it is shown, never counted as a write. No change carries a
/// usage figure: there is no workspace to read one from. The delete caps are off: they weigh
/// deletes against the live workspace, which an offline diff does not see.
#[must_use]
pub(crate) fn diff_manifests(base: &Resolved, new: &Resolved, opts: &DiffOptions) -> Plan {
    let prune = opts.prune;
    let mut live = live_of(base);
    if opts.property_types == PropertyTypes::Definition {
        super::property_types::into_definitions(&mut live.properties);
    }
    let opts = DiffOptions {
        prune: true,
        owner_tag: None,
        max_deletes: usize::MAX,
        max_delete_percent: f64::INFINITY,
        ..opts.clone()
    };
    let mut plan = diff(new, &live, &opts);
    let new_keys = tree_keys(new);
    let removed: Vec<Key> = tree_keys(base)
        .into_iter()
        .filter(|k| !new_keys.contains(k))
        .collect();
    let in_scope = |k: &Key| {
        (opts.targets.is_empty() || opts.targets.iter().any(|t| k.is_within(t)))
            && !opts.excludes.iter().any(|x| k.is_within(x))
    };
    let removed_set: HashSet<&Key> = removed.iter().collect();
    let mut covered: HashSet<Key> = HashSet::new();
    for c in &mut plan.changes {
        // The synthetic workspace's usage figures are zeros, not a measurement.
        c.usage = None;
        if c.action == Action::Delete && c.kind != super::Kind::Monitor {
            let what = if prune {
                "deleted with --prune"
            } else {
                c.action = Action::Unmanaged;
                "--prune deletes it"
            };
            c.note = Some(join_note(what, c.note.take()));
            covered.insert(c.key.clone());
        }
    }
    for k in &removed {
        // The topmost removal stands for its subtree.
        let under_removed = k.parent().is_some_and(|p| removed_set.contains(&p));
        if under_removed || covered.contains(k) || !in_scope(k) {
            continue;
        }
        let why = match k {
            Key::Category(_) => "--prune leaves undeclared categories alone",
            _ => "--prune leaves it: its parent is protected",
        };
        plan.changes.push(removal(k.clone(), why));
    }
    mark_monitors(&mut plan, new, &live, prune);
    plan
}

/// Monitors the base declared and the new set does not: disabled (or deleted) with `--prune`
/// when another monitor still watches their target, left alone otherwise.
fn mark_monitors(plan: &mut Plan, new: &Resolved, live: &Live, prune: bool) {
    let new_live = live_of(new);
    let new_keys: HashSet<Key> = new_live.monitors.iter().map(monitor_key).collect();
    for m in &live.monitors {
        let key = monitor_key(m);
        if new_keys.contains(&key) {
            continue;
        }
        if let Some(c) = plan.changes.iter_mut().find(|c| c.key == key) {
            let what = match (c.action == Action::Delete, prune) {
                (true, true) => "deleted with --prune",
                (false, true) => "disabled with --prune",
                (true, false) => "--prune deletes it",
                (false, false) => "--prune disables it",
            };
            if !prune {
                c.action = Action::Unmanaged;
                c.fields.clear();
            }
            c.note = Some(format!("{NO_LONGER_MANAGED}; {what}"));
            continue;
        }
        let why = if m.is_enabled {
            "--prune leaves it: no declared monitor watches its target"
        } else {
            "already disabled"
        };
        let mut c = removal(key, why);
        c.label.clone_from(&m.name);
        c.id = Some(m.id.clone());
        plan.changes.push(c);
    }
}

fn join_note(what: &str, existing: Option<String>) -> String {
    match existing {
        Some(n) => format!("{NO_LONGER_MANAGED}; {what}; {n}"),
        None => format!("{NO_LONGER_MANAGED}; {what}"),
    }
}

/// A removal `apply --prune` would not make: shown, never a write.
fn removal(key: Key, why: &str) -> Change {
    let label = key.title().to_owned();
    Change {
        note: Some(format!("{NO_LONGER_MANAGED}; {why}")),
        ..Change::new(Action::Unmanaged, key, label)
    }
}

/// Every category, event and property key of `d`.
fn tree_keys(d: &Resolved) -> BTreeSet<Key> {
    let mut keys = BTreeSet::new();
    for c in &d.categories {
        keys.insert(Key::Category(c.title.clone()));
        for e in &c.events {
            keys.insert(Key::Event(c.title.clone(), e.title.clone()));
            for p in &e.properties {
                keys.insert(Key::Property(
                    c.title.clone(),
                    e.title.clone(),
                    p.title.clone(),
                ));
            }
        }
    }
    keys
}

/// Ids for the synthetic live state: plain counters, never confused with the placeholder names.
struct Counter(u64);

impl Counter {
    fn next(&mut self) -> Id {
        self.0 += 1;
        Id(format!("base-{}", self.0))
    }
}

const EPOCH: &str = "1970-01-01T00:00:00Z";

/// Sets every managed field of `r` from `f`, through the field table: a resource field
/// unmanaged in `f` is left at its wire default, a tracking field at `null`.
fn set_fields(r: &mut api::Resource, f: &Fields, t: &TrackingFields) {
    for spec in fields::FIELDS {
        let value = match spec.group {
            Group::Resource => f.get(spec.name),
            Group::Tracking => t.get(spec.name),
        };
        set_field(r, spec, value);
    }
}

/// Sets the field `spec` of `r` to `value`; `None` (unmanaged) leaves it as it is.
fn set_field(r: &mut api::Resource, spec: &FieldSpec, value: Option<FieldRef<'_, IdSet>>) {
    let ids: Vec<Id>;
    let v = match value {
        None => return,
        Some(FieldRef::Text(s)) => WireRef::Text(s),
        Some(FieldRef::Bool(b)) => WireRef::Bool(b),
        Some(FieldRef::Names(set)) => {
            ids = set.iter().cloned().collect();
            WireRef::Ids(&ids)
        }
    };
    r.set_field(spec.name, v);
}

/// The live state a perfect apply of `d` leaves behind (unmanaged fields at their defaults).
#[must_use]
pub(crate) fn live_of(d: &Resolved) -> Live {
    let mut ids = Counter(0);
    let mut live = Live {
        integration: api::Integration {
            id: d.integration.id.clone(),
            name: d.integration.name.clone(),
            integration_type: String::new(),
        },
        // The tags the set declares, as its apply leaves them (ids are names, as in the
        // placeholder look-ups).
        tags: d
            .tags
            .iter()
            .map(|t| api::Tag {
                id: Id(t.name.clone()),
                name: t.name.clone(),
                color: t.color.clone().unwrap_or_default(),
                description: t.description.clone().unwrap_or_default(),
            })
            .collect(),
        ..Live::default()
    };
    for c in &d.categories {
        let mut cat = api::Resource {
            id: ids.next(),
            updated_at: EPOCH.to_owned(),
            title: c.title.clone(),
            integration: Some(d.integration.id.clone()),
            ..api::Resource::default()
        };
        for spec in fields::category() {
            set_field(&mut cat, spec, c.fields.get(spec.name));
        }
        for e in &c.events {
            let mut ev = api::Resource {
                id: ids.next(),
                updated_at: EPOCH.to_owned(),
                title: e.title.clone(),
                parent: Some(cat.id.clone()),
                ..api::Resource::default()
            };
            set_fields(&mut ev, &e.fields, &TrackingFields::default());
            for p in &e.properties {
                let mut pr = api::Resource {
                    id: ids.next(),
                    updated_at: EPOCH.to_owned(),
                    title: p.title.clone(),
                    parent: Some(ev.id.clone()),
                    ..api::Resource::default()
                };
                set_fields(&mut pr, &p.fields, &p.tracking);
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
            None => (None, None, None),
        };
        live.monitors.push(api::Monitor {
            id: ids.next(),
            updated_at: EPOCH.to_owned(),
            target: Some(m.target.clone()),
            metric_type: m.metric_type.clone(),
            metric_config: m.metric_config.clone().unwrap_or_default(),
            name: m.name.clone(),
            is_enabled: m.is_enabled,
            condition_auto_sensitivity: sens,
            condition_manual_min: min,
            condition_manual_max: max,
            schedule: m.schedule.as_ref().map(|s| api::MonitorSchedule {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::{Category, CategoryFields, Event, Origin};
    use crate::plan::resolve;
    use std::sync::Arc;

    fn origin() -> Origin {
        Origin {
            file: Arc::from("m.yaml"),
            line: 1,
            column: 1,
        }
    }

    fn event(title: &str, description: &str, tags: &[&str]) -> Event {
        Event {
            title: title.to_owned(),
            fields: ResourceFields {
                description: Some(description.to_owned()),
                tags: Some(tags.iter().map(|t| (*t).to_owned()).collect()),
                ..ResourceFields::default()
            },
            protect: false,
            renamed_from: Vec::new(),
            properties: Vec::new(),
            origin: origin(),
        }
    }

    fn set(categories: Vec<(&str, Vec<Event>)>) -> ManifestSet {
        ManifestSet {
            vendor_files: Vec::new(),
            tags: Vec::new(),
            integration: Some(IntegrationRef::Name("Segment".to_owned())),
            categories: categories
                .into_iter()
                .map(|(t, events)| Category {
                    title: t.to_owned(),
                    fields: CategoryFields::default(),
                    protect: false,
                    events,
                    origin: origin(),
                })
                .collect(),
            monitors: Vec::new(),
        }
    }

    fn plan(base: &ManifestSet, new: &ManifestSet) -> Plan {
        let l = placeholder_lookups(&[base, new]);
        let b = resolve(base, &l).expect("base resolves");
        let n = resolve(new, &l).expect("new resolves");
        diff_manifests(&b, &n, &DiffOptions::default())
    }

    #[test]
    fn same_set_diffs_to_nothing() {
        let s = set(vec![("Checkout", vec![event("Paid", "d", &["core"])])]);
        assert!(plan(&s, &s).changes.is_empty());
    }

    #[test]
    fn removals_are_marked_no_longer_managed() {
        let base = set(vec![
            (
                "Checkout",
                vec![event("Paid", "d", &[]), event("Old", "o", &[])],
            ),
            ("Legacy", vec![event("Gone", "g", &[])]),
        ]);
        let new = set(vec![("Checkout", vec![event("Paid", "new", &["core"])])]);
        let p = plan(&base, &new);
        let old = p
            .changes
            .iter()
            .find(|c| c.key == Key::Event("Checkout".into(), "Old".into()))
            .expect("the removed event");
        // Without --prune a removal is shown, never a write, and has no usage figure.
        assert_eq!(old.action, Action::Unmanaged);
        assert_eq!(old.usage, None);
        assert_eq!(
            old.note.as_deref(),
            Some("no longer managed; --prune deletes it")
        );
        assert_eq!(p.summary().delete, 0);
        assert_eq!(p.summary().writes(), 1);
        let l = placeholder_lookups(&[&base, &new]);
        let pruned = diff_manifests(
            &resolve(&base, &l).unwrap(),
            &resolve(&new, &l).unwrap(),
            &DiffOptions {
                prune: true,
                ..DiffOptions::default()
            },
        );
        let old = pruned
            .changes
            .iter()
            .find(|c| c.key == Key::Event("Checkout".into(), "Old".into()))
            .expect("the removed event");
        assert_eq!(old.action, Action::Delete);
        assert_eq!(old.usage, None);
        assert!(old
            .note
            .as_deref()
            .unwrap()
            .contains("deleted with --prune"));
        let legacy = p
            .changes
            .iter()
            .find(|c| c.key == Key::Category("Legacy".into()))
            .expect("the removed category");
        assert_eq!(legacy.action, Action::Unmanaged);
        assert!(legacy
            .note
            .as_deref()
            .unwrap()
            .starts_with(NO_LONGER_MANAGED));
        // Its event is not listed on its own.
        assert!(!p
            .changes
            .iter()
            .any(|c| c.key.parent() == Some(legacy.key.clone())));
        let paid = p
            .changes
            .iter()
            .find(|c| c.key == Key::Event("Checkout".into(), "Paid".into()))
            .expect("the changed event");
        assert_eq!(paid.action, Action::Update);
        let names: Vec<&str> = paid.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["description", "tags"]);
    }
}
