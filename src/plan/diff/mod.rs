//! The diff: what must change for the live workspace to match the resolved manifests.
//!
//! Pure and synchronous: it reads the desired and live states and returns a [`Plan`]; no I/O,
//! no clock, no randomness, so the same inputs always give the same plan.
//!
//! One file per rule family: `tree` walks categories, events and properties; `fields` says
//! how one managed field compares (a field the live object lacks, or the workspace's record
//! says it does not keep, is counted by `fidelity::uncompared`, never diffed); `monitors` matches monitors by target, metric and
//! config; `scope` decides what a plan may touch and delete (`--target`, `--prune`, `protect`, the
//! owner tag, the delete caps).

mod empty;
mod fields;
mod monitors;
mod scope;
mod tags;
#[cfg(test)]
mod tests;
mod tree;

pub use empty::empty_categories;
pub use fields::definition_matches;
pub use monitors::monitor_key;

use super::desired::{Names, Resolved};
use super::fidelity::uncompared::Tally;
use super::fidelity::Record;
use super::{Action, Change, DiffOptions, Key, Live, ParentRef, Plan};
use crate::api::{self, Id};
use std::collections::HashSet;
use tree::LiveIndex;

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
        not_readable: Tally::default(),
        not_kept: if opts.recheck_fields {
            &NO_RECORD
        } else {
            &live.not_kept
        },
        held: Tally::default(),
        renamed: HashSet::new(),
        rename_conflicts: Vec::new(),
    };
    d.tags(&desired.tags, &live.tags);
    for c in &desired.categories {
        d.category(c);
    }
    d.monitors(&desired.monitors, &live.monitors);
    let managed_live = d.managed_live;
    let not_readable = d.not_readable.into_notices();
    let recorded = d
        .not_kept
        .fields
        .iter()
        .map(|f| (f.kind, f.field.clone()))
        .collect();
    let not_kept = d.held.into_not_kept(d.not_kept);
    let mut changes = d.buckets.into_ordered();
    if !opts.targets.is_empty() {
        changes = scope::limit_to_targets(changes, &opts.targets);
    }
    if !opts.excludes.is_empty() {
        scope::drop_excluded(&mut changes, &opts.excludes);
    }
    scope::block_used(&mut changes, opts);
    scope::apply_caps(&mut changes, managed_live, opts);
    Plan {
        integration: desired.integration.clone(),
        changes,
        lease_writes: 0,
        twins: super::twins::find_twins(live),
        rename_conflicts: d.rename_conflicts,
        not_readable,
        not_kept,
        recorded,
        managed_live,
        leases_seen: None,
    }
}

/// What `--recheck-fields` diffs against: nothing recorded.
static NO_RECORD: Record = Record { fields: Vec::new() };

/// Changes per dependency level; each level is sorted by key when concatenated.
#[derive(Default)]
struct Buckets {
    tags: Vec<Change>,
    categories: Vec<Change>,
    events: Vec<Change>,
    properties: Vec<Change>,
    property_deletes: Vec<Change>,
    event_deletes: Vec<Change>,
    monitors: Vec<Change>,
}

impl Buckets {
    /// Tags first (what follows may carry them); parents before children; property deletes
    /// before event deletes; monitors last.
    fn into_ordered(self) -> Vec<Change> {
        let mut out = Vec::new();
        for mut level in [
            self.tags,
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

/// One diff run: the options, the live index, and the changes found so far.
struct Differ<'a> {
    opts: &'a DiffOptions,
    index: &'a LiveIndex<'a>,
    names: &'a Names,
    buckets: Buckets,
    /// Live resources inside prune scope: the base of `--max-delete-percent`.
    managed_live: usize,
    /// Managed fields the live objects do not carry.
    not_readable: Tally,
    /// Fields the workspace's record says it does not keep (none under `--recheck-fields`).
    not_kept: &'a Record,
    /// Changes held back because of that record.
    held: Tally,
    /// Live ids a declared resource renames: declared under their new title, never pruned.
    renamed: HashSet<Id>,
    /// Renames the workspace makes ambiguous.
    rename_conflicts: Vec<super::renames::RenameConflict>,
}

impl Differ<'_> {
    /// Counts the fields of `key` left uncompared (not readable, or held back by the record),
    /// when `key` is within the plan's scope: a `--target`ed plan names only what it covers.
    fn count_uncompared(&mut self, key: &Key, fields: &fields::FieldDiff) {
        if !self.in_targets(key) {
            return;
        }
        self.not_readable.note(key.kind(), &fields.unreadable);
        self.held.note(key.kind(), &fields.held);
    }
}

/// A change with no live counterpart yet (a create).
fn change(action: Action, key: Key, label: String) -> Change {
    Change::new(action, key, label)
}

/// A change to an existing live resource: carries its id and `updated_at`.
fn live_change(action: Action, key: Key, live: &api::Resource) -> Change {
    let label = key.title().to_owned();
    Change {
        id: Some(live.id.clone()),
        live_updated_at: Some(live.updated_at.clone()),
        ..change(action, key, label)
    }
}

/// A change to an existing tag: carries its id (tags have no `updated_at` to compare).
fn live_tag_change(key: Key, live: &api::Tag) -> Change {
    let label = key.title().to_owned();
    Change {
        id: Some(live.id.clone()),
        ..change(Action::Update, key, label)
    }
}

/// The parent of a create: its id when it exists, else its key (created earlier in the plan).
fn parent_ref(id: Option<&Id>, key: &Key) -> ParentRef {
    id.map_or_else(
        || ParentRef::Pending(key.to_string()),
        |id| ParentRef::Id(id.clone()),
    )
}
