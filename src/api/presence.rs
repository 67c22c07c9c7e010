//! Which writable fields an answer carried at all: a key missing from a resource object (not
//! `null`, missing) means the server does not return that field, so it cannot be compared.
//!
//! Serde's derive cannot tell a missing key from `null`, so [`Resource`] is read through the
//! derived code (`remote = "Self"`) after its keys are looked at once.

use super::Resource;
use crate::fields::FIELDS;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// The writable fields a resource object did not carry: the managed fields (wire names, one
/// per row of the field table, [`FIELDS`]), which are what a [`super::ResourceWrite`] carries
/// besides `title`, `parent` and `integration`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Absent(Vec<&'static str>);

impl Absent {
    /// Whether the answer lacked the field `name` (a wire name).
    #[must_use]
    pub fn contains(&self, name: &str) -> bool {
        self.0.contains(&name)
    }

    /// The missing wire names, in table order.
    #[must_use]
    pub fn names(&self) -> &[&'static str] {
        &self.0
    }

    /// Marks `names` missing (tests and hand-built live states).
    #[must_use]
    pub fn of(names: &[&'static str]) -> Self {
        Self(names.to_vec())
    }
}

impl<'de> Deserialize<'de> for Resource {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let map = Map::<String, Value>::deserialize(d)?;
        let absent = FIELDS
            .iter()
            .map(|f| f.name)
            .filter(|k| !map.contains_key(*k))
            .collect();
        let mut r = Resource::deserialize(Value::Object(map)).map_err(D::Error::custom)?;
        r.absent = Absent(absent);
        Ok(r)
    }
}

impl Serialize for Resource {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Resource::serialize(self, s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_key_is_absent_and_a_null_is_not() {
        let r: Resource =
            serde_json::from_str(r#"{"id":"p","description":null,"type":null,"pii":false}"#)
                .unwrap();
        assert!(!r.absent.contains("description"));
        assert!(!r.absent.contains("type"));
        assert!(!r.absent.contains("pii"));
        assert!(r.absent.contains("is_required"));
        assert!(r.absent.contains("regex"));
        assert_eq!(r.description, "");
    }

    #[test]
    fn a_resource_still_round_trips_through_serde() {
        let r = Resource {
            title: "T".into(),
            is_required: Some(true),
            ..Resource::default()
        };
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(v["title"], "T");
        assert!(v.get("absent").is_none());
        let back: Resource = serde_json::from_value(v).unwrap();
        assert_eq!(back.is_required, Some(true));
    }
}
