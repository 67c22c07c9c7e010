//! Merging the files' fragments into one [`ManifestSet`]: one integration, parents before
//! children, duplicates and missing parents reported, then `defaults` filled in.

use crate::manifest::diagnostics::{Code, Diagnostic, Location};
use crate::manifest::fields::{self, FieldRef, Group};
use crate::manifest::fragment::{CategoryMention, EventMention, Fragment};
use crate::manifest::model::canonical_json;
use crate::manifest::{IntegrationRef, ManifestSet, Monitor, Origin, Property, ResourceFields};
use foldhash::HashMap;
use foldhash::HashMapExt as _;
use std::collections::hash_map::Entry;

/// Merges the files' declarations into one set, reporting duplicates and missing parents.
///
/// `integration` (the `--integration` flag) wins over what the files name.
pub(crate) fn merge(
    mut fragments: Vec<Fragment>,
    integration: Option<&str>,
    diags: &mut Vec<Diagnostic>,
) -> ManifestSet {
    let integration = match integration {
        Some(i) => Some(IntegrationRef::parse(i)),
        None => agreed_integration(&fragments, diags),
    };
    let mut m = Merger::new(integration, diags);
    // Every category of every file first, then every event, then properties and monitors:
    // a child may sit in a file loaded before its parent's.
    for f in &mut fragments {
        if let Some((d, origin)) = f.defaults.take() {
            m.defaults(d, origin);
        }
        for c in std::mem::take(&mut f.categories) {
            m.category(c);
        }
    }
    let described = fragments
        .iter()
        .flat_map(|f| &f.events)
        .filter(|e| e.describes);
    m.reserve_events(described.map(|e| e.parent.as_str()));
    for f in &mut fragments {
        f.close_run();
        // Exactly its events' room: the list is read once, and an over-grown one would be
        // held beside the set's until the last event has moved out.
        f.events.shrink_to_fit();
        for e in std::mem::take(&mut f.events) {
            m.event(e);
        }
    }
    for f in &mut fragments {
        // A file lists an event's properties together, as a rule: each run of properties under
        // one parent is placed with one look-up and one exact allocation.
        let mut run: Vec<Property> = Vec::new();
        let mut run_parent = (String::new(), String::new());
        for p in std::mem::take(&mut f.properties).into_items() {
            if p.parent != run_parent && !run.is_empty() {
                m.properties(&run_parent, &mut run);
            }
            run_parent = p.parent;
            run.push(p.item);
        }
        if !run.is_empty() {
            m.properties(&run_parent, &mut run);
        }
        for mon in std::mem::take(&mut f.monitors) {
            m.monitor(mon);
        }
        for t in std::mem::take(&mut f.tags) {
            m.tag(t);
        }
    }
    for f in &mut fragments {
        for t in std::mem::take(&mut f.implied_tags) {
            m.implied_tag(t);
        }
    }
    m.finish()
}

/// The set being built, with the indexes that find what is already in it.
struct Merger<'d> {
    set: ManifestSet,
    diags: &'d mut Vec<Diagnostic>,
    defaults: Option<(ResourceFields, Origin)>,
    /// Category title -> index in `set.categories`.
    cats: HashMap<String, usize>,
    /// Per category index: where its fields were given, if anywhere yet.
    cat_described: Vec<Option<Origin>>,
    /// Per category index: event title -> index in its `events` (looked up by `&str`, so a
    /// property's lookup copies no title).
    events: Vec<HashMap<String, usize>>,
    /// Where an event was declared (rather than implied by a CSV property row).
    event_declared: HashMap<(usize, usize), Origin>,
    monitors: HashMap<String, Origin>,
    /// Tag name -> where it was declared.
    tags: HashMap<String, Origin>,
    /// (target, metric type, canonical config) as written -> index in `set.monitors`.
    identities: HashMap<(String, Option<String>, String), usize>,
}

impl<'d> Merger<'d> {
    fn new(integration: Option<IntegrationRef>, diags: &'d mut Vec<Diagnostic>) -> Self {
        Self {
            set: ManifestSet {
                vendor_files: Vec::new(),
                integration,
                ..ManifestSet::default()
            },
            diags,
            defaults: None,
            cats: HashMap::new(),
            cat_described: Vec::new(),
            events: Vec::new(),
            event_declared: HashMap::new(),
            monitors: HashMap::new(),
            tags: HashMap::new(),
            identities: HashMap::new(),
        }
    }

