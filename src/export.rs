//! Export: the live workspace read back into a [`ManifestSet`], so that a team whose workspace
//! already holds events can start managing it from git (`load(export(live)) == live`, and the
//! export plans to no changes).
//!
//! Rules, in one place:
//! - ids become names only when the name resolves back to the same id the way a manifest's
//!   name would (teams and tags by name, users by email then display name, collections by
//!   title, monitor targets by catalog `title_full`); anything else stays the UUID;
//! - text and lists the server holds empty (`""`, whitespace only, `[]`, `null`) are left out,
//!   so the export manages only what is set;
//! - `pii`, `verified` and `published` are always written: the API cannot tell `false` from
//!   unset, and `false` is a real value worth keeping in git; `is_required` and
//!   `is_array_type` are written when the server holds a value (`false` included);
//! - live duplicates are resolved the way the diff resolves them (the first in list order
//!   wins) and archived resources are skipped; each such choice is reported as a warning.
//!
//! Memory: events and properties are converted to the manifest model as each page arrives,
//! so no raw page or wire [`Resource`] outlives its page.

use crate::api::{self, ApiError, Client, Id, ListFilter, Resource};
use crate::live::{catalog_by_ids, fetch_lookups};
use crate::manifest::{
    Category, Event, IntegrationRef, ManifestSet, Monitor, NameSet, Origin, Property,
    ResourceFields, Schedule, Thresholds, TrackingFields,
};
use crate::plan::diff::monitor_key;
use crate::plan::resolve::{quoted, resolve, Lookups, ResolveError};
use crate::plan::IntegrationInfo;
use futures::{StreamExt, TryStreamExt};
use serde_json::json;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

/// What to export and how.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// The integration whose tracking plan is exported.
    pub integration: IntegrationRef,
    /// Only these category titles (empty = all).
    pub categories: Vec<String>,
    /// Also export the workspace's monitors.
    pub include_monitors: bool,
    /// Names holding `,` or `;` are written as ids (CSV list cells split on both).
    pub list_safe: bool,
    /// Catalog lookups in flight at once.
    pub concurrency: usize,
}

/// An exported manifest set and what could not be carried over faithfully.
#[derive(Debug, Clone, PartialEq)]
pub struct Exported {
    /// The workspace as manifests.
    pub set: ManifestSet,
    /// One line per skipped or altered item, for stderr.
    pub warnings: Vec<String>,
}

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// A call to the API failed.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// `--integration` names no integration, or several.
    #[error(transparent)]
    Integration(Box<ResolveError>),
    /// `--category` names categories the integration does not have.
    #[error(
        "unknown category {}; the integration has: {}",
        quoted(unknown),
        known_list(known)
    )]
    UnknownCategories {
        /// The titles given that do not exist.
        unknown: Vec<String>,
        /// The categories that do exist, sorted.
        known: Vec<String>,
    },
}

fn known_list(known: &[String]) -> String {
    if known.is_empty() {
        "no categories".to_owned()
    } else {
        quoted(known)
    }
}

/// Id -> the name a manifest may use for it, per field; ids without an entry stay ids.
#[derive(Debug, Clone, Default)]
pub struct Namer {
    users: HashMap<Id, String>,
    teams: HashMap<Id, String>,
    tags: HashMap<Id, String>,
    collections: HashMap<Id, String>,
    targets: HashMap<Id, String>,
}

impl Namer {
    /// Indexes every name in `lookups` that resolves back to its own id; with `list_safe`,
    /// names holding `,` or `;` are left out (CSV cannot carry them in a list cell).
    #[must_use]
    pub fn new(lookups: &Lookups, list_safe: bool) -> Self {
        let usable = |field: &str, name: &str, id: &Id| {
            !name.is_empty()
                && name.trim() == name
                && !(list_safe && name.contains([',', ';']))
                && lookups.resolve_name(field, name).as_ref() == Ok(id)
        };
        let index = |field: &str, items: Vec<(&Id, &str)>| -> HashMap<Id, String> {
            items
                .into_iter()
                .filter(|(id, name)| usable(field, name, id))
                .map(|(id, name)| (id.clone(), name.to_owned()))
                .collect()
        };
        let users = lookups
            .users
            .iter()
            .filter_map(|u| {
                [u.email.as_str(), u.display_name.as_str()]
                    .into_iter()
                    .find(|n| usable("owners", n, &u.id))
                    .map(|n| (u.id.clone(), n.to_owned()))
            })
            .collect();
        let targets = lookups
            .targets
            .iter()
            .filter_map(|(path, rs)| match rs.as_slice() {
                [one] if usable("target", path, &one.id) => Some((one.id.clone(), path.clone())),
                _ => None,
            })
            .collect();
        Self {
            users,
            teams: index(
                "teams",
                lookups
                    .teams
                    .iter()
                    .map(|t| (&t.id, t.name.as_str()))
                    .collect(),
            ),
            tags: index(
                "tags",
                lookups
                    .tags
                    .iter()
                    .map(|t| (&t.id, t.name.as_str()))
                    .collect(),
            ),
            collections: index(
                "collections",
                lookups
                    .collections
                    .iter()
                    .map(|c| (&c.id, c.title.as_str()))
                    .collect(),
            ),
            targets,
        }
    }

