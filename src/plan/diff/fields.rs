//! Field rules, in one place: how one managed field compares.
//!
//! - only managed (`Some`) fields are compared or written;
//! - id lists compare as sets and render as sorted arrays;
//! - a live `null` reads as the type's default (`""`, `false`, `[]`), so a field the server
//!   left empty matches a manifest that manages it as empty;
//! - `definition` (markdown): trailing newlines on the live side are ignored when the manifest's
//!   text has none (YAML `|-`, CSV cells and plain scalars cannot carry one), and compared
//!   exactly when it has one (YAML `|` keeps exactly one, and then the server should too).

use super::scope::with_owner_tag;
use super::Differ;
use crate::api::{self, Id, WireRef};
use crate::manifest::fields::{self, FieldKind, FieldRef, FieldSpec, Group};
use crate::manifest::TrackingFields;
use crate::plan::desired::{CategoryIdFields, Fields, IdSet};
use crate::plan::fidelity::Record;
use crate::plan::{FieldChange, FieldName, Kind, PlanValue};

/// Whether `markdown` as written in a manifest matches the live text (see the module docs).
#[must_use]
pub fn definition_matches(desired: &str, live: &str) -> bool {
    if desired.ends_with('\n') {
        desired == live
    } else {
        desired == live.trim_end_matches(['\n', '\r'])
    }
}

/// Collects field changes: every managed field for a create, the differing ones for an update.
pub(super) struct FieldDiff {
    create: bool,
    /// What the live object's answer lacked: those fields are not compared (not readable).
    absent: api::Absent,
    pub(super) out: Vec<FieldChange>,
    /// Managed fields left uncompared because the live object cannot show them.
    pub(super) unreadable: Vec<String>,
    /// Fields the workspace's record says it does not keep on this kind (`fidelity::record`).
    not_kept: Vec<String>,
    /// Recorded fields whose change was held back (they differ, but a write would not hold).
    pub(super) held: Vec<String>,
}

impl FieldDiff {
    pub(super) fn new(create: bool) -> Self {
        Self {
            create,
            absent: api::Absent::default(),
            out: Vec::new(),
            unreadable: Vec::new(),
            not_kept: Vec::new(),
            held: Vec::new(),
        }
    }

    /// Leaves the fields `record` says are not kept on `kind` uncompared (creates still send
    /// them: a create is written anyway).
    pub(super) fn recorded(mut self, record: &Record, kind: Kind) -> Self {
        self.not_kept = record
            .fields
            .iter()
            .filter(|f| f.kind == kind)
            .map(|f| f.field.clone())
            .collect();
        self
    }

    /// Compares against `live`, skipping the fields its answer did not carry.
    pub(super) fn reading(mut self, live: Option<&api::Resource>) -> Self {
        if let Some(l) = live {
            self.absent = l.absent.clone();
        }
        self
    }

    /// Records field `name` as the diff needs it; `before` and `after` are only built for
    /// a field that goes into the plan (most compared fields are equal, and building their
    /// values would copy every live text and id list for nothing).
    pub(super) fn push(
        &mut self,
        name: impl Into<FieldName>,
        before: impl FnOnce() -> PlanValue,
        after: impl FnOnce() -> PlanValue,
        equal: bool,
    ) {
        let name = name.into();
        if !self.create && self.absent.contains(name.as_str()) {
            self.unreadable.push(name.to_string());
            return;
        }
        if !self.create && self.not_kept.iter().any(|n| n == name.as_str()) {
            if !equal {
                self.held.push(name.to_string());
            }
            return;
        }
        if self.create {
            self.out
                .push(FieldChange::new(name, PlanValue::Null, after()));
        } else if !equal {
            self.out.push(FieldChange::new(name, before(), after()));
        }
    }

    pub(super) fn string(
        &mut self,
        name: impl Into<FieldName>,
        desired: Option<&String>,
        live: Option<&str>,
    ) {
        self.text(name.into(), desired, live, |d, l| d == l);
    }

    /// Markdown compares by [`definition_matches`].
    fn markdown(&mut self, name: FieldName, desired: Option<&String>, live: Option<&str>) {
        self.text(name, desired, live, definition_matches);
    }

    fn text(
        &mut self,
        name: FieldName,
        desired: Option<&String>,
        live: Option<&str>,
        same: fn(&str, &str) -> bool,
    ) {
        if let Some(d) = desired {
            let l = live.unwrap_or_default();
            let equal = same(d, l);
            self.push(
                name,
                || PlanValue::Text(l.to_owned()),
                || PlanValue::Text(d.clone()),
                equal,
            );
        }
    }

