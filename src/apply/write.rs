//! Turning one planned change into exactly one API write.
//!
//! The plan carries typed field changes; this module sets them on the typed write bodies (a
//! resource's through [`ResourceWrite::set_field`], a monitor's through [`set_monitor_field`])
//! so that a create is one POST with every managed field and an update one PATCH with every
//! changed field, and refuses (as a bug) a field the body cannot carry rather than dropping
//! it silently.

use crate::api::{Id, MonitorWrite, ResourceKind, ResourceWrite, TagWrite, WireRef};
use crate::plan::{
    Action, Change, FieldChange, FieldName, Key, Kind, MonitorField, PlanValue, TagField,
};

/// A tracking-plan kind the API also patches and deletes: categories it cannot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Editable {
    /// An event.
    Event,
    /// A property.
    Property,
}

impl Editable {
    /// The kind, unless it is a category or a monitor.
    #[must_use]
    pub fn of(kind: Kind) -> Option<Self> {
        match kind {
            Kind::Event => Some(Self::Event),
            Kind::Property => Some(Self::Property),
            Kind::Category | Kind::Monitor | Kind::Tag => None,
        }
    }
}

impl From<Editable> for ResourceKind {
    fn from(k: Editable) -> Self {
        match k {
            Editable::Event => Self::Event,
            Editable::Property => Self::Property,
        }
    }
}

/// One API call the executor makes for one change; only writes the API has can be built.
#[derive(Debug, Clone, PartialEq)]
pub enum WriteCall {
    /// POST a category, event or property.
    Create(ResourceKind, ResourceWrite),
    /// PATCH an event or property.
    Patch(Editable, Id, ResourceWrite),
    /// DELETE an event or property.
    Delete(Editable, Id),
    /// POST a monitor.
    CreateMonitor(MonitorWrite),
    /// PATCH a monitor (also how a pruned monitor is disabled); the name is for messages.
    PatchMonitor(Id, String, MonitorWrite),
    /// DELETE a monitor (`--monitors-delete`); the name is for messages.
    DeleteMonitor(Id, String),
    /// POST a tag.
    CreateTag(TagWrite),
    /// PATCH a tag.
    PatchTag(Id, TagWrite),
}

/// Why a change could not be turned into a write (each one is a bug in the plan or a
/// hand-edited saved plan, never a server answer).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WriteError {
    /// The change needs a live id and has none.
    #[error("{kind} `{key}` has no id to {action}")]
    MissingId {
        /// Kind.
        kind: Kind,
        /// Key.
        key: String,
        /// `update` or `delete`.
        action: &'static str,
    },
    /// A create of an event or property without a parent id.
    #[error("{kind} `{key}` has no parent to be created under")]
    MissingParent {
        /// Kind.
        kind: Kind,
        /// Key.
        key: String,
    },
    /// The API has no call for this (categories cannot be patched or deleted).
    #[error("the API cannot {action} a {kind} (`{key}`)")]
    NotWritable {
        /// Kind.
        kind: Kind,
        /// Key.
        key: String,
        /// `update` or `delete`.
        action: &'static str,
    },
    /// A field name or value the write body cannot carry.
    #[error("field `{field}` of {kind} `{key}` cannot be written: {reason} (this is a bug in secoda-sync; please report it)")]
    BadField {
        /// Kind.
        kind: Kind,
        /// Key.
        key: String,
        /// Field wire name.
        field: String,
        /// What went wrong.
        reason: String,
    },
}

