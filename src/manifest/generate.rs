//! A synthetic tracking plan of any size, for benchmarks (load at 100k properties, plan diff)
//! and tests. Deterministic: the same shape always gives the same set.

use crate::manifest::{
    Category, CategoryFields, Event, IntegrationRef, ManifestSet, NameSet, Origin, Property,
    ResourceFields, TrackingFields,
};
use std::sync::Arc;

/// How big a plan to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// Number of categories.
    pub categories: usize,
    /// Events per category.
    pub events: usize,
    /// Properties per event.
    pub properties: usize,
}

impl Shape {
    /// The benchmark size: 1,000 x 20 x 5 = 100,000 properties.
    pub const LARGE: Shape = Shape {
        categories: 1000,
        events: 20,
        properties: 5,
    };
}

const TYPES: &[&str] = &["string", "number", "boolean", "integer"];
const TEAMS: &[&str] = &[
    "Growth",
    "Checkout",
    "Data Platform",
    "Marketing",
    "Product",
];
const TAGS: &[&str] = &["core", "revenue", "experimental", "marketing"];
const OWNERS: &[&str] = &[
    "alice@acme.test",
    "bob@acme.test",
    "carol@acme.test",
    "dan@acme.test",
];

fn names(pool: &[&str], i: usize) -> NameSet {
    [pool[i % pool.len()].to_owned()].into_iter().collect()
}

/// Makes a plan of `shape` for the `Segment` integration, using the sandbox's seeded names.
/// Origins point at a virtual `generated` file.
#[must_use]
// The category's `..default()` is needless today, on purpose: a category row added to the
// table later leaves this generator as it is.
#[allow(clippy::needless_update)]
pub fn tracking_plan(shape: Shape) -> ManifestSet {
    let file: Arc<str> = Arc::from("generated");
    let origin = Origin {
        file,
        line: 1,
        column: 1,
    };
    let categories = (0..shape.categories)
        .map(|c| Category {
            title: format!("Category {c:04}"),
            fields: CategoryFields {
                description: Some(format!("Synthetic category {c}")),
                teams: Some(names(TEAMS, c)),
                ..CategoryFields::default()
            },
            protect: false,
            events: (0..shape.events)
                .map(|e| Event {
                    title: format!("Event {c:04}.{e:02}"),
                    fields: ResourceFields {
                        description: Some(format!("Fired when thing {e} of area {c} happens")),
                        definition: Some(format!("## Event {e}\n\nSent by the web client.")),
                        pii: Some(false),
                        verified: Some(e % 2 == 0),
                        published: Some(true),
                        owners: Some(names(OWNERS, c + e)),
                        teams: Some(names(TEAMS, e)),
                        tags: Some(names(TAGS, c * 7 + e)),
                        ..ResourceFields::default()
                    },
                    protect: false,
                    renamed_from: Vec::new(),
                    properties: (0..shape.properties)
                        .map(|p| Property {
                            title: format!("prop_{p:02}"),
                            fields: ResourceFields {
                                description: Some(format!("Property {p} of event {e}")),
                                pii: Some(p == 0),
                                published: Some(true),
                                ..ResourceFields::default()
                            },
                            tracking: TrackingFields {
                                property_type: Some(TYPES[p % TYPES.len()].to_owned()),
                                is_required: Some(p < 2),
                                is_array_type: Some(false),
                                enum_values: None,
                                regex: None,
                            },
                            protect: false,
                            renamed_from: Vec::new(),
                            origin: origin.clone(),
                        })
                        .collect(),
                    origin: origin.clone(),
                })
                .collect(),
            origin: origin.clone(),
        })
        .collect();
    ManifestSet {
        vendor_files: Vec::new(),
        integration: Some(IntegrationRef::Name("Segment".into())),
        categories,
        monitors: Vec::new(),
        tags: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape_gives_counts() {
        let set = tracking_plan(Shape {
            categories: 3,
            events: 4,
            properties: 5,
        });
        let c = set.counts();
        assert_eq!((c.categories, c.events, c.properties), (3, 12, 60));
    }
}
