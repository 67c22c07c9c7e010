//! Stopping property writes whose tracking-plan fields the workspace refuses or drops.
//!
//! Secoda documents neither writing nor keeping `type`, `is_required`, `is_array_type`,
//! `enum_values` and `regex`. When an answer shows the workspace refused one (a 400 naming
//! it) or did not keep it (the read-back check), every further property write carrying it
//! would fail or be lost the same way, each costing a paced write slot: those writes are held
//! back and the apply ends non-zero with the way out, `--property-types definition`. Other
//! writes go on; writes already in flight finish and are reported as they ended.

use crate::api::ApiError;
use crate::manifest::fields::{self, Group};
use crate::plan::{Change, Kind};
use serde::Serialize;
use std::sync::{Mutex, PoisonError};

/// The way out, in every message about a stop.
pub const HINT: &str = "use `--property-types definition` to keep them in the definition";

/// Why a field stopped the property writes carrying it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Why {
    /// The server answered 400 naming it.
    Refused,
    /// The server answered success, but its answer did not hold the value sent.
    NotKept,
}

impl Why {
    fn as_str(self) -> &'static str {
        match self {
            Self::Refused => "refused",
            Self::NotKept => "did not keep",
        }
    }
}

/// One tracking field that stops the property writes carrying it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stop {
    /// The field's wire name.
    pub field: &'static str,
    /// What the server did with it.
    pub why: Why,
}

/// The stops of one apply, shared by its concurrent writes.
#[derive(Debug, Default)]
pub struct Holdback {
    stops: Mutex<Vec<Stop>>,
    /// Property fields the workspace's record already holds: a write losing one is no news
    /// (the plan named it, the record keeps later plans from offering it), so it stops nothing.
    known: Vec<String>,
}

/// The tracking field among `names`, as the field table spells it.
fn tracking(name: &str) -> Option<&'static str> {
    fields::group(Group::Tracking)
        .find(|s| s.name == name)
        .map(|s| s.name)
}

impl Holdback {
    /// No stops yet.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// No stops yet; `known` are the property fields the workspace's record already holds.
    #[must_use]
    pub fn knowing(known: Vec<String>) -> Self {
        Self {
            known,
            ..Self::default()
        }
    }

    /// Stops the tracking fields among `names` (others are ignored), for `why`; a field the
    /// record already holds does not stop for `NotKept` (a refusal still stops: it fails).
    pub fn stop<'n>(&self, names: impl IntoIterator<Item = &'n str>, why: Why) {
        let mut stops = self.stops.lock().unwrap_or_else(PoisonError::into_inner);
        let known = |f: &str| why == Why::NotKept && self.known.iter().any(|k| k == f);
        for field in names.into_iter().filter_map(tracking).filter(|f| !known(f)) {
            if !stops.iter().any(|s| s.field == field) {
                stops.push(Stop { field, why });
            }
        }
    }

    /// Records the tracking fields a property write's 400 names; returns them.
    pub fn refused(&self, err: &ApiError) -> Vec<&'static str> {
        let named = refused_fields(err);
        self.stop(named.iter().copied(), Why::Refused);
        named
    }

    /// Why `change` must not be written: a property write carrying a stopped field.
    #[must_use]
    pub fn holds(&self, change: &Change) -> Option<String> {
        if change.kind != Kind::Property {
            return None;
        }
        let stops = self.stops.lock().unwrap_or_else(PoisonError::into_inner);
        let hit: Vec<&Stop> = stops
            .iter()
            .filter(|s| change.fields.iter().any(|f| f.name == s.field))
            .collect();
        let first = hit.first()?;
        let names: Vec<String> = hit.iter().map(|s| format!("`{}`", s.field)).collect();
        Some(format!(
            "not written: the workspace {} {} on an earlier property ({HINT})",
            first.why.as_str(),
            names.join(", ")
        ))
    }

    /// Every stop, in the order first seen.
    #[must_use]
    pub fn stops(&self) -> Vec<Stop> {
        self.stops
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The one line telling what stopped and the way out; `None` when nothing did.
    #[must_use]
    pub fn line(&self) -> Option<String> {
        let stops = self.stops();
        if stops.is_empty() {
            return None;
        }
        let mut parts = Vec::new();
        for why in [Why::Refused, Why::NotKept] {
            let names: Vec<String> = stops
                .iter()
                .filter(|s| s.why == why)
                .map(|s| format!("`{}`", s.field))
                .collect();
            if !names.is_empty() {
                parts.push(format!("{} {}", why.as_str(), names.join(", ")));
            }
        }
        Some(format!(
            "Stopped the property writes carrying tracking fields: the workspace {}; {HINT}.",
            parts.join(" and ")
        ))
    }
}

/// The tracking fields a 400 answer's body names (Secoda's field errors: `{"type": [..]}`).
#[must_use]
pub fn refused_fields(err: &ApiError) -> Vec<&'static str> {
    let ApiError::Status {
        status: 400, body, ..
    } = err
    else {
        return Vec::new();
    };
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str(body) else {
        return Vec::new();
    };
    map.keys().filter_map(|k| tracking(k)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{Action, FieldChange, Key};
    use serde_json::json;

    fn write(kind: Kind, fields: &[&str]) -> Change {
        Change {
            kind,
            fields: fields
                .iter()
                .map(|f| FieldChange {
                    name: (*f).to_owned(),
                    before: json!(null),
                    after: json!("x"),
                })
                .collect(),
            ..Change::new(Action::Create, Key::Category("C".into()), "p".into())
        }
    }

    #[test]
    fn a_field_the_record_already_holds_stops_on_a_refusal_only() {
        let holdback = Holdback::knowing(vec!["type".to_owned()]);
        holdback.stop(["type"], Why::NotKept);
        assert_eq!(holdback.holds(&write(Kind::Property, &["type"])), None);
        assert!(holdback.stops().is_empty());
        holdback.stop(["type"], Why::Refused);
        assert!(holdback.holds(&write(Kind::Property, &["type"])).is_some());
    }

    #[test]
    fn a_400_naming_a_tracking_field_holds_property_writes_carrying_it_only() {
        let holdback = Holdback::new();
        let err = ApiError::Status {
            method: "POST".into(),
            path: "/api/v1/event/event_properties".into(),
            status: 400,
            body: r#"{"type": ["no"], "parent": ["This field is required."]}"#.into(),
        };
        assert_eq!(holdback.refused(&err), ["type"]);
        let held = holdback.holds(&write(Kind::Property, &["description", "type"]));
        assert!(held.unwrap().contains("refused `type`"));
        assert_eq!(
            holdback.holds(&write(Kind::Property, &["description"])),
            None
        );
        assert_eq!(holdback.holds(&write(Kind::Event, &["type"])), None);
        holdback.stop(["is_required", "description"], Why::NotKept);
        assert_eq!(
            holdback.line().unwrap(),
            "Stopped the property writes carrying tracking fields: the workspace refused \
             `type` and did not keep `is_required`; use `--property-types definition` to keep \
             them in the definition."
        );
        let other = ApiError::Status {
            method: "POST".into(),
            path: "/api/v1/event/event_properties".into(),
            status: 500,
            body: r#"{"type": ["no"]}"#.into(),
        };
        assert!(refused_fields(&other).is_empty());
    }
}
