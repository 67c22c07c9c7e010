//! The sandbox's in-memory workspace, indexed so that paging through 100,000 resources stays
//! O(page) per request instead of O(everything).

use super::model::{Id, Incident, Job, Measurement, Monitor, Resource};
use super::seed::Lookups;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The generator of new ids: seeded, so a fresh sandbox hands out the same ids run after run.
#[derive(Debug)]
struct IdRng(StdRng);

impl Default for IdRng {
    fn default() -> Self {
        Self(StdRng::seed_from_u64(0))
    }
}

/// What a catalog resource is; decides its `entity_type` and which parent it may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Kind {
    Category,
    Event,
    Property,
    Table,
    Column,
}

impl Kind {
    const ALL: [Kind; 5] = [
        Kind::Category,
        Kind::Event,
        Kind::Property,
        Kind::Table,
        Kind::Column,
    ];

    /// The `entity_type` the API reports.
    pub(crate) fn entity_type(self) -> &'static str {
        match self {
            Kind::Category => "event_category",
            Kind::Event => "event",
            Kind::Property => "event_property",
            Kind::Table => "table",
            Kind::Column => "column",
        }
    }

    /// The kind behind an `entity_type`.
    pub(crate) fn from_entity_type(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.entity_type() == s)
    }

    /// The kind a parent of this kind must have.
    pub(crate) fn parent(self) -> Option<Kind> {
        match self {
            Kind::Event => Some(Kind::Category),
            Kind::Property => Some(Kind::Event),
            Kind::Column => Some(Kind::Table),
            Kind::Category | Kind::Table => None,
        }
    }
}

/// An index entry: creation sequence number (the list order) and id.
type Slot = (u64, Id);

fn unslot(list: &mut Vec<Slot>, seq: u64) {
    if let Ok(i) = list.binary_search_by_key(&seq, |s| s.0) {
        list.remove(i);
    }
}

#[derive(Debug, Clone)]
struct Entry {
    seq: u64,
    kind: Kind,
    res: Resource,
}

/// Which resources a list asks for; every `Some` must match exactly.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Selection<'a> {
    pub(crate) kind: Option<Kind>,
    pub(crate) parent: Option<&'a str>,
    pub(crate) integration: Option<&'a str>,
    pub(crate) title: Option<&'a str>,
}

impl Selection<'_> {
    fn matches(&self, kind: Kind, r: &Resource) -> bool {
        self.kind.is_none_or(|k| k == kind)
            && self
                .parent
                .is_none_or(|p| r.parent.as_ref().is_some_and(|x| x.0 == p))
            && self
                .integration
                .is_none_or(|i| r.integration.as_ref().is_some_and(|x| x.0 == i))
            && self.title.is_none_or(|t| r.title == t)
    }
}

/// A test a resource must pass beyond its [`Selection`].
pub(crate) type Test<'a> = &'a dyn Fn(Kind, &Resource) -> bool;

/// A page of a filtered list: the total count and the page's items.
pub(crate) struct Found {
    pub(crate) count: usize,
    pub(crate) items: Vec<Resource>,
}

/// All state of one sandbox workspace.
#[derive(Debug, Default)]
pub(crate) struct Store {
    next_seq: u64,
    entries: HashMap<Id, Entry>,
    all: Vec<Slot>,
    by_kind: HashMap<Kind, Vec<Slot>>,
    by_parent: HashMap<Id, Vec<Slot>>,
    by_integration: HashMap<(Kind, Id), Vec<Slot>>,
    by_title: HashMap<(Kind, String), Vec<Slot>>,
    pub(crate) monitors: Vec<Monitor>,
    pub(crate) jobs: Vec<Job>,
    pub(crate) incidents: Vec<Incident>,
    pub(crate) measurements: Vec<Measurement>,
    /// Runs accepted but not yet measured: (job id, monitor ids).
    pub(crate) pending_runs: Vec<(Id, Vec<Id>)>,
    pub(crate) lookups: Lookups,
    ids: IdRng,
}