    /// A monitor target as its catalog path when known, else its id.
    #[must_use]
    pub fn target(&self, id: &Id) -> String {
        self.targets.get(id).unwrap_or(&id.0).clone()
    }

    fn names(map: &HashMap<Id, String>, ids: &[Id]) -> Option<NameSet> {
        (!ids.is_empty()).then(|| {
            ids.iter()
                .map(|id| map.get(id).unwrap_or(&id.0).clone())
                .collect()
        })
    }

    /// Event and property fields with ids turned into names; empty ones left out.
    #[must_use]
    pub fn fields(&self, r: &Resource) -> ResourceFields {
        ResourceFields {
            description: text(&r.description),
            definition: text(&r.definition),
            pii: Some(r.pii),
            verified: Some(r.verified),
            published: Some(r.published),
            owners: Self::names(&self.users, &r.owners),
            teams: Self::names(&self.teams, &r.teams),
            tags: Self::names(&self.tags, &r.tags),
            collections: Self::names(&self.collections, &r.collections),
            subscribers: Self::names(&self.users, &r.subscribers),
        }
    }

    /// A category without its events.
    #[must_use]
    pub fn category(&self, r: &Resource, origin: &Origin) -> Category {
        Category {
            title: r.title.trim().to_owned(),
            description: text(&r.description),
            teams: Self::names(&self.teams, &r.teams),
            protect: false,
            events: Vec::new(),
            origin: origin.clone(),
        }
    }

    /// An event without its properties.
    #[must_use]
    pub fn event(&self, r: &Resource, origin: &Origin) -> Event {
        Event {
            title: r.title.trim().to_owned(),
            fields: self.fields(r),
            protect: false,
            properties: Vec::new(),
            origin: origin.clone(),
        }
    }

    /// A property.
    #[must_use]
    pub fn property(&self, r: &Resource, origin: &Origin) -> Property {
        Property {
            title: r.title.trim().to_owned(),
            fields: self.fields(r),
            tracking: TrackingFields {
                property_type: r.property_type.as_deref().and_then(text),
                is_required: r.is_required,
                is_array_type: r.is_array_type,
                enum_values: r.enum_values.as_deref().and_then(text),
                regex: r.regex.as_deref().and_then(text),
            },
            protect: false,
            origin: origin.clone(),
        }
    }

    /// A monitor, or why it cannot be exported. Parts a manifest cannot express (an unknown
    /// cadence, a fractional sensitivity) are left unmanaged and reported in `warnings`.
    ///
    /// # Errors
    /// A monitor without a target or metric type (a manifest requires both).
    pub fn monitor(
        &self,
        m: &api::Monitor,
        origin: &Origin,
        warnings: &mut Vec<String>,
    ) -> Result<Monitor, String> {
        let Some(target) = m.target.as_ref() else {
            return Err(format!("monitor {}: no target, not exported", m.id));
        };
        let metric_type = m.metric_type.trim();
        if metric_type.is_empty() {
            return Err(format!("monitor {}: no metric type, not exported", m.id));
        }
        let target = self.target(target);
        // A monitor without a name stays unnamed, so the export leaves its name unmanaged.
        let name = m.name.trim().to_owned();
        let thresholds = match (
            m.condition_auto_sensitivity,
            m.condition_manual_min,
            m.condition_manual_max,
        ) {
            (Some(s), ..) => match sensitivity(s) {
                Some(sensitivity) => Some(Thresholds::Auto { sensitivity }),
                None => {
                    warnings.push(format!(
                        "monitor `{name}`: sensitivity {s} is not a whole number 1..=10; \
                         thresholds left unmanaged"
                    ));
                    None
                }
            },
            (None, None, None) => None,
            (None, min, max) => Some(Thresholds::Manual { min, max }),
        };
        let schedule = m.schedule.as_ref().and_then(|s| {
            let cadence = s
                .cadence
                .as_deref()
                .map(str::trim)
                .filter(|c| !c.is_empty());
            let known = cadence.filter(|c| crate::manifest::validate::CADENCES.contains(c));
            if let (Some(c), None) = (cadence, known) {
                warnings.push(format!(
                    "monitor `{name}`: cadence `{c}` has no manifest form; left unmanaged"
                ));
            }
            let s = Schedule {
                cadence: known.map(str::to_owned),
                frequency: s.frequency,
                day: s.day,
                hour: s.hour,
            };
            (s != Schedule::default()).then_some(s)
        });
        Ok(Monitor {
            name,
            target: Some(target),
            metric_type: Some(metric_type.to_owned()),
            metric_config: (!m.metric_config.is_empty()).then(|| m.metric_config.clone()),
            is_enabled: m.is_enabled,
            thresholds,
            schedule,
            protect: false,
            origin: origin.clone(),
        })
    }
}

