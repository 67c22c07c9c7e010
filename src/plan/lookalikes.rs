//! Case and Unicode twins: a planned create whose title differs from a live one only in case
//! or Unicode form (`checkout` beside `Checkout`, a full-width or composed letter). Titles are
//! compared exactly, so the plan would create a second resource, and categories cannot be
//! deleted through the API: one slip in a manifest leaves a permanent duplicate.

use super::desired::Resolved;
use super::reserved::is_lease_home;
use super::{Action, Key, Live, Plan};
use crate::api::Resource;
use crate::manifest::Origin;
use unicode_normalization::UnicodeNormalization as _;

/// The flag that lets such creates through.
pub(crate) const ALLOW_FLAG: &str = "--allow-case-twins";

/// A planned create beside a live resource whose title folds to the same text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the plan creates {kind} `{key}` ({origin}) beside the live `{live}`, which differs only in \
     case or Unicode form; {why}: write `{live}` in the manifest to manage the live one, or \
     pass {ALLOW_FLAG} to create both",
    kind = key.kind(),
    why = if matches!(key, Key::Category(_)) {
        "categories cannot be deleted through the API, so the twin would stay for good"
    } else {
        "the twin would split the tracking plan in two"
    }
)]
pub struct Lookalike {
    /// The planned create.
    pub key: Key,
    /// Where the manifests declare it.
    pub origin: Origin,
    /// The live title it folds to.
    pub live: String,
}

/// A title folded for comparison: Unicode compatibility form, lowercase, spaces collapsed.
#[must_use]
pub(crate) fn fold(title: &str) -> String {
    let lower: String = title.nfkc().flat_map(char::to_lowercase).collect();
    lower.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every create of a category or event in `plan` with a live twin that differs only by
/// [`fold`] (an event under its live category).
#[must_use]
pub(crate) fn find_lookalikes(plan: &Plan, desired: &Resolved, live: &Live) -> Vec<Lookalike> {
    let categories: Vec<&Resource> = live
        .categories
        .iter()
        .filter(|c| !c.archived && !is_lease_home(c))
        .collect();
    let twin_of = |title: &str, among: Vec<&Resource>| {
        let folded = fold(title);
        among
            .into_iter()
            .find(|r| r.title != title && fold(&r.title) == folded)
            .map(|r| r.title.clone())
    };
    let mut out = Vec::new();
    for c in plan.changes.iter().filter(|c| c.action == Action::Create) {
        let live_title = match &c.key {
            Key::Category(t) => twin_of(t, categories.clone()),
            Key::Event(cat, t) => {
                let Some(parent) = categories.iter().find(|l| &l.title == cat) else {
                    continue;
                };
                let events = live
                    .events
                    .iter()
                    .filter(|e| !e.archived && e.parent.as_ref() == Some(&parent.id));
                twin_of(t, events.collect())
            }
            _ => None,
        };
        if let (Some(live), Some(origin)) = (live_title, origin_of(&c.key, desired)) {
            out.push(Lookalike {
                key: c.key.clone(),
                origin,
                live,
            });
        }
    }
    out
}

/// Where the manifests declare the category or event `key`.
fn origin_of(key: &Key, desired: &Resolved) -> Option<Origin> {
    let category = |t: &str| desired.categories.iter().find(|c| c.title == t);
    match key {
        Key::Category(t) => category(t).map(|c| c.origin.clone()),
        Key::Event(c, t) => category(c)?
            .events
            .iter()
            .find(|e| &e.title == t)
            .map(|e| e.origin.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::testutil::{category, event, res, resolved};
    use crate::plan::{diff, DiffOptions};

    #[test]
    fn folding_ignores_case_unicode_form_and_spacing() {
        assert_eq!(fold("Order  Completed"), fold("order completed"));
        // Full-width letters and a composed accent fold to the plain forms.
        assert_eq!(fold("Ｃheckout"), fold("checkout"));
        assert_eq!(fold("Cafe\u{301}"), fold("café"));
        assert_ne!(fold("Checkout"), fold("Check out"));
    }

    #[test]
    fn creates_beside_a_live_twin_are_found_with_their_origin() {
        let desired = resolved(
            vec![
                category("checkout", vec![]),
                category(
                    "Checkout",
                    vec![
                        event("Order completed", Default::default(), vec![]),
                        event("Order Completed", Default::default(), vec![]),
                    ],
                ),
            ],
            vec![],
        );
        let live = Live {
            categories: vec![res("c", "Checkout", None)],
            events: vec![res("e", "Order Completed", Some("c"))],
            ..Live::default()
        };
        let plan = diff(&desired, &live, &DiffOptions::default());
        let found = find_lookalikes(&plan, &desired, &live);
        let keys: Vec<String> = found.iter().map(|l| l.key.to_string()).collect();
        assert_eq!(keys, ["checkout", "Checkout/Order completed"]);
        assert_eq!(found[0].live, "Checkout");
        let shown = found[0].to_string();
        assert!(shown.contains("beside the live `Checkout`"), "{shown}");
        assert!(shown.contains(ALLOW_FLAG), "{shown}");
    }
}
