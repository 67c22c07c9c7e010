//! The tracking plan assembled from the live lists: parents indexed by id as they arrive,
//! children attached to them, and the live duplicates a manifest cannot hold dropped the way
//! the diff resolves them (the first in list order wins), each with a warning.

use super::ExportError;
use crate::api::{self, Id, Resource};
use crate::manifest::{
    tracking_block, Category, Event, Monitor, Origin, Property, PropertyTypes, TrackingFields,
};
use crate::plan::diff::monitor_key;
use crate::plan::naming::Namer;
use std::collections::{BTreeSet, HashMap, HashSet};

/// The tracking plan being assembled: parents are indexed by id as they arrive, children
/// attach to them; duplicates and orphans are dropped (the first in list order wins, as in
/// the diff).
pub(super) struct Tree {
    origin: Origin,
    categories: Vec<Category>,
    category_of: HashMap<Id, usize>,
    /// (category slot, event) per kept event.
    events: Vec<(usize, Event)>,
    event_of: HashMap<Id, usize>,
    properties: Vec<Vec<Property>>,
    warnings: Vec<String>,
    /// Where the properties' tracking-plan fields are read from.
    types: PropertyTypes,
}

impl Tree {
    pub(super) fn new(origin: Origin, types: PropertyTypes) -> Self {
        Self {
            origin,
            categories: Vec::new(),
            category_of: HashMap::new(),
            events: Vec::new(),
            event_of: HashMap::new(),
            properties: Vec::new(),
            warnings: Vec::new(),
            types,
        }
    }

    fn usable_title(&mut self, kind: &str, r: &Resource) -> bool {
        if r.archived {
            return false;
        }
        if r.title.trim().is_empty() {
            self.warnings
                .push(format!("{kind} {}: no title, not exported", r.id));
            return false;
        }
        if r.title.trim() != r.title {
            self.warnings.push(format!(
                "{kind} `{}`: title has surrounding whitespace; exported trimmed (the plan will \
                 not match the live one)",
                r.title.trim()
            ));
        }
        true
    }

    /// Adds the categories, keeping those in `only` when it is not empty.
    pub(super) fn categories(
        &mut self,
        live: &[Resource],
        namer: &Namer,
        only: &[String],
    ) -> Result<(), ExportError> {
        let mut seen = HashSet::new();
        for r in live {
            if !self.usable_title("category", r) {
                continue;
            }
            let c = namer.category(r, &self.origin);
            if !seen.insert(c.title.clone()) {
                self.warnings.push(format!(
                    "category `{}`: a second category with this title ({}) was skipped",
                    c.title, r.id
                ));
                continue;
            }
            if only.is_empty() || only.iter().any(|t| t.trim() == c.title) {
                self.category_of.insert(r.id.clone(), self.categories.len());
                self.categories.push(c);
            }
        }
        let unknown: Vec<String> = only
            .iter()
            .filter(|t| !seen.contains(t.trim()))
            .cloned()
            .collect();
        if unknown.is_empty() {
            return Ok(());
        }
        let mut known: Vec<String> = seen.into_iter().collect();
        known.sort();
        Err(ExportError::UnknownCategories { unknown, known })
    }

    pub(super) fn event(&mut self, r: &Resource, namer: &Namer) {
        let Some(&slot) = r.parent.as_ref().and_then(|p| self.category_of.get(p)) else {
            return;
        };
        if self.usable_title("event", r) {
            self.event_of.insert(r.id.clone(), self.events.len());
            self.events.push((slot, namer.event(r, &self.origin)));
            self.properties.push(Vec::new());
        }
    }

    pub(super) fn property(&mut self, r: &Resource, namer: &Namer) {
        let Some(&slot) = r.parent.as_ref().and_then(|p| self.event_of.get(p)) else {
            return;
        };
        if self.usable_title("property", r) {
            let props = &mut self.properties[slot];
            // Grow by a quarter, not double: with 100,000 properties spread over thousands of
            // events, doubling leaves a fifth of the model as unused capacity.
            if props.len() == props.capacity() {
                props.reserve_exact((props.len() / 4).max(2));
            }
            let mut p = namer.property(r, &self.origin);
            match self.types {
                PropertyTypes::Native => {}
                PropertyTypes::Off => p.tracking = TrackingFields::default(),
                PropertyTypes::Definition => {
                    let s = tracking_block::split(&r.definition);
                    for problem in &s.problems {
                        self.warnings.push(format!(
                            "property `{}`: the tracking block of its definition: {problem}",
                            r.title_full
                        ));
                    }
                    let outside = s.outside();
                    p.fields.definition = (!outside.trim().is_empty()).then_some(outside);
                    p.tracking = s.block.unwrap_or_default();
                }
            }
            self.properties[slot].push(p);
        }
    }

    /// Moves properties into events and events into categories, dropping duplicate titles
    /// (stable sort + dedup keeps the first in list order).
    pub(super) fn finish(mut self) -> (Vec<Category>, Vec<String>) {
        let warnings = &mut self.warnings;
        for ((slot, mut event), mut props) in self.events.into_iter().zip(self.properties) {
            let category = &mut self.categories[slot];
            props.sort_by(|a, b| a.title.cmp(&b.title));
            props.dedup_by(|b, a| {
                let dup = a.title == b.title;
                if dup {
                    warnings.push(format!(
                        "property `{}/{}/{}`: a second property with this title was skipped",
                        category.title, event.title, a.title
                    ));
                }
                dup
            });
            event.properties = props;
            category.events.push(event);
        }
        for c in &mut self.categories {
            c.events.sort_by(|a, b| a.title.cmp(&b.title));
            let title = c.title.clone();
            c.events.dedup_by(|b, a| {
                let dup = a.title == b.title;
                if dup {
                    warnings.push(format!(
                        "event `{title}/{}`: a second event with this title was skipped",
                        a.title
                    ));
                }
                dup
            });
        }
        self.categories.sort_by(|a, b| a.title.cmp(&b.title));
        (self.categories, self.warnings)
    }
}

