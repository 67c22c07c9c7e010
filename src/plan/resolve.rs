//! Name resolution: turns the names manifests use (`Growth`, `alice@acme.test`,
//! `analytics.public.orders`) into the ids the API speaks, so the diff compares ids only.
//!
//! Every unknown or ambiguous name is reported at once, each with the manifest position and
//! the closest names that do exist.

use crate::api::{self, Id};
use crate::manifest::{
    Category, Event, IntegrationRef, ManifestSet, Monitor, NameSet, Origin, Property,
    ResourceFields, Schedule, Thresholds, TrackingFields,
};
use crate::plan::IntegrationInfo;
use std::collections::{BTreeSet, HashMap};
use std::fmt;

/// Id -> display name (team and tag names, user emails, collection and target titles), used to
/// render id lists in plans.
pub type Names = HashMap<Id, String>;

/// A set of ids; sorted, so plans list them in a stable order.
pub type IdSet = BTreeSet<Id>;

/// The workspace's named objects, fetched by the caller before resolving.
#[derive(Debug, Clone, Default)]
pub struct Lookups {
    /// Every integration.
    pub integrations: Vec<api::Integration>,
    /// Every team.
    pub teams: Vec<api::Team>,
    /// Every tag.
    pub tags: Vec<api::Tag>,
    /// Every user.
    pub users: Vec<api::User>,
    /// Every collection.
    pub collections: Vec<api::Collection>,
    /// Catalog resources by `title_full`; holds at least the paths [`target_paths`] names (more
    /// entries give better "did you mean" hints).
    pub targets: HashMap<String, Vec<api::Resource>>,
}

impl Lookups {
    /// Indexes catalog resources (tables, columns) by their `title_full` path. A resource read
    /// twice (named by path and by id, or a near miss of another path) is indexed once, so it
    /// cannot make its path look ambiguous.
    pub fn add_catalog(&mut self, resources: impl IntoIterator<Item = api::Resource>) {
        for r in resources {
            let at = self.targets.entry(r.title_full.clone()).or_default();
            if !at.iter().any(|x| x.id == r.id) {
                at.push(r);
            }
        }
    }

    /// The reverse map id -> display name over everything known.
    #[must_use]
    pub fn names(&self) -> Names {
        let mut names = Names::new();
        for i in &self.integrations {
            names.insert(i.id.clone(), i.name.clone());
        }
        for t in &self.teams {
            names.insert(t.id.clone(), t.name.clone());
        }
        for t in &self.tags {
            names.insert(t.id.clone(), t.name.clone());
        }
        for u in &self.users {
            names.insert(u.id.clone(), user_label(u).to_owned());
        }
        for c in &self.collections {
            names.insert(c.id.clone(), c.title.clone());
        }
        for (path, rs) in &self.targets {
            for r in rs {
                names.insert(r.id.clone(), path.clone());
            }
        }
        names
    }

    /// Resolves one name the way a manifest's would be in `field` (`owners`, `subscribers`,
    /// `teams`, `tags`, `collections` or `target`); `export` uses it to write only names that
    /// resolve back to the same id.
    ///
    /// # Errors
    /// When the name is unknown or ambiguous.
    pub fn resolve_name(&self, field: &str, name: &str) -> Result<Id, Problem> {
        let r = Resolver {
            lookups: self,
            errors: Vec::new(),
        };
        if field == "target" {
            r.target(name)
        } else {
            r.one(field, name)
        }
    }

    /// Resolves a tag given on the command line (`--owner-tag`) by name or id.
    ///
    /// # Errors
    /// When no tag or several tags carry that name.
    pub fn tag_id(&self, name: &str) -> Result<Id, Box<ResolveError>> {
        let name = name.trim();
        resolve_named(
            name,
            self.tags.iter().map(|t| (t.name.as_str(), &t.id)),
            true,
        )
        .map_err(|problem| {
            Box::new(ResolveError {
                origin: None,
                item: "--owner-tag".to_owned(),
                field: "tags",
                name: name.to_owned(),
                problem,
            })
        })
    }
}