/// `Some` for text worth managing; blank text (which CSV cannot tell from unset) is left out.
fn text(s: &str) -> Option<String> {
    (!s.trim().is_empty()).then(|| s.to_owned())
}

/// A live sensitivity as the manifest's 1..=10, when it is one.
fn sensitivity(s: f64) -> Option<u8> {
    (s.fract() == 0.0 && (1.0..=10.0).contains(&s))
        .then(|| format!("{s:.0}").parse().ok())
        .flatten()
}

/// The tracking plan being assembled: parents are indexed by id as they arrive, children
/// attach to them; duplicates and orphans are dropped (the first in list order wins, as in
/// the diff).
struct Tree {
    origin: Origin,
    categories: Vec<Category>,
    category_of: HashMap<Id, usize>,
    /// (category slot, event) per kept event.
    events: Vec<(usize, Event)>,
    event_of: HashMap<Id, usize>,
    properties: Vec<Vec<Property>>,
    warnings: Vec<String>,
}

impl Tree {
    fn new(origin: Origin) -> Self {
        Self {
            origin,
            categories: Vec::new(),
            category_of: HashMap::new(),
            events: Vec::new(),
            event_of: HashMap::new(),
            properties: Vec::new(),
            warnings: Vec::new(),
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
    fn categories(
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

    fn event(&mut self, r: &Resource, namer: &Namer) {
        let Some(&slot) = r.parent.as_ref().and_then(|p| self.category_of.get(p)) else {
            return;
        };
        if self.usable_title("event", r) {
            self.event_of.insert(r.id.clone(), self.events.len());
            self.events.push((slot, namer.event(r, &self.origin)));
            self.properties.push(Vec::new());
        }
    }

    fn property(&mut self, r: &Resource, namer: &Namer) {
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
            props.push(namer.property(r, &self.origin));
        }
    }

    /// Moves properties into events and events into categories, dropping duplicate titles
    /// (stable sort + dedup keeps the first in list order).
    fn finish(mut self) -> (Vec<Category>, Vec<String>) {
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
fn first_per_key<'a>(
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
fn unique_names(mut monitors: Vec<Monitor>, warnings: &mut Vec<String>) -> Vec<Monitor> {
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

/// Catalog resources of `ids`, plus every resource sharing their paths (so an ambiguous path
/// is seen as such and the id is kept).
async fn catalog_of(
    client: &Client,
    ids: &[Id],
    concurrency: usize,
) -> Result<Vec<Resource>, ApiError> {
    const CHUNK: usize = 50;
    let found = catalog_by_ids(client, ids, concurrency).await?;
    let paths: BTreeSet<&str> = found
        .iter()
        .map(|r| r.title_full.as_str())
        .filter(|p| !p.is_empty())
        .collect();
    let paths: Vec<&str> = paths.into_iter().collect();
    futures::stream::iter(paths.chunks(CHUNK))
        .map(|c| {
            let filter = json!({"operator": "in", "field": "title_full", "value": c});
            client.catalog(&filter).try_collect::<Vec<_>>()
        })
        .buffer_unordered(concurrency.max(1))
        .try_concat()
        .await
}

/// How the export names the integration: by name when that name leads back to exactly this
/// integration (and does not read as a UUID), else by id.
fn integration_ref(info: &IntegrationInfo, lookups: &Lookups) -> IntegrationRef {
    let named = IntegrationRef::Name(info.name.clone());
    let by_name = ManifestSet {
        integration: Some(named.clone()),
        ..ManifestSet::default()
    };
    if IntegrationRef::parse(&info.name) == named
        && resolve(&by_name, lookups).is_ok_and(|r| r.integration.id == info.id)
    {
        named
    } else {
        IntegrationRef::Id(info.id.0.clone())
    }
}

/// Reads the integration's tracking plan (and, with `include_monitors`, every monitor of the
/// workspace: monitors watch warehouse tables, not the event integration) as a manifest set.
///
/// # Errors
/// A failed API call, an unknown integration or unknown `--category` titles.
pub async fn export(client: &Client, opts: &ExportOptions) -> Result<Exported, ExportError> {
    let mut lookups = fetch_lookups(client, &ManifestSet::default(), opts.concurrency).await?;
    let wanted = ManifestSet {
        integration: Some(opts.integration.clone()),
        ..ManifestSet::default()
    };
    let info = match resolve(&wanted, &lookups) {
        Ok(r) => r.integration,
        Err(mut errors) => {
            let mut e = errors.remove(0);
            e.item = "--integration".to_owned();
            e.origin = None;
            return Err(ExportError::Integration(Box::new(e)));
        }
    };
    let by_integration = ListFilter {
        integration_id: Some(info.id.clone()),
        ..ListFilter::default()
    };
    let monitors = async {
        if opts.include_monitors {
            client.list_monitors().try_collect().await
        } else {
            Ok(Vec::new())
        }
    };
    let (categories, monitors): (Vec<Resource>, Vec<api::Monitor>) = tokio::try_join!(
        client.list_categories(&by_integration).try_collect(),
        monitors,
    )?;
    let targets: Vec<Id> = monitors
        .iter()
        .filter_map(|m| m.target.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut notes = Vec::new();
    if !targets.is_empty() {
        match catalog_of(client, &targets, opts.concurrency).await {
            Ok(found) => lookups.add_catalog(found),
            // A catalog that cannot be filtered by id costs the paths, not the export: a UUID
            // target plans just as well.
            Err(e) => notes.push(format!(
                "could not read the catalog ({e}); monitor targets are written as ids"
            )),
        }
    }
    let namer = Namer::new(&lookups, opts.list_safe);
    let origin = Origin {
        file: Arc::from(format!("export of {}", info.name)),
        line: 0,
        column: 0,
    };
    let mut tree = Tree::new(origin.clone());
    tree.categories(&categories, &namer, &opts.categories)?;
    drop(categories);
    // Events and properties are converted as each page arrives; no wire resource is kept.
    let mut events = std::pin::pin!(client.list_events(&by_integration));
    while let Some(r) = events.try_next().await? {
        tree.event(&r, &namer);
    }
    let mut properties = std::pin::pin!(client.list_properties(&by_integration));
    while let Some(r) = properties.try_next().await? {
        tree.property(&r, &namer);
    }
    let (categories, tree_warnings) = tree.finish();
    let mut warnings = notes;
    warnings.extend(tree_warnings);
    let mut exported = Vec::with_capacity(monitors.len());
    for m in first_per_key(&monitors, &mut warnings) {
        match namer.monitor(m, &origin, &mut warnings) {
            Ok(m) => exported.push(m),
            Err(w) => warnings.push(w),
        }
    }
    let monitors = unique_names(exported, &mut warnings);
    Ok(Exported {
        set: ManifestSet {
            integration: Some(integration_ref(&info, &lookups)),
            categories,
            monitors,
        },
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{Collection, MonitorSchedule, Tag, Team, User};

    fn id(n: u128) -> Id {
        Id(uuid::Uuid::from_u128(n).hyphenated().to_string())
    }

    fn origin() -> Origin {
        Origin {
            file: Arc::from("export"),
            line: 0,
            column: 0,
        }
    }

    fn lookups() -> Lookups {
        let team = |n, name: &str| Team {
            id: id(n),
            name: name.to_owned(),
        };
        let user = |n, email: &str, display: &str| User {
            id: id(n),
            email: email.to_owned(),
            display_name: display.to_owned(),
            ..User::default()
        };
        let mut l = Lookups {
            teams: vec![
                team(1, "Growth"),
                team(2, "Twin"),
                team(3, "Twin"),
                team(4, " Padded"),
            ],
            tags: vec![Tag {
                id: id(10),
                name: "a;b".to_owned(),
            }],
            users: vec![
                user(20, "alice@acme.test", "Alice"),
                user(21, "", "Robot"),
                user(22, "", "Same"),
                user(23, "", "Same"),
            ],
            collections: vec![Collection {
                id: id(30),
                title: "Revenue Metrics".to_owned(),
            }],
            ..Lookups::default()
        };
        let table = |n, path: &str| Resource {
            id: id(n),
            title_full: path.to_owned(),
            ..Resource::default()
        };
        l.add_catalog([
            table(40, "analytics.public.orders"),
            table(41, "dup.path"),
            table(42, "dup.path"),
        ]);
        l
    }

    fn names(items: &[&str]) -> Option<NameSet> {
        Some(items.iter().map(|s| (*s).to_owned()).collect())
    }

    #[test]
    fn ids_become_names_only_when_the_name_resolves_back() {
        let namer = Namer::new(&lookups(), false);
        let r = Resource {
            teams: vec![id(1), id(2), id(4), id(99)],
            owners: vec![id(20), id(21), id(22)],
            tags: vec![id(10)],
            collections: vec![id(30)],
            ..Resource::default()
        };
        let f = namer.fields(&r);
        // Twin is ambiguous, ` Padded` would be trimmed on load, 99 is unknown: all stay ids.
        assert_eq!(f.teams, names(&["Growth", &id(2).0, &id(4).0, &id(99).0]));
        // Email first, display name when there is no email, id when the name is shared.
        assert_eq!(f.owners, names(&["alice@acme.test", "Robot", &id(22).0]));
        assert_eq!(f.tags, names(&["a;b"]));
        assert_eq!(f.collections, names(&["Revenue Metrics"]));
        assert_eq!(namer.target(&id(40)), "analytics.public.orders");
        assert_eq!(
            namer.target(&id(41)),
            id(41).0,
            "an ambiguous path keeps the id"
        );
    }

    #[test]
    fn csv_export_keeps_ids_for_names_a_list_cell_would_split() {
        let namer = Namer::new(&lookups(), true);
        let r = Resource {
            tags: vec![id(10)],
            ..Resource::default()
        };
        assert_eq!(namer.fields(&r).tags, names(&[&id(10).0]));
    }

    #[test]
    fn empty_fields_are_omitted_and_booleans_always_written() {
        let namer = Namer::new(&lookups(), false);
        let r = Resource {
            title: "order_id".into(),
            description: "  ".into(),
            definition: String::new(),
            enum_values: Some(String::new()),
            is_required: Some(false),
            ..Resource::default()
        };
        let p = namer.property(&r, &origin());
        assert_eq!(
            p.fields,
            ResourceFields {
                pii: Some(false),
                verified: Some(false),
                published: Some(false),
                ..ResourceFields::default()
            }
        );
        assert_eq!(
            p.tracking,
            TrackingFields {
                is_required: Some(false),
                ..TrackingFields::default()
            }
        );
        let r = Resource {
            description: "Fired once".into(),
            definition: "# Docs\n".into(),
            pii: true,
            ..Resource::default()
        };
        let f = namer.fields(&r);
        assert_eq!(f.description.as_deref(), Some("Fired once"));
        assert_eq!(f.definition.as_deref(), Some("# Docs\n"), "kept exactly");
        assert_eq!(f.pii, Some(true));
    }

    #[test]
    fn monitors_export_paths_and_leave_out_what_a_manifest_cannot_say() {
        let namer = Namer::new(&lookups(), false);
        let live = api::Monitor {
            id: id(50),
            target: Some(id(40)),
            metric_type: "row_count".into(),
            is_enabled: true,
            condition_auto_sensitivity: Some(2.5),
            schedule: Some(MonitorSchedule {
                cadence: Some("monthly".into()),
                frequency: Some(1),
                ..MonitorSchedule::default()
            }),
            ..api::Monitor::default()
        };
        let mut warnings = Vec::new();
        let m = namer.monitor(&live, &origin(), &mut warnings).unwrap();
        assert_eq!(m.target.as_deref(), Some("analytics.public.orders"));
        assert_eq!(
            m.name, "",
            "no name on the server: the name stays unmanaged"
        );
        assert_eq!(m.metric_config, None, "an empty config is not managed");
        assert_eq!(m.thresholds, None);
        assert_eq!(
            m.schedule,
            Some(Schedule {
                frequency: Some(1),
                ..Schedule::default()
            })
        );
        assert_eq!(warnings.len(), 2, "{warnings:?}");

        let manual = api::Monitor {
            name: "Bounds".into(),
            condition_manual_max: Some(0.0),
            ..live.clone()
        };
        let m = namer
            .monitor(
                &api::Monitor {
                    condition_auto_sensitivity: None,
                    ..manual
                },
                &origin(),
                &mut warnings,
            )
            .unwrap();
        assert_eq!(
            m.thresholds,
            Some(Thresholds::Manual {
                min: None,
                max: Some(0.0)
            })
        );
        let untargeted = api::Monitor {
            target: None,
            ..live
        };
        assert!(namer
            .monitor(&untargeted, &origin(), &mut warnings)
            .is_err());
    }

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
        let mut t = Tree::new(origin());
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
        let mut t = Tree::new(origin());
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
