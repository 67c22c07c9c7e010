//! The diff: what must change for the live workspace to match the resolved manifests.
//!
//! Pure and synchronous: it reads the desired and live states and returns a [`Plan`]; no I/O,
//! no clock, no randomness, so the same inputs always give the same plan.
//!
//! Field rules, in one place:
//! - only managed (`Some`) fields are compared or written;
//! - id lists compare as sets and render as sorted arrays;
//! - a live `null` reads as the type's default (`""`, `false`, `[]`), so a field the server
//!   left empty matches a manifest that manages it as empty;
//! - `definition` (markdown): trailing newlines on the live side are ignored when the manifest's
//!   text has none (YAML `|-`, CSV cells and plain scalars cannot carry one), and compared
//!   exactly when it has one (YAML `|` keeps exactly one, and then the server should too).

use super::resolve::{DesiredCategory, DesiredEvent, DesiredMonitor, DesiredProperty, Fields};
use super::resolve::{IdSet, Names, Resolved};
use super::{Action, Change, DiffOptions, FieldChange, Key, Live, ParentRef, Plan};
use crate::api::{self, Id};
use crate::manifest::model::{canonical_json, monitor_label};
use crate::manifest::{Schedule, Thresholds, TrackingFields};
use serde_json::{json, Value};
use std::collections::{BTreeSet, HashMap, HashSet};

/// Plans the changes that make `live` match `desired` under `opts`.
#[must_use]
pub fn diff(desired: &Resolved, live: &Live, opts: &DiffOptions) -> Plan {
    let index = LiveIndex::new(live);
    let mut d = Differ {
        opts,
        index: &index,
        names: &desired.names,
        buckets: Buckets::default(),
        managed_live: 0,
    };
    for c in &desired.categories {
        d.category(c);
    }
    d.monitors(&desired.monitors, &live.monitors);
    let managed_live = d.managed_live;
    let mut changes = d.buckets.into_ordered();
    if !opts.targets.is_empty() {
        changes = limit_to_targets(changes, &opts.targets);
    }
    apply_caps(&mut changes, managed_live, opts);
    Plan {
        integration: desired.integration.clone(),
        changes,
    }
}

/// Whether `markdown` as written in a manifest matches the live text (see the module docs).
#[must_use]
pub fn definition_matches(desired: &str, live: &str) -> bool {
    if desired.ends_with('\n') {
        desired == live
    } else {
        desired == live.trim_end_matches(['\n', '\r'])
    }
}

/// The natural key of a live monitor.
#[must_use]
pub fn monitor_key(m: &api::Monitor) -> Key {
    Key::Monitor(
        m.target.as_ref().map(|t| t.0.clone()).unwrap_or_default(),
        m.metric_type.clone(),
        canonical_json(&m.metric_config),
    )
}

/// Live resources indexed by natural key (archived ones are gone and ignored).
struct LiveIndex<'a> {
    categories: HashMap<&'a str, &'a api::Resource>,
    events: HashMap<(&'a Id, &'a str), &'a api::Resource>,
    events_of: HashMap<&'a Id, Vec<&'a api::Resource>>,
    properties: HashMap<(&'a Id, &'a str), &'a api::Resource>,
    properties_of: HashMap<&'a Id, Vec<&'a api::Resource>>,
}

impl<'a> LiveIndex<'a> {
    fn new(live: &'a Live) -> Self {
        let mut categories = HashMap::new();
        for c in live.categories.iter().filter(|r| !r.archived) {
            categories.entry(c.title.as_str()).or_insert(c);
        }
        let (events, events_of) = by_parent(&live.events);
        let (properties, properties_of) = by_parent(&live.properties);
        Self {
            categories,
            events,
            events_of,
            properties,
            properties_of,
        }
    }
}

type ByKey<'a> = HashMap<(&'a Id, &'a str), &'a api::Resource>;
type ByParent<'a> = HashMap<&'a Id, Vec<&'a api::Resource>>;

