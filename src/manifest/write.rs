//! The reverse direction: a [`ManifestSet`] written as YAML, CSV or JSONL text that loads back
//! to the same set. Output is stable (sorted by key) and omits unmanaged fields.

use crate::manifest::csv::COLUMNS;
use crate::manifest::document::{
    Cadence, CategoryDoc, CategoryHead, CategoryRecord, EventDoc, EventHead, EventRecord,
    FieldsDoc, JsonlRecord, ManifestDoc, MonitorDoc, MonitorRecord, PropertyDoc, PropertyRecord,
    ScheduleDoc, TagDoc, TrackingDoc,
};
use crate::manifest::fields::{self, FieldRef, Group, FIELDS};
use crate::manifest::{
    yaml, Category, Event, ManifestSet, Monitor, NameSet, Property, ResourceFields, Tag,
    Thresholds, TrackingFields,
};
use std::io::Write;

/// Why a set could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ManifestWriteError {
    /// YAML serialisation failed.
    #[error("failed to write YAML")]
    Yaml(#[source] serde_yaml::Error),
    /// JSON serialisation failed.
    #[error("failed to write JSON")]
    Json(#[source] serde_json::Error),
    /// CSV serialisation failed.
    #[error("failed to write CSV")]
    Csv(#[source] ::csv::Error),
    /// The writer refused the bytes.
    #[error("failed to write the manifest")]
    Io(#[from] std::io::Error),
}

fn sorted_categories(set: &ManifestSet) -> Vec<&Category> {
    let mut v: Vec<_> = set.categories.iter().collect();
    v.sort_by(|a, b| a.title.cmp(&b.title));
    v
}

fn sorted_events(c: &Category) -> Vec<&Event> {
    let mut v: Vec<_> = c.events.iter().collect();
    v.sort_by(|a, b| a.title.cmp(&b.title));
    v
}

fn sorted_properties(e: &Event) -> Vec<&Property> {
    let mut v: Vec<_> = e.properties.iter().collect();
    v.sort_by(|a, b| a.title.cmp(&b.title));
    v
}

fn sorted_tags(set: &ManifestSet) -> Vec<&Tag> {
    let mut v: Vec<_> = set.tags.iter().collect();
    v.sort_by(|a, b| a.name.cmp(&b.name));
    v
}

fn tag_doc(t: &Tag) -> TagDoc {
    TagDoc {
        name: t.name.clone(),
        color: t.color.clone(),
        description: t.description.clone(),
    }
}

fn sorted_monitors(set: &ManifestSet) -> Vec<&Monitor> {
    let mut v: Vec<_> = set.monitors.iter().collect();
    // Unnamed monitors tie on the name: their natural key keeps the order stable.
    v.sort_by_cached_key(|m| {
        (
            m.name.clone(),
            m.target.clone(),
            m.metric_type.clone(),
            m.metric_config
                .as_ref()
                .map(|c| serde_json::Value::Object(c.clone()).to_string()),
        )
    });
    v
}

fn fields_doc(f: &ResourceFields) -> FieldsDoc {
    FieldsDoc::from(f)
}

fn tracking_doc(t: &TrackingFields) -> TrackingDoc {
    TrackingDoc::from(t)
}

/// One CSV cell: text as is, booleans as `true`/`false`, names joined by `;`, empty when unmanaged.
fn cell(v: Option<FieldRef<'_, NameSet>>) -> String {
    match v {
        None => String::new(),
        Some(FieldRef::Text(s)) => s.clone(),
        Some(FieldRef::Bool(b)) => b.to_string(),
        Some(FieldRef::Names(s)) => s.iter().cloned().collect::<Vec<_>>().join(";"),
    }
}

fn monitor_doc(m: &Monitor) -> MonitorDoc {
    let (auto, min, max) = match &m.thresholds {
        None => (None, None, None),
        Some(Thresholds::Auto { sensitivity }) => (Some(*sensitivity), None, None),
        Some(Thresholds::Manual { min, max }) => (None, *min, *max),
    };
    MonitorDoc {
        name: m.name.clone(),
        target: m.target.clone().unwrap_or_default(),
        metric_type: m.metric_type.clone().unwrap_or_default(),
        metric_config: m.metric_config.clone(),
        is_enabled: Some(m.is_enabled),
        condition_auto_sensitivity: auto,
        condition_manual_min: min,
        condition_manual_max: max,
        schedule: m.schedule.as_ref().map(|s| ScheduleDoc {
            cadence: s.cadence.as_deref().and_then(|c| match c {
                "hourly" => Some(Cadence::Hourly),
                "daily" => Some(Cadence::Daily),
                "weekly" => Some(Cadence::Weekly),
                _ => None,
            }),
            frequency: s.frequency,
            day: s.day,
            hour: s.hour,
        }),
        protect: m.protect.then_some(true),
    }
}

fn property_doc(p: &Property) -> PropertyDoc {
    PropertyDoc {
        title: p.title.clone(),
        fields: fields_doc(&p.fields),
        tracking: tracking_doc(&p.tracking),
        protect: p.protect.then_some(true),
        // A rename is said once, by hand, and done by the next apply: a written manifest
        // holds titles as they are.
        renamed_from: None,
    }
}

/// The set as one YAML manifest document.
#[must_use]
pub fn to_document(set: &ManifestSet) -> ManifestDoc {
    ManifestDoc {
        version: 1,
        integration: set.integration.as_ref().map(ToString::to_string),
        defaults: None,
        categories: sorted_categories(set)
            .into_iter()
            .map(category_doc)
            .collect(),
        monitors: sorted_monitors(set).into_iter().map(monitor_doc).collect(),
        tags: sorted_tags(set).into_iter().map(tag_doc).collect(),
        rules: None,
    }
}

/// The category itself, as its YAML document and its JSONL record both hold it.
fn category_head(c: &Category) -> CategoryHead {
    CategoryHead {
        title: c.title.clone(),
        protect: c.protect.then_some(true),
        ..CategoryHead::default()
    }
    .with_fields(&c.fields)
}

/// The event itself, as its YAML document and its JSONL record both hold it.
fn event_head(e: &Event) -> EventHead {
    EventHead {
        title: e.title.clone(),
        fields: fields_doc(&e.fields),
        protect: e.protect.then_some(true),
        // As for properties: never written.
        renamed_from: None,
    }
}

fn category_doc(c: &Category) -> CategoryDoc {
    CategoryDoc {
        head: category_head(c),
        events: sorted_events(c)
            .into_iter()
            .map(|e| EventDoc {
                head: event_head(e),
                properties: sorted_properties(e).into_iter().map(property_doc).collect(),
            })
            .collect(),
    }
}

/// The set as YAML text (`version: 1`), preceded by a schema comment when `schema` is given.
///
/// # Errors
/// When serialisation fails (not expected for valid sets).
pub fn to_yaml(set: &ManifestSet, schema: Option<&str>) -> Result<String, ManifestWriteError> {
    let mut out = Vec::new();
    write_yaml(set, schema, &mut out)?;
    Ok(String::from_utf8(out).unwrap_or_default())
}

/// [`to_yaml`] streamed to `w` one category at a time, so only one category's document is
/// ever built (the bytes are the same: a block sequence under a key is not indented).
///
/// # Errors
/// When serialisation or the writer fails.
pub fn write_yaml<W: Write + ?Sized>(
    set: &ManifestSet,
    schema: Option<&str>,
    w: &mut W,
) -> Result<(), ManifestWriteError> {
    if let Some(s) = schema {
        writeln!(w, "# yaml-language-server: $schema={s}")?;
    }
    let header = ManifestDoc {
        version: 1,
        integration: set.integration.as_ref().map(ToString::to_string),
        ..ManifestDoc::default()
    };
    w.write_all(
        yaml::to_string(&header)
            .map_err(ManifestWriteError::Yaml)?
            .as_bytes(),
    )?;
    let categories = sorted_categories(set);
    if !categories.is_empty() {
        w.write_all(b"categories:\n")?;
        for c in categories {
            w.write_all(yaml_item(&category_doc(c))?.as_bytes())?;
        }
    }
    let monitors = sorted_monitors(set);
    if !monitors.is_empty() {
        w.write_all(b"monitors:\n")?;
        for m in monitors {
            w.write_all(yaml_item(&monitor_doc(m))?.as_bytes())?;
        }
    }
    let tags = sorted_tags(set);
    if !tags.is_empty() {
        w.write_all(b"tags:\n")?;
        for t in tags {
            w.write_all(yaml_item(&tag_doc(t))?.as_bytes())?;
        }
    }
    Ok(())
}

/// One item of a block sequence (`- ...`), as it appears under its key.
fn yaml_item<T: serde::Serialize>(doc: &T) -> Result<String, ManifestWriteError> {
    yaml::to_string(&[doc]).map_err(ManifestWriteError::Yaml)
}

/// The set as JSONL text; the first record names the integration.
///
/// # Errors
/// When serialisation fails (not expected for valid sets).
pub fn to_jsonl(set: &ManifestSet) -> Result<String, ManifestWriteError> {
    let mut out = Vec::new();
    write_jsonl(set, &mut out)?;
    Ok(String::from_utf8(out).unwrap_or_default())
}

/// [`to_jsonl`] streamed to `w`, one record at a time.
///
/// # Errors
/// When serialisation or the writer fails.
pub fn write_jsonl<W: Write + ?Sized>(
    set: &ManifestSet,
    w: &mut W,
) -> Result<(), ManifestWriteError> {
    let mut integration = set.integration.as_ref().map(ToString::to_string);
    let mut push = |rec: &JsonlRecord| -> Result<(), ManifestWriteError> {
        serde_json::to_writer(&mut *w, rec).map_err(ManifestWriteError::Json)?;
        w.write_all(b"\n")?;
        Ok(())
    };
    for c in sorted_categories(set) {
        push(&JsonlRecord::Category(CategoryRecord {
            integration: integration.take(),
            head: category_head(c),
        }))?;
        for e in sorted_events(c) {
            push(&JsonlRecord::Event(EventRecord {
                integration: None,
                category: c.title.clone(),
                event: event_head(e),
            }))?;
            for p in sorted_properties(e) {
                push(&JsonlRecord::Property(PropertyRecord {
                    integration: None,
                    category: c.title.clone(),
                    event: e.title.clone(),
                    property: property_doc(p),
                }))?;
            }
        }
    }
    for m in sorted_monitors(set) {
        push(&JsonlRecord::Monitor(MonitorRecord {
            integration: integration.take(),
            monitor: monitor_doc(m),
        }))?;
    }
    for t in sorted_tags(set) {
        push(&JsonlRecord::Tag(tag_doc(t)))?;
    }
    Ok(())
}

/// The tracking plan as long-format CSV (one row per category, event and property).
/// Monitors have no CSV form and are left out; list cells join names with `;`.
///
/// # Errors
/// When serialisation fails (not expected for valid sets).
pub fn to_csv(set: &ManifestSet) -> Result<String, ManifestWriteError> {
    let mut out = Vec::new();
    write_csv(set, &mut out)?;
    Ok(String::from_utf8(out).unwrap_or_default())
}

/// [`to_csv`] streamed to `out`, one row at a time.
///
/// # Errors
/// When serialisation or the writer fails.
pub fn write_csv<W: Write + ?Sized>(
    set: &ManifestSet,
    out: &mut W,
) -> Result<(), ManifestWriteError> {
    let mut w = ::csv::Writer::from_writer(out);
    w.write_record(COLUMNS.iter())
        .map_err(ManifestWriteError::Csv)?;
    let integration = set
        .integration
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_default();
    let fields = |f: &ResourceFields| {
        fields::group(Group::Resource)
            .map(|spec| cell(f.get(spec.name)))
            .collect::<Vec<_>>()
    };
    let no_tracking = || fields::group(Group::Tracking).map(|_| String::new());
    let protect = |p: bool| if p { "true".to_owned() } else { String::new() };
    for c in sorted_categories(set) {
        let mut row = vec![
            integration.clone(),
            c.title.clone(),
            String::new(),
            String::new(),
        ];
        // A category carries the table's category fields, from its own struct.
        row.extend(FIELDS.iter().map(|spec| cell(c.fields.get(spec.name))));
        row.push(protect(c.protect));
        w.write_record(&row).map_err(ManifestWriteError::Csv)?;
        for e in sorted_events(c) {
            let mut row = vec![
                integration.clone(),
                c.title.clone(),
                e.title.clone(),
                String::new(),
            ];
            row.extend(fields(&e.fields));
            row.extend(no_tracking());
            row.push(protect(e.protect));
            w.write_record(&row).map_err(ManifestWriteError::Csv)?;
            for p in sorted_properties(e) {
                let mut row = vec![
                    integration.clone(),
                    c.title.clone(),
                    e.title.clone(),
                    p.title.clone(),
                ];
                row.extend(fields(&p.fields));
                row.extend(
                    fields::group(Group::Tracking).map(|spec| cell(p.tracking.get(spec.name))),
                );
                row.push(protect(p.protect));
                w.write_record(&row).map_err(ManifestWriteError::Csv)?;
            }
        }
    }
    w.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::fields::{FieldKind, FieldValue};
    use crate::manifest::generate::{tracking_plan, Shape};
    use crate::manifest::{load_sources, InputFormat, LoadOptions, Schedule, SourceFile};

    /// A small plan exercising every field kind, unmanaged fields and monitors.
    fn sample() -> ManifestSet {
        let mut set = tracking_plan(Shape {
            categories: 3,
            events: 3,
            properties: 4,
        });
        let c = &mut set.categories[0];
        c.protect = true;
        c.fields.description = None;
        let e = &mut c.events[1];
        e.fields.collections = Some(["Revenue Metrics".to_owned()].into_iter().collect());
        // Every list the generator leaves unmanaged gets two users.
        for spec in fields::group(Group::Resource) {
            if matches!(spec.kind, FieldKind::Names(_)) && e.fields.get(spec.name).is_none() {
                let bob_and_dan = ["bob@acme.test".to_owned(), "dan@acme.test".to_owned()];
                e.fields.set(
                    spec.name,
                    Some(FieldValue::Names(bob_and_dan.into_iter().collect())),
                );
            }
        }
        e.fields.definition = Some("Line one, with comma\n\n- \"quoted\" item".into());
        e.protect = true;
        let p = &mut e.properties[2];
        p.tracking.enum_values = Some("card,paypal".into());
        p.tracking.regex = Some("^[0-9]+$".into());
        p.fields = ResourceFields::default();
        p.protect = true;
        set.monitors = vec![
            Monitor {
                name: "Orders row count".into(),
                target: Some("analytics.public.orders".into()),
                metric_type: Some("row_count".into()),
                metric_config: Some(serde_json::Map::new()),
                is_enabled: true,
                thresholds: Some(Thresholds::Auto { sensitivity: 5 }),
                schedule: Some(Schedule {
                    cadence: Some("daily".into()),
                    frequency: Some(1),
                    day: None,
                    hour: Some(3),
                }),
                protect: false,
                origin: set.categories[0].origin.clone(),
            },
            Monitor {
                name: "Amount bounds".into(),
                target: Some("analytics.public.orders.amount".into()),
                metric_type: Some("custom_sql".into()),
                metric_config:
                    serde_json::json!({"query_select": "SELECT max(amount) FROM orders"})
                        .as_object()
                        .cloned(),
                is_enabled: false,
                thresholds: Some(Thresholds::Manual {
                    min: Some(0.5),
                    max: None,
                }),
                schedule: None,
                protect: true,
                origin: set.categories[0].origin.clone(),
            },
        ];
        set
    }

    fn reload(name: &str, format: InputFormat, text: String) -> ManifestSet {
        let loaded = load_sources(
            vec![SourceFile::read(name, format, text.into_bytes())],
            &LoadOptions::default(),
        );
        let errors: Vec<_> = loaded.diagnostics.iter().filter(|d| d.is_error()).collect();
        assert!(errors.is_empty(), "{errors:#?}");
        loaded.set
    }

    #[test]
    fn yaml_round_trips() {
        let set = sample();
        let back = reload(
            "x.yaml",
            InputFormat::Yaml,
            to_yaml(&set, Some("s.json")).unwrap(),
        );
        assert_eq!(back.canonical(), set.canonical());
    }

    #[test]
    fn jsonl_round_trips() {
        let set = sample();
        let back = reload("x.jsonl", InputFormat::Jsonl, to_jsonl(&set).unwrap());
        assert_eq!(back.canonical(), set.canonical());
    }

    #[test]
    fn csv_round_trips_the_tracking_plan() {
        let mut set = sample();
        set.monitors.clear();
        let back = reload("x.csv", InputFormat::Csv, to_csv(&set).unwrap());
        assert_eq!(back.canonical(), set.canonical());
    }

    #[test]
    fn streamed_yaml_is_the_whole_document() {
        let set = sample();
        let whole = yaml::to_string(&to_document(&set)).unwrap();
        assert_eq!(to_yaml(&set, None).unwrap(), whole);
        let empty = ManifestSet {
            vendor_files: Vec::new(),
            integration: set.integration.clone(),
            ..ManifestSet::default()
        };
        let whole = yaml::to_string(&to_document(&empty)).unwrap();
        assert_eq!(to_yaml(&empty, None).unwrap(), whole);
    }

    #[test]
    fn output_is_sorted_and_stable() {
        let mut set = sample();
        let first = to_yaml(&set, None).unwrap();
        set.categories.reverse();
        set.monitors.reverse();
        assert_eq!(to_yaml(&set, None).unwrap(), first);
        assert!(
            !first.contains("collections: null"),
            "unmanaged fields are omitted"
        );
    }
}
