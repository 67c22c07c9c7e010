//! Read-back verification: every create and PATCH answer is compared with what was sent,
//! field by field. A field the server accepted but did not keep is reported after the apply
//! (`Secoda did not keep `type` on 40 properties`), listed under `not_kept` in `apply --json`,
//! and fails `apply --strict`.
//!
//! Secoda documents neither the tracking-plan fields nor a category description on create,
//! so an answer is the only proof that a write held.

use super::holdback::{Holdback, Why};
use crate::api::{Id, Monitor, MonitorWrite, Resource, ResourceWrite};
use crate::output::count;
use crate::plan::{Kind, Plan};
use serde::Serialize;
use std::sync::{Mutex, PoisonError};

/// One field the server did not keep, on how many resources of one kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotKept {
    /// The resources' kind.
    pub kind: Kind,
    /// The field's wire name.
    pub field: &'static str,
    /// Resources written with it whose answer did not hold it.
    pub count: usize,
    /// Their ids, in the order the answers came.
    pub ids: Vec<Id>,
}

/// Collects what the answers of one apply did not keep (shared by the concurrent writes).
#[derive(Debug, Default)]
pub struct ReadBack {
    seen: Mutex<Vec<NotKept>>,
    /// Fields sent and held by an answer (kind, wire name), once each.
    held: Mutex<Vec<(Kind, &'static str)>>,
    /// `--recheck-fields`: the workspace's record of not-kept fields is rewritten from this
    /// apply's answers (`plan::not_kept`), not only added to.
    pub recheck: bool,
    /// Tracking fields a property answer did not keep stop the writes carrying them.
    holdback: Holdback,
}

impl ReadBack {
    /// An empty record.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty record for an apply of `plan` run with `--recheck-fields` (`recheck`) or
    /// without; the property fields the plan's record held stop no writes.
    #[must_use]
    pub fn rechecking(recheck: bool, plan: &Plan) -> Self {
        let known = plan
            .recorded
            .iter()
            .filter(|(kind, _)| *kind == Kind::Property)
            .map(|(_, field)| field.clone())
            .collect();
        Self {
            recheck,
            holdback: Holdback::knowing(known),
            ..Self::default()
        }
    }

    /// Compares the answer `back` to the body `sent` for a resource of `kind`.
    pub fn check(&self, kind: Kind, sent: &ResourceWrite, back: &Resource) {
        let missing = sent.not_kept(back);
        self.note_held(kind, &sent.sent(), &missing);
        if kind == Kind::Property {
            self.holdback.stop(missing.iter().copied(), Why::NotKept);
        }
        self.record(kind, &back.id, missing);
    }

    /// Notes the fields of `sent` an answer held (those not `missing`).
    fn note_held(&self, kind: Kind, sent: &[&'static str], missing: &[&'static str]) {
        let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        for &f in sent {
            if !missing.contains(&f) && !held.contains(&(kind, f)) {
                held.push((kind, f));
            }
        }
    }

    /// Fields some answer held as sent (kind, wire name), in the order first seen.
    #[must_use]
    pub fn held(&self) -> Vec<(Kind, &'static str)> {
        self.held
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The stops of this apply (fields the workspace refused or did not keep).
    #[must_use]
    pub fn holdback(&self) -> &Holdback {
        &self.holdback
    }

    /// Compares a monitor create or PATCH answer `back` to the body `sent`.
    pub fn check_monitor(&self, sent: &MonitorWrite, back: &Monitor) {
        let missing = sent.not_kept(back);
        self.note_held(Kind::Monitor, &sent.checked(), &missing);
        self.record(Kind::Monitor, &back.id, missing);
    }

    fn record(&self, kind: Kind, id: &Id, missing: Vec<&'static str>) {
        if missing.is_empty() {
            return;
        }
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        for field in missing {
            match seen.iter_mut().find(|n| n.kind == kind && n.field == field) {
                Some(n) => {
                    n.count += 1;
                    n.ids.push(id.clone());
                }
                None => seen.push(NotKept {
                    kind,
                    field,
                    count: 1,
                    ids: vec![id.clone()],
                }),
            }
        }
    }

    /// What was not kept, one entry per kind and field, in the order first seen.
    #[must_use]
    pub fn not_kept(&self) -> Vec<NotKept> {
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// `Secoda did not keep `type` on 40 properties`, one line per field.
    #[must_use]
    pub fn lines(&self) -> Vec<String> {
        self.not_kept()
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_the_answers_lack_are_counted_per_kind_and_field() {
        let rb = ReadBack::new();
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
            rb.check(Kind::Property, &sent, &back);
        }
        let kept = Resource {
            property_type: Some("string".into()),
            is_required: Some(true),
            description: "d".into(),
            ..Resource::default()
        };
        rb.check(Kind::Property, &sent, &kept);
        assert_eq!(
            rb.lines(),
            [
                "Secoda did not keep `type` on 2 properties",
                "Secoda did not keep `is_required` on 2 properties"
            ]
        );
        assert_eq!(rb.not_kept()[0].ids, [Id::from("a"), Id::from("b")]);
    }
}
