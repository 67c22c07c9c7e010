//! Serde "document" types mirroring the file shapes: the writers serialise them and the JSON
//! Schemas (`secoda-sync schema`) are generated from them. Reading uses the spanned readers.
//!
//! [`FieldsDoc`], [`TrackingDoc`] and [`CategoryHead`] hold one field per row of the field
//! table ([`crate::fields::FIELDS`]), its doc comment the row's `doc`; the tests below tie
//! them to the table.
//!
//! A YAML document and a JSONL record of the same resource share one shape: the record
//! flattens the resource's head ([`CategoryHead`], [`EventHead`], [`PropertyDoc`]) and adds
//! its integration and parents' titles, the document adds its children.

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
    /// Tags the manifests own: each one the workspace lacks is created before the resources
    /// that carry it (only a declared tag is ever created; tags are never deleted).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<TagDoc>,
    /// Tracking-plan rules (once per manifest set).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rules: Option<crate::manifest::rules::doc::RulesDoc>,
}

/// Fields events and properties share; an absent field is unmanaged.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldsDoc {
    /// Short description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Long markdown documentation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub definition: Option<String>,
    /// Holds personal data.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pii: Option<bool>,
    /// Verified by an owner.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verified: Option<bool>,
    /// Visible to workspace viewers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<bool>,
    /// Users by email, display name or id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owners: Option<Vec<String>>,
    /// Teams by name or id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub teams: Option<Vec<String>>,
    /// Tags by name or id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    /// Collections by title or id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub collections: Option<Vec<String>>,
    /// Users by email, display name or id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subscribers: Option<Vec<String>>,
}

/// Tracking-plan fields of a property.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrackingDoc {
    /// Data type (`string`, `number`, `boolean`, ...).
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub property_type: Option<String>,
    /// Must be sent with the event.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_required: Option<bool>,
    /// Holds an array.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_array_type: Option<bool>,
    /// Allowed values as one string (e.g. `"card,paypal"`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enum_values: Option<String>,
    /// Pattern values must match.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub regex: Option<String>,
}

impl From<&ResourceFields> for FieldsDoc {
    fn from(f: &ResourceFields) -> Self {
        Self {
            description: f.description.as_ref().map(ToDoc::to_doc),
            definition: f.definition.as_ref().map(ToDoc::to_doc),
            pii: f.pii.as_ref().map(ToDoc::to_doc),
            verified: f.verified.as_ref().map(ToDoc::to_doc),
            published: f.published.as_ref().map(ToDoc::to_doc),
            owners: f.owners.as_ref().map(ToDoc::to_doc),
            teams: f.teams.as_ref().map(ToDoc::to_doc),
            tags: f.tags.as_ref().map(ToDoc::to_doc),
            collections: f.collections.as_ref().map(ToDoc::to_doc),
            subscribers: f.subscribers.as_ref().map(ToDoc::to_doc),
        }
    }
}

impl From<&TrackingFields> for TrackingDoc {
    fn from(t: &TrackingFields) -> Self {
        Self {
            property_type: t.property_type.as_ref().map(ToDoc::to_doc),
            is_required: t.is_required.as_ref().map(ToDoc::to_doc),
            is_array_type: t.is_array_type.as_ref().map(ToDoc::to_doc),
            enum_values: t.enum_values.as_ref().map(ToDoc::to_doc),
            regex: t.regex.as_ref().map(ToDoc::to_doc),
        }
    }
}

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

/// An event category; categories cannot be patched, so a field that drifts is
/// reported, not fixed.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryDoc {
    /// The category itself.
    #[serde(flatten)]
    pub head: CategoryHead,
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
    /// The category, as a YAML manifest writes it.
    #[serde(flatten)]
    pub head: CategoryHead,
}

/// What a category's YAML document and its JSONL record both hold: the category itself,
/// without its events or the integration.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryHead {
    /// Title (the key within the integration).
    pub title: String,
    /// Short description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Teams by name or id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub teams: Option<Vec<String>>,
    /// Never deleted by `--prune`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protect: Option<bool>,
}

impl CategoryHead {
    /// The same head holding the category fields of `f`.
    #[must_use]
    pub fn with_fields(self, f: &CategoryFields) -> Self {
        Self {
            description: f.description.as_ref().map(ToDoc::to_doc),
            teams: f.teams.as_ref().map(ToDoc::to_doc),
            ..self
        }
    }
}

/// An event.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EventDoc {
    /// The event itself.
    #[serde(flatten)]
    pub head: EventHead,
    /// The event's properties.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub properties: Vec<PropertyDoc>,
}

/// What an event's YAML document and its JSONL record both hold: the event itself, without
/// its properties or its category.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EventHead {
    /// Title (the key within the category).
    pub title: String,
    /// Managed fields.
    #[serde(flatten)]
    pub fields: FieldsDoc,
    /// Never deleted by `--prune`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protect: Option<bool>,
    /// Former titles: a live event under one of them (and none under `title`) is renamed in
    /// place, keeping its id and properties. `export` never writes it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<RenamedFrom>,
}

/// Former titles of an event or property: one, or several.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum RenamedFrom {
    /// One former title.
    One(String),
    /// Several former titles (at most one may be live).
    Many(Vec<String>),
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
    /// Former titles: a live property under one of them (and none under `title`) is renamed
    /// in place, keeping its id. `export` never writes it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<RenamedFrom>,
}

