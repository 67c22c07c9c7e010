//! Wire types: what Secoda's API sends and accepts, deserialized leniently.
//!
//! Real responses carry extra fields, `null` where a list or bool is expected, and the string
//! `"None"` where a page number is expected; these types accept all of that so that the rest of
//! the tool never sees it.

use super::presence::Absent;
use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

/// A Secoda object id (a UUID string on every deployment seen so far).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Id(pub String);

impl Id {
    /// The id as a string slice.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The placeholder for the tag named `name` that the same plan creates: a resource using
    /// it is planned before the tag has an id, and the apply puts the created tag's id in its
    /// place. No Secoda id takes this form (they are UUIDs), so it cannot meet a real one.
    #[must_use]
    pub fn pending_tag(name: &str) -> Self {
        Self(format!("{PENDING_TAG}{name}"))
    }

    /// The tag name this placeholder stands for, if it is one.
    #[must_use]
    pub fn pending_tag_name(&self) -> Option<&str> {
        self.0.strip_prefix(PENDING_TAG)
    }
}

/// The prefix of a placeholder id (see [`Id::pending_tag`]).
const PENDING_TAG: &str = "pending-tag:";

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for Id {
    fn from(s: &str) -> Self {
        Self(s.to_owned())
    }
}

/// `null` becomes the type's default (serde's `default` only covers a missing field).
pub(crate) fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A page number that may be a number, a numeric string, `null` or the string `"None"`.
pub(crate) fn lenient_page<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(match Option::<serde_json::Value>::deserialize(d)? {
        Some(serde_json::Value::Number(n)) => n.as_u64(),
        Some(serde_json::Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    })
}

/// A usage counter: a number (a float is rounded down, a negative one is 0); anything else,
/// `null` included, reads as 0 rather than failing the whole listing over a counter.
pub(crate) fn lenient_count<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    Ok(match Option::<serde_json::Value>::deserialize(d)? {
        Some(serde_json::Value::Number(n)) => n.as_u64().unwrap_or_else(|| {
            // Truncation is the point: a counter is whole, a negative one means none.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let whole = n.as_f64().map_or(0, |f| f.max(0.0) as u64);
            whole
        }),
        _ => 0,
    })
}

/// A URL that may be `null`, empty or the string `"None"`.
pub(crate) fn lenient_link<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<String>::deserialize(d)?.filter(|s| !s.is_empty() && s != "None" && s != "null"))
}

/// `links` of a page envelope.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Links {
    /// Absolute URL of the next page, possibly on another host: never followed blindly.
    #[serde(deserialize_with = "lenient_link")]
    pub next: Option<String>,
    /// Absolute URL of the previous page.
    #[serde(deserialize_with = "lenient_link")]
    pub previous: Option<String>,
}

/// `meta` of a page envelope.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Meta {
    /// This page's number.
    #[serde(deserialize_with = "lenient_page")]
    pub page: Option<u64>,
    /// The next page's number, `None` on the last page.
    #[serde(deserialize_with = "lenient_page")]
    pub next_page: Option<u64>,
    /// The previous page's number.
    #[serde(deserialize_with = "lenient_page")]
    pub previous_page: Option<u64>,
}

/// One page of a list endpoint.
#[derive(Debug, Clone)]
pub(crate) struct Page<T> {
    /// Links to neighbour pages.
    pub links: Links,
    /// Page numbers.
    pub meta: Meta,
    /// Pages in the whole list (for progress only).
    pub total_pages: Option<u64>,
    /// This page's items.
    pub results: Vec<T>,
}

impl<T> Page<T> {
    /// Whether the server says there is a page after this one.
    #[must_use]
    pub(crate) fn has_next(&self) -> bool {
        self.meta.next_page.is_some() || self.links.next.is_some()
    }
}

