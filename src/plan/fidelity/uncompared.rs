//! What the plan leaves uncompared, in one place: a managed field the live object does not carry
//! at all (the key is missing from the server's answer, not `null`: `api::Absent`) cannot be
//! compared, so it is sent on create, never diffed, and named once in the plan as not readable
//! from the workspace. A plan must never offer a change that applying cannot remove.
//!
//! The same holds for a monitor schedule's `day` and `hour`: monitor objects carry only
//! `frequency` hours, so those two are counted here too.
//!
//! A field answered `null` or with its old value after a write is proven not kept only by the
//! apply that wrote it; its record (`super::record`, an input of the diff) holds such fields
//! back the same way, counted as [`NotKept`].

use super::record::Record;
use crate::plan::Kind;
use serde::{Deserialize, Serialize};

/// Changes to one field that the plan holds back because the workspace's record says it does
/// not keep it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotKept {
    /// The resources' kind.
    pub kind: Kind,
    /// The field's wire name.
    pub field: String,
    /// Resources whose manifest value differs from the live one (the writes not offered).
    pub count: usize,
    /// When an apply saw it not kept (RFC 3339).
    pub seen: String,
}

/// Managed fields the live objects do not carry, on how many resources of one kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotReadable {
    /// The resources' kind.
    pub kind: Kind,
    /// Wire names (`type`, `is_required`; `schedule.day` for monitors).
    pub fields: Vec<String>,
    /// Resources the manifests manage these fields on.
    pub count: usize,
}

/// Uncompared fields (not readable, or held back because the workspace's record says they are
/// not kept) counted per kind and field, in the order first met.
#[derive(Debug, Default)]
pub(crate) struct Tally(Vec<(Kind, String, usize)>);

impl Tally {
    /// Counts one resource of `kind` whose manifest manages the uncompared `fields`.
    pub(crate) fn note(&mut self, kind: Kind, fields: &[String]) {
        for f in fields {
            match self.0.iter_mut().find(|(k, n, _)| *k == kind && n == f) {
                Some((_, _, count)) => *count += 1,
                None => self.0.push((kind, f.clone(), 1)),
            }
        }
    }

    /// One entry per kind and count: fields skipped on equally many resources share it.
    pub(crate) fn into_notices(self) -> Vec<NotReadable> {
        let mut out: Vec<NotReadable> = Vec::new();
        for (kind, field, count) in self.0 {
            match out.iter_mut().find(|n| n.kind == kind && n.count == count) {
                Some(n) => n.fields.push(field),
                None => out.push(NotReadable {
                    kind,
                    fields: vec![field],
                    count,
                }),
            }
        }
        out
    }

