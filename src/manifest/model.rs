//! The desired state as the user wrote it: one typed model that YAML, CSV and JSONL all load into.
//!
//! `None` on a field means *unmanaged*: the manifest does not mention it, so nothing downstream
//! may diff or write it. `Some` (even `Some("")` or an empty set) means *managed*.

pub use crate::manifest::fields::TrackingFields;
pub(crate) use crate::manifest::fields::{CategoryFieldSet, FieldSet};
use std::fmt;
use std::sync::Arc;

/// A set of names or ids as the user wrote them (order and duplicates do not matter), kept
/// sorted and without duplicates in one boxed slice: every event and property of a large plan
/// carries a few, and a `BTreeSet` of one name is a 24-byte handle and a 280-byte node.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NameSet(Box<[String]>);

impl NameSet {
    /// The empty set.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `name`; `false` when it was already there.
    pub fn insert(&mut self, name: String) -> bool {
        match self.0.binary_search(&name) {
            Ok(_) => false,
            Err(at) => {
                let mut names = std::mem::take(&mut self.0).into_vec();
                names.insert(at, name);
                self.0 = names.into_boxed_slice();
                true
            }
        }
    }

    /// Whether `name` is in the set.
    #[must_use]
    pub fn contains(&self, name: &str) -> bool {
        self.0.binary_search_by(|n| n.as_str().cmp(name)).is_ok()
    }

    /// The names in order.
    pub fn iter(&self) -> std::slice::Iter<'_, String> {
        self.0.iter()
    }

    /// Whether it holds none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl FromIterator<String> for NameSet {
    fn from_iter<I: IntoIterator<Item = String>>(names: I) -> Self {
        let mut names: Vec<String> = names.into_iter().collect();
        names.sort_unstable();
        names.dedup();
        Self(names.into_boxed_slice())
    }
}

impl<const N: usize> From<[String; N]> for NameSet {
    fn from(names: [String; N]) -> Self {
        names.into_iter().collect()
    }
}

impl<'a> IntoIterator for &'a NameSet {
    type Item = &'a String;
    type IntoIter = std::slice::Iter<'a, String>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl IntoIterator for NameSet {
    type Item = String;
    type IntoIter = std::vec::IntoIter<String>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_vec().into_iter()
    }
}

/// Where an item was declared: file (or `-` for stdin), 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Origin {
    /// The file as the user named it.
    pub file: Arc<str>,
    /// 1-based line.
    pub line: u32,
    /// 1-based column (1 when the format has no columns, e.g. a JSONL record).
    pub column: u32,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// How the manifests name their integration; a name is resolved against the API later.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum IntegrationRef {
    /// A UUID, used as is.
    Id(String),
    /// A display name such as `Segment`, looked up in the integrations list.
    Name(String),
}

impl IntegrationRef {
    /// Parses user input: a UUID becomes `Id`, anything else `Name` (trimmed).
    #[must_use]
    pub fn parse(s: &str) -> Self {
        let s = s.trim();
        if uuid::Uuid::parse_str(s).is_ok() {
            Self::Id(s.to_ascii_lowercase())
        } else {
            Self::Name(s.to_owned())
        }
    }
}

impl fmt::Display for IntegrationRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Id(s) | Self::Name(s) => f.write_str(s),
        }
    }
}

/// The fields events and properties share, with names as the user wrote them.
pub(crate) type ResourceFields = FieldSet<NameSet>;

/// The fields categories carry, with names as the user wrote them.
pub(crate) type CategoryFields = CategoryFieldSet<NameSet>;

/// An event category: key = title within the integration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    /// Trimmed title; the natural key.
    pub title: String,
    /// Managed fields (categories cannot be patched, so drift is reported, not fixed).
    pub fields: CategoryFields,
    /// Never delete, even with `--prune`.
    pub protect: bool,
    /// The events declared under it.
    pub events: Vec<Event>,
    /// Where it was declared (or first referenced).
    pub origin: Origin,
}

/// An event: key = (category title, event title).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Trimmed title.
    pub title: String,
    /// Managed fields.
    pub fields: ResourceFields,
    /// Never delete, even with `--prune`.
    pub protect: bool,
    /// Titles it had before (`renamed_from`): a live event under one of them is renamed, keeping
    /// its id and properties, rather than deleted and created again.
    pub renamed_from: Vec<String>,
    /// Its properties.
    pub properties: Vec<Property>,
    /// Where it was declared.
    pub origin: Origin,
}

/// An event property: key = (category, event, property title).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Property {
    /// Trimmed title.
    pub title: String,
    /// Managed fields.
    pub fields: ResourceFields,
    /// Managed tracking-plan fields.
    pub tracking: TrackingFields,
    /// Never delete, even with `--prune`.
    pub protect: bool,
    /// Titles it had before (`renamed_from`): a live property under one of them is renamed.
    pub renamed_from: Vec<String>,
    /// Where it was declared.
    pub origin: Origin,
}

/// Learned or fixed alerting thresholds; exactly one mode.
#[derive(Debug, Clone, PartialEq)]
pub enum Thresholds {
    /// Learned thresholds, sensitivity 1..=10.
    Auto {
        /// 1 (loose) ..= 10 (tight).
        sensitivity: u8,
    },
    /// Fixed bounds; at least one set, and `min <= max` when both are.
    Manual {
        /// Lower bound.
        min: Option<f64>,
        /// Upper bound.
        max: Option<f64>,
    },
}

