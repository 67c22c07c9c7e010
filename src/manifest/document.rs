//! Serde "document" types mirroring the file shapes: the writers serialise them and the JSON
//! Schemas (`secoda-sync schema`) are generated from them. Reading uses the spanned readers.

use crate::manifest::fields::{self, category_filter, field_rows};
use crate::manifest::{CategoryFields, NameSet, ResourceFields, TrackingFields};
use schemars::JsonSchema;
use serde::Serialize;

/// A YAML (or JSON) manifest file, version 1.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "secoda-sync manifest")]
pub struct ManifestDoc {
    /// Manifest format version; must be 1.
    #[schemars(range(min = 1, max = 1))]
    pub version: u32,
    /// The integration the tracking plan belongs to (name or UUID); one per manifest set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub integration: Option<String>,
    /// Fields applied to every event and property that does not set them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub defaults: Option<FieldsDoc>,
    /// Event categories, each with its events.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<CategoryDoc>,
    /// Data-quality monitors.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub monitors: Vec<MonitorDoc>,
    /// Tracking-plan rules (once per manifest set).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rules: Option<crate::manifest::rules::doc::RulesDoc>,
}

/// The document types of the field table's kinds: `derive` needs real types, not macros.
pub trait DocType {
    /// The type a document holds.
    type T;
}
macro_rules! doc_types {
    ($($kind:ident => $t:ty),*) => {$(
        impl DocType for fields::kinds::$kind {
            type T = $t;
        }
    )*};
}
doc_types!(Text => String, Markdown => String, Bool => bool, Users => Vec<String>,
    Teams => Vec<String>, Tags => Vec<String>, Collections => Vec<String>);

macro_rules! docs {
    (resource { $(($r:ident, $rn:literal, $rk:ident, $rd:literal, $($ra:tt)*))* }
     tracking { $(($t:ident, $tn:literal, $tk:ident, $td:literal, $($ta:tt)*))* }) => {
        /// Fields events and properties share; an absent field is unmanaged.
        #[derive(Debug, Clone, Default, Serialize, JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct FieldsDoc {
            $(
                #[doc = $rd]
                #[serde(rename = $rn, skip_serializing_if = "Option::is_none")]
                pub $r: Option<<fields::kinds::$rk as DocType>::T>,
            )*
        }

        /// Tracking-plan fields of a property.
        #[derive(Debug, Clone, Default, Serialize, JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct TrackingDoc {
            $(
                #[doc = $td]
                #[serde(rename = $tn, skip_serializing_if = "Option::is_none")]
                pub $t: Option<<fields::kinds::$tk as DocType>::T>,
            )*
        }

        impl From<&ResourceFields> for FieldsDoc {
            fn from(f: &ResourceFields) -> Self {
                Self { $($r: f.$r.as_ref().map(ToDoc::to_doc),)* }
            }
        }

        impl From<&TrackingFields> for TrackingDoc {
            fn from(t: &TrackingFields) -> Self {
                Self { $($t: t.$t.as_ref().map(ToDoc::to_doc),)* }
            }
        }
    };
}
fields::field_rows!(docs);

/// A model value as a document holds it.
trait ToDoc {
    type Doc;
    fn to_doc(&self) -> Self::Doc;
}
impl ToDoc for String {
    type Doc = String;
    fn to_doc(&self) -> String {
        self.clone()
    }
}
impl ToDoc for bool {
    type Doc = bool;
    fn to_doc(&self) -> bool {
        *self
    }
}
impl ToDoc for NameSet {
    type Doc = Vec<String>;
    fn to_doc(&self) -> Vec<String> {
        self.iter().cloned().collect()
    }
}

macro_rules! category_docs {
    (category { $(($c:ident, $cn:literal, $ck:ident, $cd:literal, $($ca:tt)*))* }) => {
        /// An event category; categories cannot be patched, so a field that drifts is
        /// reported, not fixed.
        #[derive(Debug, Clone, Default, Serialize, JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct CategoryDoc {
            /// Title (the key within the integration).
            pub title: String,
            $(
                #[doc = $cd]
                #[serde(rename = $cn, skip_serializing_if = "Option::is_none")]
                pub $c: Option<<fields::kinds::$ck as DocType>::T>,
            )*
            /// Never deleted by `--prune`.
            #[serde(skip_serializing_if = "Option::is_none")]
            pub protect: Option<bool>,
            /// Events in the category.
            #[serde(default, skip_serializing_if = "Vec::is_empty")]
            pub events: Vec<EventDoc>,
        }

        /// A `category` record.
        #[derive(Debug, Clone, Default, Serialize, JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub(crate) struct CategoryRecord {
            /// The integration (name or UUID), if this record names it.
            #[serde(skip_serializing_if = "Option::is_none")]
            pub integration: Option<String>,
            /// Title.
            pub title: String,
            $(
                #[doc = $cd]
                #[serde(rename = $cn, skip_serializing_if = "Option::is_none")]
                pub $c: Option<<fields::kinds::$ck as DocType>::T>,
            )*
            /// Never deleted by `--prune`.
            #[serde(skip_serializing_if = "Option::is_none")]
            pub protect: Option<bool>,
        }

        impl CategoryDoc {
            /// The same document holding the category fields of `f`.
            #[must_use]
            pub fn with_fields(self, f: &CategoryFields) -> Self {
                Self { $($c: f.$c.as_ref().map(ToDoc::to_doc),)* ..self }
            }
        }

        impl CategoryRecord {
            /// The same record holding the category fields of `f`.
            #[must_use]
            pub(crate) fn with_fields(self, f: &CategoryFields) -> Self {
                Self { $($c: f.$c.as_ref().map(ToDoc::to_doc),)* ..self }
            }
        }
    };
}
fields::category_rows!(category_docs);