/// The catalog paths (non-UUID monitor targets) the caller must put into [`Lookups::targets`].
#[must_use]
pub fn target_paths(set: &ManifestSet) -> Vec<String> {
    let paths: BTreeSet<String> = set
        .monitors
        .iter()
        .filter_map(|m| m.target.as_deref())
        .map(str::trim)
        .filter(|t| as_uuid(t).is_none())
        .map(str::to_owned)
        .collect();
    paths.into_iter().collect()
}

/// The monitor targets `set` gives as UUIDs; the caller reads their catalog entries into
/// [`Lookups::targets`] so plans can show the target's title instead of its id.
#[must_use]
pub fn target_ids(set: &ManifestSet) -> Vec<Id> {
    let ids: BTreeSet<Id> = set
        .monitors
        .iter()
        .filter_map(|m| m.target.as_deref())
        .filter_map(|t| as_uuid(t.trim()))
        .collect();
    ids.into_iter().collect()
}

/// Why a name did not resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Nothing carries the name; holds the closest existing names (may be empty).
    Unknown {
        /// Names close to the one written, best first.
        closest: Vec<String>,
        /// A sample of existing names, for when nothing is close.
        known: Vec<String>,
        /// How many existing names there are in all.
        total: usize,
    },
    /// Several objects carry the name; holds how to tell them apart (ids or emails).
    Ambiguous(Vec<String>),
    /// A required value is not set at all.
    Missing,
}

/// A name in the manifests that does not resolve to exactly one object.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ResolveError {
    /// Where the item using the name was declared (`None` for command-line values).
    pub origin: Option<Origin>,
    /// The item, e.g. `event Checkout/Order Completed`.
    pub item: String,
    /// The field holding the name (`owners`, `teams`, `target`, ...).
    pub field: &'static str,
    /// The name as written.
    pub name: String,
    /// What is wrong with it.
    pub problem: Problem,
}

impl fmt::Display for ResolveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(o) = &self.origin {
            write!(f, "{o}: ")?;
        }
        let (field, item, name) = (self.field, &self.item, &self.name);
        match &self.problem {
            Problem::Missing => write!(f, "{item}: `{field}` is required"),
            Problem::Ambiguous(candidates) => write!(
                f,
                "{item}: `{name}` in `{field}` is ambiguous, it matches {}; use an id instead",
                candidates.join(", ")
            ),
            Problem::Unknown {
                closest,
                known,
                total,
            } => {
                write!(f, "{item}: unknown {} `{name}`", noun(field))?;
                // `unknown integration `X` in `integration`` would say the field twice.
                if noun(field) != field {
                    write!(f, " in `{field}`")?;
                }
                if !closest.is_empty() {
                    write!(f, "; did you mean {}?", quoted(closest))
                } else if known.is_empty() {
                    write!(f, "; the workspace has none")
                } else if *total > known.len() {
                    write!(
                        f,
                        "; known names: {} (and {} more)",
                        quoted(known),
                        total - known.len()
                    )
                } else {
                    write!(f, "; known names: {}", quoted(known))
                }
            }
        }
    }
}

fn noun(field: &str) -> &'static str {
    match field {
        "integration" => "integration",
        "teams" => "team",
        "tags" => "tag",
        "owners" | "subscribers" => "user",
        "collections" => "collection",
        "target" => "catalog path",
        _ => "name",
    }
}

/// Names as a comma-separated list of code spans: `` `a`, `b` ``.
pub(crate) fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Event and property fields with every name turned into an id; `None` = unmanaged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fields {
    /// Short description.
    pub description: Option<String>,
    /// Markdown documentation.
    pub definition: Option<String>,
    /// Holds personal data.
    pub pii: Option<bool>,
    /// Verified.
    pub verified: Option<bool>,
    /// Published.
    pub published: Option<bool>,
    /// User ids.
    pub owners: Option<IdSet>,
    /// Team ids.
    pub teams: Option<IdSet>,
    /// Tag ids.
    pub tags: Option<IdSet>,
    /// Collection ids.
    pub collections: Option<IdSet>,
    /// User ids.
    pub subscribers: Option<IdSet>,
}

/// A category ready to diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DesiredCategory {
    /// Title (natural key).
    pub title: String,
    /// Description.
    pub description: Option<String>,
    /// Team ids.
    pub teams: Option<IdSet>,
    /// Keep `--prune` away from everything under it.
    pub protect: bool,
    /// Its events.
    pub events: Vec<DesiredEvent>,
    /// Where it was declared.
    pub origin: Origin,
}