/// When a monitor runs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Schedule {
    /// `hourly`, `daily` or `weekly`.
    pub cadence: Option<String>,
    /// Every N cadence units.
    pub frequency: Option<u32>,
    /// Day of week for weekly cadence (0 = Sunday ..= 6).
    pub day: Option<u8>,
    /// Hour of day, 0..=23.
    pub hour: Option<u8>,
}

/// A data-quality monitor.
#[derive(Debug, Clone, PartialEq)]
pub struct Monitor {
    /// Unique in the manifest set; empty when the manifest leaves it out (then unmanaged:
    /// Secoda names the monitor).
    pub name: String,
    /// UUID of the watched table or column, or a `title_full` path resolved later.
    pub target: Option<String>,
    /// E.g. `row_count`, `null_percentage`, `custom_sql`.
    pub metric_type: Option<String>,
    /// Metric options, e.g. `{"query_select": "SELECT ..."}`.
    pub metric_config: Option<serde_json::Map<String, serde_json::Value>>,
    /// Whether the monitor runs; `true` when the manifest does not say.
    pub is_enabled: bool,
    /// Alerting thresholds.
    pub thresholds: Option<Thresholds>,
    /// When it runs.
    pub schedule: Option<Schedule>,
    /// Never delete or disable, even with `--prune`.
    pub protect: bool,
    /// Where it was declared.
    pub origin: Origin,
}

impl Monitor {
    /// How messages name the monitor: its name, else `<metric_type> on <target>`.
    #[must_use]
    pub fn label(&self) -> String {
        monitor_label(
            &self.name,
            self.metric_type.as_deref(),
            self.target.as_deref(),
        )
    }
}

/// How every message, plan and table names a monitor: its name, else
/// `<metric_type> on <target>` (the target's title where the caller knows it).
#[must_use]
pub(crate) fn monitor_label(name: &str, metric_type: Option<&str>, target: Option<&str>) -> String {
    if name.is_empty() {
        format!(
            "{} on {}",
            metric_type.unwrap_or("an unknown metric"),
            target.unwrap_or("an unknown target")
        )
    } else {
        name.to_owned()
    }
}

/// Canonical JSON of a metric config (keys sorted at every level): the third part of a monitor's natural key.
#[must_use]
pub(crate) fn canonical_json(config: &serde_json::Map<String, serde_json::Value>) -> String {
    use serde_json::Value;
    fn sorted(v: &Value) -> Value {
        match v {
            Value::Object(m) => {
                let mut keys: Vec<&String> = m.keys().collect();
                keys.sort();
                Value::Object(
                    keys.into_iter()
                        .map(|k| (k.clone(), sorted(&m[k])))
                        .collect(),
                )
            }
            Value::Array(a) => Value::Array(a.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    sorted(&Value::Object(config.clone())).to_string()
}

/// A tag the manifests declare: created where the workspace lacks one of that name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// Trimmed name; the natural key.
    pub name: String,
    /// Colour as written (e.g. `#2f80ed`); `None` = unmanaged.
    pub color: Option<String>,
    /// Description; `None` = unmanaged.
    pub description: Option<String>,
    /// Where it was declared.
    pub origin: Origin,
}

/// Everything a set of manifest files declares, merged and with defaults applied.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ManifestSet {
    /// The one integration the set is for (from the files or `--integration`).
    pub integration: Option<IntegrationRef>,
    /// Categories in the order first declared.
    pub categories: Vec<Category>,
    /// Monitors in the order declared.
    pub monitors: Vec<Monitor>,
    /// Tags in the order declared.
    pub tags: Vec<Tag>,
    /// The files read through a vendor preset (`--from`): an owner there that names no user
    /// may name a team, and one naming neither is left out rather than stopping the run (a
    /// migration loads as it is; native manifests stay strict).
    pub vendor_files: Vec<Arc<str>>,
}

/// How many of each kind a manifest set holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ManifestCounts {
    /// Event categories.
    pub categories: usize,
    /// Events.
    pub events: usize,
    /// Event properties.
    pub properties: usize,
    /// Monitors.
    pub monitors: usize,
}

impl ManifestSet {
    /// Counts per kind, for summaries.
    #[must_use]
    pub fn counts(&self) -> ManifestCounts {
        let events = self.categories.iter().map(|c| c.events.len()).sum();
        let properties = self
            .categories
            .iter()
            .flat_map(|c| &c.events)
            .map(|e| e.properties.len())
            .sum();
        ManifestCounts {
            categories: self.categories.len(),
            events,
            properties,
            monitors: self.monitors.len(),
        }
    }
}

impl ManifestSet {
    /// The same set sorted by key with every origin blanked, for comparing sets loaded from
    /// different files or formats (declaration order and places do not change what is synced).
    #[must_use]
    pub fn canonical(&self) -> ManifestSet {
        let blank = Origin {
            file: Arc::from(""),
            line: 0,
            column: 0,
        };
        let mut set = self.clone();
        set.vendor_files.clear();
        set.categories.sort_by(|a, b| a.title.cmp(&b.title));
        for c in &mut set.categories {
            c.origin = blank.clone();
            c.events.sort_by(|a, b| a.title.cmp(&b.title));
            for e in &mut c.events {
                e.origin = blank.clone();
                e.properties.sort_by(|a, b| a.title.cmp(&b.title));
                for p in &mut e.properties {
                    p.origin = blank.clone();
                }
            }
        }
        set.monitors.sort_by(|a, b| a.name.cmp(&b.name));
        for m in &mut set.monitors {
            m.origin = blank.clone();
        }
        set.tags.sort_by(|a, b| a.name.cmp(&b.name));
        for t in &mut set.tags {
            t.origin = blank.clone();
        }
        set
    }
}