/// Indexes children by (parent, title), keeping the first of duplicate titles, and by parent.
fn by_parent(items: &[api::Resource]) -> (ByKey<'_>, ByParent<'_>) {
    let mut by_key = HashMap::with_capacity(items.len());
    let mut of: ByParent<'_> = HashMap::new();
    for r in items.iter().filter(|r| !r.archived) {
        if let Some(p) = &r.parent {
            by_key.entry((p, r.title.as_str())).or_insert(r);
            of.entry(p).or_default().push(r);
        }
    }
    (by_key, of)
}

/// Changes per dependency level; each level is sorted by key when concatenated.
#[derive(Default)]
struct Buckets {
    categories: Vec<Change>,
    events: Vec<Change>,
    properties: Vec<Change>,
    property_deletes: Vec<Change>,
    event_deletes: Vec<Change>,
    monitors: Vec<Change>,
}

impl Buckets {
    /// Parents before children; property deletes before event deletes; monitors last.
    fn into_ordered(self) -> Vec<Change> {
        let mut out = Vec::new();
        for mut level in [
            self.categories,
            self.events,
            self.properties,
            self.property_deletes,
            self.event_deletes,
            self.monitors,
        ] {
            level.sort_by(|a, b| a.key.cmp(&b.key));
            out.append(&mut level);
        }
        out
    }
}

struct Differ<'a> {
    opts: &'a DiffOptions,
    index: &'a LiveIndex<'a>,
    names: &'a Names,
    buckets: Buckets,
    /// Live resources inside prune scope: the base of `--max-delete-percent`.
    managed_live: usize,
}

fn change(action: Action, key: Key, label: String) -> Change {
    Change {
        action,
        kind: key.kind(),
        key,
        label,
        id: None,
        parent: None,
        fields: Vec::new(),
        live_updated_at: None,
        note: None,
        blocked: false,
    }
}

fn live_change(action: Action, key: Key, live: &api::Resource) -> Change {
    let label = key.title().to_owned();
    Change {
        id: Some(live.id.clone()),
        live_updated_at: Some(live.updated_at.clone()),
        ..change(action, key, label)
    }
}

/// Collects field changes: every managed field for a create, the differing ones for an update.
struct FieldDiff {
    create: bool,
    out: Vec<FieldChange>,
}

impl FieldDiff {
    fn new(create: bool) -> Self {
        Self {
            create,
            out: Vec::new(),
        }
    }

    fn push(&mut self, name: &str, before: Value, after: Value, equal: bool) {
        if self.create {
            self.out.push(FieldChange {
                name: name.to_owned(),
                before: Value::Null,
                after,
            });
        } else if !equal {
            self.out.push(FieldChange {
                name: name.to_owned(),
                before,
                after,
            });
        }
    }

    fn string(&mut self, name: &str, desired: Option<&String>, live: Option<&str>) {
        self.text(name, desired, live, |d, l| d == l);
    }

    /// Markdown compares by [`definition_matches`].
    fn markdown(&mut self, name: &str, desired: Option<&String>, live: Option<&str>) {
        self.text(name, desired, live, definition_matches);
    }

    fn text(
        &mut self,
        name: &str,
        desired: Option<&String>,
        live: Option<&str>,
        same: fn(&str, &str) -> bool,
    ) {
        if let Some(d) = desired {
            let l = live.unwrap_or_default();
            self.push(name, json!(l), json!(d), same(d, l));
        }
    }

    fn bool(&mut self, name: &str, desired: Option<bool>, live: Option<bool>) {
        if let Some(d) = desired {
            let l = live.unwrap_or_default();
            self.push(name, json!(l), json!(d), d == l);
        }
    }

    fn ids(&mut self, name: &str, desired: Option<&IdSet>, live: Option<&[Id]>) {
        if let Some(d) = desired {
            let l: IdSet = live.unwrap_or_default().iter().cloned().collect();
            self.push(name, ids_json(&l), ids_json(d), *d == l);
        }
    }
}

fn ids_json(ids: &IdSet) -> Value {
    Value::Array(ids.iter().map(|i| Value::String(i.0.clone())).collect())
}

