//! The managed-field table: every field a manifest sets, the API carries and the diff compares,
//! written down once, in the ground layer so that both `manifest` and `api` read it.
//!
//! [`FIELDS`] is plain data, one [`FieldSpec`] per field. Name resolution, the diff, export and
//! the readers walk it (and [`category()`], the rows categories carry too). The structs that
//! hold the fields are hand-written, each beside its own code, and each has a test that walks
//! the table and names the row and the struct to edit when they disagree:
//! `manifest::fields` ([`FieldSet`](crate::manifest::fields::FieldSet),
//! [`TrackingFields`](crate::manifest::TrackingFields),
//! [`CategoryFieldSet`](crate::manifest::fields::CategoryFieldSet)), `manifest::document` (the
//! documents, and so the JSON Schemas), the name lists of `manifest::fragment` and
//! `manifest::csv`, and `api` (the managed fields of [`Resource`](crate::api::Resource) and
//! [`ResourceWrite`](crate::api::ResourceWrite)).
//!
//! `name` is the key in every manifest format, the CSV column and the API's wire name (they
//! agree today); `category` says whether categories carry it too; `aliases` are extra CSV
//! headers that mean this column; `stored` / `returned` say whether the sandbox keeps it and
//! whether the server's answers hold it (a field not returned is write-only for the diff).
//!
//! It imports nothing: the table is plain data.

/// What a list of names names, and so what it resolves against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    /// Users, by email, name or id.
    Users,
    /// Teams, by name or id.
    Teams,
    /// Tags, by name or id.
    Tags,
    /// Collections, by title or id.
    Collections,
}

/// The kind of value a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// Plain text, compared exactly.
    Text,
    /// Markdown, compared by `plan::diff::definition_matches`.
    Markdown,
    /// A boolean.
    Bool,
    /// A set of names (ids once resolved).
    Names(NameKind),
}

/// Which struct a field lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// Events and properties (`manifest::FieldSet`, the wire structs' plain fields).
    Resource,
    /// Properties only (`manifest::TrackingFields`, the wire structs' optional fields).
    Tracking,
}

/// What a change of a field does to the tracking plan's contract with the code that sends and
/// reads events (`plan::class` turns it into a change's class).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Contract {
    /// Documentation: what it means, nothing a sender or a reader relies on.
    Documentation,
    /// Who answers for it.
    Ownership,
    /// The data type: any change breaks a sender or a reader.
    Type,
    /// Whether senders must send it: made required breaks senders, made optional does not.
    Required,
    /// Whether it holds an array: any change breaks.
    Array,
    /// The allowed values: one removed (or a list set where there was none) breaks, values
    /// added (or the list cleared) do not.
    EnumValues,
    /// The pattern values must match: added or changed breaks, removed does not.
    Regex,
}

/// One row of the field table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    /// The key in manifests, the CSV column and the wire name.
    pub name: &'static str,
    /// The kind of value.
    pub kind: FieldKind,
    /// Which struct holds it.
    pub group: Group,
    /// Categories carry it too.
    pub category: bool,
    /// Extra CSV headers meaning this column.
    pub aliases: &'static [&'static str],
    /// The sandbox keeps it.
    pub stored: bool,
    /// The server's answers hold it; when not, the diff treats it as write-only.
    pub returned: bool,
    /// What a change of it does to the contract (its class in a plan).
    pub contract: Contract,
    /// What it holds, in a sentence: the doc comment of its field in every struct that holds
    /// it (after a prefix on the wire structs), and so its `description` in the JSON Schemas.
    pub doc: &'static str,
}

