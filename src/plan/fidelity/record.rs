//! The record persisted in the workspace: the fields applies proved it does not keep, a field
//! an apply wrote whose answer came back `null` or with the old value. Only a key missing from
//! an answer proves a field write-only by itself (`super::uncompared`); a `null` could as well
//! be a field nobody set yet, so the proof is the apply's read-back (`super::ledger`), and it is
//! kept in the workspace itself (CI runners lose local files): one event, [`RECORD_TITLE`], in
//! the tool's own `secoda-sync` category, whose description is this record in plain words (see
//! [`Record::description`]).
//!
//! The diff takes the record as input (`Live::not_kept`): a recorded field is not compared on
//! existing resources of its kind, monitors included (creates still send it), and is named once
//! in the plan instead of being offered forever. `--recheck-fields` diffs as if nothing were
//! recorded, and the apply it drives rewrites the record from what its answers show.
//!
//! The record is checked, not trusted: its description ends with a check (a digest of its
//! entries), so a description edited in Secoda's UI (say, to name `description`, which would
//! hide every description difference from plans) reads as no record, and the plan warns
//! ([`RecordEvent::unread`]). The next apply that proves a field not kept rewrites it.

use crate::api::{Id, Resource};
use crate::plan::key::Kind;
use crate::plan::reserved::is_lease_home;

/// Title of the record event (in the lease's category, one per integration).
pub(crate) const RECORD_TITLE: &str = "secoda-sync fields not kept";

/// The record's format version, bumped on an incompatible change (an unknown version reads as
/// no record: the fields are compared again, and the next apply that finds one writes a
/// current record). Version 2 added the check.
const VERSION: u32 = 2;

/// Why a record event's description is not read as a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unread {
    /// Not a record at all.
    Foreign,
    /// A record of another format version.
    Version(u32),
    /// A record whose check does not match its entries: written by hand.
    Edited,
}

impl std::fmt::Display for Unread {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Foreign => f.write_str("its description is not a record"),
            Self::Version(v) => write!(
                f,
                "it is format v{v}, and this secoda-sync reads v{VERSION}"
            ),
            Self::Edited => f.write_str(
                "its description was changed outside secoda-sync (its check does not match \
                 its fields)",
            ),
        }
    }
}

/// The check a description ends with: the first 16 hex digits of the SHA-256 of its entries.
fn check_of(entries: &str) -> String {
    use sha2::{Digest, Sha256};
    let hex = format!("{:x}", Sha256::digest(entries.as_bytes()));
    hex[..16].to_owned()
}

/// One field the workspace did not keep, on resources of one kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedField {
    /// The resources' kind.
    pub kind: Kind,
    /// The field's wire name.
    pub field: String,
    /// When an apply first saw it not kept (RFC 3339).
    pub seen: String,
}

/// What the workspace proved it does not keep, as recorded by applies.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Record {
    /// The fields, in the order first seen.
    pub fields: Vec<RecordedField>,
}

/// How a record's description starts; the number is the format version.
const PREFIX: &str = "secoda-sync fields not kept, v";

impl Record {
    /// Reads a record event's description; `None` when it is not one this version wrote.
    #[must_use]
    pub fn parse(description: &str) -> Option<Self> {
        Self::read(description).ok()
    }

    /// Reads a record event's description, or says why it is not read as a record.
    ///
    /// # Errors
    /// Not a record, another version, or a check that does not match (edited by hand).
    pub fn read(description: &str) -> Result<Self, Unread> {
        let rest = description
            .trim()
            .strip_prefix(PREFIX)
            .ok_or(Unread::Foreign)?;
        let (version, list) = rest.split_once(':').ok_or(Unread::Foreign)?;
        let version = version.trim().parse::<u32>().map_err(|_| Unread::Foreign)?;
        if version != VERSION {
            return Err(Unread::Version(version));
        }
        let (list, check) = list.rsplit_once(". check ").ok_or(Unread::Edited)?;
        let list = list.trim();
        if check.trim() != check_of(list) {
            return Err(Unread::Edited);
        }
        let mut fields = Vec::new();
        for entry in list.split(';').map(str::trim).filter(|e| !e.is_empty()) {
            let parsed = entry.split_once(" seen ").and_then(|(what, seen)| {
                let (kind, field) = what.trim().split_once('.')?;
                let kind = [Kind::Category, Kind::Event, Kind::Property, Kind::Monitor]
                    .into_iter()
                    .find(|k| k.as_str() == kind)?;
                Some(RecordedField {
                    kind,
                    field: field.to_owned(),
                    seen: seen.trim().to_owned(),
                })
            });
            fields.push(parsed.ok_or(Unread::Edited)?);
        }
        Ok(Self { fields })
    }