/// An event.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EventDoc {
    /// Title (the key within the category).
    pub title: String,
    /// Managed fields.
    #[serde(flatten)]
    pub fields: FieldsDoc,
    /// Never deleted by `--prune`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protect: Option<bool>,
    /// The event's properties.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub properties: Vec<PropertyDoc>,
}

/// An event property.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PropertyDoc {
    /// Title (the key within the event).
    pub title: String,
    /// Managed fields.
    #[serde(flatten)]
    pub fields: FieldsDoc,
    /// Tracking-plan fields.
    #[serde(flatten)]
    pub tracking: TrackingDoc,
    /// Never deleted by `--prune`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protect: Option<bool>,
}

/// A data-quality monitor.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MonitorDoc {
    /// Unique name in the manifest set; leave it out to let Secoda name the monitor.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// The watched table or column: UUID or catalog path (`analytics.public.orders`).
    pub target: String,
    /// `row_count`, `null_percentage`, `unique_percentage`, `freshness`, `cardinality`,
    /// `minimum`, `maximum` or `custom_sql`.
    pub metric_type: String,
    /// Metric options (`custom_sql` needs `query_select`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metric_config: Option<serde_json::Map<String, serde_json::Value>>,
    /// Whether the monitor runs (default true).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_enabled: Option<bool>,
    /// Learned thresholds, 1 (loose) ..= 10 (tight); excludes the manual bounds.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 10))]
    pub condition_auto_sensitivity: Option<u8>,
    /// Fixed lower bound.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition_manual_min: Option<f64>,
    /// Fixed upper bound.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition_manual_max: Option<f64>,
    /// When it runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schedule: Option<ScheduleDoc>,
    /// Never deleted or disabled by `--prune`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protect: Option<bool>,
}

/// How often a monitor runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Cadence {
    /// Every N hours.
    Hourly,
    /// Every N days.
    Daily,
    /// Every N weeks.
    Weekly,
}

/// A monitor schedule.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleDoc {
    /// `hourly`, `daily` or `weekly`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cadence: Option<Cadence>,
    /// Every N cadence units (at least 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub frequency: Option<u32>,
    /// Day of week for weekly runs, 0 (Sunday) ..= 6.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(max = 6))]
    pub day: Option<u8>,
    /// Hour of day, 0 ..= 23.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(max = 23))]
    pub hour: Option<u8>,
}

/// One JSONL line.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[schemars(title = "secoda-sync JSONL record")]
pub(crate) enum JsonlRecord {
    /// An event category.
    Category(CategoryRecord),
    /// An event; its category must be declared in the manifest set.
    Event(EventRecord),
    /// A property; its event must be declared in the manifest set.
    Property(PropertyRecord),
    /// A monitor.
    Monitor(MonitorRecord),
}

/// An `event` record.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct EventRecord {
    /// The integration (name or UUID), if this record names it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub integration: Option<String>,
    /// Category title.
    pub category: String,
    /// Title.
    pub title: String,
    /// Managed fields.
    #[serde(flatten)]
    pub fields: FieldsDoc,
    /// Never deleted by `--prune`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protect: Option<bool>,
}

/// A `property` record.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PropertyRecord {
    /// The integration (name or UUID), if this record names it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub integration: Option<String>,
    /// Category title.
    pub category: String,
    /// Event title.
    pub event: String,
    /// The property, as a YAML manifest writes it.
    #[serde(flatten)]
    pub property: PropertyDoc,
}

/// A `monitor` record.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct MonitorRecord {
    /// The integration (name or UUID), if this record names it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub integration: Option<String>,
    /// The monitor.
    #[serde(flatten)]
    pub monitor: MonitorDoc,
}

/// The JSON Schema of YAML manifests, pretty-printed with a trailing newline.
#[must_use]
pub(crate) fn manifest_schema() -> String {
    pretty(&schemars::schema_for!(ManifestDoc))
}

/// The JSON Schema of one JSONL record, pretty-printed with a trailing newline.
#[must_use]
pub(crate) fn jsonl_record_schema() -> String {
    pretty(&schemars::schema_for!(JsonlRecord))
}

fn pretty(schema: &schemars::schema::RootSchema) -> String {
    let mut s = serde_json::to_string_pretty(schema).unwrap_or_default();
    s.push('\n');
    s
}