    /// One notice per kind and field, with when the record says it was seen.
    pub(crate) fn into_not_kept(self, record: &Record) -> Vec<NotKept> {
        self.0
            .into_iter()
            .map(|(kind, field, count)| NotKept {
                seen: record
                    .get(kind, &field)
                    .map(|f| f.seen.clone())
                    .unwrap_or_default(),
                kind,
                field,
                count,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_on_equally_many_resources_share_one_notice() {
        let mut t = Tally::default();
        let both = ["type".to_owned(), "is_required".to_owned()];
        t.note(Kind::Property, &both);
        t.note(Kind::Property, &both);
        t.note(Kind::Property, &both[..1]);
        t.note(Kind::Monitor, &["schedule.day".to_owned()]);
        t.note(Kind::Event, &[]);
        let n = t.into_notices();
        assert_eq!(n.len(), 3, "{n:?}");
        assert_eq!(
            (n[0].fields.as_slice(), n[0].count),
            (&["type".to_owned()][..], 3)
        );
        assert_eq!(n[1].fields, ["is_required"]);
        assert_eq!((n[2].kind, n[2].count), (Kind::Monitor, 1));
    }

    #[test]
    fn a_field_the_live_object_lacks_is_never_diffed_and_named_once() {
        use crate::manifest::TrackingFields;
        use crate::plan::desired::Fields;
        use crate::plan::testutil::{category, event, live_of, property, resolved};
        use crate::plan::{diff, DiffOptions};
        let tracking = TrackingFields {
            property_type: Some("string".into()),
            is_required: Some(true),
            ..TrackingFields::default()
        };
        let props = ["a", "b"]
            .map(|t| property(t, Fields::default(), tracking.clone()))
            .to_vec();
        let d = resolved(
            vec![category("C", vec![event("E", Fields::default(), props)])],
            vec![],
        );
        let mut live = live_of(&d, None);
        for p in &mut live.properties {
            p.property_type = None;
            p.is_required = None;
            p.absent = crate::api::Absent::of(&["type", "is_required"]);
        }
        let plan = diff(&d, &live, &DiffOptions::default());
        assert!(plan.changes.is_empty(), "{:?}", plan.changes);
        assert_eq!(
            plan.not_readable,
            [NotReadable {
                kind: Kind::Property,
                fields: vec!["type".into(), "is_required".into()],
                count: 2
            }]
        );
        // Readable but `null` is still compared: the write is offered.
        for p in &mut live.properties {
            p.absent = crate::api::Absent::default();
        }
        let plan = diff(&d, &live, &DiffOptions::default());
        assert_eq!(plan.changes.len(), 2);
        assert!(plan.not_readable.is_empty());
    }

    #[test]
    fn a_recorded_field_is_held_back_on_updates_only_and_compared_on_a_recheck() {
        use crate::manifest::TrackingFields;
        use crate::plan::desired::Fields;
        use crate::plan::testutil::{category, event, live_of, property, resolved};
        use crate::plan::{diff, DiffOptions};
        let tracking = TrackingFields {
            property_type: Some("string".into()),
            is_required: Some(true),
            ..TrackingFields::default()
        };
        let props = vec![property("a", Fields::default(), tracking.clone())];
        let d = resolved(
            vec![category("C", vec![event("E", Fields::default(), props)])],
            vec![],
        );
        let mut live = live_of(&d, None);
        for p in &mut live.properties {
            p.property_type = None;
            p.is_required = Some(false);
        }
        live.not_kept = Record::default().after_apply(&[(Kind::Property, "type")], &[], false, "T");
        let plan = diff(&d, &live, &DiffOptions::default());
        let fields: Vec<&str> = plan.changes[0]
            .fields
            .iter()
            .map(|f| f.name.as_str())
            .collect();
        assert_eq!(fields, ["is_required"], "a kept field is still diffed");
        assert_eq!(
            plan.not_kept,
            [NotKept {
                kind: Kind::Property,
                field: "type".into(),
                count: 1,
                seen: "T".into()
            }]
        );
        let recheck = DiffOptions {
            recheck_fields: true,
            ..DiffOptions::default()
        };
        let plan = diff(&d, &live, &recheck);
        assert_eq!(plan.changes[0].fields.len(), 2);
        assert!(plan.not_kept.is_empty());
        // A create still sends it.
        live.properties.clear();
        let plan = diff(&d, &live, &DiffOptions::default());
        assert!(plan.changes[0]
            .fields
            .iter()
            .any(|f| f.name.as_str() == "type"));
    }

    #[test]
    fn a_targeted_plan_counts_only_the_uncompared_fields_within_its_scope() {
        use crate::manifest::TrackingFields;
        use crate::plan::desired::Fields;
        use crate::plan::testutil::{category, event, id, live_of, monitor, property, resolved};
        use crate::plan::{diff, DiffOptions, Key};
        let tracking = TrackingFields {
            property_type: Some("string".into()),
            is_required: Some(true),
            ..TrackingFields::default()
        };
        let cat = |title: &str| {
            let props = vec![property("p", Fields::default(), tracking.clone())];
            category(title, vec![event("E", Fields::default(), props)])
        };
        let d = resolved(
            vec![cat("A"), cat("B"), cat("C")],
            vec![monitor("Rows", id(7), "row_count")],
        );
        let mut live = live_of(&d, None);
        for p in &mut live.properties {
            // `type` unreadable, `is_required` held back by the record: on all three.
            p.property_type = None;
            p.absent = crate::api::Absent::of(&["type"]);
            p.is_required = Some(false);
        }
        live.monitors[0].is_enabled = false;
        live.not_kept = Record::default().after_apply(
            &[
                (Kind::Property, "is_required"),
                (Kind::Monitor, "is_enabled"),
            ],
            &[],
            false,
            "T",
        );
        let counts = |opts: &DiffOptions| {
            let plan = diff(&d, &live, opts);
            assert!(plan.changes.is_empty(), "{:?}", plan.changes);
            let readable: Vec<_> = plan
                .not_readable
                .iter()
                .map(|n| (n.kind, n.count))
                .collect();
            let kept: Vec<_> = plan.not_kept.iter().map(|n| (n.kind, n.count)).collect();
            (readable, kept)
        };
        let whole = counts(&DiffOptions::default());
        assert_eq!(whole.0, [(Kind::Property, 3)]);
        assert_eq!(whole.1, [(Kind::Property, 3), (Kind::Monitor, 1)]);
        // `--target` names tracking-plan paths, so it leaves monitors out as well.
        let targeted = counts(&DiffOptions {
            targets: vec![Key::Category("A".into())],
            ..DiffOptions::default()
        });
        assert_eq!(targeted.0, [(Kind::Property, 1)]);
        assert_eq!(targeted.1, [(Kind::Property, 1)]);
        let excluded = counts(&DiffOptions {
            excludes: vec![Key::Category("A".into()), Key::Category("B".into())],
            ..DiffOptions::default()
        });
        assert_eq!(excluded.0, [(Kind::Property, 1)]);
        assert_eq!(excluded.1, [(Kind::Property, 1), (Kind::Monitor, 1)]);
    }
}
