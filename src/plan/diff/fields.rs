//! Field rules, in one place: how one managed field compares.
//!
//! - only managed (`Some`) fields are compared or written;
//! - id lists compare as sets and render as sorted arrays;
//! - a live `null` reads as the type's default (`""`, `false`, `[]`), so a field the server
//!   left empty matches a manifest that manages it as empty;
//! - `definition` (markdown): trailing newlines on the live side are ignored when the manifest's
//!   text has none (YAML `|-`, CSV cells and plain scalars cannot carry one), and compared
//!   exactly when it has one (YAML `|` keeps exactly one, and then the server should too).

use super::readable::readable;
use super::scope::with_owner_tag;
use super::Differ;
use crate::api::{self, Id};
use crate::manifest::TrackingFields;
use crate::plan::desired::{Fields, IdSet};
use crate::plan::FieldChange;
use serde_json::{json, Value};

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
    /// What the live object's answer lacked: those fields are not compared (`readable`).
    absent: api::Absent,
    pub(super) out: Vec<FieldChange>,
    /// Managed fields left uncompared because the live object cannot show them.
    pub(super) unreadable: Vec<String>,
}

impl FieldDiff {
    pub(super) fn new(create: bool) -> Self {
        Self {
            create,
            absent: api::Absent::default(),
            out: Vec::new(),
            unreadable: Vec::new(),
        }
    }

    /// Compares against `live`, skipping the fields its answer did not carry.
    pub(super) fn reading(mut self, live: Option<&api::Resource>) -> Self {
        if let Some(l) = live {
            self.absent = l.absent.clone();
        }
        self
    }

    pub(super) fn push(&mut self, name: &str, before: Value, after: Value, equal: bool) {
        if !self.create && !readable(&self.absent, name) {
            self.unreadable.push(name.to_owned());
            return;
        }
        if self.create {
            self.out.push(FieldChange {
                name: name.to_owned(),
                before: Value::Null,
                after,
            });
        } else if !equal {
            self.out.push(FieldChange {
                name: name.to_owned(),
                before,
                after,
            });
        }
    }

    pub(super) fn string(&mut self, name: &str, desired: Option<&String>, live: Option<&str>) {
        self.text(name, desired, live, |d, l| d == l);
    }

    /// Markdown compares by [`definition_matches`].
    fn markdown(&mut self, name: &str, desired: Option<&String>, live: Option<&str>) {
        self.text(name, desired, live, definition_matches);
    }

    fn text(
        &mut self,
        name: &str,
        desired: Option<&String>,
        live: Option<&str>,
        same: fn(&str, &str) -> bool,
    ) {
        if let Some(d) = desired {
            let l = live.unwrap_or_default();
            self.push(name, json!(l), json!(d), same(d, l));
        }
    }

    pub(super) fn bool(&mut self, name: &str, desired: Option<bool>, live: Option<bool>) {
        if let Some(d) = desired {
            let l = live.unwrap_or_default();
            self.push(name, json!(l), json!(d), d == l);
        }
    }

    pub(super) fn ids(&mut self, name: &str, desired: Option<&IdSet>, live: Option<&[Id]>) {
        if let Some(d) = desired {
            let l: IdSet = live.unwrap_or_default().iter().cloned().collect();
            self.push(name, ids_json(&l), ids_json(d), *d == l);
        }
    }
}

fn ids_json(ids: &IdSet) -> Value {
    Value::Array(ids.iter().map(|i| Value::String(i.0.clone())).collect())
}

impl Differ<'_> {
    pub(super) fn resource_fields(
        &self,
        f: &Fields,
        live: Option<&api::Resource>,
        out: &mut FieldDiff,
    ) {
        let create = live.is_none();
        out.string(
            "description",
            f.description.as_ref(),
            live.map(|l| l.description.as_str()),
        );
        out.markdown(
            "definition",
            f.definition.as_ref(),
            live.map(|l| l.definition.as_str()),
        );
        out.bool("pii", f.pii, live.map(|l| l.pii));
        out.bool("verified", f.verified, live.map(|l| l.verified));
        out.bool("published", f.published, live.map(|l| l.published));
        out.ids(
            "owners",
            f.owners.as_ref(),
            live.map(|l| l.owners.as_slice()),
        );
        out.ids("teams", f.teams.as_ref(), live.map(|l| l.teams.as_slice()));
        let tags = with_owner_tag(f.tags.as_ref(), self.opts.owner_tag.as_ref(), create);
        out.ids("tags", tags.as_ref(), live.map(|l| l.tags.as_slice()));
        out.ids(
            "collections",
            f.collections.as_ref(),
            live.map(|l| l.collections.as_slice()),
        );
        out.ids(
            "subscribers",
            f.subscribers.as_ref(),
            live.map(|l| l.subscribers.as_slice()),
        );
    }
}

pub(super) fn tracking_fields(
    t: &TrackingFields,
    live: Option<&api::Resource>,
    out: &mut FieldDiff,
) {
    out.string(
        "type",
        t.property_type.as_ref(),
        live.map(|l| l.property_type.as_deref().unwrap_or_default()),
    );
    out.bool(
        "is_required",
        t.is_required,
        live.map(|l| l.is_required.unwrap_or_default()),
    );
    out.bool(
        "is_array_type",
        t.is_array_type,
        live.map(|l| l.is_array_type.unwrap_or_default()),
    );
    out.string(
        "enum_values",
        t.enum_values.as_ref(),
        live.map(|l| l.enum_values.as_deref().unwrap_or_default()),
    );
    out.string(
        "regex",
        t.regex.as_ref(),
        live.map(|l| l.regex.as_deref().unwrap_or_default()),
    );
}
