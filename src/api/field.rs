//! The managed fields of the wire structs, from the field table ([`crate::fields`]): the
//! callbacks that complete the hand-written [`super::Resource`] and [`super::ResourceWrite`] with one
//! field per row, and their access by wire name, so the diff, export, the read-back check and
//! tests walk the table over live resources without naming each field.
//!
//! A resource-group row is a plain value on [`super::Resource`] whose `null` reads as the default
//! (`null_default`); a tracking row is an `Option` whose `null` stays `None` (unknown, so not
//! compared as a default). Every row is an `Option` on the write body, sent only when `Some`.

use super::Id;
use crate::fields::kinds;

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

/// The wire type of a field kind (a real type, as `derive` needs, not a macro).
pub trait WireKind {
    /// The value as the API carries it.
    type T;
}

impl WireKind for kinds::Text {
    type T = String;
}
impl WireKind for kinds::Markdown {
    type T = String;
}
impl WireKind for kinds::Bool {
    type T = bool;
}
impl WireKind for kinds::Users {
    type T = Vec<Id>;
}
impl WireKind for kinds::Teams {
    type T = Vec<Id>;
}
impl WireKind for kinds::Tags {
    type T = Vec<Id>;
}
impl WireKind for kinds::Collections {
    type T = Vec<Id>;
}

/// A wire value read and written through [`WireRef`], and compared with what was sent.
pub(crate) trait WireValue {
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

/// Whether an answer's value holds what a write body sent (`S`, the body's type).
pub(crate) trait Keeps<S> {
    /// `true` when this (the answer's value) is `sent`; id lists compare as sets.
    fn keeps(&self, sent: &S) -> bool;
}

impl Keeps<String> for String {
    fn keeps(&self, sent: &String) -> bool {
        self == sent
    }
}

impl Keeps<bool> for bool {
    fn keeps(&self, sent: &bool) -> bool {
        self == sent
    }
}

impl Keeps<Vec<Id>> for Vec<Id> {
    fn keeps(&self, sent: &Vec<Id>) -> bool {
        fn ids(v: &[Id]) -> Vec<&Id> {
            let mut v: Vec<&Id> = v.iter().collect();
            v.sort();
            v.dedup();
            v
        }
        ids(self) == ids(sent)
    }
}

impl<S, T: Keeps<S>> Keeps<S> for Option<T> {
    fn keeps(&self, sent: &S) -> bool {
        self.as_ref().is_some_and(|v| v.keeps(sent))
    }
}

/// `field_rows! { wire_resource <the hand-written struct> }`: the struct with one field per
/// row appended (wire name via `rename`), plus `field` / `set_field` by wire name.
macro_rules! wire_resource {
    (
        $(#[$meta:meta])* pub struct $name:ident { $($hand:tt)* }
        resource { $(($r:ident, $rn:literal, $rk:ident, $rd:literal, $($ra:tt)*))* }
        tracking { $(($t:ident, $tn:literal, $tk:ident, $td:literal, $($ta:tt)*))* }
    ) => {
        $(#[$meta])*
        pub struct $name {
            $($hand)*
            $(
                #[doc = concat!("`", $rn, "` (managed; `null` reads as empty): ", $rd)]
                #[serde(rename = $rn, deserialize_with = "null_default")]
                pub $r: <$crate::fields::kinds::$rk as $crate::api::WireKind>::T,
            )*
            $(
                #[doc = concat!("`", $tn, "` (managed, tracking plan; `null` stays unknown): ", $td)]
                #[serde(rename = $tn)]
                pub $t: Option<<$crate::fields::kinds::$tk as $crate::api::WireKind>::T>,
            )*
        }

        impl $name {
            /// The managed field named `name` (its wire name); `None` when the server sent
            /// `null` for an optional field or `name` is not a managed field.
            #[must_use]
            pub fn field(&self, name: &str) -> Option<$crate::api::WireRef<'_>> {
                use $crate::api::field::WireValue as _;
                match name {
                    $($rn => self.$r.wire(),)*
                    $($tn => self.$t.wire(),)*
                    _ => None,
                }
            }

            /// Sets the managed field named `name` (its wire name) to `v`; `false` when `name`
            /// is not a managed field or `v` is of another kind.
            pub fn set_field(&mut self, name: &str, v: $crate::api::WireRef<'_>) -> bool {
                use $crate::api::field::WireValue as _;
                match name {
                    $($rn => self.$r.set_wire(v),)*
                    $($tn => self.$t.set_wire(v),)*
                    _ => false,
                }
            }
        }
    };
}
pub(super) use wire_resource;

/// `field_rows! { wire_write <the hand-written struct> }`: the write body with one optional
/// field per row appended (sent only when `Some`), plus `dropped_in` against a [`super::Resource`].
macro_rules! wire_write {
    (
        $(#[$meta:meta])* pub struct $name:ident { $($hand:tt)* }
        resource { $(($r:ident, $rn:literal, $rk:ident, $rd:literal, $($ra:tt)*))* }
        tracking { $(($t:ident, $tn:literal, $tk:ident, $td:literal, $($ta:tt)*))* }
    ) => {
        $(#[$meta])*
        pub struct $name {
            $($hand)*
            $(
                #[doc = concat!("`", $rn, "` (managed): ", $rd)]
                #[serde(rename = $rn, skip_serializing_if = "Option::is_none")]
                pub $r: Option<<$crate::fields::kinds::$rk as $crate::api::WireKind>::T>,
            )*
            $(
                #[doc = concat!("`", $tn, "` (managed, tracking plan): ", $td)]
                #[serde(rename = $tn, skip_serializing_if = "Option::is_none")]
                pub $t: Option<<$crate::fields::kinds::$tk as $crate::api::WireKind>::T>,
            )*
        }

        impl $name {
            /// The fields this body sent that `back` (the server's answer to it) does not hold
            /// as sent: what the server accepted but did not keep. Id lists compare as sets.
            #[must_use]
            pub fn dropped_in(&self, back: &$crate::api::Resource) -> Vec<&'static str> {
                use $crate::api::field::Keeps as _;
                let mut out = Vec::new();
                $(if self.$r.as_ref().is_some_and(|v| !back.$r.keeps(v)) {
                    out.push($rn);
                })*
                $(if self.$t.as_ref().is_some_and(|v| !back.$t.keeps(v)) {
                    out.push($tn);
                })*
                out
            }

            /// The managed fields this body carries (wire names, in table order).
            #[must_use]
            pub fn sent(&self) -> Vec<&'static str> {
                let mut out = Vec::new();
                $(if self.$r.is_some() {
                    out.push($rn);
                })*
                $(if self.$t.is_some() {
                    out.push($tn);
                })*
                out
            }
        }
    };
}
pub(super) use wire_write;

#[cfg(test)]
mod tests {
    use super::WireRef;
    use crate::api::{Id, Resource};
    use crate::fields::FIELDS;

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
    }
}