/// An event ready to diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DesiredEvent {
    /// Title.
    pub title: String,
    /// Managed fields.
    pub fields: Fields,
    /// Keep `--prune` away from its properties.
    pub protect: bool,
    /// Its properties.
    pub properties: Vec<DesiredProperty>,
    /// Where it was declared.
    pub origin: Origin,
}

/// A property ready to diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DesiredProperty {
    /// Title.
    pub title: String,
    /// Managed fields.
    pub fields: Fields,
    /// Managed tracking-plan fields (no names in them, so as written).
    pub tracking: TrackingFields,
    /// Declared protected (a declared property is never pruned anyway).
    pub protect: bool,
    /// Where it was declared.
    pub origin: Origin,
}

/// A monitor ready to diff: target resolved, key parts known.
#[derive(Debug, Clone, PartialEq)]
pub struct DesiredMonitor {
    /// Name; an empty name is unmanaged (the server generates one).
    pub name: String,
    /// Watched table or column id.
    pub target: Id,
    /// Metric.
    pub metric_type: String,
    /// Metric options; `None` = not sent (matched as `{}`).
    pub metric_config: Option<serde_json::Map<String, serde_json::Value>>,
    /// Whether it runs.
    pub is_enabled: bool,
    /// Thresholds.
    pub thresholds: Option<Thresholds>,
    /// Schedule.
    pub schedule: Option<Schedule>,
    /// Declared protected.
    pub protect: bool,
    /// Where it was declared.
    pub origin: Origin,
}

/// The desired state with ids instead of names: what [`crate::plan::diff()`] takes.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    /// The integration the manifests are for.
    pub integration: IntegrationInfo,
    /// Categories as declared.
    pub categories: Vec<DesiredCategory>,
    /// Monitors as declared.
    pub monitors: Vec<DesiredMonitor>,
    /// Id -> display name for rendering (everything the lookups know).
    pub names: Names,
}

/// Resolves every name in `set` against `lookups`.
///
/// # Errors
/// Every name that is unknown or ambiguous, and a missing integration, monitor target or
/// metric type; all of them, not just the first.
pub fn resolve(set: &ManifestSet, lookups: &Lookups) -> Result<Resolved, Vec<ResolveError>> {
    let mut r = Resolver {
        lookups,
        errors: Vec::new(),
    };
    let integration = r.integration(set);
    let categories = set.categories.iter().map(|c| r.category(c)).collect();
    let monitors: Vec<_> = set.monitors.iter().filter_map(|m| r.monitor(m)).collect();
    match integration {
        Some(integration) if r.errors.is_empty() => Ok(Resolved {
            integration,
            categories,
            monitors,
            names: lookups.names(),
        }),
        _ => Err(r.errors),
    }
}

struct Resolver<'a> {
    lookups: &'a Lookups,
    errors: Vec<ResolveError>,
}