/// Adds the owner tag to a managed (or, for a create, unmanaged) tag set.
fn with_owner_tag(tags: Option<&IdSet>, owner: Option<&Id>, create: bool) -> Option<IdSet> {
    match (tags, owner) {
        (tags, Some(owner)) if tags.is_some() || create => {
            let mut t = tags.cloned().unwrap_or_default();
            t.insert(owner.clone());
            Some(t)
        }
        (tags, _) => tags.cloned(),
    }
}

impl Differ<'_> {
    fn resource_fields(&self, f: &Fields, live: Option<&api::Resource>, out: &mut FieldDiff) {
        let create = live.is_none();
        out.string(
            "description",
            f.description.as_ref(),
            live.map(|l| l.description.as_str()),
        );
        out.markdown(
            "definition",
            f.definition.as_ref(),
            live.map(|l| l.definition.as_str()),
        );
        out.bool("pii", f.pii, live.map(|l| l.pii));
        out.bool("verified", f.verified, live.map(|l| l.verified));
        out.bool("published", f.published, live.map(|l| l.published));
        out.ids(
            "owners",
            f.owners.as_ref(),
            live.map(|l| l.owners.as_slice()),
        );
        out.ids("teams", f.teams.as_ref(), live.map(|l| l.teams.as_slice()));
        let tags = with_owner_tag(f.tags.as_ref(), self.opts.owner_tag.as_ref(), create);
        out.ids("tags", tags.as_ref(), live.map(|l| l.tags.as_slice()));
        out.ids(
            "collections",
            f.collections.as_ref(),
            live.map(|l| l.collections.as_slice()),
        );
        out.ids(
            "subscribers",
            f.subscribers.as_ref(),
            live.map(|l| l.subscribers.as_slice()),
        );
    }

    fn category(&mut self, c: &DesiredCategory) {
        let key = Key::Category(c.title.clone());
        let live = self.index.categories.get(c.title.as_str()).copied();
        let mut fields = FieldDiff::new(live.is_none());
        fields.string(
            "description",
            c.description.as_ref(),
            live.map(|l| l.description.as_str()),
        );
        fields.ids("teams", c.teams.as_ref(), live.map(|l| l.teams.as_slice()));
        match live {
            None => {
                let mut ch = change(Action::Create, key.clone(), c.title.clone());
                ch.fields = fields.out;
                self.buckets.categories.push(ch);
            }
            Some(l) if !fields.out.is_empty() => {
                let mut ch = live_change(Action::Unsupported, key.clone(), l);
                ch.fields = fields.out;
                ch.note = Some(
                    "event categories cannot be updated through the API: change it in Secoda, \
                     or stop managing the field in the manifest"
                        .to_owned(),
                );
                self.buckets.categories.push(ch);
            }
            Some(_) => {}
        }
        let parent = live.map(|l| &l.id);
        for e in &c.events {
            self.event(&c.title, e, parent, c.protect);
        }
        if let Some(cat) = live {
            self.prune_events(c, cat);
        }
    }

    /// `protect` = the category is protected (prune stays out of the whole subtree).
    fn event(&mut self, category: &str, e: &DesiredEvent, category_id: Option<&Id>, protect: bool) {
        let key = Key::Event(category.to_owned(), e.title.clone());
        let live = category_id.and_then(|p| self.index.events.get(&(p, e.title.as_str())).copied());
        let mut fields = FieldDiff::new(live.is_none());
        self.resource_fields(&e.fields, live, &mut fields);
        match live {
            None => {
                let mut ch = change(Action::Create, key.clone(), e.title.clone());
                ch.parent = Some(parent_ref(category_id, &Key::Category(category.to_owned())));
                ch.fields = fields.out;
                self.buckets.events.push(ch);
            }
            Some(l) if !fields.out.is_empty() => {
                let mut ch = live_change(Action::Update, key.clone(), l);
                ch.fields = fields.out;
                self.buckets.events.push(ch);
            }
            Some(_) => {}
        }
        let parent = live.map(|l| &l.id);
        for p in &e.properties {
            self.property(&key, p, parent);
        }
        if let Some(ev) = live {
            self.prune_properties(&key, e, ev, protect || e.protect);
        }
    }

    fn property(&mut self, event: &Key, p: &DesiredProperty, event_id: Option<&Id>) {
        let Key::Event(c, e) = event else {
            return;
        };
        let key = Key::Property(c.clone(), e.clone(), p.title.clone());
        let live =
            event_id.and_then(|id| self.index.properties.get(&(id, p.title.as_str())).copied());
        let mut fields = FieldDiff::new(live.is_none());
        self.resource_fields(&p.fields, live, &mut fields);
        tracking_fields(&p.tracking, live, &mut fields);
        match live {
            None => {
                let mut ch = change(Action::Create, key, p.title.clone());
                ch.parent = Some(parent_ref(event_id, event));
                ch.fields = fields.out;
                self.buckets.properties.push(ch);
            }
            Some(l) if !fields.out.is_empty() => {
                let mut ch = live_change(Action::Update, key, l);
                ch.fields = fields.out;
                self.buckets.properties.push(ch);
            }
            Some(_) => {}
        }
    }

    /// Whether a live resource may be pruned: it carries the owner tag when one is set.
    fn owned(&self, r: &api::Resource) -> bool {
        self.opts
            .owner_tag
            .as_ref()
            .is_none_or(|t| r.tags.contains(t))
    }

    fn in_targets(&self, key: &Key) -> bool {
        self.opts.targets.is_empty() || self.opts.targets.iter().any(|t| key.is_within(t))
    }

    /// Deletes the live events of a declared category that no manifest lists.
    fn prune_events(&mut self, c: &DesiredCategory, cat: &api::Resource) {
        let Some(live_events) = self.index.events_of.get(&cat.id) else {
            return;
        };
        let declared: HashSet<&str> = c.events.iter().map(|e| e.title.as_str()).collect();
        for ev in live_events {
            let key = Key::Event(c.title.clone(), ev.title.clone());
            if !self.owned(ev) || !self.in_targets(&key) {
                continue;
            }
            self.managed_live += 1;
            if !self.opts.prune || c.protect || declared.contains(ev.title.as_str()) {
                continue;
            }
            let mut ch = live_change(Action::Delete, key, ev);
            let children = self.index.properties_of.get(&ev.id).map_or(0, Vec::len);
            if children > 0 {
                let noun = if children == 1 {
                    "property"
                } else {
                    "properties"
                };
                ch.note = Some(format!("removes its {children} {noun} with it"));
            }
            self.buckets.event_deletes.push(ch);
        }
    }

    /// Deletes the live properties of a declared event that no manifest lists.
    fn prune_properties(
        &mut self,
        event: &Key,
        e: &DesiredEvent,
        ev: &api::Resource,
        protect: bool,
    ) {
        let Key::Event(c, et) = event else {
            return;
        };
        let Some(live_props) = self.index.properties_of.get(&ev.id) else {
            return;
        };
        let declared: HashSet<&str> = e.properties.iter().map(|p| p.title.as_str()).collect();
        for p in live_props {
            let key = Key::Property(c.clone(), et.clone(), p.title.clone());
            if !self.owned(p) || !self.in_targets(&key) {
                continue;
            }
            self.managed_live += 1;
            if !self.opts.prune || protect || declared.contains(p.title.as_str()) {
                continue;
            }
            self.buckets
                .property_deletes
                .push(live_change(Action::Delete, key, p));
        }
    }

    fn monitor_label(&self, name: &str, metric_type: &str, target: Option<&Id>) -> String {
        let target = target.map(|t| self.names.get(t).unwrap_or(&t.0).as_str());
        monitor_label(name, Some(metric_type), target)
    }

    fn monitors(&mut self, desired: &[DesiredMonitor], live: &[api::Monitor]) {
        let mut by_key: HashMap<Key, &api::Monitor> = HashMap::with_capacity(live.len());
        for m in live {
            by_key.entry(monitor_key(m)).or_insert(m);
        }
        let mut matched: HashSet<&Id> = HashSet::new();
        for m in desired {
            let config = m.metric_config.clone().unwrap_or_default();
            let key = Key::Monitor(
                m.target.0.clone(),
                m.metric_type.clone(),
                canonical_json(&config),
            );
            let label = self.monitor_label(&m.name, &m.metric_type, Some(&m.target));
            let l = by_key.get(&key).copied();
            let mut fields = FieldDiff::new(l.is_none());
            if l.is_none() {
                fields.push("target", Value::Null, json!(m.target.0), false);
                fields.push("metric_type", Value::Null, json!(m.metric_type), false);
                if let Some(c) = &m.metric_config {
                    fields.push(
                        "metric_config",
                        Value::Null,
                        Value::Object(c.clone()),
                        false,
                    );
                }
            }
            if !m.name.is_empty() {
                fields.string("name", Some(&m.name), l.map(|l| l.name.as_str()));
            }
            fields.bool("is_enabled", Some(m.is_enabled), l.map(|l| l.is_enabled));
            thresholds(m.thresholds.as_ref(), l, &mut fields);
            if let Some(s) = &m.schedule {
                schedule(s, l, &mut fields);
            }
            match l {
                None => {
                    let mut ch = change(Action::Create, key, label);
                    ch.fields = fields.out;
                    self.buckets.monitors.push(ch);
                }
                Some(l) => {
                    matched.insert(&l.id);
                    if !fields.out.is_empty() {
                        let mut ch = monitor_change(Action::Update, key, label, l);
                        ch.fields = fields.out;
                        self.buckets.monitors.push(ch);
                    }
                }
            }
        }
        // Prune scope: monitors watching a target some manifest monitor watches; `--target`
        // names tracking-plan paths only, so it leaves monitors out.
        if !self.opts.targets.is_empty() {
            return;
        }
        let targets: HashSet<&Id> = desired.iter().map(|m| &m.target).collect();
        for l in live {
            if !l.target.as_ref().is_some_and(|t| targets.contains(t)) || matched.contains(&l.id) {
                continue;
            }
            if self.opts.monitors_delete {
                self.managed_live += 1;
            }
            if !self.opts.prune {
                continue;
            }
            let label = self.monitor_label(&l.name, &l.metric_type, l.target.as_ref());
            if self.opts.monitors_delete {
                self.buckets.monitors.push(monitor_change(
                    Action::Delete,
                    monitor_key(l),
                    label,
                    l,
                ));
            } else if l.is_enabled {
                let mut ch = monitor_change(Action::Update, monitor_key(l), label, l);
                ch.fields.push(FieldChange {
                    name: "is_enabled".to_owned(),
                    before: json!(true),
                    after: json!(false),
                });
                ch.note = Some("disable".to_owned());
                self.buckets.monitors.push(ch);
            }
        }
    }
}

