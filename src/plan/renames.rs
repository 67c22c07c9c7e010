//! Renames that keep identity: which live resource a `renamed_from` names, the case the
//! workspace makes ambiguous, and the hint for a plan that looks like an unmarked rename (a
//! removal beside a create of a similar title), which would lose the id and its history.

use super::{Action, Change, Key, Kind, Plan};
use crate::api::{Id, Resource};
use crate::manifest::Origin;
use std::fmt;

/// A rename the workspace makes ambiguous: the new title and an old one are both live, or
/// several old ones are. Which one to keep is the user's call, so nothing is written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct RenameConflict {
    /// The resource under its new title.
    pub key: Key,
    /// Where the manifests declare it.
    pub origin: Origin,
    /// The live resources it could be: title and id, the new title's first.
    pub live: Vec<(String, Id)>,
}

impl fmt::Display for RenameConflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let found: Vec<String> = self
            .live
            .iter()
            .map(|(title, id)| format!("`{title}` (id {id})"))
            .collect();
        write!(
            f,
            "cannot rename {kind} `{key}` ({origin}): its title and `renamed_from` name more \
             than one live {kind}: {found}; keep one: delete the other in Secoda, or remove \
             `renamed_from` to keep both",
            kind = self.key.kind(),
            key = self.key,
            origin = self.origin,
            found = found.join(" and "),
        )
    }
}

/// What a declared title with its former titles matches among its live siblings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Match<'a> {
    /// Nothing live: a create.
    None,
    /// The title itself is live (a `renamed_from` left after its rename is harmless).
    Same(&'a Resource),
    /// Exactly one former title is live and the title is not: a rename of it.
    Renamed(&'a Resource),
    /// More than one of them is live (the title's first when it is).
    Ambiguous,
}

/// Matches `title` and its `former` titles through `find` (a live sibling by title).
pub(crate) fn find<'a>(
    title: &str,
    former: &[String],
    find: impl Fn(&str) -> Option<&'a Resource>,
) -> (Match<'a>, Vec<&'a Resource>) {
    let same = find(title);
    let olds: Vec<&Resource> = former.iter().filter_map(|t| find(t)).collect();
    let all: Vec<&Resource> = same.into_iter().chain(olds.iter().copied()).collect();
    let m = match (same, olds.as_slice()) {
        (Some(s), []) => Match::Same(s),
        (None, []) => Match::None,
        (None, [old]) => Match::Renamed(old),
        _ => Match::Ambiguous,
    };
    (m, all)
}

/// How far two titles may be apart (edits) and still look like one renamed.
const NEAR: usize = 2;

/// A title with case and the separators `_`, `-`, `.` and spaces left out.
fn squashed(title: &str) -> String {
    title
        .chars()
        .filter(|c| !matches!(c, '_' | '-' | '.') && !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether `a` and `b` look like one title renamed: equal but for case and separators, or a
/// couple of edits apart.
pub(crate) fn similar(a: &str, b: &str) -> bool {
    a != b && (squashed(a) == squashed(b) || strsim::damerau_levenshtein(a, b) <= NEAR)
}

/// A removal beside a create of a similar title under the same parent: likely a rename the
/// manifests did not mark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RenameHint {
    /// The kind of both.
    pub kind: Kind,
    /// The removed (or no longer managed) title.
    pub old: String,
    /// The created key.
    pub new: Key,
}

impl fmt::Display for RenameHint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the plan removes {kind} \"{old}\" and creates \"{new}\" beside it: did you mean a \
             rename? add `renamed_from: {old}` to {new}",
            kind = self.kind,
            old = self.old,
            new = self.new.title(),
        )
    }
}

/// The rename hints of `plan`: each create of an event or property with a removed (deleted or
/// no longer managed) sibling of a similar title; each removal is named once.
#[must_use]
pub(crate) fn hints(plan: &Plan) -> Vec<RenameHint> {
    let removed: Vec<&Change> = plan
        .changes
        .iter()
        .filter(|c| matches!(c.action, Action::Delete | Action::Unmanaged))
        .filter(|c| matches!(c.kind, Kind::Event | Kind::Property))
        .collect();
    let mut used = vec![false; removed.len()];
    let mut out = Vec::new();
    for c in plan.changes.iter().filter(|c| c.action == Action::Create) {
        let hit = removed.iter().enumerate().find(|(i, r)| {
            !used[*i]
                && r.kind == c.kind
                && r.key.parent() == c.key.parent()
                && similar(r.key.title(), c.key.title())
        });
        if let Some((i, r)) = hit {
            used[i] = true;
            out.push(RenameHint {
                kind: c.kind,
                old: r.key.title().to_owned(),
                new: c.key.clone(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_differing_in_case_separators_or_two_edits_look_renamed() {
        assert!(similar("order_placed", "Order Placed"));
        assert!(similar("order-placed", "order.placed"));
        assert!(similar("Order Placd", "Order Placed"));
        assert!(similar("Order Placed", "Orders Place"));
        assert!(!similar("Order Placed", "Order Placed"));
        assert!(!similar("Order Placed", "Checkout Completed"));
        assert!(!similar("Signup", "Logout"));
    }

    fn live(title: &str, id: &str) -> Resource {
        crate::plan::testutil::res(id, title, None)
    }

    #[test]
    fn a_rename_matches_the_one_live_old_title_and_refuses_two() {
        let a = live("Old", "1");
        let b = live("New", "2");
        let c = live("Older", "3");
        let pool = [&a, &b, &c];
        let by = |t: &str| pool.iter().copied().find(|r| r.title == t);
        let former = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert!(
            matches!(find("Gone", &former(&["Old"]), by).0, Match::Renamed(r) if r.id.0 == "1")
        );
        assert!(matches!(
            find("Gone", &former(&["Nope"]), by).0,
            Match::None
        ));
        assert!(matches!(find("New", &former(&["Nope"]), by).0, Match::Same(r) if r.id.0 == "2"));
        let (m, all) = find("New", &former(&["Old"]), by);
        assert_eq!(m, Match::Ambiguous);
        assert_eq!(all.len(), 2);
        assert_eq!(
            find("Gone", &former(&["Old", "Older"]), by).0,
            Match::Ambiguous
        );
    }

    #[test]
    fn a_delete_beside_a_similar_create_hints_a_rename_once() {
        let plan = crate::plan::testutil::plan_of(vec![
            Change::new(
                Action::Delete,
                Key::Event("C".into(), "order_placed".into()),
                "order_placed".into(),
            ),
            Change::new(
                Action::Create,
                Key::Event("C".into(), "Order Placed".into()),
                "Order Placed".into(),
            ),
            Change::new(
                Action::Create,
                Key::Event("D".into(), "order placed".into()),
                "order placed".into(),
            ),
        ]);
        let hints = hints(&plan);
        assert_eq!(hints.len(), 1);
        assert_eq!(
            hints[0].to_string(),
            "the plan removes event \"order_placed\" and creates \"Order Placed\" beside it: \
             did you mean a rename? add `renamed_from: order_placed` to Order Placed"
        );
    }
}
