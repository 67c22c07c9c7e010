//! The managed fields of the wire structs, one per row of the field table
//! ([`crate::fields`]): their access by wire name ([`Resource::field`] / [`Resource::set_field`],
//! [`ResourceWrite::field`] / [`ResourceWrite::set_field`]) and, over it, the read-back comparison
//! ([`ResourceWrite::dropped_in`]), so the diff, export, the read-back check and tests walk the
//! table over live resources without naming each field. The tests below tie both structs to
//! the table.
//!
//! A resource-group row is a plain value on [`super::Resource`] whose `null` reads as the default
//! (`null_default`); a tracking row is an `Option` whose `null` stays `None` (unknown, so not
//! compared as a default). Every row is an `Option` on the write body, sent only when `Some`.

use super::{Id, Resource, ResourceWrite};
use crate::fields::FIELDS;

/// One field of a [`super::Resource`] by its wire name, borrowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WireRef<'a> {
    /// Text or markdown.
    Text(&'a str),
    /// A boolean.
    Bool(bool),
    /// An id list.
    Ids(&'a [Id]),
}

impl WireRef<'_> {
    /// Whether this value (an answer's) is `sent` (a write body's); id lists compare as sets.
    fn holds(self, sent: WireRef<'_>) -> bool {
        fn ids(v: &[Id]) -> Vec<&Id> {
            let mut v: Vec<&Id> = v.iter().collect();
            v.sort();
            v.dedup();
            v
        }
        match (self, sent) {
            (Self::Ids(a), WireRef::Ids(b)) => ids(a) == ids(b),
            (a, b) => a == b,
        }
    }
}

/// A wire value read and written through [`WireRef`].
trait WireValue {
    /// The value as a [`WireRef`]; `None` for an optional field the server sent as `null`.
    fn wire(&self) -> Option<WireRef<'_>>;
    /// Sets it from `v`; `false` (and unchanged) when `v` is of another kind.
    fn set_wire(&mut self, v: WireRef<'_>) -> bool;
}

impl WireValue for String {
    fn wire(&self) -> Option<WireRef<'_>> {
        Some(WireRef::Text(self))
    }
    fn set_wire(&mut self, v: WireRef<'_>) -> bool {
        match v {
            WireRef::Text(s) => s.clone_into(self),
            _ => return false,
        }
        true
    }
}

impl WireValue for bool {
    fn wire(&self) -> Option<WireRef<'_>> {
        Some(WireRef::Bool(*self))
    }
    fn set_wire(&mut self, v: WireRef<'_>) -> bool {
        match v {
            WireRef::Bool(b) => *self = b,
            _ => return false,
        }
        true
    }
}

impl WireValue for Vec<Id> {
    fn wire(&self) -> Option<WireRef<'_>> {
        Some(WireRef::Ids(self))
    }
    fn set_wire(&mut self, v: WireRef<'_>) -> bool {
        match v {
            WireRef::Ids(ids) => ids.clone_into(self),
            _ => return false,
        }
        true
    }
}

impl<T: WireValue + Default> WireValue for Option<T> {
    fn wire(&self) -> Option<WireRef<'_>> {
        self.as_ref()?.wire()
    }
    fn set_wire(&mut self, v: WireRef<'_>) -> bool {
        let mut value = T::default();
        let ok = value.set_wire(v);
        if ok {
            *self = Some(value);
        }
        ok
    }
}

impl Resource {
    /// The managed field named `name` (its wire name); `None` when the server sent
    /// `null` for an optional field or `name` is not a managed field.
    #[must_use]
    pub fn field(&self, name: &str) -> Option<WireRef<'_>> {
        match name {
            "description" => self.description.wire(),
            "definition" => self.definition.wire(),
            "pii" => self.pii.wire(),
            "verified" => self.verified.wire(),
            "published" => self.published.wire(),
            "owners" => self.owners.wire(),
            "teams" => self.teams.wire(),
            "tags" => self.tags.wire(),
            "collections" => self.collections.wire(),
            "subscribers" => self.subscribers.wire(),
            "type" => self.property_type.wire(),
            "is_required" => self.is_required.wire(),
            "is_array_type" => self.is_array_type.wire(),
            "enum_values" => self.enum_values.wire(),
            "regex" => self.regex.wire(),
            _ => None,
        }
    }

    /// Sets the managed field named `name` (its wire name) to `v`; `false` when `name`
    /// is not a managed field or `v` is of another kind.
    pub fn set_field(&mut self, name: &str, v: WireRef<'_>) -> bool {
        match name {
            "description" => self.description.set_wire(v),
            "definition" => self.definition.set_wire(v),
            "pii" => self.pii.set_wire(v),
            "verified" => self.verified.set_wire(v),
            "published" => self.published.set_wire(v),
            "owners" => self.owners.set_wire(v),
            "teams" => self.teams.set_wire(v),
            "tags" => self.tags.set_wire(v),
            "collections" => self.collections.set_wire(v),
            "subscribers" => self.subscribers.set_wire(v),
            "type" => self.property_type.set_wire(v),
            "is_required" => self.is_required.set_wire(v),
            "is_array_type" => self.is_array_type.set_wire(v),
            "enum_values" => self.enum_values.set_wire(v),
            "regex" => self.regex.set_wire(v),
            _ => false,
        }
    }
}

