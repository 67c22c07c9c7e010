//! The manifest side of the managed-field table ([`crate::fields`]): the model structs
//! ([`FieldSet`], [`TrackingFields`], and [`CategoryFieldSet`] from the rows with
//! `category: true`) the rows expand into, and the values they hold.
//!
//! The readers, the CSV columns, the writers, the documents (and so the JSON Schemas), the
//! defaults, name resolution, the diff and export all expand or walk the same rows; the table's
//! own items are re-exported here so they are found where the model is.

pub(crate) use crate::fields::{
    category, group, kinds, spec, FieldKind, FieldSpec, Group, NameKind, FIELDS,
};
pub(crate) use crate::fields::{category_filter, category_rows, field_rows};
use std::collections::BTreeSet;

/// The Rust type of a value of kind `$kind`, with `$set` for lists of names.
macro_rules! value_type {
    (Text, $set:ty) => {
        String
    };
    (Markdown, $set:ty) => {
        String
    };
    (Bool, $set:ty) => {
        bool
    };
    ($names:ident, $set:ty) => {
        $set
    };
}

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

/// Tracking fields hold no names, so their types are spelled out where `derive` can see them.
macro_rules! tracking_type {
    (Text) => {
        String
    };
    (Bool) => {
        bool
    };
}

macro_rules! define {
    (
        resource { $( ($r:ident, $rn:literal, $rk:ident, $rd:literal,
            category: $rc:literal, aliases: [$($ra:literal),*], stored: $rs:literal,
            returned: $rr:literal) )* }
        tracking { $( ($t:ident, $tn:literal, $tk:ident, $td:literal,
            category: $tc:literal, aliases: [$($ta:literal),*], stored: $ts:literal,
            returned: $tr:literal) )* }
    ) => {
        /// The fields events and properties share; every one is optional (= unmanaged when
        /// `None`). `S` is the set type: names as written ([`crate::manifest::ResourceFields`])
        /// or ids once resolved (`plan::desired::Fields`).
        pub struct FieldSet<S> {
            $(#[doc = $rd] pub $r: Option<value_type!($rk, S)>,)*
        }

        // By hand: `derive` cannot see through `value_type!`.
        impl<S: Clone> Clone for FieldSet<S> {
            fn clone(&self) -> Self {
                Self { $($r: self.$r.clone(),)* }
            }
        }

        impl<S: PartialEq> PartialEq for FieldSet<S> {
            fn eq(&self, other: &Self) -> bool {
                true $(&& self.$r == other.$r)*
            }
        }

        impl<S: Eq> Eq for FieldSet<S> {}

        impl<S: std::fmt::Debug> std::fmt::Debug for FieldSet<S> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct("FieldSet")$(.field(stringify!($r), &self.$r))*.finish()
            }
        }

        impl<S> Default for FieldSet<S> {
            fn default() -> Self {
                Self { $($r: None,)* }
            }
        }

        impl<S: Value<S> + Clone> FieldSet<S> {
            /// The value of the field named `name` (`None` when unmanaged or not one of these).
            #[must_use]
            pub fn get(&self, name: &str) -> Option<FieldRef<'_, S>> {
                match name {
                    $($rn => self.$r.as_ref().map(Value::as_ref),)*
                    _ => None,
                }
            }

            /// Sets the field named `name` (`None` = unmanaged); a value of the wrong kind or
            /// an unknown name leaves the field unmanaged.
            pub fn set(&mut self, name: &str, v: Option<FieldValue<S>>) {
                match name {
                    $($rn => self.$r = v.and_then(Value::from_value),)*
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
            $(#[doc = $td] pub $t: Option<tracking_type!($tk)>,)*
        }

        impl TrackingFields {
            /// The value of the field named `name` (`None` when unmanaged or not one of these).
            #[must_use]
            pub fn get<S>(&self, name: &str) -> Option<FieldRef<'_, S>> {
                match name {
                    $($tn => self.$t.as_ref().map(Value::<S>::as_ref),)*
                    _ => None,
                }
            }

            /// Sets the field named `name` (`None` = unmanaged).
            pub fn set<S>(&mut self, name: &str, v: Option<FieldValue<S>>) {
                match name {
                    $($tn => self.$t = v.and_then(Value::<S>::from_value),)*
                    _ => {}
                }
            }
        }
    };
}

field_rows!(define);

macro_rules! define_category {
    (category { $( ($c:ident, $cn:literal, $ck:ident, $cd:literal, $($ca:tt)*) )* }) => {
        /// The fields categories carry (the table's rows with `category: true`); `None` =
        /// unmanaged. `S` is the set type: names as written ([`crate::manifest::CategoryFields`])
        /// or ids once resolved (`plan::desired::CategoryIdFields`). Categories have no PATCH,
        /// so the diff reports a difference here instead of fixing it.
        pub struct CategoryFieldSet<S> {
            $(#[doc = $cd] pub $c: Option<value_type!($ck, S)>,)*
        }

        // By hand, as for `FieldSet`: `derive` cannot see through `value_type!`.
        impl<S: Clone> Clone for CategoryFieldSet<S> {
            fn clone(&self) -> Self {
                Self { $($c: self.$c.clone(),)* }
            }
        }

        impl<S: PartialEq> PartialEq for CategoryFieldSet<S> {
            fn eq(&self, other: &Self) -> bool {
                true $(&& self.$c == other.$c)*
            }
        }

        impl<S: Eq> Eq for CategoryFieldSet<S> {}

        impl<S: std::fmt::Debug> std::fmt::Debug for CategoryFieldSet<S> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct("CategoryFieldSet")$(.field(stringify!($c), &self.$c))*.finish()
            }
        }

        impl<S> Default for CategoryFieldSet<S> {
            fn default() -> Self {
                Self { $($c: None,)* }
            }
        }

        impl<S: Value<S> + Clone> CategoryFieldSet<S> {
            /// The value of the field named `name` (`None` when unmanaged or not one of these).
            #[must_use]
            pub fn get(&self, name: &str) -> Option<FieldRef<'_, S>> {
                match name {
                    $($cn => self.$c.as_ref().map(Value::as_ref),)*
                    _ => None,
                }
            }

            /// Sets the field named `name` (`None` = unmanaged); a value of the wrong kind or
            /// an unknown name leaves the field unmanaged.
            pub fn set(&mut self, name: &str, v: Option<FieldValue<S>>) {
                match name {
                    $($cn => self.$c = v.and_then(Value::from_value),)*
                    _ => {}
                }
            }

            /// Whether any field is managed.
            #[must_use]
            pub fn any(&self) -> bool {
                false $(|| self.$c.is_some())*
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
                    out.set(spec.name, map_value(self.get(spec.name), spec.kind, |n, s| f(spec.name, n, s))?);
                }
                Ok(out)
            }
        }
    };
}

category_rows!(define_category);

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
    use super::{FieldKind, FieldSpec, FieldValue, Group, FIELDS};
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
                properties: vec![Property {
                    title: "p".into(),
                    fields,
                    tracking,
                    protect: false,
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
            integration: Some(IntegrationRef::Name("Segment".into())),
            categories: vec![category],
            monitors: Vec::new(),
        }
    }

    fn reload(format: InputFormat, text: &str) -> ManifestSet {
        let loaded = load_sources(
            vec![SourceFile {
                name: "x".into(),
                format,
                bytes: text.as_bytes().to_vec(),
            }],
            &LoadOptions::default(),
        );
        let errors: Vec<_> = loaded.diagnostics.iter().filter(|d| d.is_error()).collect();
        assert!(errors.is_empty(), "{errors:#?}\n{text}");
        loaded.set
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