fn none<T>() -> Option<T> {
    None
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Page<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Envelope<T> {
            #[serde(default)]
            links: Links,
            #[serde(default)]
            meta: Meta,
            #[serde(default, deserialize_with = "lenient_page")]
            total_pages: Option<u64>,
            #[serde(default = "none")]
            results: Option<Vec<T>>,
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either<T> {
            Bare(Vec<T>),
            Envelope(Envelope<T>),
        }
        Ok(match Either::<T>::deserialize(d)? {
            Either::Bare(results) => Page {
                links: Links::default(),
                meta: Meta::default(),
                total_pages: Some(1),
                results,
            },
            Either::Envelope(e) => Page {
                links: e.links,
                meta: e.meta,
                total_pages: e.total_pages,
                results: e.results.unwrap_or_default(),
            },
        })
    }
}

/// A catalog resource: event category, event or event property (one shape for all).
/// (Read through `presence`, which records the writable fields the answer lacks; the managed
/// fields, one per row of the field table, come last, read and set by wire name in
/// `api::field`.)
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, remote = "Self")]
pub struct Resource {
    /// UUID.
    pub id: Id,
    /// RFC 3339 creation time.
    #[serde(deserialize_with = "null_default")]
    pub created_at: String,
    /// RFC 3339 time of the last change; part of a saved plan's fingerprint.
    #[serde(deserialize_with = "null_default")]
    pub updated_at: String,
    /// E.g. `event`, `event_property`.
    #[serde(deserialize_with = "null_default")]
    pub entity_type: String,
    /// Source-specific type.
    #[serde(deserialize_with = "null_default")]
    pub native_type: String,
    /// Title (the natural key within the parent).
    #[serde(deserialize_with = "null_default")]
    pub title: String,
    /// Title with ancestry, dot-joined.
    #[serde(deserialize_with = "null_default")]
    pub title_full: String,
    /// Group ids.
    #[serde(deserialize_with = "null_default")]
    pub owners_groups: Vec<Id>,
    /// Parent resource id (category for an event, event for a property).
    pub parent: Option<Id>,
    /// Integration id.
    pub integration: Option<Id>,
    /// `true` = deleted.
    #[serde(deserialize_with = "null_default")]
    pub archived: bool,
    /// Marked stale by Secoda.
    #[serde(deserialize_with = "null_default")]
    pub stale: bool,
    /// Times the resource was used, as Secoda counts it (read only; shown on planned deletes).
    #[serde(deserialize_with = "lenient_count")]
    pub total_usage: u64,
    /// Uses inside Secoda.
    #[serde(deserialize_with = "lenient_count")]
    pub internal_usage: u64,
    /// Uses the source reports (what Secoda's popularity is computed from).
    #[serde(deserialize_with = "lenient_count")]
    pub external_usage: u64,
    /// Writable fields the answer did not carry at all: not readable, so never compared.
    #[serde(skip)]
    pub absent: Absent,
    /// `description` (managed; `null` reads as empty): Short description.
    #[serde(deserialize_with = "null_default")]
    pub description: String,
    /// `definition` (managed; `null` reads as empty): Long markdown documentation.
    #[serde(deserialize_with = "null_default")]
    pub definition: String,
    /// `pii` (managed; `null` reads as empty): Holds personal data.
    #[serde(deserialize_with = "null_default")]
    pub pii: bool,
    /// `verified` (managed; `null` reads as empty): Verified by an owner.
    #[serde(deserialize_with = "null_default")]
    pub verified: bool,
    /// `published` (managed; `null` reads as empty): Visible to workspace viewers.
    #[serde(deserialize_with = "null_default")]
    pub published: bool,
    /// `owners` (managed; `null` reads as empty): Users by email, display name or id.
    #[serde(deserialize_with = "null_default")]
    pub owners: Vec<Id>,
    /// `teams` (managed; `null` reads as empty): Teams by name or id.
    #[serde(deserialize_with = "null_default")]
    pub teams: Vec<Id>,
    /// `tags` (managed; `null` reads as empty): Tags by name or id.
    #[serde(deserialize_with = "null_default")]
    pub tags: Vec<Id>,
    /// `collections` (managed; `null` reads as empty): Collections by title or id.
    #[serde(deserialize_with = "null_default")]
    pub collections: Vec<Id>,
    /// `subscribers` (managed; `null` reads as empty): Users by email, display name or id.
    #[serde(deserialize_with = "null_default")]
    pub subscribers: Vec<Id>,
    /// `type` (managed, tracking plan; `null` stays unknown): Data type (`string`, `number`, `boolean`, ...).
    #[serde(rename = "type")]
    pub property_type: Option<String>,
    /// `is_required` (managed, tracking plan; `null` stays unknown): Must be sent with the event.
    pub is_required: Option<bool>,
    /// `is_array_type` (managed, tracking plan; `null` stays unknown): Holds an array.
    pub is_array_type: Option<bool>,
    /// `enum_values` (managed, tracking plan; `null` stays unknown): Allowed values as one string (e.g. `"card,paypal"`).
    pub enum_values: Option<String>,
    /// `regex` (managed, tracking plan; `null` stays unknown): Pattern values must match.
    pub regex: Option<String>,
}