    fn defaults(&mut self, d: ResourceFields, origin: Origin) {
        if let Some((_, first)) = &self.defaults {
            self.diags.push(
                Diagnostic::at(
                    Code::DuplicateKey,
                    (&origin).into(),
                    "`defaults` given twice in the manifest set",
                )
                .related("first given", first.into())
                .hint("keep one `defaults:` block (e.g. in secoda.yaml)"),
            );
        } else {
            self.defaults = Some((d, origin));
        }
    }

    /// Makes room in each category for the events described under it (`parents`, a title per
    /// event): grown by doubling, 20,000 events would be held with room for twice as many,
    /// beside the files' own lists. An event only named (by a CSV property row) is not
    /// counted, as it may be named on every row.
    fn reserve_events<'p>(&mut self, parents: impl Iterator<Item = &'p str>) {
        let mut counts = vec![0usize; self.set.categories.len()];
        for parent in parents {
            if let Some(&ci) = self.cats.get(parent) {
                counts[ci] += 1;
            }
        }
        for (category, n) in self.set.categories.iter_mut().zip(counts) {
            category.events.reserve_exact(n);
        }
    }

    /// A category may be mentioned often (every CSV row does) but described once.
    fn category(&mut self, mention: CategoryMention) {
        let CategoryMention {
            item: c, describes, ..
        } = mention;
        let Some(&i) = self.cats.get(&c.title) else {
            self.cats.insert(c.title.clone(), self.set.categories.len());
            self.cat_described.push(describes.then(|| c.origin.clone()));
            self.events.push(HashMap::new());
            self.set.categories.push(c);
            return;
        };
        if !describes {
            return;
        }
        if let Some(first) = &self.cat_described[i] {
            self.diags.push(
                Diagnostic::at(
                    Code::DuplicateKey,
                    (&c.origin).into(),
                    format!("category `{}` is described twice", c.title),
                )
                .related("first described", first.into())
                .hint(format!(
                    "give a category's {} and protect in one place",
                    fields::category()
                        .map(|s| s.name)
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            );
            return;
        }
        let cat = &mut self.set.categories[i];
        cat.fields = c.fields;
        cat.protect = c.protect;
        cat.origin = c.origin.clone();
        self.cat_described[i] = Some(c.origin);
    }

    /// An event may be implied by many property rows but declared once.
    fn event(&mut self, mention: EventMention) {
        let EventMention {
            parent: category,
            item: mut e,
            describes,
        } = mention;
        // The properties the file gave right after this mention (the mention's own, when the
        // event is new: it moves whole).
        let mut run = std::mem::take(&mut e.properties);
        let Some(&ci) = self.cats.get(&category) else {
            self.diags.push(
                Diagnostic::at(
                    Code::MissingParent,
                    (&e.origin).into(),
                    format!(
                        "event `{}` is in category `{}`, which is declared nowhere",
                        e.title, category
                    ),
                )
                .hint("add the category (a `category` record, a YAML category, or a CSV row)"),
            );
            self.properties(&(category, e.title), &mut run);
            return;
        };
        let Some(&ei) = self.events[ci].get(e.title.as_str()) else {
            let ei = self.set.categories[ci].events.len();
            if describes {
                self.event_declared.insert((ci, ei), e.origin.clone());
            }
            self.events[ci].insert(e.title.clone(), ei);
            e.properties = run;
            self.set.categories[ci].events.push(e);
            return;
        };
        self.attach(ci, ei, &mut run);
        if !describes {
            return;
        }
        if let Some(first) = self.event_declared.get(&(ci, ei)) {
            self.diags.push(
                Diagnostic::at(
                    Code::DuplicateKey,
                    (&e.origin).into(),
                    format!("event `{category}/{}` is declared twice", e.title),
                )
                .related("first declared", first.into()),
            );
            return;
        }
        let ev = &mut self.set.categories[ci].events[ei];
        ev.fields = e.fields;
        ev.protect = e.protect;
        ev.renamed_from = e.renamed_from;
        ev.origin = e.origin.clone();
        self.event_declared.insert((ci, ei), e.origin);
    }

    /// Places a run of properties declared under one `(category, event)`, emptying `run`;
    /// duplicates are found once every property is in place ([`drop_twin_properties`]).
    fn properties(&mut self, (category, event): &(String, String), run: &mut Vec<Property>) {
        let found = self
            .cats
            .get(category.as_str())
            .and_then(|&ci| Some((ci, *self.events[ci].get(event.as_str())?)));
        let Some((ci, ei)) = found else {
            for p in run.drain(..) {
                self.diags.push(
                    Diagnostic::at(
                        Code::MissingParent,
                        (&p.origin).into(),
                        format!(
                            "property `{}` is in event `{category}/{event}`, which is declared nowhere",
                            p.title
                        ),
                    )
                    .hint("declare the event (an `event` record, a YAML event, or a CSV row)"),
                );
            }
            return;
        };
        self.attach(ci, ei, run);
    }

    /// Adds `run` to the properties of event `ei` of category `ci`, emptying it.
    fn attach(&mut self, ci: usize, ei: usize, run: &mut Vec<Property>) {
        if run.is_empty() {
            return;
        }
        let properties = &mut self.set.categories[ci].events[ei].properties;
        // Exactly what the run needs: a `Vec` grown by doubling holds up to twice its
        // properties, and 100,000 of them make that the largest part of a load.
        properties.reserve_exact(run.len());
        properties.append(run);
    }

    fn monitor(&mut self, m: Monitor) {
        if let Some(first) = self.monitors.get(&m.name).filter(|_| !m.name.is_empty()) {
            self.diags.push(
                Diagnostic::at(
                    Code::DuplicateKey,
                    (&m.origin).into(),
                    format!("monitor `{}` is declared twice", m.name),
                )
                .related("first declared", first.into())
                .hint("monitor names must be unique in the manifest set"),
            );
            return;
        }
        // Same target, metric and config = the same monitor on the server (the plan's
        // monitor key): a second declaration would be created as a twin and never converge.
        let identity = m.target.clone().map(|t| {
            let config = m.metric_config.clone().unwrap_or_default();
            (t, m.metric_type.clone(), canonical_json(&config))
        });
        let twin = identity
            .as_ref()
            .and_then(|k| self.identities.get(k))
            .map(|&i| &self.set.monitors[i]);
        if let Some(first) = twin {
            self.diags.push(
                Diagnostic::at(
                    Code::DuplicateKey,
                    (&m.origin).into(),
                    format!(
                        "monitor `{}` has the same target, metric_type and metric_config as \
                         monitor `{}`",
                        m.label(),
                        first.label()
                    ),
                )
                .related("first declared", (&first.origin).into())
                .hint("these identify a monitor: merge the two, or change one of them"),
            );
            return;
        }
        self.monitors.insert(m.name.clone(), m.origin.clone());
        if let Some(k) = identity {
            self.identities.insert(k, self.set.monitors.len());
        }
        self.set.monitors.push(m);
    }

    /// A tag is declared once in the whole set.
    fn tag(&mut self, t: crate::manifest::Tag) {
        match self.tags.entry(t.name.clone()) {
            Entry::Occupied(first) => self.diags.push(
                Diagnostic::at(
                    Code::DuplicateKey,
                    (&t.origin).into(),
                    format!("tag `{}` is declared twice", t.name),
                )
                .related("first declared", first.get().into())
                .hint("declare each tag once in the manifest set"),
            ),
            Entry::Vacant(slot) => {
                slot.insert(t.origin.clone());
                self.set.tags.push(t);
            }
        }
    }

    /// A tag a vendor export uses: declared unless something declared it already.
    fn implied_tag(&mut self, t: crate::manifest::Tag) {
        if let Entry::Vacant(slot) = self.tags.entry(t.name.clone()) {
            slot.insert(t.origin.clone());
            self.set.tags.push(t);
        }
    }

    /// Fills in `defaults` and reports a set with nothing in it or no integration.
    fn finish(self) -> ManifestSet {
        let Self {
            mut set,
            diags,
            defaults,
            ..
        } = self;
        drop_twin_properties(&mut set, diags);
        if let Some((d, _)) = &defaults {
            apply_defaults(&mut set, d);
        }
        let counts = set.counts();
        let empty = counts.categories + counts.monitors == 0 && set.tags.is_empty();
        if empty && !diags.iter().any(Diagnostic::is_error) {
            diags.push(
                Diagnostic::new(
                    Code::EmptyManifestSet,
                    "nothing to sync: the manifests declare no categories, events, properties or monitors",
                    None,
                )
                .hint("check the paths given"),
            );
        }
        if set.integration.is_none() && !empty {
            diags.push(
                Diagnostic::new(Code::MissingIntegration, "no integration named", None).hint(
                    "add `integration: <name or UUID>` to a YAML manifest, an `integration` CSV column or JSONL field, or pass --integration",
                ),
            );
        }
        set
    }
}

/// Reports each property declared twice under one event (the later declaration, pointing at
/// the first) and keeps the first. Sorting each event's titles finds them without a set-wide
/// map of every property's key.
fn drop_twin_properties(set: &mut ManifestSet, diags: &mut Vec<Diagnostic>) {
    for category in &mut set.categories {
        for event in &mut category.events {
            let properties = &event.properties;
            if properties.len() < 2 {
                continue;
            }
            let mut order: Vec<usize> = (0..properties.len()).collect();
            // Stable: among equal titles, the first declared comes first.
            order.sort_by(|&a, &b| properties[a].title.cmp(&properties[b].title));
            let mut twins = Vec::new();
            for pair in order.windows(2) {
                let (first, later) = (&properties[pair[0]], &properties[pair[1]]);
                if first.title == later.title {
                    twins.push(pair[1]);
                }
            }
            if twins.is_empty() {
                continue;
            }
            twins.sort_unstable();
            for &later in &twins {
                let p = &properties[later];
                let first = properties
                    .iter()
                    .find(|q| q.title == p.title)
                    .map(|q| &q.origin)
                    .unwrap_or(&p.origin);
                diags.push(
                    Diagnostic::at(
                        Code::DuplicateKey,
                        (&p.origin).into(),
                        format!(
                            "property `{}/{}/{}` is declared twice",
                            category.title, event.title, p.title
                        ),
                    )
                    .related("first declared", first.into()),
                );
            }
            let mut index = 0;
            event.properties.retain(|_| {
                index += 1;
                twins.binary_search(&(index - 1)).is_err()
            });
        }
    }
}

/// The one integration the files agree on (the first named; each different one is reported).
fn agreed_integration(
    fragments: &[Fragment],
    diags: &mut Vec<Diagnostic>,
) -> Option<IntegrationRef> {
    let mut first: Option<&(IntegrationRef, Origin)> = None;
    for entry in fragments.iter().flat_map(|f| &f.integrations) {
        match first {
            None => first = Some(entry),
            Some(f) if f.0 == entry.0 => {}
            Some(f) => diags.push(
                Diagnostic::at(
                    Code::MultipleIntegrations,
                    Location::from(&entry.1),
                    format!(
                        "integration `{}` differs from `{}` named earlier",
                        entry.0, f.0
                    ),
                )
                .related("first named", (&f.1).into())
                .hint(
                    "a manifest set syncs one integration; split the files or pass --integration",
                ),
            ),
        }
    }
    first.map(|(i, _)| i.clone())
}

/// Fills each event's and property's unset fields from `defaults`.
fn apply_defaults(set: &mut ManifestSet, d: &ResourceFields) {
    fn fill(f: &mut ResourceFields, d: &ResourceFields) {
        for spec in fields::group(Group::Resource) {
            if f.get(spec.name).is_none() {
                f.set(spec.name, d.get(spec.name).map(FieldRef::to_owned_value));
            }
        }
    }
    for c in &mut set.categories {
        for e in &mut c.events {
            fill(&mut e.fields, d);
            for p in &mut e.properties {
                fill(&mut p.fields, d);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::manifest::{load_sources, Code, InputFormat, LoadOptions, Loaded, SourceFile};

    fn load_yaml(text: &str) -> Loaded {
        load_sources(
            vec![SourceFile::read(
                "in",
                InputFormat::Yaml,
                text.as_bytes().to_vec(),
            )],
            &LoadOptions::default(),
        )
    }

    #[test]
    fn defaults_fill_only_unset_fields() {
        let text = "version: 1\nintegration: Segment\ndefaults: {published: true, pii: false}\ncategories:\n  - title: A\n    events:\n      - title: E\n        pii: true\n        properties: [{title: p}]\n";
        let loaded = load_yaml(text);
        let e = &loaded.set.categories[0].events[0];
        assert_eq!(e.fields.pii, Some(true));
        assert_eq!(e.fields.published, Some(true));
        assert_eq!(e.properties[0].fields.pii, Some(false));
        assert_eq!(e.fields.owners, None);
    }

    #[test]
    fn a_property_declared_twice_keeps_the_first_and_points_at_it() {
        let text = "version: 1\nintegration: Segment\ncategories:\n  - title: A\n    events:\n      - title: E\n        properties:\n          - {title: b, description: first b}\n          - {title: a}\n          - {title: b, description: second b}\n          - {title: c}\n          - {title: a}\n          - {title: b}\n";
        let loaded = load_yaml(text);
        let dups: Vec<_> = loaded
            .diagnostics
            .iter()
            .filter(|d| d.code == Code::DuplicateKey)
            .map(|d| {
                let at = d.location.as_ref().unwrap().line;
                let first = d.related[0].location.line;
                (d.message.as_str(), at, first)
            })
            .collect();
        assert_eq!(
            dups,
            [
                ("property `A/E/b` is declared twice", 10, 8),
                ("property `A/E/a` is declared twice", 12, 9),
                ("property `A/E/b` is declared twice", 13, 8),
            ]
        );
        let e = &loaded.set.categories[0].events[0];
        let kept: Vec<_> = e.properties.iter().map(|p| p.title.as_str()).collect();
        assert_eq!(kept, ["b", "a", "c"], "declaration order, first of each");
        assert_eq!(
            e.properties[0].fields.description.as_deref(),
            Some("first b")
        );
    }

    #[test]
    fn a_tag_declared_twice_is_a_duplicate_and_an_implied_one_is_not() {
        let text = "version: 1\nintegration: Segment\ntags:\n  - name: v2\n    color: red\n  - {name: v2}\n  - {name: ' v3 '}\n";
        let loaded = load_yaml(text);
        let dups: Vec<_> = loaded
            .diagnostics
            .iter()
            .filter(|d| d.code == Code::DuplicateKey)
            .map(|d| d.message.as_str())
            .collect();
        assert_eq!(dups, ["tag `v2` is declared twice"]);
        let names: Vec<_> = loaded.set.tags.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(
            names,
            ["v2", "v3"],
            "the first declaration stands, names trimmed"
        );
        assert_eq!(loaded.set.tags[0].color.as_deref(), Some("red"));

        let mut diags = Vec::new();
        let mut m = super::Merger::new(None, &mut diags);
        let tag = |name: &str| crate::manifest::Tag {
            name: name.into(),
            color: None,
            description: None,
            origin: loaded.set.tags[0].origin.clone(),
        };
        m.tag(tag("v2"));
        m.implied_tag(tag("v2"));
        m.implied_tag(tag("v4"));
        m.implied_tag(tag("v4"));
        assert!(m.diags.is_empty(), "{:?}", m.diags);
        assert_eq!(m.set.tags.len(), 2);
    }

    #[test]
    fn a_monitor_twin_needs_the_same_target_metric_and_config() {
        let m = |name: &str, target: &str, metric: &str, config: &str| {
            format!("  - {{name: {name}, target: {target}, metric_type: {metric}{config}}}\n")
        };
        let text = [
            "version: 1\nintegration: Segment\nmonitors:\n".to_owned(),
            m("a", "t", "row_count", ""),
            m("b", "t", "null_percentage", ""),
            m("c", "u", "row_count", ""),
            m("d", "t", "row_count", ", metric_config: {x: 1}"),
            m("e", "t", "row_count", ", metric_config: {}"),
        ]
        .concat();
        let loaded = load_yaml(&text);
        let dups: Vec<_> = loaded
            .diagnostics
            .iter()
            .filter(|d| d.code == Code::DuplicateKey)
            .map(|d| d.message.as_str())
            .collect();
        assert_eq!(
            dups,
            ["monitor `e` has the same target, metric_type and metric_config as monitor `a`"]
        );
        assert_eq!(loaded.set.monitors.len(), 4);
    }
}