/// A tag (workspace-wide); declared once in the manifest set.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TagDoc {
    /// The tag's name: what `tags` lists of events, properties and categories name.
    pub name: String,
    /// Colour, e.g. `#2f80ed`; absent = unmanaged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    /// Description; absent = unmanaged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
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
    /// A tag the manifests own (no integration: tags belong to the workspace).
    Tag(TagDoc),
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
    /// The event, as a YAML manifest writes it.
    #[serde(flatten)]
    pub event: EventHead,
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

#[cfg(test)]
mod tests {
    use super::{
        CategoryDoc, CategoryHead, CategoryRecord, EventDoc, EventRecord, FieldsDoc, TrackingDoc,
    };
    use crate::manifest::fields::{category, group, FieldKind, FieldSpec, FieldValue, Group};
    use crate::manifest::{CategoryFields, NameSet, ResourceFields, TrackingFields};
    use schemars::JsonSchema;
    use serde::Serialize;
    use serde_json::Value;

    /// The rows `doc` holds (in table order), and its hand-written fields besides.
    fn check_schema<T: JsonSchema>(doc: &str, rows: &[&FieldSpec], extra: &[&str]) {
        let schema = serde_json::to_value(schemars::schema_for!(T)).unwrap();
        let props = schema["properties"].as_object().unwrap();
        for spec in rows {
            let place = format!("add it to `{doc}` in src/manifest/document.rs");
            let Some(prop) = props.get(spec.name) else {
                panic!(
                    "FIELDS row `{}` is not a property of `{doc}`: {place}",
                    spec.name
                );
            };
            assert_eq!(
                prop["description"], spec.doc,
                "`{doc}`'s `{}` has another doc comment than its row's `doc` in src/fields.rs",
                spec.name
            );
            let ty = match spec.kind {
                FieldKind::Text | FieldKind::Markdown => "string",
                FieldKind::Bool => "boolean",
                FieldKind::Names(_) => "array",
            };
            assert_eq!(
                prop["type"][0], ty,
                "`{doc}`'s `{}` is not of its row's kind",
                spec.name
            );
        }
        for name in props.keys() {
            assert!(
                extra.contains(&name.as_str()) || rows.iter().any(|s| s.name == name),
                "`{doc}` in src/manifest/document.rs has `{name}`, which is no FIELDS row of \
                 its group (src/fields.rs) and not one of its own fields {extra:?}"
            );
        }
    }

    /// The keys `doc` serialises to, in order, less `extra`.
    fn keys(doc: &impl Serialize, extra: &[&str]) -> Vec<String> {
        let Value::Object(map) = serde_json::to_value(doc).unwrap() else {
            panic!("not an object");
        };
        map.keys()
            .filter(|k| !extra.contains(&k.as_str()))
            .cloned()
            .collect()
    }

    fn names<'a>(rows: impl IntoIterator<Item = &'a FieldSpec>) -> Vec<String> {
        rows.into_iter().map(|s| s.name.to_owned()).collect()
    }

    fn sample(spec: &FieldSpec) -> FieldValue<NameSet> {
        match spec.kind {
            FieldKind::Text | FieldKind::Markdown => FieldValue::Text("x".into()),
            FieldKind::Bool => FieldValue::Bool(false),
            FieldKind::Names(_) => FieldValue::Names(NameSet::new()),
        }
    }

    #[test]
    fn every_row_is_a_property_of_its_documents_schema_and_nothing_else_is() {
        let resource: Vec<_> = group(Group::Resource).collect();
        let tracking: Vec<_> = group(Group::Tracking).collect();
        let category: Vec<_> = category().collect();
        check_schema::<FieldsDoc>("FieldsDoc", &resource, &[]);
        check_schema::<TrackingDoc>("TrackingDoc", &tracking, &[]);
        check_schema::<CategoryHead>("CategoryHead", &category, &["title", "protect"]);
        check_schema::<CategoryDoc>("CategoryDoc", &category, &["title", "protect", "events"]);
        check_schema::<CategoryRecord>(
            "CategoryRecord",
            &category,
            &["integration", "title", "protect"],
        );
        check_schema::<EventDoc>(
            "EventDoc",
            &resource,
            &["title", "protect", "renamed_from", "properties"],
        );
        check_schema::<EventRecord>(
            "EventRecord",
            &resource,
            &[
                "integration",
                "category",
                "title",
                "protect",
                "renamed_from",
            ],
        );
    }

    #[test]
    fn every_row_reaches_its_document_in_table_order() {
        let mut fields = ResourceFields::default();
        let mut tracking = TrackingFields::default();
        let mut cat = CategoryFields::default();
        for spec in group(Group::Resource) {
            fields.set(spec.name, Some(sample(spec)));
        }
        for spec in group(Group::Tracking) {
            tracking.set(spec.name, Some(sample(spec)));
        }
        for spec in category() {
            cat.set(spec.name, Some(sample(spec)));
        }
        let edit = |what: &str| {
            format!("the rows of src/fields.rs, in order: edit {what} in src/manifest/document.rs")
        };
        assert_eq!(
            keys(&FieldsDoc::from(&fields), &[]),
            names(group(Group::Resource)),
            "{}",
            edit("`FieldsDoc` and `From<&ResourceFields>`")
        );
        assert_eq!(
            keys(&TrackingDoc::from(&tracking), &[]),
            names(group(Group::Tracking)),
            "{}",
            edit("`TrackingDoc` and `From<&TrackingFields>`")
        );
        assert_eq!(
            keys(&CategoryHead::default().with_fields(&cat), &["title"]),
            names(category()),
            "{}",
            edit("`CategoryHead` and its `with_fields`")
        );
    }
}