/// Body of a create (POST) or update (PATCH) of a category, event or property: only the
/// fields that are `Some` are sent, so an update carries exactly the changed managed fields
/// (one per row of the field table, after `title`, `parent` and `integration`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ResourceWrite {
    /// Title (creates only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Parent id (creates of events and properties).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<Id>,
    /// Integration id (creates).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub integration: Option<Id>,
    /// `description` (managed): Short description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `definition` (managed): Long markdown documentation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub definition: Option<String>,
    /// `pii` (managed): Holds personal data.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pii: Option<bool>,
    /// `verified` (managed): Verified by an owner.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verified: Option<bool>,
    /// `published` (managed): Visible to workspace viewers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<bool>,
    /// `owners` (managed): Users by email, display name or id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owners: Option<Vec<Id>>,
    /// `teams` (managed): Teams by name or id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub teams: Option<Vec<Id>>,
    /// `tags` (managed): Tags by name or id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<Id>>,
    /// `collections` (managed): Collections by title or id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub collections: Option<Vec<Id>>,
    /// `subscribers` (managed): Users by email, display name or id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subscribers: Option<Vec<Id>>,
    /// `type` (managed, tracking plan): Data type (`string`, `number`, `boolean`, ...).
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub property_type: Option<String>,
    /// `is_required` (managed, tracking plan): Must be sent with the event.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_required: Option<bool>,
    /// `is_array_type` (managed, tracking plan): Holds an array.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_array_type: Option<bool>,
    /// `enum_values` (managed, tracking plan): Allowed values as one string (e.g. `"card,paypal"`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enum_values: Option<String>,
    /// `regex` (managed, tracking plan): Pattern values must match.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub regex: Option<String>,
}

/// A monitor's schedule as the API carries it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MonitorSchedule {
    /// `hourly`, `daily`, `weekly`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cadence: Option<String>,
    /// Every N units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frequency: Option<u32>,
    /// Day of week.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub day: Option<u8>,
    /// Hour of day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hour: Option<u8>,
}

/// `metric_config` may come back as an object or as a string holding JSON; both read as an object.
pub(crate) fn lenient_object<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<serde_json::Map<String, serde_json::Value>, D::Error> {
    Ok(match Option::<serde_json::Value>::deserialize(d)? {
        Some(serde_json::Value::Object(m)) => m,
        Some(serde_json::Value::String(s)) => match serde_json::from_str(&s) {
            Ok(serde_json::Value::Object(m)) => m,
            _ => serde_json::Map::new(),
        },
        _ => serde_json::Map::new(),
    })
}

/// `display_metadata.target` of a monitor.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MonitorTargetLabel {
    /// Human label of the watched resource.
    pub label: Option<String>,
    /// Its entity type.
    pub entity_type: Option<String>,
    /// Its integration id.
    pub integration: Option<String>,
    /// Its integration type.
    pub integration_type: Option<String>,
}