fn monitor_change(action: Action, key: Key, label: String, l: &api::Monitor) -> Change {
    Change {
        id: Some(l.id.clone()),
        live_updated_at: Some(l.updated_at.clone()),
        ..change(action, key, label)
    }
}

fn parent_ref(id: Option<&Id>, key: &Key) -> ParentRef {
    id.map_or_else(
        || ParentRef::Pending(key.to_string()),
        |id| ParentRef::Id(id.clone()),
    )
}

fn tracking_fields(t: &TrackingFields, live: Option<&api::Resource>, out: &mut FieldDiff) {
    out.string(
        "type",
        t.property_type.as_ref(),
        live.map(|l| l.property_type.as_deref().unwrap_or_default()),
    );
    out.bool(
        "is_required",
        t.is_required,
        live.map(|l| l.is_required.unwrap_or_default()),
    );
    out.bool(
        "is_array_type",
        t.is_array_type,
        live.map(|l| l.is_array_type.unwrap_or_default()),
    );
    out.string(
        "enum_values",
        t.enum_values.as_ref(),
        live.map(|l| l.enum_values.as_deref().unwrap_or_default()),
    );
    out.string(
        "regex",
        t.regex.as_ref(),
        live.map(|l| l.regex.as_deref().unwrap_or_default()),
    );
}

