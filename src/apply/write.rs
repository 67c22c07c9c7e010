//! Turning one planned change into exactly one API write.
//!
//! The plan carries field changes as wire names and JSON values; this module folds them into
//! the typed write bodies so that a create is one POST with every managed field and an update
//! one PATCH with every changed field, and refuses (as a bug) a field the body cannot carry
//! rather than dropping it silently.

use crate::api::{Id, MonitorWrite, ResourceKind, ResourceWrite};
use crate::plan::{Action, Change, Key, Kind};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

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
            Kind::Category | Kind::Monitor => None,
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
        (Kind::Monitor, Action::Create) => {
            let mut body: MonitorWrite = body_from(change)?;
            if let Key::Monitor(target, metric, _) = &change.key {
                body.target.get_or_insert_with(|| Id(target.clone()));
                body.metric_type.get_or_insert_with(|| metric.clone());
            }
            Ok(WriteCall::CreateMonitor(body))
        }
        (Kind::Monitor, Action::Update) => Ok(WriteCall::PatchMonitor(
            need_id("update")?,
            change.label.clone(),
            body_from(change)?,
        )),
        (Kind::Monitor, Action::Delete) => Ok(WriteCall::DeleteMonitor(
            need_id("delete")?,
            change.label.clone(),
        )),
        (_, Action::Create) => {
            let creatable = kind.resource().ok_or_else(not_writable)?;
            let mut body: ResourceWrite = body_from(change)?;
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
            Ok(WriteCall::Patch(
                editable,
                need_id("update")?,
                body_from(change)?,
            ))
        }
        (_, Action::Delete) => {
            let editable = Editable::of(kind).ok_or_else(not_writable)?;
            Ok(WriteCall::Delete(editable, need_id("delete")?))
        }
    }
}

/// Folds the change's fields into a typed body and checks that every field made it in.
fn body_from<T: DeserializeOwned + Serialize>(change: &Change) -> Result<T, WriteError> {
    let bad = |field: &str, reason: String| WriteError::BadField {
        kind: change.kind,
        key: change.key.to_string(),
        field: field.to_owned(),
        reason,
    };
    let map: Map<String, Value> = change
        .fields
        .iter()
        .map(|f| (f.name.clone(), f.after.clone()))
        .collect();
    let body: T =
        serde_json::from_value(Value::Object(map)).map_err(|e| bad("?", e.to_string()))?;
    let back = serde_json::to_value(&body).map_err(|e| bad("?", e.to_string()))?;
    for f in &change.fields {
        if !f.after.is_null() && back.get(&f.name).is_none() {
            return Err(bad(&f.name, "not a field of the API's write body".into()));
        }
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{FieldChange, ParentRef};
    use serde_json::json;

    fn change(action: Action, key: Key, fields: &[(&str, Value)]) -> Change {
        let label = key.title().to_owned();
        Change {
            id: Some(Id::from("live-id")),
            parent: Some(ParentRef::Pending("C".into())),
            fields: fields
                .iter()
                .map(|(n, v)| FieldChange {
                    name: (*n).to_owned(),
                    before: Value::Null,
                    after: v.clone(),
                })
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
}