/// `display_metadata` of a monitor.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MonitorDisplay {
    /// Label of the target.
    pub target: Option<MonitorTargetLabel>,
}

/// A monitor as the API returns it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Monitor {
    /// UUID.
    pub id: Id,
    /// Creation time.
    #[serde(deserialize_with = "null_default")]
    pub created_at: String,
    /// Last change time.
    #[serde(deserialize_with = "null_default")]
    pub updated_at: String,
    /// Integration id.
    pub integration: Option<Id>,
    /// Watched table or column id.
    pub target: Option<Id>,
    /// Workspace id.
    pub workspace: Option<String>,
    /// Metric.
    #[serde(deserialize_with = "null_default")]
    pub metric_type: String,
    /// Metric options (a string holding JSON reads as the object).
    #[serde(deserialize_with = "lenient_object")]
    pub metric_config: serde_json::Map<String, serde_json::Value>,
    /// Run interval in hours.
    pub frequency: Option<f64>,
    /// Name (generated by the server when not sent).
    #[serde(deserialize_with = "null_default")]
    pub name: String,
    /// Whether it runs.
    #[serde(deserialize_with = "null_default")]
    pub is_enabled: bool,
    /// Learned-threshold sensitivity; `null` for manual thresholds.
    pub condition_auto_sensitivity: Option<f64>,
    /// Manual lower bound.
    pub condition_manual_min: Option<f64>,
    /// Manual upper bound.
    pub condition_manual_max: Option<f64>,
    /// Schedule, when the server echoes it (the reference's objects never do: they carry
    /// `frequency` hours instead).
    pub schedule: Option<MonitorSchedule>,
    /// E.g. `normal`, `incident`.
    pub status: Option<String>,
    /// Labels for display.
    pub display_metadata: Option<MonitorDisplay>,
    /// Value of the last measurement (`null` before the first successful run).
    pub last_measurement_value: Option<f64>,
    /// Id of the last measurement.
    pub last_measurement: Option<Id>,
    /// Id of the last incident.
    pub last_incident: Option<Id>,
    /// Last attempted run.
    pub last_attempted_at: Option<String>,
    /// Last successful run.
    pub last_success_at: Option<String>,
    /// Last failed run.
    pub last_error_at: Option<String>,
    /// Why the last failed run failed (`""` when none did).
    #[serde(deserialize_with = "null_default")]
    pub last_error_message: String,
    /// Next scheduled run.
    pub next_run_at: Option<String>,
    /// Slack channel notified.
    pub notify_slack_channel: Option<String>,
}

/// Sends `null` for `Some(None)`, the value for `Some(Some(v))`, and nothing for `None`.
mod double_option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[allow(clippy::ref_option, clippy::option_option)]
    pub(super) fn serialize<S: Serializer, T: Serialize>(
        v: &Option<Option<T>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match v {
            Some(inner) => inner.serialize(s),
            None => s.serialize_none(),
        }
    }

    #[allow(clippy::option_option)]
    pub(super) fn deserialize<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
        d: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        Ok(Some(Option::<T>::deserialize(d)?))
    }
}

/// `condition_auto_sensitivity`: an integer on the wire when it is a whole number.
mod sensitivity {
    use serde::{Deserializer, Serialize, Serializer};

    #[allow(
        clippy::ref_option,
        clippy::option_option,
        clippy::cast_possible_truncation,
        clippy::float_cmp
    )]
    pub(super) fn serialize<S: Serializer>(
        v: &Option<Option<f64>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match v {
            Some(Some(x)) if x.fract() == 0.0 && x.abs() < 1e15 => (*x as i64).serialize(s),
            Some(inner) => inner.serialize(s),
            None => s.serialize_none(),
        }
    }

    #[allow(clippy::option_option)]
    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Option<f64>>, D::Error> {
        super::double_option::deserialize(d)
    }
}