fn opt_num(v: Option<f64>) -> Value {
    v.map_or(Value::Null, |n| json!(n))
}

/// Thresholds write all three condition fields so the mode switches cleanly; a create sends
/// only what is set, plus the explicit `null` sensitivity that selects manual mode.
fn thresholds(t: Option<&Thresholds>, l: Option<&api::Monitor>, out: &mut FieldDiff) {
    let Some(t) = t else {
        return;
    };
    let (sens, min, max) = match t {
        Thresholds::Auto { sensitivity } => (Some(f64::from(*sensitivity)), None, None),
        Thresholds::Manual { min, max } => (None, *min, *max),
    };
    let live = l.map_or((None, None, None), |l| {
        (
            l.condition_auto_sensitivity,
            l.condition_manual_min,
            l.condition_manual_max,
        )
    });
    let create = l.is_none();
    let mut field = |name: &str, d: Option<f64>, lv: Option<f64>, always: bool| {
        if !create || d.is_some() || always {
            out.push(name, opt_num(lv), opt_num(d), d == lv);
        }
    };
    let manual = sens.is_none();
    field("condition_auto_sensitivity", sens, live.0, manual);
    field("condition_manual_min", min, live.1, false);
    field("condition_manual_max", max, live.2, false);
}

fn schedule_json(s: &Schedule) -> Value {
    serde_json::to_value(api::MonitorSchedule {
        cadence: s.cadence.clone(),
        frequency: s.frequency,
        day: s.day,
        hour: s.hour,
    })
    .unwrap_or(Value::Null)
}