    pub(super) fn bool(
        &mut self,
        name: impl Into<FieldName>,
        desired: Option<bool>,
        live: Option<bool>,
    ) {
        if let Some(d) = desired {
            let l = live.unwrap_or_default();
            self.push(name, || PlanValue::Bool(l), || PlanValue::Bool(d), d == l);
        }
    }

    fn ids(&mut self, name: FieldName, desired: Option<&IdSet>, live: Option<&[Id]>) {
        if let Some(d) = desired {
            let l = live.unwrap_or_default();
            let before = || {
                let l: IdSet = l.iter().cloned().collect();
                ids_value(&l)
            };
            self.push(name, before, || ids_value(d), same_set(d, l));
        }
    }
}

/// An id set as the plan carries it: a sorted list.
fn ids_value(ids: &IdSet) -> PlanValue {
    PlanValue::Ids(ids.iter().cloned().collect())
}

/// Whether the live list `live` holds the same ids as `desired`, in any order and with any
/// repeats, without copying it into a set: both inclusions are checked, the second by a scan
/// of `live` for each desired id, which is cheapest for the short lists owners and tags are.
fn same_set(desired: &IdSet, live: &[Id]) -> bool {
    // Past a few dozen ids a scan per desired id costs more than a set.
    const SCAN: usize = 32;
    if live.len() > SCAN {
        return live.iter().cloned().collect::<IdSet>() == *desired;
    }
    live.iter().all(|id| desired.contains(id)) && desired.iter().all(|id| live.contains(id))
}

impl Differ<'_> {
    pub(super) fn resource_fields(
        &self,
        f: &Fields,
        live: Option<&api::Resource>,
        out: &mut FieldDiff,
    ) {
        let create = live.is_none();
        for spec in fields::group(Group::Resource) {
            // The owner tag rides along with the tags a create writes.
            let tags = (spec.name == "tags")
                .then(|| with_owner_tag(f.tags.as_ref(), self.opts.owner_tag.as_ref(), create));
            let desired = match &tags {
                Some(t) => t.as_ref().map(FieldRef::Names),
                None => f.get(spec.name),
            };
            out.field(spec, desired, live);
        }
    }
}

/// A category's rows of the table (the caller turns a difference into an `unsupported`).
pub(super) fn category_fields(
    c: &CategoryIdFields,
    live: Option<&api::Resource>,
    out: &mut FieldDiff,
) {
    for spec in fields::category() {
        out.field(spec, c.get(spec.name), live);
    }
}

pub(super) fn tracking_fields(
    t: &TrackingFields,
    live: Option<&api::Resource>,
    out: &mut FieldDiff,
) {
    for spec in fields::group(Group::Tracking) {
        out.field(spec, t.get(spec.name), live);
    }
}

impl FieldDiff {
    /// One row of the field table: compared by its kind, a live `null` read as the default;
    /// a field the server does not return is only written, by creates.
    fn field(
        &mut self,
        spec: &'static FieldSpec,
        desired: Option<FieldRef<'_, IdSet>>,
        live: Option<&api::Resource>,
    ) {
        if !spec.returned && live.is_some() {
            return;
        }
        let value = live.map(|l| l.field(spec.name));
        match desired {
            None => {}
            Some(FieldRef::Text(d)) => {
                let l = value.map(|v| match v {
                    Some(WireRef::Text(s)) => s,
                    _ => "",
                });
                if spec.kind == FieldKind::Markdown {
                    self.markdown(spec.into(), Some(d), l);
                } else {
                    self.string(spec, Some(d), l);
                }
            }
            Some(FieldRef::Bool(d)) => {
                let l = value.map(|v| matches!(v, Some(WireRef::Bool(true))));
                self.bool(spec, Some(d), l);
            }
            Some(FieldRef::Names(d)) => {
                let l = value.map(|v| match v {
                    Some(WireRef::Ids(ids)) => ids,
                    _ => &[],
                });
                self.ids(spec.into(), Some(d), l);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_lists_compare_as_sets_in_any_order_with_repeats() {
        let set = |ids: &[&str]| ids.iter().map(|i| Id::from(*i)).collect::<IdSet>();
        let list = |ids: &[&str]| ids.iter().map(|i| Id::from(*i)).collect::<Vec<_>>();
        let d = set(&["a", "b"]);
        assert!(same_set(&d, &list(&["b", "a"])));
        assert!(same_set(&d, &list(&["a", "b", "a"])));
        assert!(!same_set(&d, &list(&["a"])));
        assert!(!same_set(&d, &list(&["a", "b", "c"])));
        assert!(!same_set(&d, &list(&["a", "a"])));
        assert!(same_set(&set(&[]), &[]));
        let many: Vec<String> = (0..40).map(|n| format!("id{n}")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        assert!(same_set(&set(&many), &list(&many)));
        assert!(!same_set(&set(&many[1..]), &list(&many)));
    }
}
