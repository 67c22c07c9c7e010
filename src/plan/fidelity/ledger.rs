//! The run's ledger: what one apply's answers showed, shared by its concurrent writes.
//!
//! Every create and PATCH answer is compared with what was sent, field by field
//! (`super::dropped`). A field the server accepted but did not keep is reported after the apply
//! (`Secoda did not keep `type` on 40 properties`), listed under `not_kept` in `apply --json`,
//! fails `apply --strict`, and goes into the workspace's record (`super::record`).
//!
//! The ledger also holds writes back. Secoda documents neither writing nor keeping `type`,
//! `is_required`, `is_array_type`, `enum_values` and `regex`. When an answer shows the
//! workspace refused one (a 400 naming it) or did not keep it, every further property write
//! carrying it would fail or be lost the same way, each costing a paced write slot: those
//! writes are held back and the apply ends non-zero with the way out, `--property-types
//! definition`. Other writes go on; writes already in flight finish and are reported as they
//! ended.

use super::dropped;
use crate::api::{ApiError, Id, Monitor, MonitorWrite, Resource, ResourceWrite};
use crate::output::count;
use crate::plan::{Change, Kind, Plan};
use serde::Serialize;
use std::sync::{Mutex, PoisonError};

/// The way out, in every message about a write held back.
pub(crate) const HINT: &str = "use `--property-types definition` to keep them in the definition";

/// One field the answers did not keep, on how many resources of one kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dropped {
    /// The resources' kind.
    pub kind: Kind,
    /// The field's wire name.
    pub field: &'static str,
    /// Resources written with it whose answer did not hold it.
    pub count: usize,
    /// Their ids, in the order the answers came.
    pub ids: Vec<Id>,
}

/// Why a tracking field stopped the property writes carrying it.
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

/// One apply's findings, shared by its concurrent writes.
#[derive(Debug, Default)]
pub struct Ledger {
    dropped: Mutex<Vec<Dropped>>,
    /// Fields sent and held by an answer (kind, wire name), once each.
    held: Mutex<Vec<(Kind, &'static str)>>,
    /// Tracking fields that stop the property writes carrying them.
    stops: Mutex<Vec<Stop>>,
    /// Property fields the workspace's record already holds: a write losing one is no news
    /// (the plan named it, the record keeps later plans from offering it), so it stops nothing.
    known: Vec<String>,
    /// `--recheck-fields`: the workspace's record of not-kept fields is rewritten from this
    /// apply's answers, not only added to.
    pub recheck: bool,
}

impl Ledger {
    /// An empty ledger that knows no recorded field.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty ledger for an apply of `plan` run with `--recheck-fields` (`recheck`) or
    /// without; the property fields the plan's record held stop no writes.
    #[must_use]
    pub fn for_plan(plan: &Plan, recheck: bool) -> Self {
        let known = plan
            .recorded
            .iter()
            .filter(|(kind, _)| *kind == Kind::Property)
            .map(|(_, field)| field.clone())
            .collect();
        Self {
            recheck,
            known,
            ..Self::default()
        }
    }

    /// Compares the answer `back` to the body `sent` for a resource of `kind`.
    pub fn check(&self, kind: Kind, sent: &ResourceWrite, back: &Resource) {
        let missing = sent.dropped_in(back);
        self.note_held(kind, &sent.sent(), &missing);
        if kind == Kind::Property {
            self.stop(missing.iter().copied(), Why::NotKept);
        }
        self.note_dropped(kind, &back.id, missing);
    }

    /// Compares a monitor create or PATCH answer `back` to the body `sent`.
    pub fn check_monitor(&self, sent: &MonitorWrite, back: &Monitor) {
        let missing = dropped::monitor(sent, back);
        self.note_held(Kind::Monitor, &dropped::monitor_compared(sent), &missing);
        self.note_dropped(Kind::Monitor, &back.id, missing);
    }

    /// Records the tracking fields a property write's 400 names; returns them.
    pub fn refused(&self, err: &ApiError) -> Vec<&'static str> {
        let named = dropped::refused(err);
        self.stop(named.iter().copied(), Why::Refused);
        named
    }

    /// Notes the fields of `sent` an answer held (those not `missing`).
    fn note_held(&self, kind: Kind, sent: &[&'static str], missing: &[&'static str]) {
        let mut held = lock(&self.held);
        for &f in sent {
            if !missing.contains(&f) && !held.contains(&(kind, f)) {
                held.push((kind, f));
            }
        }
    }

    fn note_dropped(&self, kind: Kind, id: &Id, missing: Vec<&'static str>) {
        if missing.is_empty() {
            return;
        }
        let mut dropped = lock(&self.dropped);
        for field in missing {
            match dropped
                .iter_mut()
                .find(|n| n.kind == kind && n.field == field)
            {
                Some(n) => {
                    n.count += 1;
                    n.ids.push(id.clone());
                }
                None => dropped.push(Dropped {
                    kind,
                    field,
                    count: 1,
                    ids: vec![id.clone()],
                }),
            }
        }
    }