/// The table: resource fields in order, then tracking fields.
pub(crate) const FIELDS: &[FieldSpec] = &[
    FieldSpec {
        name: "description",
        kind: FieldKind::Text,
        group: Group::Resource,
        category: true,
        aliases: &[],
        stored: true,
        returned: true,
        contract: Contract::Documentation,
        doc: "Short description.",
    },
    FieldSpec {
        name: "definition",
        kind: FieldKind::Markdown,
        group: Group::Resource,
        category: false,
        aliases: &[],
        stored: true,
        returned: true,
        contract: Contract::Documentation,
        doc: "Long markdown documentation.",
    },
    FieldSpec {
        name: "pii",
        kind: FieldKind::Bool,
        group: Group::Resource,
        category: false,
        aliases: &[],
        stored: true,
        returned: true,
        contract: Contract::Documentation,
        doc: "Holds personal data.",
    },
    FieldSpec {
        name: "verified",
        kind: FieldKind::Bool,
        group: Group::Resource,
        category: false,
        aliases: &[],
        stored: true,
        returned: true,
        contract: Contract::Documentation,
        doc: "Verified by an owner.",
    },
    FieldSpec {
        name: "published",
        kind: FieldKind::Bool,
        group: Group::Resource,
        category: false,
        aliases: &[],
        stored: true,
        returned: true,
        contract: Contract::Documentation,
        doc: "Visible to workspace viewers.",
    },
    FieldSpec {
        name: "owners",
        kind: FieldKind::Names(NameKind::Users),
        group: Group::Resource,
        category: false,
        aliases: &[],
        stored: true,
        returned: true,
        contract: Contract::Ownership,
        doc: "Users by email, display name or id.",
    },
    FieldSpec {
        name: "teams",
        kind: FieldKind::Names(NameKind::Teams),
        group: Group::Resource,
        category: true,
        aliases: &[],
        stored: true,
        returned: true,
        contract: Contract::Ownership,
        doc: "Teams by name or id.",
    },
    FieldSpec {
        name: "tags",
        kind: FieldKind::Names(NameKind::Tags),
        group: Group::Resource,
        category: false,
        aliases: &[],
        stored: true,
        returned: true,
        contract: Contract::Documentation,
        doc: "Tags by name or id.",
    },
    FieldSpec {
        name: "collections",
        kind: FieldKind::Names(NameKind::Collections),
        group: Group::Resource,
        category: false,
        aliases: &[],
        stored: true,
        returned: true,
        contract: Contract::Documentation,
        doc: "Collections by title or id.",
    },
    FieldSpec {
        name: "subscribers",
        kind: FieldKind::Names(NameKind::Users),
        group: Group::Resource,
        category: false,
        aliases: &[],
        stored: true,
        returned: true,
        contract: Contract::Ownership,
        doc: "Users by email, display name or id.",
    },
    FieldSpec {
        name: "type",
        kind: FieldKind::Text,
        group: Group::Tracking,
        category: false,
        aliases: &[],
        stored: true,
        returned: true,
        contract: Contract::Type,
        doc: "Data type (`string`, `number`, `boolean`, ...).",
    },
    FieldSpec {
        name: "is_required",
        kind: FieldKind::Bool,
        group: Group::Tracking,
        category: false,
        aliases: &[],
        stored: true,
        returned: true,
        contract: Contract::Required,
        doc: "Must be sent with the event.",
    },
    FieldSpec {
        name: "is_array_type",
        kind: FieldKind::Bool,
        group: Group::Tracking,
        category: false,
        aliases: &[],
        stored: true,
        returned: true,
        contract: Contract::Array,
        doc: "Holds an array.",
    },
    FieldSpec {
        name: "enum_values",
        kind: FieldKind::Text,
        group: Group::Tracking,
        category: false,
        aliases: &[],
        stored: true,
        returned: true,
        contract: Contract::EnumValues,
        doc: "Allowed values as one string (e.g. `\"card,paypal\"`).",
    },
    FieldSpec {
        name: "regex",
        kind: FieldKind::Text,
        group: Group::Tracking,
        category: false,
        aliases: &[],
        stored: true,
        returned: true,
        contract: Contract::Regex,
        doc: "Pattern values must match.",
    },
];

/// The rows of one group, in order.
pub(crate) fn group(g: Group) -> impl Iterator<Item = &'static FieldSpec> {
    FIELDS.iter().filter(move |s| s.group == g)
}

/// The rows categories carry too (`category: true`), in order.
pub(crate) fn category() -> impl Iterator<Item = &'static FieldSpec> {
    FIELDS.iter().filter(|s| s.category)
}

/// The row named `name`.
#[must_use]
pub(crate) fn spec(name: &str) -> Option<&'static FieldSpec> {
    FIELDS.iter().find(|s| s.name == name)
}

#[cfg(test)]
mod tests {
    use super::{group, spec, Group, FIELDS};

    #[test]
    fn names_are_unique_and_groups_keep_table_order() {
        for (i, s) in FIELDS.iter().enumerate() {
            assert_eq!(spec(s.name), Some(&FIELDS[i]), "`{}` twice", s.name);
        }
        let resource: Vec<_> = group(Group::Resource).collect();
        let tracking: Vec<_> = group(Group::Tracking).collect();
        assert_eq!(resource.len() + tracking.len(), FIELDS.len());
        assert!(FIELDS[..resource.len()]
            .iter()
            .all(|s| s.group == Group::Resource));
    }
}
