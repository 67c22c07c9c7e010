//! The desired state the diff consumes: the manifests' tree with every name resolved to an id.
//!
//! Built by [`crate::plan::resolve()`]; read by [`crate::plan::diff()`]. `None` in a field means
//! "not managed": never written, never compared.

use crate::api::Id;
use crate::manifest::{CategoryFieldSet, FieldSet, Origin, Schedule, Thresholds, TrackingFields};
use crate::plan::IntegrationInfo;
use std::collections::{BTreeSet, HashMap};

/// Id -> display name (team and tag names, user emails, collection and target titles), used to
/// render id lists in plans.
pub type Names = HashMap<Id, String>;

/// A set of ids; sorted, so plans list them in a stable order.
pub(crate) type IdSet = BTreeSet<Id>;

/// Event and property fields with every name turned into an id; `None` = unmanaged.
pub type Fields = FieldSet<IdSet>;

/// Category fields with every name turned into an id; `None` = unmanaged.
pub type CategoryIdFields = CategoryFieldSet<IdSet>;

/// A category ready to diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DesiredCategory {
    /// Title (natural key).
    pub title: String,
    /// Managed fields (reported when they differ: categories have no PATCH).
    pub fields: CategoryIdFields,
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
    /// Titles it had before: a live event under one of them (and none under `title`) is renamed.
    pub renamed_from: Vec<String>,
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
    /// Titles it had before: a live property under one of them (and none under `title`) is
    /// renamed.
    pub renamed_from: Vec<String>,
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
    /// Tags as declared (no names in them, so as written).
    pub tags: Vec<crate::manifest::Tag>,
    /// Id -> display name for rendering (everything the lookups know).
    pub names: Names,
    /// Owners in vendor exports that name neither a user nor a team, left out of their
    /// resources.
    pub left_out_owners: Vec<LeftOutOwner>,
}

/// An owner of a vendor export's resource that names neither a user nor a team of the
/// workspace: the resource is synced without it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftOutOwner {
    /// The resource, e.g. `event Checkout/Order Completed`.
    pub item: String,
    /// The owner as written.
    pub name: String,
    /// Where the resource is declared.
    pub origin: Origin,
}