    /// Stops the tracking fields among `names` (others are ignored), for `why`; a field the
    /// record already holds does not stop for `NotKept` (a refusal still stops: it fails).
    pub fn stop<'n>(&self, names: impl IntoIterator<Item = &'n str>, why: Why) {
        let mut stops = lock(&self.stops);
        let known = |f: &str| why == Why::NotKept && self.known.iter().any(|k| k == f);
        for field in names
            .into_iter()
            .filter_map(dropped::tracking)
            .filter(|f| !known(f))
        {
            if !stops.iter().any(|s| s.field == field) {
                stops.push(Stop { field, why });
            }
        }
    }

    /// Why `change` must not be written: a property write carrying a stopped field.
    #[must_use]
    pub fn holds(&self, change: &Change) -> Option<String> {
        if change.kind != Kind::Property {
            return None;
        }
        let stops = lock(&self.stops);
        let hit: Vec<&Stop> = stops
            .iter()
            .filter(|s| change.fields.iter().any(|f| f.name.as_str() == s.field))
            .collect();
        let first = hit.first()?;
        let names: Vec<String> = hit.iter().map(|s| format!("`{}`", s.field)).collect();
        Some(format!(
            "not written: the workspace {} {} on an earlier property ({HINT})",
            first.why.as_str(),
            names.join(", ")
        ))
    }

    /// What the answers did not keep, one entry per kind and field, in the order first seen.
    #[must_use]
    pub fn dropped(&self) -> Vec<Dropped> {
        lock(&self.dropped).clone()
    }

    /// Fields some answer held as sent (kind, wire name), in the order first seen.
    #[must_use]
    pub fn held(&self) -> Vec<(Kind, &'static str)> {
        lock(&self.held).clone()
    }

    /// Every stop, in the order first seen.
    #[must_use]
    pub fn stops(&self) -> Vec<Stop> {
        lock(&self.stops).clone()
    }

    /// Whether this apply can change the workspace's record: new findings, or a recheck that
    /// proved something kept (without either, saving the record writes nothing).
    #[must_use]
    pub fn changes_record(&self) -> bool {
        !lock(&self.dropped).is_empty() || (self.recheck && !lock(&self.held).is_empty())
    }

    /// `Secoda did not keep `type` on 40 properties`, one line per field.
    #[must_use]
    pub fn dropped_lines(&self) -> Vec<String> {
        self.dropped()
            .iter()
            .map(|n| {
                format!(
                    "Secoda did not keep `{}` on {}",
                    n.field,
                    count(n.count, n.kind.as_str(), n.kind.plural())
                )
            })
            .collect()
    }

    /// The one line telling what stopped and the way out; `None` when nothing did.
    #[must_use]
    pub fn stop_line(&self) -> Option<String> {
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

/// The ledger's lists stay usable after a write panicked while holding one: each push is whole.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
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
                .map(|f| FieldChange::from_json(f, json!(null), json!("x")).unwrap())
                .collect(),
            ..Change::new(Action::Create, Key::Category("C".into()), "p".into())
        }
    }

    #[test]
    fn fields_the_answers_lack_are_counted_per_kind_and_field() {
        let ledger = Ledger::new();
        let sent = ResourceWrite {
            property_type: Some("string".into()),
            is_required: Some(true),
            description: Some("d".into()),
            ..ResourceWrite::default()
        };
        for id in ["a", "b"] {
            let back = Resource {
                id: Id::from(id),
                description: "d".into(),
                ..Resource::default()
            };
            ledger.check(Kind::Property, &sent, &back);
        }
        let kept = Resource {
            property_type: Some("string".into()),
            is_required: Some(true),
            description: "d".into(),
            ..Resource::default()
        };
        ledger.check(Kind::Property, &sent, &kept);
        assert_eq!(
            ledger.dropped_lines(),
            [
                "Secoda did not keep `type` on 2 properties",
                "Secoda did not keep `is_required` on 2 properties"
            ]
        );
        assert_eq!(ledger.dropped()[0].ids, [Id::from("a"), Id::from("b")]);
        assert!(ledger.changes_record());
        assert!(ledger.holds(&write(Kind::Property, &["type"])).is_some());
    }

    #[test]
    fn a_field_the_record_already_holds_stops_on_a_refusal_only() {
        let ledger = Ledger {
            known: vec!["type".to_owned()],
            ..Ledger::default()
        };
        ledger.stop(["type"], Why::NotKept);
        assert_eq!(ledger.holds(&write(Kind::Property, &["type"])), None);
        assert!(ledger.stops().is_empty());
        ledger.stop(["type"], Why::Refused);
        assert!(ledger.holds(&write(Kind::Property, &["type"])).is_some());
    }

    #[test]
    fn a_400_naming_a_tracking_field_holds_property_writes_carrying_it_only() {
        let ledger = Ledger::new();
        let err = ApiError::Status {
            method: "POST".into(),
            path: "/api/v1/event/event_properties".into(),
            status: 400,
            body: r#"{"type": ["no"], "parent": ["This field is required."]}"#.into(),
        };
        assert_eq!(ledger.refused(&err), ["type"]);
        let held = ledger.holds(&write(Kind::Property, &["description", "type"]));
        assert!(held.unwrap().contains("refused `type`"));
        assert_eq!(ledger.holds(&write(Kind::Property, &["description"])), None);
        assert_eq!(ledger.holds(&write(Kind::Event, &["type"])), None);
        ledger.stop(["is_required", "description"], Why::NotKept);
        assert_eq!(
            ledger.stop_line().unwrap(),
            "Stopped the property writes carrying tracking fields: the workspace refused \
             `type` and did not keep `is_required`; use `--property-types definition` to keep \
             them in the definition."
        );
        // A refusal is not a finding the record keeps.
        assert!(!ledger.changes_record());
    }
}