/// A schedule's run interval in hours (`daily` x 2 -> 48), as Secoda reports it in
/// `frequency`; `None` when the manifest sets neither cadence nor frequency.
fn schedule_hours(s: &Schedule) -> Option<f64> {
    if s.cadence.is_none() && s.frequency.is_none() {
        return None;
    }
    let unit = match s.cadence.as_deref().unwrap_or("daily") {
        "hourly" => 1.0,
        "daily" => 24.0,
        "weekly" => 168.0,
        _ => return None,
    };
    Some(unit * f64::from(s.frequency.unwrap_or(1).max(1)))
}

/// Compares only the schedule parts the manifest sets. A monitor object without `schedule`
/// (every one the reference shows) is compared through its `frequency` hours; `day` and
/// `hour` are then not readable, so they are sent on create and never diffed.
fn schedule(s: &Schedule, l: Option<&api::Monitor>, out: &mut FieldDiff) {
    if let Some(l) = l.filter(|l| l.schedule.is_none()) {
        if let Some(want) = schedule_hours(s) {
            let equal = l.frequency.is_some_and(|h| (h - want).abs() < 1e-9);
            let before = l
                .frequency
                .map_or(Value::Null, |h| json!({ "frequency_hours": h }));
            out.push("schedule", before, schedule_json(s), equal);
        }
        return;
    }
    let live = l.and_then(|l| l.schedule.as_ref());
    let equal = live.is_some_and(|ls| {
        (s.cadence.is_none() || s.cadence == ls.cadence)
            && (s.frequency.is_none() || s.frequency == ls.frequency)
            && (s.day.is_none() || s.day == ls.day)
            && (s.hour.is_none() || s.hour == ls.hour)
    });
    let before = live.map_or(Value::Null, |ls| {
        serde_json::to_value(ls).unwrap_or(Value::Null)
    });
    out.push("schedule", before, schedule_json(s), equal);
}

/// Keeps the changes under `targets`, plus the creates of missing ancestors they need.
fn limit_to_targets(changes: Vec<Change>, targets: &[Key]) -> Vec<Change> {
    let within = |k: &Key| targets.iter().any(|t| k.is_within(t));
    let mut needed: BTreeSet<Key> = BTreeSet::new();
    for c in changes
        .iter()
        .filter(|c| c.action == Action::Create && within(&c.key))
    {
        let mut p = c.key.parent();
        while let Some(k) = p {
            p = k.parent();
            needed.insert(k);
        }
    }
    changes
        .into_iter()
        .filter(|c| within(&c.key) || (c.action == Action::Create && needed.contains(&c.key)))
        .collect()
}

