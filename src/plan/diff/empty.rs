//! Categories the manifests declare with no events while the workspace holds events under
//! them: far more often a truncated file or a bad merge than a wish, and with `--prune` every
//! one of those events (and their properties) is deleted.

use crate::plan::desired::Resolved;
use crate::plan::{DiffOptions, Key, Live};

/// One warning per declared, unprotected category that lists no events while the workspace
/// has (owned, targeted) events under it, e.g. ``category `Checkout` declares no events; with
/// --prune its 7 events would be deleted``.
#[must_use]
pub fn empty_categories(desired: &Resolved, live: &Live, opts: &DiffOptions) -> Vec<String> {
    let mut out = Vec::new();
    for c in desired
        .categories
        .iter()
        .filter(|c| c.events.is_empty() && !c.protect)
    {
        let Some(cat) = live
            .categories
            .iter()
            .find(|l| !l.archived && l.title == c.title)
        else {
            continue;
        };
        let in_scope = |title: &str| {
            let key = Key::Event(c.title.clone(), title.to_owned());
            opts.targets.is_empty() || opts.targets.iter().any(|t| key.is_within(t))
        };
        let events: Vec<_> = live
            .events
            .iter()
            .filter(|e| !e.archived && e.parent.as_ref() == Some(&cat.id))
            .filter(|e| opts.owner_tag.as_ref().is_none_or(|t| e.tags.contains(t)))
            .filter(|e| in_scope(&e.title))
            .collect();
        if events.is_empty() {
            continue;
        }
        let properties = live
            .properties
            .iter()
            .filter(|p| {
                !p.archived
                    && p.parent
                        .as_ref()
                        .is_some_and(|e| events.iter().any(|ev| &ev.id == e))
            })
            .count();
        let what = match (events.len(), properties) {
            (1, 0) => "its 1 event".to_owned(),
            (n, 0) => format!("its {n} events"),
            (n, p) => format!(
                "its {} and their {}",
                crate::output::count(n, "event", "events"),
                crate::output::count(p, "property", "properties")
            ),
        };
        let tail = if opts.prune {
            format!("--prune deletes {what}")
        } else {
            format!("with --prune {what} would be deleted")
        };
        out.push(format!("category `{}` declares no events; {tail}", c.title));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::TrackingFields;
    use crate::plan::desired::Fields;
    use crate::plan::testutil::{category, event, live_of, property, resolved};

    #[test]
    fn a_declared_category_without_events_names_what_prune_would_delete() {
        let prop = property("order_id", Fields::default(), TrackingFields::default());
        let ev = |t: &str| event(t, Fields::default(), vec![prop.clone()]);
        let full = resolved(
            vec![
                category("Checkout", vec![ev("A"), ev("B")]),
                category("Cart", vec![ev("C")]),
            ],
            vec![],
        );
        let live = live_of(&full, None);
        let mut emptied = full.clone();
        emptied.categories[0].events.clear();
        let w = empty_categories(&emptied, &live, &DiffOptions::default());
        assert_eq!(
            w,
            [
                "category `Checkout` declares no events; with --prune its 2 events and their 2 \
              properties would be deleted"
            ]
        );
        let prune = DiffOptions {
            prune: true,
            ..DiffOptions::default()
        };
        assert!(empty_categories(&emptied, &live, &prune)[0]
            .ends_with("--prune deletes its 2 events and their 2 properties"));
        emptied.categories[0].protect = true;
        assert!(empty_categories(&emptied, &live, &prune).is_empty());
        assert!(empty_categories(&full, &live, &prune).is_empty());
    }
}
