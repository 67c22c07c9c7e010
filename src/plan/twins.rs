//! Twins: live resources that share one natural key (made by another tool, the UI, or two
//! applies racing). The diff works with the first of each set; the rest are named so a user
//! can remove them, never hidden.

use super::key::Key;
use super::reserved::is_lease_home;
use super::Live;
use crate::api::{Id, Resource};
use std::collections::HashMap;

/// Live resources sharing one key; the first id is the one the plan uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Twins {
    /// The shared key.
    pub key: Key,
    /// Their ids, in list order.
    pub ids: Vec<Id>,
}

impl std::fmt::Display for Twins {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ids: Vec<&str> = self.ids.iter().map(Id::as_str).collect();
        write!(
            f,
            "{} live {}s share the key `{}` ({}): the plan uses the first; delete the others in \
             Secoda (see \"Twins\" in the guide \"Concurrency and safety\")",
            self.ids.len(),
            self.key.kind(),
            self.key,
            ids.join(", ")
        )
    }
}

/// Every set of twins among the live categories, events and properties, the tool's own
/// category and its events left out (each apply makes its own lease event; they are not twins).
#[must_use]
pub(crate) fn find_twins(live: &Live) -> Vec<Twins> {
    let mut out = Vec::new();
    let categories: Vec<&Resource> = live.categories.iter().filter(|r| !r.archived).collect();
    let mut cat_key: HashMap<&Id, Key> = HashMap::new();
    for (((), title), ids) in groups(categories.iter().map(|r| ((), *r)), |r| r.title.clone()) {
        out.push(Twins {
            key: Key::Category(title),
            ids,
        });
    }
    for c in &categories {
        if !is_lease_home(c) {
            cat_key.insert(&c.id, Key::Category(c.title.clone()));
        }
    }
    let mut event_key: HashMap<&Id, Key> = HashMap::new();
    // The tool's own events are left out with their category: a user's event that merely
    // shares a lease's title elsewhere is the user's.
    let events = live.events.iter().filter(|r| !r.archived);
    let events = events.filter_map(|r| Some((cat_key.get(r.parent.as_ref()?)?, r)));
    let events: Vec<(&Key, &Resource)> = events.collect();
    for (c, e) in &events {
        if let Key::Category(c) = c {
            event_key.insert(&e.id, Key::Event(c.clone(), e.title.clone()));
        }
    }
    for ((parent, title), ids) in groups(events.iter().copied(), |r| r.title.clone()) {
        if let Key::Category(c) = parent {
            out.push(Twins {
                key: Key::Event(c.clone(), title),
                ids,
            });
        }
    }
    let props = live.properties.iter().filter(|r| !r.archived);
    let props = props.filter_map(|r| Some((event_key.get(r.parent.as_ref()?)?, r)));
    for ((parent, title), ids) in groups(props, |r| r.title.clone()) {
        if let Key::Event(c, e) = parent {
            out.push(Twins {
                key: Key::Property(c.clone(), e.clone(), title),
                ids,
            });
        }
    }
    out.sort_by(|a, b| a.key.cmp(&b.key));
    out
}

/// Groups `(parent, resource)` pairs by (parent, title) and keeps the groups of two or more.
fn groups<'a, P: Eq + std::hash::Hash + Clone + 'a>(
    items: impl Iterator<Item = (P, &'a Resource)>,
    title: impl Fn(&Resource) -> String,
) -> Vec<((P, String), Vec<Id>)> {
    let mut order: Vec<(P, String)> = Vec::new();
    let mut by: HashMap<(P, String), Vec<Id>> = HashMap::new();
    for (p, r) in items {
        let k = (p, title(r));
        let ids = by.entry(k.clone()).or_insert_with(|| {
            order.push(k.clone());
            Vec::new()
        });
        ids.push(r.id.clone());
    }
    order
        .into_iter()
        .filter_map(|k| {
            let ids = by.remove(&k)?;
            (ids.len() > 1).then_some((k, ids))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::reserved::{LEASE_HOME_TITLE, LEASE_TITLE};
    use crate::plan::testutil::res;

    #[test]
    fn twins_are_named_by_key_with_every_id_and_leases_are_not_twins() {
        let live = Live {
            categories: vec![
                res("c1", "Checkout", None),
                res("c2", "Checkout", None),
                res("h", LEASE_HOME_TITLE, None),
            ],
            events: vec![
                res("e1", "Paid", Some("c1")),
                res("e2", "Paid", Some("c1")),
                res("e3", "Paid", Some("c2")),
                res("l1", LEASE_TITLE, Some("h")),
                res("l2", LEASE_TITLE, Some("h")),
            ],
            properties: vec![res("p1", "id", Some("e1")), res("p2", "id", Some("e1"))],
            ..Live::default()
        };
        let twins = find_twins(&live);
        let keys: Vec<String> = twins.iter().map(|t| t.key.to_string()).collect();
        assert_eq!(keys, ["Checkout", "Checkout/Paid", "Checkout/Paid/id"]);
        let titled_like_a_lease = Live {
            categories: vec![res("ops", "Ops", None)],
            events: vec![
                res("u1", LEASE_TITLE, Some("ops")),
                res("u2", LEASE_TITLE, Some("ops")),
            ],
            ..Live::default()
        };
        let keys: Vec<String> = find_twins(&titled_like_a_lease)
            .iter()
            .map(|t| t.key.to_string())
            .collect();
        assert_eq!(
            keys,
            [format!("Ops/{LEASE_TITLE}")],
            "a user's events are twins"
        );
        assert_eq!(twins[0].ids, [Id::from("c1"), Id::from("c2")]);
        // Keyed by titles: the event under the twin category shares the key too.
        assert_eq!(
            twins[1].ids,
            [Id::from("e1"), Id::from("e2"), Id::from("e3")]
        );
        assert!(twins[0].to_string().contains("c1, c2"), "{}", twins[0]);
    }
}