/// The persisted form of a [`Store`] (lookups are always re-seeded, never persisted).
#[derive(Debug, Deserialize)]
pub(crate) struct Snapshot {
    /// Format version, bumped on incompatible changes.
    pub(crate) format: u32,
    pub(crate) resources: Vec<Resource>,
    #[serde(default)]
    pub(crate) monitors: Vec<Monitor>,
    #[serde(default)]
    pub(crate) jobs: Vec<Job>,
    #[serde(default)]
    pub(crate) incidents: Vec<Incident>,
    #[serde(default)]
    pub(crate) measurements: Vec<Measurement>,
    #[serde(default)]
    pub(crate) pending_runs: Vec<(Id, Vec<Id>)>,
    /// The workspace's tags, which writes may change (the seeded ones when absent).
    #[serde(default)]
    pub(crate) tags: Option<Vec<super::model::Tag>>,
}

/// [`Snapshot`] borrowed from a live store, so saving does not copy the workspace.
#[derive(Serialize)]
struct SnapshotRef<'a> {
    format: u32,
    resources: Vec<&'a Resource>,
    monitors: &'a [Monitor],
    jobs: &'a [Job],
    incidents: &'a [Incident],
    measurements: &'a [Measurement],
    pending_runs: &'a [(Id, Vec<Id>)],
    tags: &'a [super::model::Tag],
}

/// The snapshot format this build writes and reads.
pub(crate) const SNAPSHOT_FORMAT: u32 = 2;

impl Store {
    /// The contract's seeded workspace: lookups plus the Snowflake catalog, no tracking plan.
    pub(crate) fn seeded() -> Self {
        let mut store = Store {
            lookups: super::seed::lookups(),
            ..Store::default()
        };
        for (kind, res) in super::seed::catalog() {
            store.insert(kind, res);
        }
        store
    }

    /// Rebuilds a store (and its indexes) from a snapshot.
    pub(crate) fn from_snapshot(snap: Snapshot) -> Result<Self, String> {
        if snap.format != SNAPSHOT_FORMAT {
            return Err(format!(
                "unsupported format {} (this build reads {SNAPSHOT_FORMAT})",
                snap.format
            ));
        }
        let mut store = Store {
            lookups: super::seed::lookups(),
            monitors: snap.monitors,
            jobs: snap.jobs,
            incidents: snap.incidents,
            measurements: snap.measurements,
            pending_runs: snap.pending_runs,
            ..Store::default()
        };
        if let Some(tags) = snap.tags {
            store.lookups.tags = tags;
        }
        for res in snap.resources {
            let kind = Kind::from_entity_type(&res.entity_type).ok_or_else(|| {
                format!(
                    "resource {} has unknown entity_type `{}`",
                    res.id, res.entity_type
                )
            })?;
            if store.entries.contains_key(&res.id) {
                return Err(format!("resource {} appears twice", res.id));
            }
            store.insert(kind, res);
        }
        Ok(store)
    }

    /// The persisted form as JSON, resources in creation order.
    pub(crate) fn snapshot_json(&self) -> serde_json::Result<Vec<u8>> {
        serde_json::to_vec(&SnapshotRef {
            format: SNAPSHOT_FORMAT,
            resources: self
                .all
                .iter()
                .filter_map(|(_, id)| self.entries.get(id).map(|e| &e.res))
                .collect(),
            monitors: &self.monitors,
            jobs: &self.jobs,
            incidents: &self.incidents,
            measurements: &self.measurements,
            pending_runs: &self.pending_runs,
            tags: &self.lookups.tags,
        })
    }

    /// Seeds the id generator; mixed with the resource count so that a sandbox reloaded
    /// from a state file does not replay the ids it already handed out.
    pub(crate) fn reseed(&mut self, seed: u64) {
        let loaded = self.entries.len() as u64 + self.monitors.len() as u64;
        self.ids = IdRng(StdRng::seed_from_u64(
            seed ^ loaded.wrapping_mul(0x9e37_79b9_7f4a_7c15),
        ));
    }

    /// A fresh UUID (v4 layout) that no object uses yet.
    pub(crate) fn new_id(&mut self) -> Id {
        loop {
            let bytes: [u8; 16] = self.ids.0.gen();
            let id = Id(uuid::Builder::from_random_bytes(bytes)
                .into_uuid()
                .to_string());
            if !self.id_taken(&id) {
                return id;
            }
        }
    }

    /// Whether any object (resource, monitor, job, lookup) already uses this id.
    pub(crate) fn id_taken(&self, id: &Id) -> bool {
        self.entries.contains_key(id)
            || self.monitors.iter().any(|m| &m.id == id)
            || self.jobs.iter().any(|j| &j.id == id)
            || self.incidents.iter().any(|i| &i.id == id)
    }

