//! The tree walk: categories, then their events, then their properties, each matched to the
//! live resource with the same title under the same parent.

use super::fields::{tracking_fields, FieldDiff};
use super::{change, live_change, parent_ref, Differ};
use crate::api::{self, Id};
use crate::manifest::PropertyTypes;
use crate::plan::desired::{DesiredCategory, DesiredEvent, DesiredProperty};
use crate::plan::property_types::definition_with_block;
use crate::plan::renames::{self, Match};
use crate::plan::{Action, Key, Kind, Live};
use std::collections::HashMap;

/// Live resources indexed by natural key (archived ones are gone and ignored).
pub(super) struct LiveIndex<'a> {
    pub(super) categories: HashMap<&'a str, &'a api::Resource>,
    pub(super) events: HashMap<(&'a Id, &'a str), &'a api::Resource>,
    pub(super) events_of: HashMap<&'a Id, Vec<&'a api::Resource>>,
    pub(super) properties: HashMap<(&'a Id, &'a str), &'a api::Resource>,
    pub(super) properties_of: HashMap<&'a Id, Vec<&'a api::Resource>>,
}

impl<'a> LiveIndex<'a> {
    pub(super) fn new(live: &'a Live) -> Self {
        let mut categories = HashMap::new();
        // The lease home is the tool's own: never matched, so its events are never pruned.
        let usable = |r: &&api::Resource| !r.archived && !crate::plan::reserved::is_lease_home(r);
        for c in live.categories.iter().filter(usable) {
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

impl<'a> Differ<'a> {
    /// The live resource `key` (with its `former` titles) matches through `find`, and the old
    /// title when it is a rename; an ambiguous rename is recorded as a conflict and matches
    /// the live resource under the new title, if any, so the rest of the plan still reads.
    fn matched(
        &mut self,
        key: &Key,
        former: &[String],
        origin: &crate::manifest::Origin,
        find: impl Fn(&str) -> Option<&'a api::Resource>,
    ) -> (Option<&'a api::Resource>, Option<String>) {
        let (m, all) = renames::find(key.title(), former, &find);
        match m {
            Match::None => (None, None),
            Match::Same(l) => (Some(l), None),
            Match::Renamed(l) => {
                self.renamed.insert(l.id.clone());
                (Some(l), Some(l.title.clone()))
            }
            Match::Ambiguous => {
                // Neither is pruned while the user decides.
                self.renamed.extend(all.iter().map(|r| r.id.clone()));
                self.rename_conflicts.push(renames::RenameConflict {
                    key: key.clone(),
                    origin: origin.clone(),
                    live: all
                        .iter()
                        .map(|r| (r.title.clone(), r.id.clone()))
                        .collect(),
                });
                (find(key.title()), None)
            }
        }
    }

    pub(super) fn category(&mut self, c: &DesiredCategory) {
        let key = Key::Category(c.title.clone());
        if c.title == crate::plan::reserved::LEASE_HOME_TITLE {
            // Never matched (it is the lease's), so it would be offered as a create forever.
            let mut ch = change(Action::Unsupported, key, c.title.clone());
            ch.note = Some(format!(
                "the category title `{}` is reserved for the apply lease: rename the category",
                c.title
            ));
            self.buckets.categories.push(ch);
            return;
        }
        let live = self.index.categories.get(c.title.as_str()).copied();
        let mut fields = FieldDiff::new(live.is_none())
            .reading(live)
            .recorded(self.not_kept, Kind::Category);
        super::fields::category_fields(&c.fields, live, &mut fields);
        self.count_uncompared(&key, &fields);
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
        let index = self.index;
        let (live, renamed_from) = self.matched(&key, &e.renamed_from, &e.origin, |t| {
            category_id.and_then(|p| index.events.get(&(p, t)).copied())
        });
        let mut fields = FieldDiff::new(live.is_none())
            .reading(live)
            .recorded(self.not_kept, Kind::Event);
        self.resource_fields(&e.fields, live, &mut fields);
        self.count_uncompared(&key, &fields);
        match live {
            None => {
                let mut ch = change(Action::Create, key.clone(), e.title.clone());
                ch.parent = Some(parent_ref(category_id, &Key::Category(category.to_owned())));
                ch.fields = fields.out;
                self.buckets.events.push(ch);
            }
            Some(l) if !fields.out.is_empty() || renamed_from.is_some() => {
                let mut ch = live_change(Action::Update, key.clone(), l);
                ch.fields = fields.out;
                ch.renamed_from = renamed_from;
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
        let index = self.index;
        let (live, renamed_from) = self.matched(&key, &p.renamed_from, &p.origin, |t| {
            event_id.and_then(|id| index.properties.get(&(id, t)).copied())
        });
        let mut fields = FieldDiff::new(live.is_none())
            .reading(live)
            .recorded(self.not_kept, Kind::Property);
        match self.opts.property_types {
            PropertyTypes::Native => {
                self.resource_fields(&p.fields, live, &mut fields);
                tracking_fields(&p.tracking, live, &mut fields);
            }
            PropertyTypes::Definition => {
                // The tracking fields travel in the definition, computed from the live text.
                let mut own = p.fields.clone();
                own.definition = definition_with_block(
                    p.fields.definition.as_deref(),
                    &p.tracking,
                    live.map(|l| l.definition.as_str()),
                );
                self.resource_fields(&own, live, &mut fields);
            }
            PropertyTypes::Off => self.resource_fields(&p.fields, live, &mut fields),
        }
        self.count_uncompared(&key, &fields);
        match live {
            None => {
                let mut ch = change(Action::Create, key, p.title.clone());
                ch.parent = Some(parent_ref(event_id, event));
                ch.fields = fields.out;
                self.buckets.properties.push(ch);
            }
            Some(l) if !fields.out.is_empty() || renamed_from.is_some() => {
                let mut ch = live_change(Action::Update, key, l);
                ch.fields = fields.out;
                ch.renamed_from = renamed_from;
                self.buckets.properties.push(ch);
            }
            Some(_) => {}
        }
    }
}