impl Resolver<'_> {
    fn integration(&mut self, set: &ManifestSet) -> Option<IntegrationInfo> {
        let origin = set
            .categories
            .first()
            .map(|c| &c.origin)
            .or_else(|| set.monitors.first().map(|m| &m.origin))
            .cloned();
        let all = &self.lookups.integrations;
        let err = |name: &str, problem| ResolveError {
            origin: origin.clone(),
            item: "manifests".to_owned(),
            field: "integration",
            name: name.to_owned(),
            problem,
        };
        match &set.integration {
            None => {
                self.errors.push(err("", Problem::Missing));
                None
            }
            Some(IntegrationRef::Id(id)) => {
                let id = Id(id.clone());
                let name = all
                    .iter()
                    .find(|i| i.id == id)
                    .map_or_else(|| id.0.clone(), |i| i.name.clone());
                Some(IntegrationInfo { id, name })
            }
            Some(IntegrationRef::Name(name)) => {
                match resolve_named(name, all.iter().map(|i| (i.name.as_str(), &i.id)), true) {
                    Ok(id) => {
                        let name = all
                            .iter()
                            .find(|i| i.id == id)
                            .map_or_else(|| name.clone(), |i| i.name.clone());
                        Some(IntegrationInfo { id, name })
                    }
                    Err(p) => {
                        self.errors.push(err(name, p));
                        None
                    }
                }
            }
        }
    }

    fn category(&mut self, c: &Category) -> DesiredCategory {
        let item = format!("category `{}`", c.title);
        let teams = self.set(c.teams.as_ref(), "teams", &item, &c.origin);
        DesiredCategory {
            title: c.title.clone(),
            description: c.description.clone(),
            teams,
            protect: c.protect,
            events: c.events.iter().map(|e| self.event(&c.title, e)).collect(),
            origin: c.origin.clone(),
        }
    }

    fn event(&mut self, category: &str, e: &Event) -> DesiredEvent {
        let item = format!("event `{category}/{}`", e.title);
        DesiredEvent {
            title: e.title.clone(),
            fields: self.fields(&e.fields, &item, &e.origin),
            protect: e.protect,
            properties: e
                .properties
                .iter()
                .map(|p| self.property(category, &e.title, p))
                .collect(),
            origin: e.origin.clone(),
        }
    }

    fn property(&mut self, category: &str, event: &str, p: &Property) -> DesiredProperty {
        let item = format!("property `{category}/{event}/{}`", p.title);
        DesiredProperty {
            title: p.title.clone(),
            fields: self.fields(&p.fields, &item, &p.origin),
            tracking: p.tracking.clone(),
            protect: p.protect,
            origin: p.origin.clone(),
        }
    }

    fn fields(&mut self, f: &ResourceFields, item: &str, origin: &Origin) -> Fields {
        Fields {
            description: f.description.clone(),
            definition: f.definition.clone(),
            pii: f.pii,
            verified: f.verified,
            published: f.published,
            owners: self.set(f.owners.as_ref(), "owners", item, origin),
            teams: self.set(f.teams.as_ref(), "teams", item, origin),
            tags: self.set(f.tags.as_ref(), "tags", item, origin),
            collections: self.set(f.collections.as_ref(), "collections", item, origin),
            subscribers: self.set(f.subscribers.as_ref(), "subscribers", item, origin),
        }
    }

    fn set(
        &mut self,
        names: Option<&NameSet>,
        field: &'static str,
        item: &str,
        origin: &Origin,
    ) -> Option<IdSet> {
        let names = names?;
        let mut ids = IdSet::new();
        for name in names {
            let name = name.trim();
            match self.one(field, name) {
                Ok(id) => {
                    ids.insert(id);
                }
                Err(problem) => self.errors.push(ResolveError {
                    origin: Some(origin.clone()),
                    item: item.to_owned(),
                    field,
                    name: name.to_owned(),
                    problem,
                }),
            }
        }
        Some(ids)
    }

    fn one(&self, field: &str, name: &str) -> Result<Id, Problem> {
        if let Some(id) = as_uuid(name) {
            return Ok(id);
        }
        let l = self.lookups;
        match field {
            "teams" => resolve_named(name, l.teams.iter().map(|t| (t.name.as_str(), &t.id)), true),
            "tags" => resolve_named(name, l.tags.iter().map(|t| (t.name.as_str(), &t.id)), true),
            "collections" => resolve_named(
                name,
                l.collections.iter().map(|c| (c.title.as_str(), &c.id)),
                false,
            ),
            _ => resolve_user(name, &l.users),
        }
    }

    fn monitor(&mut self, m: &Monitor) -> Option<DesiredMonitor> {
        let item = format!("monitor `{}`", m.label());
        let err = |field, name: &str, problem| ResolveError {
            origin: Some(m.origin.clone()),
            item: item.clone(),
            field,
            name: name.to_owned(),
            problem,
        };
        let target = match m.target.as_deref().map(str::trim) {
            None | Some("") => Err(err("target", "", Problem::Missing)),
            Some(t) => self.target(t).map_err(|p| err("target", t, p)),
        };
        let metric_type = match m.metric_type.as_deref().map(str::trim) {
            None | Some("") => Err(err("metric_type", "", Problem::Missing)),
            Some(t) => Ok(t.to_owned()),
        };
        match (target, metric_type) {
            (Ok(target), Ok(metric_type)) => Some(DesiredMonitor {
                name: m.name.trim().to_owned(),
                target,
                metric_type,
                metric_config: m.metric_config.clone(),
                is_enabled: m.is_enabled,
                thresholds: m.thresholds.clone(),
                schedule: m.schedule.clone(),
                protect: m.protect,
                origin: m.origin.clone(),
            }),
            (t, mt) => {
                self.errors.extend(t.err());
                self.errors.extend(mt.err());
                None
            }
        }
    }

    fn target(&self, path: &str) -> Result<Id, Problem> {
        if let Some(id) = as_uuid(path) {
            return Ok(id);
        }
        match self.lookups.targets.get(path).map(Vec::as_slice) {
            Some([one]) => Ok(one.id.clone()),
            Some(many @ [_, _, ..]) => Err(Problem::Ambiguous(
                many.iter()
                    .map(|r| format!("{} ({})", r.id, r.entity_type))
                    .collect(),
            )),
            _ => {
                let known = self
                    .lookups
                    .targets
                    .iter()
                    .filter(|(_, v)| !v.is_empty())
                    .map(|(k, _)| k.as_str());
                Err(unknown(path, known))
            }
        }
    }
}