/// Blocks every delete when their number exceeds either cap.
fn apply_caps(changes: &mut [Change], managed_live: usize, opts: &DiffOptions) {
    let deletes = changes
        .iter()
        .filter(|c| c.action == Action::Delete)
        .count();
    if deletes == 0 {
        return;
    }
    #[allow(clippy::cast_precision_loss)] // counts far below 2^52
    let percent = deletes as f64 * 100.0 / managed_live.max(1) as f64;
    let note = if deletes > opts.max_deletes {
        format!(
            "blocked: {deletes} deletes exceed --max-deletes {}",
            opts.max_deletes
        )
    } else if percent > opts.max_delete_percent {
        format!(
            "blocked: {deletes} deletes are {percent:.1}% of the {managed_live} managed \
             resources, over --max-delete-percent {}",
            opts.max_delete_percent
        )
    } else {
        return;
    };
    for c in changes.iter_mut().filter(|c| c.action == Action::Delete) {
        c.blocked = true;
        c.note = Some(match c.note.take() {
            Some(n) => format!("{note}; {n}"),
            None => note.clone(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::testutil::{category, event, id, ids, live_of, monitor, property, resolved};
    use crate::plan::Kind;

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
        assert_eq!(plan.changes[1].fields[0].before, Value::Null);
        assert_eq!(
            plan.changes[2].parent,
            Some(ParentRef::Pending("Checkout/Order Completed".into()))
        );
        assert_eq!(plan.changes[2].fields[0].name, "type");
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
        assert_eq!(c.fields[0].name, "pii");
        assert_eq!(
            (&c.fields[0].before, &c.fields[0].after),
            (&json!(false), &json!(true))
        );

        live.events[0].tags = vec![id(21), id(22)];
        let plan = diff(&d, &live, &DiffOptions::default());
        let tags = &plan.changes[0].fields[1];
        assert_eq!(tags.name, "tags");
        assert_eq!(tags.before, json!([id(21).0, id(22).0]));
        assert_eq!(tags.after, json!([id(20).0, id(21).0]));
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
        assert_eq!(plan.changes[0].fields[0].after, json!("# Title\n"));
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
        c.description = Some("new".into());
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
        assert!(plan.changes.iter().all(|c| !c.blocked));

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
        assert_eq!(create.fields[0].name, "tags");
        assert_eq!(create.fields[0].after, json!([id(77).0]));
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

        // 2 deletes of 4 managed live resources (E, X, p, q) = 50%.
        let opts = DiffOptions {
            max_delete_percent: 49.0,
            ..prune()
        };
        let plan = diff(&d, &live, &opts);
        assert_eq!(plan.summary().blocked, 2);
        let note = plan.changes[1].note.as_deref().unwrap();
        assert!(
            note.contains("50.0% of the 4 managed") && note.ends_with("with it"),
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
        let fields: Vec<(&str, &Value)> = c
            .fields
            .iter()
            .map(|f| (f.name.as_str(), &f.after))
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
        assert_eq!(fields[5].1, &Value::Null);
        assert_eq!(fields[7].1, &json!({"cadence": "daily", "hour": 3}));

        let mut live = live_of(&d, None);
        assert!(diff(&d, &live, &DiffOptions::default()).changes.is_empty());
        live.monitors[0].condition_auto_sensitivity = Some(5.0);
        live.monitors[0].schedule.as_mut().unwrap().frequency = Some(2); // unmanaged part
        let plan = diff(&d, &live, &DiffOptions::default());
        assert_eq!(plan.changes[0].action, Action::Update);
        assert_eq!(plan.changes[0].fields.len(), 1);
        assert_eq!(plan.changes[0].fields[0].name, "condition_auto_sensitivity");
        assert_eq!(plan.changes[0].fields[0].after, Value::Null);
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
        assert_eq!(c.fields[0].after, json!(false));

        let opts = DiffOptions {
            monitors_delete: true,
            ..prune()
        };
        let plan = diff(&d, &live, &opts);
        assert_eq!(plan.changes.len(), 1);
        assert_eq!(plan.changes[0].action, Action::Delete);
        assert_eq!(plan.changes[0].id, Some(id(600)));
    }
}