/// The first live monitor per natural key (target, metric, config), as the diff matches them;
/// a manifest cannot declare the same key twice.
pub(super) fn first_per_key<'a>(
    monitors: &'a [api::Monitor],
    warnings: &mut Vec<String>,
) -> Vec<&'a api::Monitor> {
    let mut seen = HashSet::new();
    monitors
        .iter()
        .filter(|m| {
            let first = seen.insert(monitor_key(m));
            if !first {
                warnings.push(format!(
                    "monitor `{}` ({}): same target, metric and config as an earlier monitor; \
                     skipped",
                    m.name, m.id
                ));
            }
            first
        })
        .collect()
}

/// Monitors with unique names, sorted by name; a clash gets ` (2)`, ` (3)`, ... and a warning.
pub(super) fn unique_names(mut monitors: Vec<Monitor>, warnings: &mut Vec<String>) -> Vec<Monitor> {
    monitors.sort_by(|a, b| a.name.cmp(&b.name));
    let mut taken: BTreeSet<String> = monitors.iter().map(|m| m.name.clone()).collect();
    let mut seen = HashSet::new();
    for m in &mut monitors {
        if m.name.is_empty() || seen.insert(m.name.clone()) {
            continue;
        }
        let renamed = (2..)
            .map(|n| format!("{} ({n})", m.name))
            .find(|n| !taken.contains(n))
            .unwrap_or_default();
        warnings.push(format!(
            "monitor `{}`: another monitor has this name; exported as `{renamed}` (the plan \
             will rename it)",
            m.name
        ));
        taken.insert(renamed.clone());
        m.name = renamed;
    }
    monitors
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::naming_fixtures::{id, lookups, origin};

    #[test]
    fn clashing_monitor_names_get_a_suffix() {
        let namer = Namer::new(&lookups(), false);
        let mk = |name: &str| {
            let live = api::Monitor {
                name: name.into(),
                target: Some(id(40)),
                metric_type: "row_count".into(),
                ..api::Monitor::default()
            };
            namer.monitor(&live, &origin(), &mut Vec::new()).unwrap()
        };
        let mut warnings = Vec::new();
        let ms = unique_names(
            vec![mk("B"), mk("A"), mk(""), mk("A"), mk("A (2)"), mk("")],
            &mut warnings,
        );
        let got: Vec<&str> = ms.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(
            got,
            ["", "", "A", "A (3)", "A (2)", "B"],
            "unnamed ones never clash"
        );
        assert_eq!(warnings.len(), 1);
    }

    #[test]
    fn monitors_sharing_a_key_keep_the_first() {
        let m = |n, metric: &str| api::Monitor {
            id: id(n),
            target: Some(id(40)),
            metric_type: metric.into(),
            ..api::Monitor::default()
        };
        let live = [m(1, "row_count"), m(2, "row_count"), m(3, "freshness")];
        let mut warnings = Vec::new();
        let kept: Vec<&Id> = first_per_key(&live, &mut warnings)
            .into_iter()
            .map(|m| &m.id)
            .collect();
        assert_eq!(kept, [&id(1), &id(3)]);
        assert_eq!(warnings.len(), 1);
    }

    fn res(n: u128, title: &str, parent: Option<u128>) -> Resource {
        Resource {
            id: id(n),
            title: title.to_owned(),
            parent: parent.map(id),
            ..Resource::default()
        }
    }

    #[test]
    fn tree_keeps_the_first_duplicate_and_drops_archived_and_orphans() {
        let namer = Namer::new(&lookups(), false);
        let mut t = Tree::new(origin(), PropertyTypes::Native);
        let archived = Resource {
            archived: true,
            ..res(3, "Gone", None)
        };
        t.categories(
            &[res(1, "Checkout", None), res(2, "Checkout", None), archived],
            &namer,
            &[],
        )
        .unwrap();
        for r in [
            res(10, "Order Completed", Some(1)),
            res(11, "Order Completed", Some(1)),
            res(12, "Under the twin", Some(2)),
        ] {
            t.event(&r, &namer);
        }
        for r in [
            res(20, "order_id", Some(10)),
            res(21, "order_id", Some(10)),
            res(22, "on the second event", Some(11)),
            res(23, "orphan", Some(99)),
        ] {
            t.property(&r, &namer);
        }
        let (cats, warnings) = t.finish();
        assert_eq!(cats.len(), 1);
        assert_eq!(cats[0].events.len(), 1);
        let props: Vec<&str> = cats[0].events[0]
            .properties
            .iter()
            .map(|p| p.title.as_str())
            .collect();
        assert_eq!(props, ["order_id"]);
        assert_eq!(warnings.len(), 3, "{warnings:?}");
    }

    #[test]
    fn unknown_category_lists_the_existing_ones() {
        let namer = Namer::new(&lookups(), false);
        let mut t = Tree::new(origin(), PropertyTypes::Native);
        let err = t
            .categories(
                &[res(1, "Checkout", None), res(2, "Account", None)],
                &namer,
                &["Checkout".into(), "Nope".into()],
            )
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown category `Nope`; the integration has: `Account`, `Checkout`"
        );
    }
}