/// Builds the write for `change`; `parent` is the parent's id for creates of events and
/// properties (from the plan or from the parent's create in this run).
///
/// # Errors
/// When the change cannot be expressed as one write (see `WriteError`).
pub fn write_for(
    change: &Change,
    integration: &Id,
    parent: Option<Id>,
) -> Result<WriteCall, WriteError> {
    let key = change.key.to_string();
    let kind = change.kind;
    let need_id = |action: &'static str| {
        change.id.clone().ok_or(WriteError::MissingId {
            kind,
            key: key.clone(),
            action,
        })
    };
    let not_writable = || WriteError::NotWritable {
        kind,
        key: key.clone(),
        action: match change.action {
            Action::Delete => "delete",
            _ => "update",
        },
    };
    match (kind, change.action) {
        (Kind::Tag, Action::Create) => {
            let mut body = tag_body(change)?;
            body.name = Some(change.key.title().to_owned());
            Ok(WriteCall::CreateTag(body))
        }
        (Kind::Tag, Action::Update) => {
            Ok(WriteCall::PatchTag(need_id("update")?, tag_body(change)?))
        }
        (Kind::Tag, _) => Err(not_writable()),
        (Kind::Monitor, Action::Create) => {
            let mut body = monitor_body(change)?;
            if let Key::Monitor(target, metric, _) = &change.key {
                body.target.get_or_insert_with(|| Id(target.clone()));
                body.metric_type.get_or_insert_with(|| metric.clone());
            }
            Ok(WriteCall::CreateMonitor(body))
        }
        (Kind::Monitor, Action::Update) => Ok(WriteCall::PatchMonitor(
            need_id("update")?,
            change.label.clone(),
            monitor_body(change)?,
        )),
        (Kind::Monitor, Action::Delete) => Ok(WriteCall::DeleteMonitor(
            need_id("delete")?,
            change.label.clone(),
        )),
        (_, Action::Create) => {
            let creatable = kind.resource().ok_or_else(not_writable)?;
            let mut body = resource_body(change)?;
            body.title = Some(change.key.title().to_owned());
            body.integration = Some(integration.clone());
            if creatable != ResourceKind::Category {
                body.parent = Some(parent.ok_or(WriteError::MissingParent {
                    kind,
                    key: key.clone(),
                })?);
            }
            Ok(WriteCall::Create(creatable, body))
        }
        (_, Action::Unsupported | Action::Unmanaged) => Err(not_writable()),
        (_, Action::Update) => {
            let editable = Editable::of(kind).ok_or_else(not_writable)?;
            let mut body = resource_body(change)?;
            // A rename is the same PATCH, carrying the new title beside the changed fields.
            if change.renamed_from.is_some() {
                body.title = Some(change.key.title().to_owned());
            }
            Ok(WriteCall::Patch(editable, need_id("update")?, body))
        }
        (_, Action::Delete) => {
            let editable = Editable::of(kind).ok_or_else(not_writable)?;
            Ok(WriteCall::Delete(editable, need_id("delete")?))
        }
    }
}

/// Why `f` of `change` cannot be written.
fn bad_field(change: &Change, f: &FieldChange, reason: String) -> WriteError {
    WriteError::BadField {
        kind: change.kind,
        key: change.key.to_string(),
        field: f.name.to_string(),
        reason,
    }
}

/// The body of a tag write: its colour and description.
fn tag_body(change: &Change) -> Result<TagWrite, WriteError> {
    let mut body = TagWrite::default();
    for f in &change.fields {
        let Some(text) = f.after.as_str() else {
            return Err(bad_field(change, f, format!("{} is not a string", f.after)));
        };
        match &f.name {
            FieldName::Tag(TagField::Color) => body.color = Some(text.to_owned()),
            FieldName::Row(spec) if spec.name == "description" => {
                body.description = Some(text.to_owned());
            }
            _ => return Err(bad_field(change, f, NOT_IN_BODY.into())),
        }
    }
    Ok(body)
}

/// The body of a category, event or property write: each field set by its row.
fn resource_body(change: &Change) -> Result<ResourceWrite, WriteError> {
    let mut body = ResourceWrite::default();
    for f in &change.fields {
        let FieldName::Row(spec) = &f.name else {
            return Err(bad_field(change, f, NOT_IN_BODY.into()));
        };
        let value = match &f.after {
            // A body cannot send a field's `null` (preflight refuses one in a saved plan).
            PlanValue::Null => continue,
            PlanValue::Text(s) => Some(WireRef::Text(s)),
            PlanValue::Bool(b) => Some(WireRef::Bool(*b)),
            PlanValue::Ids(ids) => Some(WireRef::Ids(ids)),
            _ => None,
        };
        if !value.is_some_and(|v| body.set_field(spec.name, v)) {
            return Err(bad_field(change, f, of_another_kind(f)));
        }
    }
    Ok(body)
}

/// The body of a monitor write: each field set by [`set_monitor_field`].
fn monitor_body(change: &Change) -> Result<MonitorWrite, WriteError> {
    let mut body = MonitorWrite::default();
    for f in &change.fields {
        let FieldName::Monitor(field) = f.name else {
            return Err(bad_field(change, f, NOT_IN_BODY.into()));
        };
        if !set_monitor_field(&mut body, field, &f.after) {
            return Err(bad_field(change, f, of_another_kind(f)));
        }
    }
    Ok(body)
}

