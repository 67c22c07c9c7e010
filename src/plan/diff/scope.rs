//! The scope of a plan: what it may touch (`--target`) and what it may delete (`--prune`, only
//! under declared parents, never under `protect: true`, only what carries the owner tag), and
//! the caps that hold every delete back when there are too many.

use super::monitors::monitor_change;
use super::{live_change, monitor_key, Differ};
use crate::api::{self, Id};
use crate::plan::desired::{DesiredCategory, DesiredEvent, DesiredMonitor, IdSet};
use crate::plan::{
    Action, Block, Change, DiffOptions, FieldChange, Key, MonitorField, PlanValue, Usage,
};
use std::collections::{BTreeSet, HashSet};

/// Adds the owner tag to a managed (or, for a create, unmanaged) tag set.
pub(super) fn with_owner_tag(
    tags: Option<&IdSet>,
    owner: Option<&Id>,
    create: bool,
) -> Option<IdSet> {
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
    /// Whether a live resource may be pruned: it carries the owner tag when one is set.
    fn owned(&self, r: &api::Resource) -> bool {
        self.opts
            .owner_tag
            .as_ref()
            .is_none_or(|t| r.tags.contains(t))
    }

    /// Whether `key` is under a `--target` (every key is when none is given) and under no
    /// `--exclude`: what `limit_to_targets` and `drop_excluded` keep, creates of ancestors
    /// aside.
    pub(super) fn in_targets(&self, key: &Key) -> bool {
        (self.opts.targets.is_empty() || self.opts.targets.iter().any(|t| key.is_within(t)))
            && !self.opts.excludes.iter().any(|x| key.is_within(x))
    }

    /// Deletes the live events of a declared category that no manifest lists.
    pub(super) fn prune_events(&mut self, c: &DesiredCategory, cat: &api::Resource) {
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
            if declared.contains(ev.title.as_str()) || self.renamed.contains(&ev.id) {
                continue;
            }
            // A declared event's properties are counted by `prune_properties`; an undeclared
            // one's are in scope too, since deleting the event removes them.
            let children = self.index.properties_of.get(&ev.id).map_or(0, Vec::len);
            self.managed_live += children;
            if !self.opts.prune || c.protect {
                continue;
            }
            let mut ch = live_change(Action::Delete, key, ev);
            ch.usage = Some(Usage::of(ev));
            ch.cascade = children;
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
    pub(super) fn prune_properties(
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
            if !self.opts.prune
                || protect
                || declared.contains(p.title.as_str())
                || self.renamed.contains(&p.id)
            {
                continue;
            }
            let mut ch = live_change(Action::Delete, key, p);
            ch.usage = Some(Usage::of(p));
            self.buckets.property_deletes.push(ch);
        }
    }

    /// Monitors watching a target some manifest monitor watches, that no manifest monitor
    /// matched: disabled, or deleted with `--monitors-delete`. `--target` names tracking-plan
    /// paths only, so it leaves monitors out.
    pub(super) fn prune_monitors(
        &mut self,
        desired: &[DesiredMonitor],
        live: &[api::Monitor],
        matched: &HashSet<&Id>,
    ) {
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
                ch.fields.push(FieldChange::new(
                    MonitorField::IsEnabled,
                    PlanValue::Bool(true),
                    PlanValue::Bool(false),
                ));
                ch.note = Some("disable".to_owned());
                self.buckets.monitors.push(ch);
            }
        }
    }
}

/// Keeps the changes under `targets`, plus the creates of missing ancestors they need.
pub(super) fn limit_to_targets(changes: Vec<Change>, targets: &[Key]) -> Vec<Change> {
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
        // Tags lie under no target, and a resource kept may carry one created here.
        .filter(|c| {
            within(&c.key)
                || matches!(c.key, Key::Tag(_))
                || (c.action == Action::Create && needed.contains(&c.key))
        })
        .collect()
}

/// Drops the changes under `excludes` (a subtree goes whole: a child never waits on an
/// excluded parent's create).
pub(super) fn drop_excluded(changes: &mut Vec<Change>, excludes: &[Key]) {
    changes.retain(|c| !excludes.iter().any(|x| c.key.is_within(x)));
}

/// Blocks every delete when the resources they remove (an event delete's properties
/// included) exceed either cap.
pub(super) fn apply_caps(changes: &mut [Change], managed_live: usize, opts: &DiffOptions) {
    let deletes = changes
        .iter()
        .filter(|c| c.action == Action::Delete)
        .count();
    if deletes == 0 {
        return;
    }
    let removes: usize = changes.iter().map(Change::removes).sum();
    let counted = if removes == deletes {
        crate::output::count(deletes, "delete", "deletes")
    } else {
        format!(
            "{} removing {removes} resources",
            crate::output::count(deletes, "delete", "deletes")
        )
    };
    #[allow(clippy::cast_precision_loss)] // counts far below 2^52
    let percent = removes as f64 * 100.0 / managed_live.max(1) as f64;
    let note = if removes > opts.max_deletes {
        format!(
            "blocked: {counted} exceed --max-deletes {}",
            opts.max_deletes
        )
    } else if percent > opts.max_delete_percent || opts.max_delete_percent.is_nan() {
        // A NaN cap (the flag refuses one; the library might not) blocks instead of passing.
        format!(
            "blocked: {counted} are {percent:.1}% of the {managed_live} managed resources, \
             over --max-delete-percent {}",
            opts.max_delete_percent
        )
    } else {
        return;
    };
    for c in changes.iter_mut().filter(|c| c.action == Action::Delete) {
        // The cap holds the whole plan, so it is the reason given; a `no-delete-used` hold
        // stays in the note and is the reason once the cap is raised.
        c.blocked = Some(Block::Cap);
        prepend_note(c, &note);
    }
}

/// Holds back the deletes of resources used at least `min_usage` times that
/// `--allow-used-deletes` does not name (the `no-delete-used` rule, when it is an error).
pub(super) fn block_used(changes: &mut [Change], opts: &DiffOptions) {
    for c in changes.iter_mut() {
        let Some(total) = opts.used_deletes.judges(c) else {
            continue;
        };
        c.blocked = Some(Block::Used);
        let note = format!(
            "blocked by no-delete-used: used {} times; allow with --allow-used-deletes=\"{}\"",
            crate::output::thousands(total),
            c.key
        );
        prepend_note(c, &note);
    }
}

fn prepend_note(c: &mut Change, note: &str) {
    c.note = Some(match c.note.take() {
        Some(n) => format!("{note}; {n}"),
        None => note.to_owned(),
    });
}
