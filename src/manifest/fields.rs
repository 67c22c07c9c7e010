//! The manifest side of the managed-field table ([`crate::fields`]): the model structs, one
//! field per row ([`FieldSet`] for the resource rows, [`TrackingFields`] for the tracking rows,
//! [`CategoryFieldSet`] for the rows with `category: true`), and the values they hold.
//!
//! The readers, the CSV columns, the writers, the documents (and so the JSON Schemas), the
//! defaults, name resolution, the diff and export all walk the same rows through `get`/`set`;
//! the table's own items are re-exported here so they are found where the model is. The tests
//! below tie the structs to the table.

pub(crate) use crate::fields::{
    category, group, spec, FieldKind, FieldSpec, Group, NameKind, FIELDS,
};
use crate::manifest::NameSet;
use std::collections::BTreeSet;

/// A field's value, borrowed; `S` is the set type (names in the manifest, ids once resolved).
#[derive(Debug, PartialEq, Eq)]
pub enum FieldRef<'a, S> {
    /// Text or markdown.
    Text(&'a String),
    /// A boolean.
    Bool(bool),
    /// A set of names or ids.
    Names(&'a S),
}

/// A field's value, owned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldValue<S> {
    /// Text or markdown.
    Text(String),
    /// A boolean.
    Bool(bool),
    /// A set of names or ids.
    Names(S),
}

// By hand: a borrow is `Copy` whatever `S` is.
impl<S> Clone for FieldRef<'_, S> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<S> Copy for FieldRef<'_, S> {}

impl<S: Clone> FieldRef<'_, S> {
    /// An owned copy.
    #[must_use]
    pub fn to_owned_value(self) -> FieldValue<S> {
        match self {
            Self::Text(s) => FieldValue::Text(s.clone()),
            Self::Bool(b) => FieldValue::Bool(b),
            Self::Names(s) => FieldValue::Names(s.clone()),
        }
    }
}

/// Turns one typed value into a [`FieldRef`] and back; implemented for the three value types.
pub trait Value<S>: Sized {
    /// Borrows it.
    fn as_ref(&self) -> FieldRef<'_, S>;
    /// Takes it back; `None` when the value is of another kind (a bug in the caller).
    fn from_value(v: FieldValue<S>) -> Option<Self>;
}

impl<S> Value<S> for String {
    fn as_ref(&self) -> FieldRef<'_, S> {
        FieldRef::Text(self)
    }
    fn from_value(v: FieldValue<S>) -> Option<Self> {
        match v {
            FieldValue::Text(s) => Some(s),
            _ => None,
        }
    }
}

impl<S> Value<S> for bool {
    fn as_ref(&self) -> FieldRef<'_, S> {
        FieldRef::Bool(*self)
    }
    fn from_value(v: FieldValue<S>) -> Option<Self> {
        match v {
            FieldValue::Bool(b) => Some(b),
            _ => None,
        }
    }
}

impl Value<NameSet> for NameSet {
    fn as_ref(&self) -> FieldRef<'_, Self> {
        FieldRef::Names(self)
    }
    fn from_value(v: FieldValue<Self>) -> Option<Self> {
        match v {
            FieldValue::Names(s) => Some(s),
            _ => None,
        }
    }
}

impl<T> Value<BTreeSet<T>> for BTreeSet<T> {
    fn as_ref(&self) -> FieldRef<'_, Self> {
        FieldRef::Names(self)
    }
    fn from_value(v: FieldValue<Self>) -> Option<Self> {
        match v {
            FieldValue::Names(s) => Some(s),
            _ => None,
        }
    }
}

/// The fields events and properties share; every one is optional (= unmanaged when
/// `None`). `S` is the set type: names as written ([`crate::manifest::ResourceFields`])
/// or ids once resolved (`plan::desired::Fields`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldSet<S> {
    /// Short description.
    pub description: Option<String>,
    /// Long markdown documentation.
    pub definition: Option<String>,
    /// Holds personal data.
    pub pii: Option<bool>,
    /// Verified by an owner.
    pub verified: Option<bool>,
    /// Visible to workspace viewers.
    pub published: Option<bool>,
    /// Users by email, display name or id.
    pub owners: Option<S>,
    /// Teams by name or id.
    pub teams: Option<S>,
    /// Tags by name or id.
    pub tags: Option<S>,
    /// Collections by title or id.
    pub collections: Option<S>,
    /// Users by email, display name or id.
    pub subscribers: Option<S>,
}

// By hand: `derive` would ask for `S: Default`.
impl<S> Default for FieldSet<S> {
    fn default() -> Self {
        Self {
            description: None,
            definition: None,
            pii: None,
            verified: None,
            published: None,
            owners: None,
            teams: None,
            tags: None,
            collections: None,
            subscribers: None,
        }
    }
}