impl ResourceWrite {
    /// The managed field named `name` (its wire name); `None` when this body does not send
    /// it or `name` is not a managed field.
    #[must_use]
    pub fn field(&self, name: &str) -> Option<WireRef<'_>> {
        match name {
            "description" => self.description.wire(),
            "definition" => self.definition.wire(),
            "pii" => self.pii.wire(),
            "verified" => self.verified.wire(),
            "published" => self.published.wire(),
            "owners" => self.owners.wire(),
            "teams" => self.teams.wire(),
            "tags" => self.tags.wire(),
            "collections" => self.collections.wire(),
            "subscribers" => self.subscribers.wire(),
            "type" => self.property_type.wire(),
            "is_required" => self.is_required.wire(),
            "is_array_type" => self.is_array_type.wire(),
            "enum_values" => self.enum_values.wire(),
            "regex" => self.regex.wire(),
            _ => None,
        }
    }

    /// Sets the managed field named `name` (its wire name) to `v`, so this body sends it;
    /// `false` (and unchanged) when `name` is not a managed field or `v` is of another kind.
    pub fn set_field(&mut self, name: &str, v: WireRef<'_>) -> bool {
        match name {
            "description" => self.description.set_wire(v),
            "definition" => self.definition.set_wire(v),
            "pii" => self.pii.set_wire(v),
            "verified" => self.verified.set_wire(v),
            "published" => self.published.set_wire(v),
            "owners" => self.owners.set_wire(v),
            "teams" => self.teams.set_wire(v),
            "tags" => self.tags.set_wire(v),
            "collections" => self.collections.set_wire(v),
            "subscribers" => self.subscribers.set_wire(v),
            "type" => self.property_type.set_wire(v),
            "is_required" => self.is_required.set_wire(v),
            "is_array_type" => self.is_array_type.set_wire(v),
            "enum_values" => self.enum_values.set_wire(v),
            "regex" => self.regex.set_wire(v),
            _ => false,
        }
    }

    /// The fields this body sent that `back` (the server's answer to it) does not hold
    /// as sent: what the server accepted but did not keep. Id lists compare as sets.
    #[must_use]
    pub fn dropped_in(&self, back: &Resource) -> Vec<&'static str> {
        FIELDS
            .iter()
            .map(|f| f.name)
            .filter(|name| {
                self.field(name)
                    .is_some_and(|sent| !back.field(name).is_some_and(|v| v.holds(sent)))
            })
            .collect()
    }

    /// The managed fields this body carries (wire names, in table order).
    #[must_use]
    pub fn sent(&self) -> Vec<&'static str> {
        FIELDS
            .iter()
            .map(|f| f.name)
            .filter(|name| self.field(name).is_some())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::WireRef;
    use crate::api::{Id, Resource, ResourceWrite};
    use crate::fields::{FieldKind, FieldSpec, FIELDS};
    use serde_json::{json, Value};

    #[test]
    fn every_row_is_a_wire_field_that_reads_back_what_was_set() {
        let ids = [Id::from("a")];
        for spec in FIELDS {
            let mut r = Resource::default();
            let v = match spec.kind {
                crate::fields::FieldKind::Text | crate::fields::FieldKind::Markdown => {
                    WireRef::Text("x")
                }
                crate::fields::FieldKind::Bool => WireRef::Bool(true),
                crate::fields::FieldKind::Names(_) => WireRef::Ids(&ids),
            };
            assert!(r.set_field(spec.name, v), "`{}`", spec.name);
            assert_eq!(r.field(spec.name), Some(v), "`{}`", spec.name);
            let json = serde_json::to_value(&r).unwrap();
            assert!(json.get(spec.name).is_some(), "`{}` on the wire", spec.name);
            let other = match v {
                WireRef::Text(_) => WireRef::Bool(false),
                _ => WireRef::Text("y"),
            };
            assert!(
                !r.set_field(spec.name, other),
                "`{}` takes its kind only",
                spec.name
            );
            assert_eq!(r.field(spec.name), Some(v), "`{}` unchanged", spec.name);
        }
        assert!(!Resource::default().set_field("title", WireRef::Text("t")));
        assert!(!ResourceWrite::default().set_field("title", WireRef::Text("t")));
    }

    /// A value of `spec`'s kind other than the default, as a [`WireRef`] and as JSON.
    fn sample<'a>(spec: &FieldSpec, ids: &'a [Id]) -> (WireRef<'a>, Value) {
        match spec.kind {
            FieldKind::Text | FieldKind::Markdown => (WireRef::Text("x"), json!("x")),
            FieldKind::Bool => (WireRef::Bool(true), json!(true)),
            FieldKind::Names(_) => (WireRef::Ids(ids), json!(ids)),
        }
    }

    #[test]
    fn resource_holds_its_own_fields_then_every_row_in_table_order() {
        let own = [
            "id",
            "created_at",
            "updated_at",
            "entity_type",
            "native_type",
            "title",
            "title_full",
            "owners_groups",
            "parent",
            "integration",
            "archived",
            "stale",
            "total_usage",
            "internal_usage",
            "external_usage",
        ];
        let json = serde_json::to_value(Resource::default()).unwrap();
        let keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let rows: Vec<&str> = FIELDS.iter().map(|f| f.name).collect();
        for row in &rows {
            assert!(
                keys.contains(row),
                "FIELDS row `{row}` is not a field of `Resource`: add it to `Resource` in \
                 src/api/types.rs and to its `field`/`set_field` in src/api/field.rs"
            );
        }
        for key in &keys {
            assert!(
                own.contains(key) || rows.contains(key),
                "`Resource` in src/api/types.rs has `{key}`, which is no FIELDS row \
                 (src/fields.rs) and not one of its own fields here"
            );
        }
        assert_eq!(
            keys,
            [&own[..], &rows].concat(),
            "`Resource` in src/api/types.rs: its own fields, then one per FIELDS row in the \
             order of src/fields.rs"
        );
    }

    #[test]
    fn every_row_is_a_field_of_resource_write_and_every_field_a_row() {
        let ids = [Id::from("a")];
        let mut all = json!({"title": "t", "parent": "p", "integration": "i"});
        for spec in FIELDS {
            let (v, value) = sample(spec, &ids);
            let place = "add it to `ResourceWrite` in src/api/types.rs and to its `field` in \
                         src/api/field.rs";
            let body: ResourceWrite = serde_json::from_value(json!({ spec.name: value })).unwrap();
            assert_eq!(
                body.field(spec.name),
                Some(v),
                "FIELDS row `{}` does not read back: {place}",
                spec.name
            );
            let mut set = ResourceWrite::default();
            assert!(
                set.set_field(spec.name, v),
                "FIELDS row `{}` cannot be set: add it to `ResourceWrite::set_field` in \
                 src/api/field.rs",
                spec.name
            );
            assert_eq!(set, body, "`{}` set is the body read", spec.name);
            let other = match v {
                WireRef::Text(_) => WireRef::Bool(false),
                _ => WireRef::Text("y"),
            };
            assert!(
                !set.set_field(spec.name, other),
                "`{}` takes its kind only",
                spec.name
            );
            assert_eq!(set, body, "`{}` unchanged", spec.name);
            assert_eq!(body.sent(), [spec.name], "`{}`: {place}", spec.name);
            let back = serde_json::to_value(&body).unwrap();
            assert_eq!(
                back,
                json!({ spec.name: value }),
                "`{}` on the wire",
                spec.name
            );
            let mut kept = Resource::default();
            assert!(kept.set_field(spec.name, v), "`{}`", spec.name);
            assert!(body.dropped_in(&kept).is_empty(), "`{}` kept", spec.name);
            assert_eq!(
                body.dropped_in(&Resource::default()),
                [spec.name],
                "`{}` dropped",
                spec.name
            );
            all[spec.name] = value;
        }
        let all: ResourceWrite = serde_json::from_value(all).unwrap();
        let debug = format!("{all:?}");
        assert!(
            !debug.contains("None"),
            "`ResourceWrite` in src/api/types.rs has a field no FIELDS row (src/fields.rs) \
             names: {debug}"
        );
        let json = serde_json::to_value(&all).unwrap();
        let keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let rows: Vec<&str> = FIELDS.iter().map(|f| f.name).collect();
        assert_eq!(
            keys,
            [&["title", "parent", "integration"][..], &rows].concat(),
            "`ResourceWrite` in src/api/types.rs: its managed fields in table order"
        );
    }
}