/// Body of a monitor create (POST) or update (PATCH): only `Some` fields are sent.
#[allow(clippy::option_option)]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MonitorWrite {
    /// Name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Watched table or column id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<Id>,
    /// Metric.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metric_type: Option<String>,
    /// Metric options.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metric_config: Option<serde_json::Map<String, serde_json::Value>>,
    /// Whether it runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_enabled: Option<bool>,
    /// `Some(None)` sends `null` (manual thresholds); a whole number goes out as an integer,
    /// as the reference types it.
    #[serde(skip_serializing_if = "Option::is_none", with = "sensitivity")]
    pub condition_auto_sensitivity: Option<Option<f64>>,
    /// `Some(None)` sends `null`.
    #[serde(skip_serializing_if = "Option::is_none", with = "double_option")]
    pub condition_manual_min: Option<Option<f64>>,
    /// `Some(None)` sends `null`.
    #[serde(skip_serializing_if = "Option::is_none", with = "double_option")]
    pub condition_manual_max: Option<Option<f64>>,
    /// Schedule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schedule: Option<MonitorSchedule>,
    /// Slack channel.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notify_slack_channel: Option<String>,
}

/// A background job, as returned by `POST /monitor/monitors/run`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Job {
    /// Job id.
    pub id: Id,
    /// User who started it.
    pub user: Option<String>,
    /// Whether it failed.
    #[serde(deserialize_with = "null_default")]
    pub failed: bool,
    /// Start time.
    pub started: Option<String>,
    /// Completion time.
    pub completed: Option<String>,
    /// Log text.
    pub logs: Option<String>,
    /// Title.
    pub title: Option<String>,
    /// Whether it produced an artifact.
    #[serde(deserialize_with = "null_default")]
    pub has_artifact: bool,
}

/// A monitor incident (read only).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Incident {
    /// Id.
    pub id: Id,
    /// Monitor id.
    pub monitor: Option<Id>,
    /// E.g. `active` (the reference's word for an open incident), `resolved`.
    pub status: Option<String>,
    /// Value that triggered it.
    pub value: Option<f64>,
    /// Creation time.
    pub created_at: Option<String>,
    /// Resolution time.
    pub resolved_at: Option<String>,
}

/// A monitor measurement (read only).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Measurement {
    /// Id.
    pub id: Id,
    /// Monitor id.
    pub monitor: Option<Id>,
    /// Incident id, when part of one.
    pub incident: Option<Id>,
    /// Measured value.
    pub value: Option<f64>,
    /// Measurement time.
    pub created_at: Option<String>,
}

/// An integration (Segment, Amplitude, ...).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Integration {
    /// Id.
    pub id: Id,
    /// Display name; what manifests match on.
    #[serde(deserialize_with = "null_default")]
    pub name: String,
    /// Kind, e.g. `segment`.
    #[serde(rename = "type", deserialize_with = "null_default")]
    pub integration_type: String,
}

/// A team.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Team {
    /// Id.
    pub id: Id,
    /// Name; what manifests match on.
    #[serde(deserialize_with = "null_default")]
    pub name: String,
}

/// A tag.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Tag {
    /// Id.
    pub id: Id,
    /// Name; what manifests match on.
    #[serde(deserialize_with = "null_default")]
    pub name: String,
    /// Colour (e.g. `#2f80ed`); empty when the workspace has none.
    #[serde(default, deserialize_with = "null_default")]
    pub color: String,
    /// Description; empty when the workspace has none.
    #[serde(default, deserialize_with = "null_default")]
    pub description: String,
}

/// The body of a tag create or update: only the fields set are sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TagWrite {
    /// Name (creates).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Colour.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A workspace user.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct User {
    /// Id.
    pub id: Id,
    /// Email; matched first.
    #[serde(deserialize_with = "null_default")]
    pub email: String,
    /// First name.
    #[serde(deserialize_with = "null_default")]
    pub first_name: String,
    /// Last name.
    #[serde(deserialize_with = "null_default")]
    pub last_name: String,
    /// Display name; matched when no email matches.
    #[serde(deserialize_with = "null_default")]
    pub display_name: String,
}