impl<S: Value<S> + Clone> FieldSet<S> {
    /// The value of the field named `name` (`None` when unmanaged or not one of these).
    #[must_use]
    pub fn get(&self, name: &str) -> Option<FieldRef<'_, S>> {
        match name {
            "description" => self.description.as_ref().map(Value::as_ref),
            "definition" => self.definition.as_ref().map(Value::as_ref),
            "pii" => self.pii.as_ref().map(Value::as_ref),
            "verified" => self.verified.as_ref().map(Value::as_ref),
            "published" => self.published.as_ref().map(Value::as_ref),
            "owners" => self.owners.as_ref().map(Value::as_ref),
            "teams" => self.teams.as_ref().map(Value::as_ref),
            "tags" => self.tags.as_ref().map(Value::as_ref),
            "collections" => self.collections.as_ref().map(Value::as_ref),
            "subscribers" => self.subscribers.as_ref().map(Value::as_ref),
            _ => None,
        }
    }

    /// Sets the field named `name` (`None` = unmanaged); a value of the wrong kind or
    /// an unknown name leaves the field unmanaged.
    pub fn set(&mut self, name: &str, v: Option<FieldValue<S>>) {
        match name {
            "description" => self.description = v.and_then(Value::from_value),
            "definition" => self.definition = v.and_then(Value::from_value),
            "pii" => self.pii = v.and_then(Value::from_value),
            "verified" => self.verified = v.and_then(Value::from_value),
            "published" => self.published = v.and_then(Value::from_value),
            "owners" => self.owners = v.and_then(Value::from_value),
            "teams" => self.teams = v.and_then(Value::from_value),
            "tags" => self.tags = v.and_then(Value::from_value),
            "collections" => self.collections = v.and_then(Value::from_value),
            "subscribers" => self.subscribers = v.and_then(Value::from_value),
            _ => {}
        }
    }

    /// The same fields with every set mapped through `f` (names to ids, ids to names).
    pub fn map_sets<T, E>(
        &self,
        mut f: impl FnMut(&'static str, NameKind, &S) -> Result<Option<T>, E>,
    ) -> Result<FieldSet<T>, E>
    where
        T: Value<T> + Clone,
    {
        let mut out = FieldSet::<T>::default();
        for spec in group(Group::Resource) {
            let v = map_value(self.get(spec.name), spec.kind, |n, s| f(spec.name, n, s))?;
            out.set(spec.name, v);
        }
        Ok(out)
    }
}

/// Tracking-plan fields only properties carry (Secoda's generated models: `type`,
/// `is_required`, ...).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrackingFields {
    /// Data type (`string`, `number`, `boolean`, ...).
    pub property_type: Option<String>,
    /// Must be sent with the event.
    pub is_required: Option<bool>,
    /// Holds an array.
    pub is_array_type: Option<bool>,
    /// Allowed values as one string (e.g. `"card,paypal"`).
    pub enum_values: Option<String>,
    /// Pattern values must match.
    pub regex: Option<String>,
}

impl TrackingFields {
    /// The value of the field named `name` (`None` when unmanaged or not one of these).
    #[must_use]
    pub fn get<S>(&self, name: &str) -> Option<FieldRef<'_, S>> {
        match name {
            "type" => self.property_type.as_ref().map(Value::<S>::as_ref),
            "is_required" => self.is_required.as_ref().map(Value::<S>::as_ref),
            "is_array_type" => self.is_array_type.as_ref().map(Value::<S>::as_ref),
            "enum_values" => self.enum_values.as_ref().map(Value::<S>::as_ref),
            "regex" => self.regex.as_ref().map(Value::<S>::as_ref),
            _ => None,
        }
    }

    /// Sets the field named `name` (`None` = unmanaged).
    pub fn set<S>(&mut self, name: &str, v: Option<FieldValue<S>>) {
        match name {
            "type" => self.property_type = v.and_then(Value::<S>::from_value),
            "is_required" => self.is_required = v.and_then(Value::<S>::from_value),
            "is_array_type" => self.is_array_type = v.and_then(Value::<S>::from_value),
            "enum_values" => self.enum_values = v.and_then(Value::<S>::from_value),
            "regex" => self.regex = v.and_then(Value::<S>::from_value),
            _ => {}
        }
    }
}

