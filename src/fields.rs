//! The managed-field table: every field a manifest sets, the API carries and the diff compares,
//! written down once, in the ground layer so that both `manifest` and `api` expand it.
//!
//! `field_rows!` holds the rows. `manifest::fields` expands them into the model structs, the
//! documents (and so the JSON Schemas), the readers, the CSV columns and the writers; `api`
//! expands them into the wire structs' managed fields (`Resource`, `ResourceWrite`), their
//! access by wire name and the list of writable fields whose presence an answer records.
//! `category_rows!` hands on only the rows categories carry (`category: true`), which
//! `manifest` expands into the category's fields. Name resolution, the diff and export walk
//! [`FIELDS`] (and [`category()`]). A row is
//! `(ident, "name", FieldKind, "doc", category: bool, aliases: [..], stored: bool, returned: bool)`:
//! `name` is the key in every manifest format, the CSV column and the API's wire name (they
//! agree today); `category` says whether categories carry it too; `aliases` are extra CSV
//! headers that mean this column; `stored` / `returned` say whether the sandbox keeps it and
//! whether the server's answers hold it (a field not returned is write-only for the diff).
//!
//! Nothing here names a type of another module: the table is plain data and macros.

/// Hands the rows to `$cb`: any tokens given after its name (e.g. a hand-written struct the
/// callback completes), then `resource { rows }` (events and properties), then
/// `tracking { rows }` (properties only).
macro_rules! field_rows {
    ($cb:ident $($extra:tt)*) => {
        $cb! {
            $($extra)*
            resource {
                (description, "description", Text, "Short description.",
                    category: true, aliases: [], stored: true, returned: true)
                (definition, "definition", Markdown, "Long markdown documentation.",
                    category: false, aliases: [], stored: true, returned: true)
                (pii, "pii", Bool, "Holds personal data.",
                    category: false, aliases: [], stored: true, returned: true)
                (verified, "verified", Bool, "Verified by an owner.",
                    category: false, aliases: [], stored: true, returned: true)
                (published, "published", Bool, "Visible to workspace viewers.",
                    category: false, aliases: [], stored: true, returned: true)
                (owners, "owners", Users, "Users by email, display name or id.",
                    category: false, aliases: [], stored: true, returned: true)
                (teams, "teams", Teams, "Teams by name or id.",
                    category: true, aliases: [], stored: true, returned: true)
                (tags, "tags", Tags, "Tags by name or id.",
                    category: false, aliases: [], stored: true, returned: true)
                (collections, "collections", Collections, "Collections by title or id.",
                    category: false, aliases: [], stored: true, returned: true)
                (subscribers, "subscribers", Users, "Users by email, display name or id.",
                    category: false, aliases: [], stored: true, returned: true)
            }
            tracking {
                (property_type, "type", Text, "Data type (`string`, `number`, `boolean`, ...).",
                    category: false, aliases: [], stored: true, returned: true)
                (is_required, "is_required", Bool, "Must be sent with the event.",
                    category: false, aliases: [], stored: true, returned: true)
                (is_array_type, "is_array_type", Bool, "Holds an array.",
                    category: false, aliases: [], stored: true, returned: true)
                (enum_values, "enum_values", Text,
                    "Allowed values as one string (e.g. `\"card,paypal\"`).",
                    category: false, aliases: [], stored: true, returned: true)
                (regex, "regex", Text, "Pattern values must match.",
                    category: false, aliases: [], stored: true, returned: true)
            }
        }
    };
}
pub(crate) use field_rows;

/// Hands the rows with `category: true` (categories carry them too) to `$cb`, in table order:
/// any tokens given after its name, then `category { rows }`. The caller imports
/// `category_filter` too (`macro_rules!` resolves it where `category_rows!` is written).
macro_rules! category_rows {
    ($cb:ident $($extra:tt)*) => {
        field_rows! { category_filter $cb [$($extra)*] }
    };
}
pub(crate) use category_rows;

/// The filter behind [`category_rows!`]: walks every row, keeping the category ones.
macro_rules! category_filter {
    ($cb:ident [$($extra:tt)*] resource { $($r:tt)* } tracking { $($t:tt)* }) => {
        category_filter! { @keep $cb [$($extra)*] [] $($r)* $($t)* }
    };
    (@keep $cb:ident [$($extra:tt)*] [$($kept:tt)*]
        ($f:ident, $n:literal, $k:ident, $d:literal, category: true, $($rest:tt)*) $($more:tt)*) => {
        category_filter! { @keep $cb [$($extra)*]
            [$($kept)* ($f, $n, $k, $d, category: true, $($rest)*)] $($more)* }
    };
    (@keep $cb:ident [$($extra:tt)*] [$($kept:tt)*]
        ($f:ident, $n:literal, $k:ident, $d:literal, category: false, $($rest:tt)*) $($more:tt)*) => {
        category_filter! { @keep $cb [$($extra)*] [$($kept)*] $($more)* }
    };
    (@keep $cb:ident [$($extra:tt)*] [$($kept:tt)*]) => {
        $cb! { $($extra)* category { $($kept)* } }
    };
}
pub(crate) use category_filter;

/// One marker type per kind, so other modules can map a row's kind to a type with a trait
/// (`derive` cannot see through a type macro).
pub(crate) mod kinds {
    /// Plain text.
    #[derive(Debug)]
    pub struct Text;
    /// Markdown.
    #[derive(Debug)]
    pub struct Markdown;
    /// A boolean.
    #[derive(Debug)]
    pub struct Bool;
    /// User names.
    #[derive(Debug)]
    pub struct Users;
    /// Team names.
    #[derive(Debug)]
    pub struct Teams;
    /// Tag names.
    #[derive(Debug)]
    pub struct Tags;
    /// Collection titles.
    #[derive(Debug)]
    pub struct Collections;
}

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
pub(crate) enum FieldKind {
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
pub(crate) enum Group {
    /// Events and properties (`manifest::FieldSet`, the wire structs' plain fields).
    Resource,
    /// Properties only (`manifest::TrackingFields`, the wire structs' optional fields).
    Tracking,
}

/// One row of the field table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FieldSpec {
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
}

macro_rules! kind_of {
    (Text) => {
        FieldKind::Text
    };
    (Markdown) => {
        FieldKind::Markdown
    };
    (Bool) => {
        FieldKind::Bool
    };
    ($names:ident) => {
        FieldKind::Names(NameKind::$names)
    };
}

macro_rules! spec_table {
    (
        resource { $( ($r:ident, $rn:literal, $rk:ident, $rd:literal,
            category: $rc:literal, aliases: [$($ra:literal),*], stored: $rs:literal,
            returned: $rr:literal) )* }
        tracking { $( ($t:ident, $tn:literal, $tk:ident, $td:literal,
            category: $tc:literal, aliases: [$($ta:literal),*], stored: $ts:literal,
            returned: $tr:literal) )* }
    ) => {
        /// The table: resource fields in order, then tracking fields.
        pub(crate) const FIELDS: &[FieldSpec] = &[
            $(FieldSpec { name: $rn, kind: kind_of!($rk), group: Group::Resource, category: $rc,
                aliases: &[$($ra),*], stored: $rs, returned: $rr },)*
            $(FieldSpec { name: $tn, kind: kind_of!($tk), group: Group::Tracking, category: $tc,
                aliases: &[$($ta),*], stored: $ts, returned: $tr },)*
        ];
    };
}

field_rows!(spec_table);

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