/// `Some(id)` when `s` is a UUID (lowercased, as the API writes ids).
fn as_uuid(s: &str) -> Option<Id> {
    uuid::Uuid::parse_str(s)
        .ok()
        .map(|u| Id(u.hyphenated().to_string()))
}

/// Exact match first; then (when `fold_case`) a case-insensitive one; several = ambiguous.
fn resolve_named<'a>(
    name: &str,
    candidates: impl Iterator<Item = (&'a str, &'a Id)> + Clone,
    fold_case: bool,
) -> Result<Id, Problem> {
    if let Some(id) = as_uuid(name) {
        return Ok(id);
    }
    let exact: Vec<&Id> = candidates
        .clone()
        .filter(|(n, _)| *n == name)
        .map(|(_, id)| id)
        .collect();
    let found = if exact.is_empty() && fold_case {
        candidates
            .clone()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, id)| id)
            .collect()
    } else {
        exact
    };
    match found.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(unknown(name, candidates.map(|(n, _)| n))),
        many => Err(Problem::Ambiguous(
            many.iter().map(|id| id.0.clone()).collect(),
        )),
    }
}

/// Users match on email (any case), then on display name.
fn resolve_user(name: &str, users: &[api::User]) -> Result<Id, Problem> {
    let by_email: Vec<&api::User> = users
        .iter()
        .filter(|u| !u.email.is_empty() && u.email.eq_ignore_ascii_case(name))
        .collect();
    if let [one] = by_email.as_slice() {
        return Ok(one.id.clone());
    }
    let by_name: Vec<&api::User> = users.iter().filter(|u| u.display_name == name).collect();
    match by_name.as_slice() {
        [one] => Ok(one.id.clone()),
        [] => Err(unknown(
            name,
            users
                .iter()
                .flat_map(|u| [u.email.as_str(), u.display_name.as_str()])
                .filter(|n| !n.is_empty()),
        )),
        many => Err(Problem::Ambiguous(
            many.iter().map(|u| user_label(u).to_owned()).collect(),
        )),
    }
}

fn user_label(u: &api::User) -> &str {
    if u.email.is_empty() {
        &u.display_name
    } else {
        &u.email
    }
}

/// How many close names a hint shows, and how many known names when none is close.
const MAX_CLOSEST: usize = 3;
const MAX_KNOWN: usize = 10;