/// The fields categories carry (the table's rows with `category: true`); `None` =
/// unmanaged. `S` is the set type: names as written ([`crate::manifest::CategoryFields`])
/// or ids once resolved (`plan::desired::CategoryIdFields`). Categories have no PATCH,
/// so the diff reports a difference here instead of fixing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryFieldSet<S> {
    /// Short description.
    pub description: Option<String>,
    /// Teams by name or id.
    pub teams: Option<S>,
}

// By hand, as for `FieldSet`: `derive` would ask for `S: Default`.
impl<S> Default for CategoryFieldSet<S> {
    fn default() -> Self {
        Self {
            description: None,
            teams: None,
        }
    }
}

impl<S: Value<S> + Clone> CategoryFieldSet<S> {
    /// The value of the field named `name` (`None` when unmanaged or not one of these).
    #[must_use]
    pub fn get(&self, name: &str) -> Option<FieldRef<'_, S>> {
        match name {
            "description" => self.description.as_ref().map(Value::as_ref),
            "teams" => self.teams.as_ref().map(Value::as_ref),
            _ => None,
        }
    }

    /// Sets the field named `name` (`None` = unmanaged); a value of the wrong kind or
    /// an unknown name leaves the field unmanaged.
    pub fn set(&mut self, name: &str, v: Option<FieldValue<S>>) {
        match name {
            "description" => self.description = v.and_then(Value::from_value),
            "teams" => self.teams = v.and_then(Value::from_value),
            _ => {}
        }
    }

    /// Whether any field is managed.
    #[must_use]
    pub fn any(&self) -> bool {
        let Self { description, teams } = self;
        description.is_some() || teams.is_some()
    }

    /// The same fields with every set mapped through `f` (names to ids, ids to names).
    pub fn map_sets<T, E>(
        &self,
        mut f: impl FnMut(&'static str, NameKind, &S) -> Result<Option<T>, E>,
    ) -> Result<CategoryFieldSet<T>, E>
    where
        T: Value<T> + Clone,
    {
        let mut out = CategoryFieldSet::<T>::default();
        for spec in category() {
            let v = map_value(self.get(spec.name), spec.kind, |n, s| f(spec.name, n, s))?;
            out.set(spec.name, v);
        }
        Ok(out)
    }
}

/// One value of `map_sets`: a set goes through `f`, anything else is copied.
fn map_value<S: Clone, T, E>(
    v: Option<FieldRef<'_, S>>,
    kind: FieldKind,
    f: impl FnOnce(NameKind, &S) -> Result<Option<T>, E>,
) -> Result<Option<FieldValue<T>>, E> {
    Ok(match (v, kind) {
        (None, _)
        | (Some(FieldRef::Names(_)), FieldKind::Text | FieldKind::Markdown | FieldKind::Bool) => {
            None
        }
        (Some(FieldRef::Names(s)), FieldKind::Names(n)) => f(n, s)?.map(FieldValue::Names),
        (Some(FieldRef::Text(s)), _) => Some(FieldValue::Text(s.clone())),
        (Some(FieldRef::Bool(b)), _) => Some(FieldValue::Bool(b)),
    })
}

#[cfg(test)]
mod tests {
    use super::{FieldKind, FieldRef, FieldSpec, FieldValue, Group, FIELDS};
    use crate::manifest::write::{to_csv, to_yaml};
    use crate::manifest::{
        load_sources, Category, CategoryFields, Event, InputFormat, IntegrationRef, LoadOptions,
        ManifestSet, NameSet, Origin, Property, ResourceFields, SourceFile, TrackingFields,
    };
    use std::sync::Arc;

    /// A set whose property (and event, and category where the row says so) manages `spec`
    /// only, with a value other than the kind's default.
    fn managing(spec: &FieldSpec) -> ManifestSet {
        let origin = Origin {
            file: Arc::from("x"),
            line: 1,
            column: 1,
        };
        let names: NameSet = ["alice@acme.test".to_owned(), "growth".to_owned()].into();
        let value = || match spec.kind {
            FieldKind::Text => FieldValue::Text(format!("some {}", spec.name)),
            FieldKind::Markdown => FieldValue::Text("## Heading\n\nBody, with a comma".into()),
            FieldKind::Bool => FieldValue::Bool(true),
            FieldKind::Names(_) => FieldValue::Names(names.clone()),
        };
        let (mut fields, mut tracking) = (ResourceFields::default(), TrackingFields::default());
        match spec.group {
            Group::Resource => fields.set(spec.name, Some(value())),
            Group::Tracking => tracking.set(spec.name, Some(value())),
        }
        let mut category = Category {
            title: "C".into(),
            fields: CategoryFields::default(),
            protect: false,
            events: vec![Event {
                title: "E".into(),
                fields: fields.clone(),
                protect: false,
                renamed_from: Vec::new(),
                properties: vec![Property {
                    title: "p".into(),
                    fields,
                    tracking,
                    protect: false,
                    renamed_from: Vec::new(),
                    origin: origin.clone(),
                }],
                origin: origin.clone(),
            }],
            origin,
        };
        if spec.category {
            category.fields.set(spec.name, Some(value()));
            assert!(category.fields.get(spec.name).is_some(), "{}", spec.name);
        }
        ManifestSet {
            vendor_files: Vec::new(),
            integration: Some(IntegrationRef::Name("Segment".into())),
            categories: vec![category],
            monitors: Vec::new(),
            tags: Vec::new(),
        }
    }