    /// Adds a resource and indexes it.
    pub(crate) fn insert(&mut self, kind: Kind, res: Resource) {
        let seq = self.next_seq;
        self.next_seq += 1;
        let slot = (seq, res.id.clone());
        self.all.push(slot.clone());
        self.by_kind.entry(kind).or_default().push(slot.clone());
        if let Some(p) = &res.parent {
            self.by_parent
                .entry(p.clone())
                .or_default()
                .push(slot.clone());
        }
        if let Some(i) = &res.integration {
            self.by_integration
                .entry((kind, i.clone()))
                .or_default()
                .push(slot.clone());
        }
        self.by_title
            .entry((kind, res.title.clone()))
            .or_default()
            .push(slot);
        self.entries
            .insert(res.id.clone(), Entry { seq, kind, res });
    }

    /// How many resources have this one as their parent (the reference's `children_count`).
    pub(crate) fn children_count(&self, id: &Id) -> u64 {
        self.by_parent.get(id).map_or(0, |l| l.len() as u64)
    }

    /// One resource and its kind.
    pub(crate) fn get(&self, id: &str) -> Option<(Kind, &Resource)> {
        self.entries.get(&Id::from(id)).map(|e| (e.kind, &e.res))
    }

    /// One resource of the given kind, for changing fields that no index covers.
    pub(crate) fn get_mut(&mut self, kind: Kind, id: &str) -> Option<&mut Resource> {
        self.entries
            .get_mut(&Id::from(id))
            .filter(|e| e.kind == kind)
            .map(|e| &mut e.res)
    }

    /// Gives a resource a new title (a PATCH of `title`), keeping the title index and its own
    /// `title_cased` and `title_full` in step.
    pub(crate) fn retitle(&mut self, id: &Id, title: &str) {
        let Some(e) = self.entries.get_mut(id) else {
            return;
        };
        let (kind, seq) = (e.kind, e.seq);
        let old = std::mem::replace(&mut e.res.title, title.to_owned());
        e.res.title_cased = super::model::title_cased(title);
        e.res.title_full = match e.res.title_full.strip_suffix(old.as_str()) {
            Some(prefix) => format!("{prefix}{title}"),
            None => title.to_owned(),
        };
        if let Some(l) = self.by_title.get_mut(&(kind, old)) {
            unslot(l, seq);
        }
        let l = self.by_title.entry((kind, title.to_owned())).or_default();
        let at = l.partition_point(|s| s.0 < seq);
        l.insert(at, (seq, id.clone()));
    }

    /// The ids of every resource of `kind` titled `title`.
    pub(crate) fn titled(&self, kind: Kind, title: &str) -> Vec<Id> {
        self.by_title
            .get(&(kind, title.to_owned()))
            .map(|l| l.iter().map(|(_, id)| id.clone()).collect())
            .unwrap_or_default()
    }

    /// Removes a resource and, like a cascade, everything below it.
    pub(crate) fn remove(&mut self, id: &Id) -> Option<Resource> {
        let entry = self.entries.remove(id)?;
        let seq = entry.seq;
        unslot(&mut self.all, seq);
        if let Some(l) = self.by_kind.get_mut(&entry.kind) {
            unslot(l, seq);
        }
        if let Some(p) = &entry.res.parent {
            if let Some(l) = self.by_parent.get_mut(p) {
                unslot(l, seq);
            }
        }
        if let Some(i) = &entry.res.integration {
            if let Some(l) = self.by_integration.get_mut(&(entry.kind, i.clone())) {
                unslot(l, seq);
            }
        }
        if let Some(l) = self
            .by_title
            .get_mut(&(entry.kind, entry.res.title.clone()))
        {
            unslot(l, seq);
        }
        let children: Vec<Id> = self
            .by_parent
            .remove(id)
            .unwrap_or_default()
            .into_iter()
            .map(|(_, c)| c)
            .collect();
        for child in children {
            self.remove(&child);
        }
        Some(entry.res)
    }