const NOT_IN_BODY: &str = "not a field of the API's write body";

fn of_another_kind(f: &FieldChange) -> String {
    format!("{} is not a value of its kind", f.after)
}

/// Sets `field` of `body` to `value`; `false` (and unchanged) when `value` is of another
/// kind. A threshold's `null` is sent (it selects the other mode).
fn set_monitor_field(body: &mut MonitorWrite, field: MonitorField, value: &PlanValue) -> bool {
    let threshold = match value {
        PlanValue::Null => Some(None),
        PlanValue::Number(n) => Some(Some(*n)),
        _ => None,
    };
    match (field, value) {
        (MonitorField::Target, PlanValue::Text(s)) => body.target = Some(Id(s.clone())),
        (MonitorField::MetricType, PlanValue::Text(s)) => body.metric_type = Some(s.clone()),
        (MonitorField::MetricConfig, PlanValue::Config(c)) => body.metric_config = Some(c.clone()),
        (MonitorField::Name, PlanValue::Text(s)) => body.name = Some(s.clone()),
        (MonitorField::IsEnabled, PlanValue::Bool(b)) => body.is_enabled = Some(*b),
        (MonitorField::Schedule, PlanValue::Schedule(s)) => body.schedule = Some(s.clone()),
        (MonitorField::ConditionAutoSensitivity, _) if threshold.is_some() => {
            body.condition_auto_sensitivity = threshold;
        }
        (MonitorField::ConditionManualMin, _) if threshold.is_some() => {
            body.condition_manual_min = threshold;
        }
        (MonitorField::ConditionManualMax, _) if threshold.is_some() => {
            body.condition_manual_max = threshold;
        }
        _ => return false,
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::ParentRef;
    use serde_json::{json, Value};

    fn change(action: Action, key: Key, fields: &[(&str, Value)]) -> Change {
        let label = key.title().to_owned();
        Change {
            id: Some(Id::from("live-id")),
            parent: Some(ParentRef::Pending("C".into())),
            fields: fields
                .iter()
                .map(|(n, v)| FieldChange::from_json(n, Value::Null, v.clone()).unwrap())
                .collect(),
            ..Change::new(action, key, label)
        }
    }

    #[test]
    fn create_carries_title_parent_integration_and_every_field() {
        let c = change(
            Action::Create,
            Key::Property("C".into(), "E".into(), "p".into()),
            &[
                ("description", json!("d")),
                ("type", json!("string")),
                ("tags", json!(["t1", "t2"])),
            ],
        );
        let w = write_for(&c, &Id::from("int"), Some(Id::from("ev"))).unwrap();
        let WriteCall::Create(ResourceKind::Property, body) = w else {
            panic!("{w:?}")
        };
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            json!({"title": "p", "parent": "ev", "integration": "int", "description": "d",
                   "tags": ["t1", "t2"], "type": "string"})
        );
    }

    #[test]
    fn update_sends_only_the_changed_fields() {
        let c = change(
            Action::Update,
            Key::Event("C".into(), "E".into()),
            &[("pii", json!(true))],
        );
        let WriteCall::Patch(Editable::Event, id, body) =
            write_for(&c, &Id::from("int"), None).unwrap()
        else {
            panic!()
        };
        assert_eq!(id, Id::from("live-id"));
        assert_eq!(serde_json::to_value(&body).unwrap(), json!({"pii": true}));
    }

    #[test]
    fn a_rename_is_one_patch_of_the_old_id_carrying_the_new_title_and_the_changes() {
        let mut c = change(
            Action::Update,
            Key::Property("C".into(), "E".into(), "order_total".into()),
            &[("pii", json!(true))],
        );
        c.renamed_from = Some("total".into());
        let WriteCall::Patch(Editable::Property, id, body) =
            write_for(&c, &Id::from("int"), None).unwrap()
        else {
            panic!()
        };
        assert_eq!(id, Id::from("live-id"));
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            json!({"title": "order_total", "pii": true})
        );
    }

    #[test]
    fn unknown_field_is_a_bug_not_a_silent_drop() {
        let c = change(
            Action::Update,
            Key::Event("C".into(), "E".into()),
            &[("colour", json!("red"))],
        );
        let err = write_for(&c, &Id::from("int"), None).unwrap_err();
        assert!(err.to_string().contains("`colour`"), "{err}");
    }

    #[test]
    fn category_updates_and_orphan_creates_are_refused() {
        for action in [Action::Update, Action::Delete] {
            let c = change(action, Key::Category("C".into()), &[]);
            assert!(matches!(
                write_for(&c, &Id::from("i"), None),
                Err(WriteError::NotWritable { .. })
            ));
        }
        let e = change(Action::Create, Key::Event("C".into(), "E".into()), &[]);
        assert!(matches!(
            write_for(&e, &Id::from("i"), None),
            Err(WriteError::MissingParent { .. })
        ));
    }

    #[test]
    fn monitor_disable_is_a_patch_with_null_thresholds_kept() {
        let c = change(
            Action::Update,
            Key::Monitor("t".into(), "row_count".into(), "{}".into()),
            &[
                ("is_enabled", json!(false)),
                ("condition_manual_min", Value::Null),
            ],
        );
        let WriteCall::PatchMonitor(_, _, body) = write_for(&c, &Id::from("i"), None).unwrap()
        else {
            panic!()
        };
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            json!({"is_enabled": false, "condition_manual_min": null})
        );
    }

    #[test]
    fn monitor_create_sets_every_field_typed_with_a_whole_sensitivity_sent_as_an_integer() {
        let c = change(
            Action::Create,
            Key::Monitor("tbl".into(), "custom_sql".into(), "{}".into()),
            &[
                ("target", json!("tbl")),
                ("metric_type", json!("custom_sql")),
                ("metric_config", json!({"query_select": "select 1"})),
                ("name", json!("m")),
                ("is_enabled", json!(true)),
                ("condition_auto_sensitivity", json!(5.0)),
                ("schedule", json!({"cadence": "daily", "hour": 6})),
            ],
        );
        let WriteCall::CreateMonitor(body) = write_for(&c, &Id::from("i"), None).unwrap() else {
            panic!()
        };
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"name":"m","target":"tbl","metric_type":"custom_sql","metric_config":{"query_select":"select 1"},"is_enabled":true,"condition_auto_sensitivity":5,"schedule":{"cadence":"daily","hour":6}}"#
        );
    }

    #[test]
    fn a_value_of_another_kind_is_a_bug_not_a_silent_drop() {
        for (key, field, value) in [
            (Key::Event("C".into(), "E".into()), "pii", json!("yes")),
            (
                Key::Event("C".into(), "E".into()),
                "is_enabled",
                json!(true),
            ),
            (
                Key::Monitor("t".into(), "row_count".into(), "{}".into()),
                "is_enabled",
                json!(5),
            ),
            (
                Key::Monitor("t".into(), "row_count".into(), "{}".into()),
                "pii",
                json!(true),
            ),
        ] {
            let c = change(Action::Update, key, &[(field, value)]);
            let err = write_for(&c, &Id::from("i"), None).unwrap_err();
            assert!(
                matches!(&err, WriteError::BadField { field: f, .. } if f == field),
                "{err}"
            );
        }
    }

    #[test]
    fn the_monitor_setter_takes_exactly_the_values_each_field_takes() {
        let values = [
            PlanValue::Null,
            PlanValue::Bool(true),
            PlanValue::number(5.0),
            PlanValue::Text("x".into()),
            PlanValue::Ids(vec![Id::from("a")]),
            PlanValue::Schedule(crate::api::MonitorSchedule::default()),
            PlanValue::EveryHours(crate::plan::EveryHours {
                frequency_hours: 24.0,
            }),
            PlanValue::Config(serde_json::Map::new()),
        ];
        for field in MonitorField::ALL {
            let mut taken = 0;
            for v in &values {
                let mut body = MonitorWrite::default();
                let set = set_monitor_field(&mut body, field, v);
                assert_eq!(set, field.takes(v), "{field:?} = {v:?}");
                assert_eq!(
                    set,
                    body != MonitorWrite::default(),
                    "{field:?} = {v:?} sets it"
                );
                taken += usize::from(set);
            }
            assert!(taken > 0, "{field:?} takes nothing");
        }
    }
}
