//! Collects a vendor file's events and properties into one fragment: each event declared once
//! however many rows repeat it, blanks filled from later rows, each property once per event.

use super::notes::Notes;
use crate::manifest::diagnostics::{Code, Diagnostic, Location};
use crate::manifest::fragment::{CategoryMention, EventMention, Fragment, PropertyMention};
use crate::manifest::node::Ctx;
use crate::manifest::options::PresetOptions;
use crate::manifest::{CategoryFields, Origin, Property, ResourceFields, TrackingFields};
use std::collections::{HashMap, HashSet};

/// The fragment under construction.
pub(super) struct Builder<'o> {
    pub(super) opts: &'o PresetOptions,
    frag: Fragment,
    /// Event title -> index in `frag.events` (vendor event names are unique in a plan).
    events: HashMap<String, usize>,
    categories: HashSet<String>,
    props: HashSet<(usize, String)>,
    pub(super) notes: Notes,
}

/// Fills what `into` leaves unset from `from`.
fn fill(into: &mut ResourceFields, from: ResourceFields) {
    into.description = into.description.take().or(from.description);
    into.definition = into.definition.take().or(from.definition);
    into.owners = into.owners.take().or(from.owners);
    into.tags = into.tags.take().or(from.tags);
}

impl<'o> Builder<'o> {
    pub(super) fn new(opts: &'o PresetOptions) -> Self {
        Self {
            opts,
            frag: Fragment::default(),
            events: HashMap::new(),
            categories: HashSet::new(),
            props: HashSet::new(),
            notes: Notes::default(),
        }
    }

    /// The category an event goes in: its own, else `--default-category`, else an error at
    /// `at` with the hint `hint`.
    pub(super) fn category(
        &self,
        ctx: &mut Ctx<'_>,
        own: Option<String>,
        at: Location,
        hint: &str,
    ) -> Option<String> {
        if let Some(c) = own.or_else(|| self.opts.default_category.clone()) {
            return Some(c);
        }
        ctx.push(
            Diagnostic::at(Code::MissingField, at, "event has no category").hint(hint.to_owned()),
        );
        None
    }

    /// Whether an event of this title is known already.
    pub(super) fn has_event(&self, title: &str) -> bool {
        self.events.contains_key(title)
    }

    /// Declares an event, or fills blanks of the one already declared.
    pub(super) fn event(
        &mut self,
        category: &str,
        title: &str,
        fields: ResourceFields,
        origin: Origin,
    ) {
        if let Some(&i) = self.events.get(title) {
            fill(&mut self.frag.events[i].item.fields, fields);
            return;
        }
        if self.categories.insert(category.to_owned()) {
            self.frag.categories.push(CategoryMention::category(
                category.to_owned(),
                CategoryFields::default(),
                None,
                origin.clone(),
            ));
        }
        self.events.insert(title.to_owned(), self.frag.events.len());
        self.frag.events.push(EventMention::event(
            category.to_owned(),
            title.to_owned(),
            fields,
            false,
            origin,
            true,
        ));
    }

    /// Adds a property to a declared event; a repeat of the same property is counted, not added.
    pub(super) fn property(
        &mut self,
        event: &str,
        title: &str,
        fields: ResourceFields,
        tracking: TrackingFields,
        origin: Origin,
    ) {
        let Some(&i) = self.events.get(event) else {
            return;
        };
        if !self.props.insert((i, title.to_owned())) {
            self.notes.skip("repeated properties", origin.line);
            return;
        }
        let e = &self.frag.events[i];
        let parent = (e.parent.clone(), e.item.title.clone());
        let property = Property {
            title: title.to_owned(),
            fields,
            tracking,
            protect: false,
            renamed_from: Vec::new(),
            origin,
        };
        self.frag
            .properties
            .push(PropertyMention::property(parent, property));
    }

    /// The fragment, with the notes' warnings pushed.
    pub(super) fn finish(self, ctx: &mut Ctx<'_>) -> (Fragment, Notes) {
        self.notes.warn(ctx);
        (self.frag, self.notes)
    }
}