    /// The narrowest index for a selection, and whether it holds exactly the selection.
    fn candidates(&self, sel: &Selection<'_>) -> (&[Slot], bool) {
        const EMPTY: &[Slot] = &[];
        let fixed = |parts: usize| {
            usize::from(sel.kind.is_some())
                + usize::from(sel.parent.is_some())
                + usize::from(sel.integration.is_some())
                + usize::from(sel.title.is_some())
                == parts
        };
        if let (Some(k), Some(t)) = (sel.kind, sel.title) {
            let l = self.by_title.get(&(k, t.to_owned()));
            return (l.map_or(EMPTY, Vec::as_slice), fixed(2));
        }
        if let Some(p) = sel.parent {
            let l = self.by_parent.get(&Id::from(p));
            return (l.map_or(EMPTY, Vec::as_slice), fixed(1));
        }
        if let (Some(k), Some(i)) = (sel.kind, sel.integration) {
            let l = self.by_integration.get(&(k, Id::from(i)));
            return (l.map_or(EMPTY, Vec::as_slice), fixed(2));
        }
        if let Some(k) = sel.kind {
            let l = self.by_kind.get(&k);
            return (l.map_or(EMPTY, Vec::as_slice), fixed(1));
        }
        (&self.all, fixed(0))
    }

    /// One page (`offset`, `limit`) of the resources matching `sel` and `extra`, in creation
    /// order, with the total count. Served from an index slice when the index is exact.
    pub(crate) fn find(
        &self,
        sel: &Selection<'_>,
        extra: Option<Test<'_>>,
        offset: usize,
        limit: usize,
    ) -> Found {
        let (slots, exact) = self.candidates(sel);
        let resolve = |(_, id): &Slot| self.entries.get(id);
        if exact && extra.is_none() {
            let items = slots
                .iter()
                .skip(offset)
                .take(limit)
                .filter_map(resolve)
                .map(|e| e.res.clone())
                .collect();
            return Found {
                count: slots.len(),
                items,
            };
        }
        let mut count = 0;
        let mut items = Vec::new();
        for e in slots.iter().filter_map(resolve) {
            if sel.matches(e.kind, &e.res) && extra.is_none_or(|f| f(e.kind, &e.res)) {
                if count >= offset && items.len() < limit {
                    items.push(e.res.clone());
                }
                count += 1;
            }
        }
        Found { count, items }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn res(id: &str, title: &str, parent: Option<&str>, kind: Kind) -> Resource {
        Resource {
            id: Id::from(id),
            title: title.into(),
            entity_type: kind.entity_type().into(),
            parent: parent.map(Id::from),
            integration: Some(Id::from("int")),
            ..Resource::default()
        }
    }

    #[test]
    fn find_pages_through_an_index_and_removal_cascades() {
        let mut s = Store::default();
        s.insert(Kind::Category, res("c", "C", None, Kind::Category));
        for i in 0..10 {
            s.insert(
                Kind::Event,
                res(&format!("e{i}"), &format!("E{i}"), Some("c"), Kind::Event),
            );
        }
        s.insert(Kind::Property, res("p", "p", Some("e3"), Kind::Property));
        let sel = Selection {
            kind: Some(Kind::Event),
            ..Selection::default()
        };
        let page = s.find(&sel, None, 4, 4);
        assert_eq!(page.count, 10);
        let ids: Vec<_> = page.items.iter().map(|r| r.id.0.as_str()).collect();
        assert_eq!(ids, ["e4", "e5", "e6", "e7"]);

        let by_title = Selection {
            kind: Some(Kind::Event),
            title: Some("E3"),
            parent: Some("c"),
            ..Selection::default()
        };
        assert_eq!(s.find(&by_title, None, 0, 50).count, 1);

        assert!(s.remove(&Id::from("c")).is_some());
        assert!(s.get("e3").is_none());
        assert!(s.get("p").is_none(), "grandchildren go with the category");
        assert_eq!(s.find(&Selection::default(), None, 0, 50).count, 0);
    }

    #[test]
    fn snapshot_round_trip_keeps_order_and_rejects_unknown_kinds() {
        let snap = |s: &Store| -> Snapshot {
            serde_json::from_slice(&s.snapshot_json().unwrap()).unwrap()
        };
        let s = Store::seeded();
        let before: Vec<Id> = snap(&s).resources.into_iter().map(|r| r.id).collect();
        let back = Store::from_snapshot(snap(&s)).unwrap();
        let after: Vec<Id> = snap(&back).resources.into_iter().map(|r| r.id).collect();
        assert_eq!(before, after);

        let mut snap = snap(&s);
        snap.resources[0].entity_type = "galaxy".into();
        assert!(Store::from_snapshot(snap).unwrap_err().contains("galaxy"));
    }
}