/// A collection.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Collection {
    /// Id.
    pub id: Id,
    /// Title; matched exactly.
    #[serde(deserialize_with = "null_default")]
    pub title: String,
}

/// `GET /healthcheck` answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct Health {
    /// `OK` when healthy.
    pub status: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_accepts_none_strings_and_nulls() {
        let p: Page<Resource> = serde_json::from_str(
            r#"{"links":{"next":"None","previous":"None"},"meta":{"page":1,"previous_page":"None","next_page":null},
                "count":1,"total_pages":1,"results":[{"id":"a","title":"T","owners":null,"pii":null,"extra":{"x":1}}]}"#,
        )
        .unwrap();
        assert!(!p.has_next());
        assert_eq!(p.results[0].title, "T");
        assert!(p.results[0].owners.is_empty());
    }

    #[test]
    fn page_accepts_bare_array() {
        let p: Page<Tag> = serde_json::from_str(r#"[{"id":"1","name":"pii"}]"#).unwrap();
        assert_eq!(p.results.len(), 1);
        assert!(!p.has_next());
    }

    #[test]
    fn metric_config_as_string_reads_as_object() {
        let m: Monitor =
            serde_json::from_str(r#"{"id":"m","metric_config":"{\"query_select\":\"SELECT 1\"}"}"#)
                .unwrap();
        assert_eq!(m.metric_config["query_select"], "SELECT 1");
    }

    #[test]
    fn monitor_reads_the_reference_example() {
        let m: Monitor = serde_json::from_str(
            r#"{"id":"886337a0","metric_config":"text","frequency":24,"last_error_at":null,
                "last_error_message":"","condition_auto_sensitivity":5,"status":"incident",
                "display_metadata":{"target":{"icon":null,"label":"amount","entity_type":"column"}},
                "last_measurement_value":1234.56,"last_incident":"102ac399",
                "last_measurement":"5d6ad413","next_run_at":"2023-10-13T15:03:40.693728Z"}"#,
        )
        .unwrap();
        assert_eq!(m.last_measurement_value, Some(1234.56));
        assert_eq!(m.condition_auto_sensitivity, Some(5.0));
        assert!(
            m.metric_config.is_empty(),
            "a non-JSON string reads as no config"
        );
        assert!(m.schedule.is_none());
        let w = MonitorWrite {
            condition_auto_sensitivity: Some(Some(5.0)),
            ..MonitorWrite::default()
        };
        assert_eq!(
            serde_json::to_string(&w).unwrap(),
            r#"{"condition_auto_sensitivity":5}"#
        );
    }

    #[test]
    fn dropped_in_names_the_fields_the_answer_lacks() {
        let sent = ResourceWrite {
            title: Some("order_id".into()),
            description: Some("Id".into()),
            tags: Some(vec![Id::from("b"), Id::from("a")]),
            property_type: Some("string".into()),
            is_required: Some(true),
            ..ResourceWrite::default()
        };
        let back = Resource {
            title: "order_id".into(),
            description: "Id".into(),
            tags: vec![Id::from("a"), Id::from("b")],
            is_required: Some(true),
            ..Resource::default()
        };
        assert_eq!(sent.dropped_in(&back), ["type"]);
    }

    #[test]
    fn monitor_write_sends_explicit_null_for_manual_thresholds() {
        let w = MonitorWrite {
            condition_auto_sensitivity: Some(None),
            condition_manual_min: Some(Some(1.0)),
            ..MonitorWrite::default()
        };
        assert_eq!(
            serde_json::to_string(&w).unwrap(),
            r#"{"condition_auto_sensitivity":null,"condition_manual_min":1.0}"#
        );
    }
}