    /// The description to write on the record event: plain words, no quotes or brackets, so
    /// that a server which escapes or renders descriptions still gives it back as written
    /// (`secoda-sync fields not kept, v2: property.type seen 2026-12-02T10:00:00Z; ... . check
    /// 0123456789abcdef`).
    #[must_use]
    pub fn description(&self) -> String {
        let entries: Vec<String> = self
            .fields
            .iter()
            .map(|f| format!("{}.{} seen {}", f.kind.as_str(), f.field, f.seen))
            .collect();
        let list = entries.join("; ");
        let check = check_of(&list);
        format!("{PREFIX}{VERSION}: {list}. check {check}")
    }

    /// The entry for `field` on resources of `kind`, when recorded.
    #[must_use]
    pub fn get(&self, kind: Kind, field: &str) -> Option<&RecordedField> {
        self.fields
            .iter()
            .find(|f| f.kind == kind && f.field == field)
    }

    /// Whether nothing is recorded.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// Whether `other` records the same kinds and fields (times aside): if so, writing it would
    /// change nothing that matters, and writes are the scarce resource.
    #[must_use]
    pub fn same_fields(&self, other: &Self) -> bool {
        self.fields.len() == other.fields.len()
            && self
                .fields
                .iter()
                .all(|f| other.get(f.kind, &f.field).is_some())
    }

    /// The record after an apply whose answers did not keep `not_kept` and kept every field in
    /// `kept` (fields sent and held in every answer), at time `now`. Entries only grow, except
    /// on a recheck (`recheck`), where a field this apply proved kept is dropped: without one,
    /// a recorded field is never written to existing resources, so one create that keeps it
    /// proves little about updates.
    #[must_use]
    pub fn after_apply(
        &self,
        not_kept: &[(Kind, &str)],
        kept: &[(Kind, &str)],
        recheck: bool,
        now: &str,
    ) -> Self {
        let mut out = self.clone();
        if recheck {
            out.fields.retain(|f| {
                let proven = kept.iter().any(|(k, n)| *k == f.kind && *n == f.field);
                let still = not_kept.iter().any(|(k, n)| *k == f.kind && *n == f.field);
                still || !proven
            });
        }
        for (kind, field) in not_kept {
            if out.get(*kind, field).is_none() {
                out.fields.push(RecordedField {
                    kind: *kind,
                    field: (*field).to_owned(),
                    seen: now.to_owned(),
                });
            }
        }
        out
    }
}

/// The record event found in a workspace, and what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RecordEvent {
    /// The event's id (what a rewrite PATCHes).
    pub id: Id,
    /// Its record; empty when the description is not one this version reads (it is rewritten).
    pub record: Record,
    /// Why the description was not read as a record (the plan warns: the fields it names are
    /// compared).
    pub unread: Option<Unread>,
}

/// The record among an integration's `categories` and `events` as listed: the oldest event
/// titled [`RECORD_TITLE`] in a lease category (two racing first applies may each make one).
#[must_use]
pub(crate) fn find(categories: &[Resource], events: &[Resource]) -> Option<RecordEvent> {
    let homes: Vec<&Id> = categories
        .iter()
        .filter(|c| !c.archived && is_lease_home(c))
        .map(|c| &c.id)
        .collect();
    events
        .iter()
        .filter(|e| !e.archived && e.title == RECORD_TITLE)
        .filter(|e| e.parent.as_ref().is_some_and(|p| homes.contains(&p)))
        .min_by(|a, b| (&a.created_at, &a.id).cmp(&(&b.created_at, &b.id)))
        .map(|e| {
            let read = Record::read(&e.description);
            RecordEvent {
                id: e.id.clone(),
                unread: read.as_ref().err().cloned(),
                record: read.unwrap_or_default(),
            }
        })
}

/// What saving the record after an apply did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Saved {
    /// The record already said the same (or there is nothing to say): nothing written.
    #[default]
    Unchanged,
    /// The record now holds these fields (kind, wire name).
    Recorded(Vec<(Kind, String)>),
    /// Nothing is recorded any more (a recheck found every field kept): the event is gone.
    Cleared,
    /// The record could not be brought up to date (why): the next plan compares the fields
    /// this apply found not kept again.
    Failed(String),
}

