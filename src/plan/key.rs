//! Natural keys: how a desired resource is matched to a live one, and how changes are named.

use std::fmt;

/// The kind of a synced resource.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Tag (workspace-wide; created before the resources that carry it).
    Tag,
    /// Event category.
    Category,
    /// Event.
    Event,
    /// Event property.
    Property,
    /// Data-quality monitor.
    Monitor,
}

impl Kind {
    /// The resource calls' kind, unless this is a monitor.
    #[must_use]
    pub fn resource(self) -> Option<crate::api::ResourceKind> {
        match self {
            Self::Category => Some(crate::api::ResourceKind::Category),
            Self::Event => Some(crate::api::ResourceKind::Event),
            Self::Property => Some(crate::api::ResourceKind::Property),
            Self::Monitor | Self::Tag => None,
        }
    }

    /// Lowercase name used in output.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Category => "category",
            Self::Event => "event",
            Self::Property => "property",
            Self::Monitor => "monitor",
            Self::Tag => "tag",
        }
    }
}

impl Kind {
    /// The plural, for counts (`40 properties`).
    #[must_use]
    pub fn plural(self) -> &'static str {
        match self {
            Self::Category => "categories",
            Self::Event => "events",
            Self::Property => "properties",
            Self::Monitor => "monitors",
            Self::Tag => "tags",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A resource's natural key. Titles are trimmed at load and compared exactly.
///
/// Ordering is by category, then event, then property, so sorting keys groups a plan the way
/// it is rendered (a parent right before its children); monitors sort after the tracking plan.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Key {
    /// Category title.
    Category(String),
    /// (category, event).
    Event(String, String),
    /// (category, event, property).
    Property(String, String, String),
    /// (target id, metric type, canonical JSON of the metric config).
    Monitor(String, String, String),
    /// Tag name.
    Tag(String),
}

impl Key {
    /// The key's kind.
    #[must_use]
    pub fn kind(&self) -> Kind {
        match self {
            Self::Category(..) => Kind::Category,
            Self::Event(..) => Kind::Event,
            Self::Property(..) => Kind::Property,
            Self::Monitor(..) => Kind::Monitor,
            Self::Tag(..) => Kind::Tag,
        }
    }

    /// The parent's key (category of an event, event of a property).
    #[must_use]
    pub fn parent(&self) -> Option<Key> {
        match self {
            Self::Event(c, _) => Some(Self::Category(c.clone())),
            Self::Property(c, e, _) => Some(Self::Event(c.clone(), e.clone())),
            Self::Category(_) | Self::Monitor(..) | Self::Tag(_) => None,
        }
    }

    /// The last component: the resource's own title (or metric type for a monitor).
    #[must_use]
    pub fn title(&self) -> &str {
        match self {
            Self::Category(t) | Self::Event(_, t) | Self::Property(_, _, t) | Self::Tag(t) => t,
            Self::Monitor(_, m, _) => m,
        }
    }

    /// Whether `self` is `other` or lies under it (used by `--target`).
    #[must_use]
    pub fn is_within(&self, other: &Key) -> bool {
        if self == other {
            return true;
        }
        let mut k = self.parent();
        while let Some(p) = k {
            if &p == other {
                return true;
            }
            k = p.parent();
        }
        false
    }

    /// Parses a `--target` argument: `Category`, `Category/Event` or `Category/Event/property`.
    ///
    /// # Errors
    /// When the string is empty or has more than three non-empty components.
    pub fn parse_path(s: &str) -> Result<Key, String> {
        let parts: Vec<&str> = s.split('/').map(str::trim).collect();
        if parts.iter().any(|p| p.is_empty()) {
            return Err(format!(
                "invalid key `{s}`: write `Category`, `Category/Event` or `Category/Event/property`"
            ));
        }
        match parts.as_slice() {
            [c] => Ok(Key::Category((*c).to_owned())),
            [c, e] => Ok(Key::Event((*c).to_owned(), (*e).to_owned())),
            [c, e, p] => Ok(Key::Property(
                (*c).to_owned(),
                (*e).to_owned(),
                (*p).to_owned(),
            )),
            _ => Err(format!(
                "invalid key `{s}`: at most three parts, `Category/Event/property`"
            )),
        }
    }
}

impl Key {
    /// The parts in tree order: a shorter path (the parent) sorts before its extensions; tags
    /// first (the resources after them may carry them), monitors last.
    fn sort_parts(&self) -> (u8, &str, Option<&str>, Option<&str>) {
        match self {
            Self::Tag(t) => (0, t, None, None),
            Self::Category(c) => (1, c, None, None),
            Self::Event(c, e) => (1, c, Some(e), None),
            Self::Property(c, e, p) => (1, c, Some(e), Some(p)),
            Self::Monitor(t, m, c) => (2, t, Some(m), Some(c)),
        }
    }
}

impl Ord for Key {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.sort_parts().cmp(&other.sort_parts())
    }
}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Category(c) => f.write_str(c),
            Self::Event(c, e) => write!(f, "{c}/{e}"),
            Self::Property(c, e, p) => write!(f, "{c}/{e}/{p}"),
            Self::Monitor(t, m, _) => write!(f, "monitor:{m}@{t}"),
            Self::Tag(t) => write!(f, "tag:{t}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_as_slash_path_and_parses_back() {
        let k = Key::Property(
            "Checkout".into(),
            "Order Completed".into(),
            "order_id".into(),
        );
        assert_eq!(k.to_string(), "Checkout/Order Completed/order_id");
        assert_eq!(Key::parse_path(&k.to_string()).unwrap(), k);
        assert!(Key::parse_path("a//b").is_err());
        assert!(Key::parse_path("a/b/c/d").is_err());
    }

    #[test]
    fn sorting_puts_tags_first_groups_a_tree_parent_first_and_monitors_last() {
        let mut keys = [
            Key::Monitor("t".into(), "row_count".into(), "{}".into()),
            Key::Property("A".into(), "E".into(), "p".into()),
            Key::Category("B".into()),
            Key::Event("A".into(), "E".into()),
            Key::Category("A".into()),
            Key::Tag("z".into()),
        ];
        keys.sort();
        let shown: Vec<String> = keys.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            ["tag:z", "A", "A/E", "A/E/p", "B", "monitor:row_count@t"]
        );
    }

    #[test]
    fn within_follows_ancestry() {
        let p = Key::Property("C".into(), "E".into(), "p".into());
        assert!(p.is_within(&Key::Category("C".into())));
        assert!(p.is_within(&Key::Event("C".into(), "E".into())));
        assert!(!p.is_within(&Key::Event("C".into(), "F".into())));
    }
}