fn unknown<'a>(name: &str, known: impl Iterator<Item = &'a str>) -> Problem {
    let mut all: Vec<&str> = known.collect();
    all.sort_unstable();
    all.dedup();
    let lower = name.to_lowercase();
    let mut scored: Vec<(f64, &str)> = all
        .iter()
        .map(|k| {
            let kl = k.to_lowercase();
            let score = strsim::jaro_winkler(&lower, &kl)
                .max(strsim::normalized_damerau_levenshtein(&lower, &kl));
            // A substring hit (`orders` for `analytics.public.orders`) is close whatever the length.
            let score = if !lower.is_empty() && kl.contains(&lower) {
                score.max(0.9)
            } else {
                score
            };
            (score, *k)
        })
        .filter(|(s, _)| *s >= 0.8)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    Problem::Unknown {
        closest: scored
            .iter()
            .take(MAX_CLOSEST)
            .map(|(_, k)| (*k).to_owned())
            .collect(),
        known: all
            .iter()
            .take(MAX_KNOWN)
            .map(|k| (*k).to_owned())
            .collect(),
        total: all.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn origin(line: u32) -> Origin {
        Origin {
            file: Arc::from("plan.yaml"),
            line,
            column: 3,
        }
    }

    fn id(n: u128) -> Id {
        Id(uuid::Uuid::from_u128(n).hyphenated().to_string())
    }

    fn lookups() -> Lookups {
        let mut l = Lookups {
            integrations: vec![api::Integration {
                id: id(1),
                name: "Segment".into(),
                integration_type: "segment".into(),
            }],
            teams: vec![
                api::Team {
                    id: id(10),
                    name: "Growth".into(),
                },
                api::Team {
                    id: id(11),
                    name: "Checkout".into(),
                },
            ],
            tags: vec![api::Tag {
                id: id(20),
                name: "revenue".into(),
            }],
            users: vec![
                api::User {
                    id: id(30),
                    email: "alice@acme.test".into(),
                    display_name: "Alice Analyst".into(),
                    ..api::User::default()
                },
                api::User {
                    id: id(31),
                    email: "bob@acme.test".into(),
                    display_name: "Bob Builder".into(),
                    ..api::User::default()
                },
            ],
            collections: vec![api::Collection {
                id: id(40),
                title: "Revenue Metrics".into(),
            }],
            targets: HashMap::new(),
        };
        l.add_catalog([api::Resource {
            id: id(50),
            title_full: "analytics.public.orders".into(),
            entity_type: "table".into(),
            ..api::Resource::default()
        }]);
        l
    }

    fn names(v: &[&str]) -> Option<NameSet> {
        Some(v.iter().map(|s| (*s).to_owned()).collect())
    }

    fn set_with(fields: ResourceFields, monitors: Vec<Monitor>) -> ManifestSet {
        ManifestSet {
            integration: Some(IntegrationRef::parse("Segment")),
            categories: vec![Category {
                title: "Checkout".into(),
                description: None,
                teams: names(&["Checkout"]),
                protect: false,
                events: vec![Event {
                    title: "Order Completed".into(),
                    fields,
                    protect: false,
                    properties: vec![],
                    origin: origin(5),
                }],
                origin: origin(2),
            }],
            monitors,
        }
    }

    fn monitor(target: &str) -> Monitor {
        Monitor {
            name: "Orders row count".into(),
            target: Some(target.into()),
            metric_type: Some("row_count".into()),
            metric_config: None,
            is_enabled: true,
            thresholds: None,
            schedule: None,
            protect: false,
            origin: origin(20),
        }
    }

    #[test]
    fn resolves_names_emails_display_names_and_uuids() {
        let fields = ResourceFields {
            owners: names(&["ALICE@acme.test", "Bob Builder"]),
            teams: names(&["growth"]),
            tags: names(&["revenue", "00000000-0000-0000-0000-0000000000ff"]),
            collections: names(&["Revenue Metrics"]),
            ..ResourceFields::default()
        };
        let r = resolve(
            &set_with(fields, vec![monitor("analytics.public.orders")]),
            &lookups(),
        )
        .unwrap();
        assert_eq!(r.integration.id, id(1));
        let f = &r.categories[0].events[0].fields;
        assert_eq!(f.owners, Some([id(30), id(31)].into()));
        assert_eq!(f.teams, Some([id(10)].into()));
        assert_eq!(f.tags, Some([id(20), id(0xff)].into()));
        assert_eq!(f.collections, Some([id(40)].into()));
        assert_eq!(f.subscribers, None);
        assert_eq!(r.categories[0].teams, Some([id(11)].into()));
        assert_eq!(r.monitors[0].target, id(50));
        assert_eq!(r.names[&id(30)], "alice@acme.test");
        assert_eq!(r.names[&id(50)], "analytics.public.orders");
    }

    #[test]
    fn an_unknown_integration_names_the_field_once() {
        let err = ResolveError {
            origin: None,
            item: "--integration".to_owned(),
            field: "integration",
            name: "Segmnt".to_owned(),
            problem: Problem::Unknown {
                closest: vec!["Segment".to_owned()],
                known: Vec::new(),
                total: 3,
            },
        };
        assert_eq!(
            err.to_string(),
            "--integration: unknown integration `Segmnt`; did you mean `Segment`?"
        );
    }

    #[test]
    fn reports_every_error_with_origin_and_hint() {
        let fields = ResourceFields {
            owners: names(&["alcie@acme.test"]),
            teams: names(&["Grwoth", "Nope Nothing Like It"]),
            collections: names(&["revenue metrics"]),
            ..ResourceFields::default()
        };
        let errs = resolve(
            &set_with(fields, vec![monitor("analytics.public.order")]),
            &lookups(),
        )
        .unwrap_err();
        let msgs: Vec<String> = errs.iter().map(ToString::to_string).collect();
        assert_eq!(msgs.len(), 5, "{msgs:#?}");
        assert_eq!(
            msgs[0],
            "plan.yaml:5:3: event `Checkout/Order Completed`: unknown user `alcie@acme.test` \
             in `owners`; did you mean `alice@acme.test`?"
        );
        assert!(msgs[1].contains("unknown team `Grwoth`") && msgs[1].contains("`Growth`"));
        assert!(
            msgs[2].ends_with("known names: `Checkout`, `Growth`"),
            "{}",
            msgs[2]
        );
        // Collections match their title exactly: case differs, so it is unknown but suggested.
        assert!(
            msgs[3].contains("did you mean `Revenue Metrics`?"),
            "{}",
            msgs[3]
        );
        assert!(
            msgs[4].starts_with("plan.yaml:20:3: monitor `Orders row count`: unknown catalog path")
                && msgs[4].contains("`analytics.public.orders`"),
            "{}",
            msgs[4]
        );
    }

    #[test]
    fn ambiguous_and_missing_are_errors() {
        let mut l = lookups();
        l.add_catalog([api::Resource {
            id: id(51),
            title_full: "analytics.public.orders".into(),
            ..api::Resource::default()
        }]);
        l.users.push(api::User {
            id: id(32),
            email: "bob2@acme.test".into(),
            display_name: "Bob Builder".into(),
            ..api::User::default()
        });
        let mut m = monitor("analytics.public.orders");
        m.metric_type = None;
        let mut set = set_with(
            ResourceFields {
                subscribers: names(&["Bob Builder"]),
                ..ResourceFields::default()
            },
            vec![m],
        );
        set.integration = None;
        let errs = resolve(&set, &l).unwrap_err();
        let problems: Vec<(&str, &Problem)> = errs.iter().map(|e| (e.field, &e.problem)).collect();
        assert_eq!(problems.len(), 4, "{errs:#?}");
        assert_eq!(problems[0], ("integration", &Problem::Missing));
        assert_eq!(
            problems[1],
            (
                "subscribers",
                &Problem::Ambiguous(vec!["bob@acme.test".into(), "bob2@acme.test".into()])
            )
        );
        assert!(matches!(problems[2], ("target", Problem::Ambiguous(v)) if v.len() == 2));
        assert_eq!(problems[3], ("metric_type", &Problem::Missing));
    }

    #[test]
    fn a_target_read_twice_is_not_ambiguous() {
        let mut l = lookups();
        let again = l.targets["analytics.public.orders"].clone();
        l.add_catalog(again);
        let set = set_with(
            ResourceFields::default(),
            vec![monitor("analytics.public.orders")],
        );
        let r = resolve(&set, &l).unwrap();
        assert_eq!(r.monitors[0].target, id(50));
    }

    #[test]
    fn owner_tag_resolves_by_name_and_lists_paths_to_fetch() {
        let l = lookups();
        assert_eq!(l.tag_id("revenue").unwrap(), id(20));
        assert!(l.tag_id("secoda-sync").is_err());
        let set = set_with(
            ResourceFields::default(),
            vec![
                monitor("analytics.public.orders"),
                monitor("00000000-0000-0000-0000-000000000001"),
            ],
        );
        assert_eq!(target_paths(&set), vec!["analytics.public.orders"]);
    }
}