impl Saved {
    /// The status line for it, or `None` when nothing changed (a failure is a warning).
    #[must_use]
    pub fn line(&self) -> Option<String> {
        match self {
            Self::Unchanged | Self::Failed(_) => None,
            Self::Cleared => Some(
                "The workspace keeps every field rechecked: its record of fields not kept is \
                 removed."
                    .to_owned(),
            ),
            Self::Recorded(fields) => {
                let list: Vec<String> = fields
                    .iter()
                    .map(|(k, f)| format!("`{f}` on {}", k.plural()))
                    .collect();
                Some(format!(
                    "Recorded in the workspace that it does not keep {}: plans leave these out \
                     (--recheck-fields compares them again).",
                    list.join(", ")
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: &str = "2026-12-02T10:00:00Z";
    const T1: &str = "2026-12-02T11:00:00Z";

    #[test]
    fn a_record_round_trips_through_its_description_and_refuses_anything_else() {
        let r = Record::default().after_apply(&[(Kind::Property, "type")], &[], false, T0);
        assert_eq!(Record::parse(&r.description()), Some(r.clone()));
        assert_eq!(
            r.description(),
            "secoda-sync fields not kept, v2: property.type seen 2026-12-02T10:00:00Z. check \
             cfe372ed5e0db249"
        );
        let two = r.after_apply(&[(Kind::Event, "is_required")], &[], false, T1);
        assert_eq!(Record::parse(&two.description()), Some(two.clone()));
        let monitor = two.after_apply(&[(Kind::Monitor, "condition_manual_min")], &[], false, T1);
        assert!(monitor
            .description()
            .contains("; monitor.condition_manual_min seen 2026-12-02T11:00:00Z. check "));
        assert_eq!(Record::parse(&monitor.description()), Some(monitor));
        assert_eq!(Record::read("edited by hand"), Err(Unread::Foreign));
        let future = r.description().replace("v2:", "v3:");
        assert_eq!(Record::read(&future), Err(Unread::Version(3)));
        let v1 = "secoda-sync fields not kept, v1: property.type seen 2026-12-02T10:00:00Z";
        assert_eq!(Record::read(v1), Err(Unread::Version(1)));
    }

    #[test]
    fn a_record_edited_outside_secoda_sync_is_not_read() {
        let r = Record::default().after_apply(&[(Kind::Property, "type")], &[], false, T0);
        let edited = r
            .description()
            .replace("property.type", "event.description");
        assert_eq!(Record::read(&edited), Err(Unread::Edited));
        let added = r.description().replace(
            ". check",
            "; event.description seen 2026-12-02T10:00:00Z. check",
        );
        assert_eq!(Record::read(&added), Err(Unread::Edited));
        let unchecked = r.description();
        let unchecked = unchecked.split(". check").next().unwrap();
        assert_eq!(Record::read(unchecked), Err(Unread::Edited));
        assert!(Unread::Edited
            .to_string()
            .contains("changed outside secoda-sync"));
    }

    #[test]
    fn the_record_is_the_oldest_record_event_in_a_lease_category() {
        let r = |id: &str, title: &str, parent: &str, at: &str| Resource {
            id: Id::from(id),
            title: title.into(),
            parent: Some(Id::from(parent)),
            created_at: at.into(),
            description: Record::default()
                .after_apply(&[(Kind::Property, "type")], &[], false, at)
                .description(),
            ..Resource::default()
        };
        let cats = [
            r("home", crate::plan::reserved::LEASE_HOME_TITLE, "", T0),
            r("c", "Checkout", "", T0),
        ];
        assert_eq!(find(&cats, &[r("x", RECORD_TITLE, "c", T0)]), None);
        let found = find(
            &cats,
            &[
                r("b", RECORD_TITLE, "home", T1),
                r("a", RECORD_TITLE, "home", T0),
            ],
        )
        .unwrap();
        assert_eq!(found.id, Id::from("a"));
        assert_eq!(found.record.fields[0].seen, T0);
    }

    #[test]
    fn entries_grow_keep_their_first_time_and_shrink_only_on_a_recheck() {
        let r0 = Record::default().after_apply(&[(Kind::Property, "type")], &[], false, T0);
        let r1 = r0.after_apply(
            &[(Kind::Property, "type"), (Kind::Event, "pii")],
            &[],
            false,
            T1,
        );
        assert_eq!(r1.get(Kind::Property, "type").unwrap().seen, T0);
        assert_eq!(r1.get(Kind::Event, "pii").unwrap().seen, T1);
        assert!(!r1.same_fields(&r0));
        assert!(r1.same_fields(&r1.after_apply(&[(Kind::Event, "pii")], &[], false, T1)));
        // Kept by a create, but no recheck: stays.
        let kept = [(Kind::Property, "type")];
        assert!(r1.after_apply(&[], &kept, false, T1).same_fields(&r1));
        // A recheck drops what it proved kept and keeps what it did not test.
        let r2 = r1.after_apply(&[], &kept, true, T1);
        assert_eq!(r2.get(Kind::Property, "type"), None);
        assert!(r2.get(Kind::Event, "pii").is_some());
        // Kept on some answers, not on others: still not kept.
        let r3 = r1.after_apply(&[(Kind::Property, "type")], &kept, true, T1);
        assert!(r3.get(Kind::Property, "type").is_some());
    }
}
