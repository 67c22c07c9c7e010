//! The managed fields of a [`Resource`] by wire name, so the diff, export and tests can walk
//! `manifest::fields`' table over live resources without naming each field.

use super::{Id, Resource};

/// One field of a [`Resource`] by its wire name, borrowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WireRef<'a> {
    /// Text or markdown.
    Text(&'a str),
    /// A boolean.
    Bool(bool),
    /// An id list.
    Ids(&'a [Id]),
}

impl Resource {
    /// The managed field named `name` (its wire name); `None` when the server sent `null` for
    /// an optional field or `name` is not a managed field.
    #[must_use]
    pub fn field(&self, name: &str) -> Option<WireRef<'_>> {
        use WireRef::{Bool, Ids, Text};
        Some(match name {
            "description" => Text(&self.description),
            "definition" => Text(&self.definition),
            "pii" => Bool(self.pii),
            "verified" => Bool(self.verified),
            "published" => Bool(self.published),
            "owners" => Ids(&self.owners),
            "teams" => Ids(&self.teams),
            "tags" => Ids(&self.tags),
            "collections" => Ids(&self.collections),
            "subscribers" => Ids(&self.subscribers),
            "type" => Text(self.property_type.as_deref()?),
            "is_required" => Bool(self.is_required?),
            "is_array_type" => Bool(self.is_array_type?),
            "enum_values" => Text(self.enum_values.as_deref()?),
            "regex" => Text(self.regex.as_deref()?),
            _ => return None,
        })
    }

    /// Sets the managed field named `name` (its wire name) to `v`; `false` when `name` is not
    /// a managed field or `v` is of another kind.
    pub fn set_field(&mut self, name: &str, v: WireRef<'_>) -> bool {
        use WireRef::{Bool, Ids, Text};
        match (name, v) {
            ("description", Text(s)) => s.clone_into(&mut self.description),
            ("definition", Text(s)) => s.clone_into(&mut self.definition),
            ("pii", Bool(b)) => self.pii = b,
            ("verified", Bool(b)) => self.verified = b,
            ("published", Bool(b)) => self.published = b,
            ("owners", Ids(v)) => v.clone_into(&mut self.owners),
            ("teams", Ids(v)) => v.clone_into(&mut self.teams),
            ("tags", Ids(v)) => v.clone_into(&mut self.tags),
            ("collections", Ids(v)) => v.clone_into(&mut self.collections),
            ("subscribers", Ids(v)) => v.clone_into(&mut self.subscribers),
            ("type", Text(s)) => self.property_type = Some(s.to_owned()),
            ("is_required", Bool(b)) => self.is_required = Some(b),
            ("is_array_type", Bool(b)) => self.is_array_type = Some(b),
            ("enum_values", Text(s)) => self.enum_values = Some(s.to_owned()),
            ("regex", Text(s)) => self.regex = Some(s.to_owned()),
            _ => return false,
        }
        true
    }
}