    fn reload(format: InputFormat, text: &str) -> ManifestSet {
        let loaded = load_sources(
            vec![SourceFile::read("x", format, text.as_bytes().to_vec())],
            &LoadOptions::default(),
        );
        let errors: Vec<_> = loaded.diagnostics.iter().filter(|d| d.is_error()).collect();
        assert!(errors.is_empty(), "{errors:#?}\n{text}");
        loaded.set
    }

    /// A value of `spec`'s kind, other than the kind's default.
    fn sample(spec: &FieldSpec) -> FieldValue<NameSet> {
        match spec.kind {
            FieldKind::Text | FieldKind::Markdown => {
                FieldValue::Text(format!("some {}", spec.name))
            }
            FieldKind::Bool => FieldValue::Bool(true),
            FieldKind::Names(_) => FieldValue::Names(["growth".to_owned()].into()),
        }
    }

    #[test]
    fn every_row_is_a_field_of_its_model_struct_and_every_field_a_row() {
        let mut fields = ResourceFields::default();
        let mut tracking = TrackingFields::default();
        let mut category = CategoryFields::default();
        for spec in FIELDS {
            let value = sample(spec);
            let (held, place) = match spec.group {
                Group::Resource => {
                    fields.set(spec.name, Some(value.clone()));
                    (fields.get(spec.name), "`FieldSet` and its `get`/`set`")
                }
                Group::Tracking => {
                    tracking.set(spec.name, Some(value.clone()));
                    (
                        tracking.get(spec.name),
                        "`TrackingFields` and its `get`/`set`",
                    )
                }
            };
            assert_eq!(
                held.map(FieldRef::to_owned_value),
                Some(value.clone()),
                "FIELDS row `{}` does not read back: add it to {place} in src/manifest/fields.rs",
                spec.name
            );
            let mut alone = CategoryFields::default();
            alone.set(spec.name, Some(value.clone()));
            category.set(spec.name, Some(value.clone()));
            if spec.category {
                assert_eq!(
                    alone.get(spec.name).map(FieldRef::to_owned_value),
                    Some(value),
                    "FIELDS row `{}` (`category: true`) does not read back: add it to \
                     `CategoryFieldSet` and its `get`/`set` in src/manifest/fields.rs",
                    spec.name
                );
                assert!(
                    alone.any(),
                    "`CategoryFieldSet::any` misses `{}`",
                    spec.name
                );
            } else {
                assert_eq!(
                    alone,
                    CategoryFields::default(),
                    "`CategoryFieldSet` takes `{}`, a row with `category: false` in src/fields.rs",
                    spec.name
                );
            }
        }
        assert!(!CategoryFields::default().any());
        // Every row set: a field still `None` is one no row names.
        for (place, debug) in [
            ("FieldSet", format!("{fields:?}")),
            ("TrackingFields", format!("{tracking:?}")),
            ("CategoryFieldSet", format!("{category:?}")),
        ] {
            assert!(
                !debug.contains("None"),
                "`{place}` in src/manifest/fields.rs has a field no FIELDS row sets: add its \
                 row to FIELDS in src/fields.rs, or its arm to `set`: {debug}"
            );
        }
    }

    #[test]
    fn every_field_round_trips_yaml_and_csv_through_the_model() {
        for spec in FIELDS {
            let set = managing(spec);
            let yaml = to_yaml(&set, None).unwrap();
            assert!(yaml.contains(&format!("{}:", spec.name)), "{yaml}");
            let back = reload(InputFormat::Yaml, &yaml);
            assert_eq!(back.canonical(), set.canonical(), "yaml, {}", spec.name);
            assert_eq!(to_yaml(&back, None).unwrap(), yaml, "yaml, {}", spec.name);

            let csv = to_csv(&set).unwrap();
            let back = reload(InputFormat::Csv, &csv);
            assert_eq!(back.canonical(), set.canonical(), "csv, {}", spec.name);
            assert_eq!(to_csv(&back).unwrap(), csv, "csv, {}", spec.name);
        }
    }
}
