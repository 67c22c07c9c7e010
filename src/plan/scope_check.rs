//! `--target` and `--exclude` checked against what exists: a key that names nothing in the
//! manifests or the workspace is a typo far more often than a wish, and a plan limited to a
//! typo says `No changes` while real changes wait.

use super::desired::Resolved;
use super::reserved::is_lease_home;
use super::{DiffOptions, Key, Live};
use crate::api::Id;
use std::collections::{BTreeSet, HashMap};

/// How many close keys a hint names.
const MAX_CLOSEST: usize = 3;

/// A `--target` or `--exclude` key that names nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{flag} `{key}` matches nothing in the manifests or the workspace{}",
    hint(closest)
)]
pub struct UnmatchedKey {
    /// `--target` or `--exclude`.
    pub flag: &'static str,
    /// The key as given.
    pub key: Key,
    /// Keys of the same depth that are close to it, best first.
    pub closest: Vec<String>,
}

fn hint(closest: &[String]) -> String {
    match closest {
        [] => String::new(),
        [one] => format!("; did you mean `{one}`?"),
        many => {
            let quoted: Vec<String> = many.iter().map(|k| format!("`{k}`")).collect();
            format!("; did you mean one of {}?", quoted.join(", "))
        }
    }
}

/// The `--target` and `--exclude` keys in `opts` that name no category, event or property of
/// `desired` or `live`, each with the close keys it might have meant.
#[must_use]
pub(crate) fn unmatched_keys(
    desired: &Resolved,
    live: &Live,
    opts: &DiffOptions,
) -> Vec<UnmatchedKey> {
    let known = known_keys(desired, live);
    let flags = opts
        .targets
        .iter()
        .map(|k| ("--target", k))
        .chain(opts.excludes.iter().map(|k| ("--exclude", k)));
    flags
        .filter(|(_, k)| !known.contains(k))
        .map(|(flag, key)| UnmatchedKey {
            flag,
            closest: closest(key, &known),
            key: key.clone(),
        })
        .collect()
}

/// Every category, event and property key the manifests declare or the workspace holds (the
/// tool's own lease resources left out).
fn known_keys(desired: &Resolved, live: &Live) -> BTreeSet<Key> {
    let mut known = BTreeSet::new();
    for c in &desired.categories {
        known.insert(Key::Category(c.title.clone()));
        for e in &c.events {
            known.insert(Key::Event(c.title.clone(), e.title.clone()));
            for p in &e.properties {
                known.insert(Key::Property(
                    c.title.clone(),
                    e.title.clone(),
                    p.title.clone(),
                ));
            }
        }
    }
    known.extend(live_keys(live).into_values());
    known
}

/// The live categories, events and properties by id, as natural keys (archived ones and the
/// tool's own left out).
#[must_use]
pub(crate) fn live_keys(live: &Live) -> HashMap<&Id, Key> {
    let mut keys: HashMap<&Id, Key> = HashMap::new();
    for c in live
        .categories
        .iter()
        .filter(|c| !c.archived && !is_lease_home(c))
    {
        keys.insert(&c.id, Key::Category(c.title.clone()));
    }
    let mut events = HashMap::new();
    // The tool's own events are left out with their category.
    for e in live.events.iter().filter(|e| !e.archived) {
        if let Some(Key::Category(c)) = e.parent.as_ref().and_then(|p| keys.get(p)) {
            events.insert(&e.id, Key::Event(c.clone(), e.title.clone()));
        }
    }
    let mut properties = HashMap::new();
    for p in live.properties.iter().filter(|p| !p.archived) {
        if let Some(Key::Event(c, e)) = p.parent.as_ref().and_then(|id| events.get(id)) {
            properties.insert(&p.id, Key::Property(c.clone(), e.clone(), p.title.clone()));
        }
    }
    keys.extend(events);
    keys.extend(properties);
    keys
}

/// The known keys of `key`'s kind that are close to it, best first.
fn closest(key: &Key, known: &BTreeSet<Key>) -> Vec<String> {
    let wanted = key.to_string().to_lowercase();
    let mut scored: Vec<(f64, String)> = known
        .iter()
        .filter(|k| k.kind() == key.kind())
        .map(|k| {
            let shown = k.to_string();
            let lower = shown.to_lowercase();
            let score = strsim::jaro_winkler(&wanted, &lower)
                .max(strsim::normalized_damerau_levenshtein(&wanted, &lower));
            (score, shown)
        })
        .filter(|(score, _)| *score >= 0.8)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    scored
        .into_iter()
        .take(MAX_CLOSEST)
        .map(|(_, k)| k)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::testutil::res;

    fn live() -> Live {
        Live {
            categories: vec![res("c", "Account", None)],
            events: vec![res("e", "Signed Up", Some("c"))],
            properties: vec![res("p", "plan", Some("e"))],
            ..Live::default()
        }
    }

    fn check(targets: &[&str], excludes: &[&str]) -> Vec<UnmatchedKey> {
        let parse = |v: &[&str]| v.iter().map(|s| Key::parse_path(s).unwrap()).collect();
        let opts = DiffOptions {
            targets: parse(targets),
            excludes: parse(excludes),
            ..DiffOptions::default()
        };
        let desired = crate::plan::testutil::resolved(Vec::new(), Vec::new());
        unmatched_keys(&desired, &live(), &opts)
    }

    #[test]
    fn a_key_that_names_nothing_is_reported_with_close_keys() {
        assert!(check(
            &["Account", "Account/Signed Up/plan"],
            &["Account/Signed Up"]
        )
        .is_empty());
        let found = check(&["Acount"], &["Account/Signed Upp"]);
        let shown: Vec<String> = found.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "--target `Acount` matches nothing in the manifests or the workspace; did you \
                 mean `Account`?",
                "--exclude `Account/Signed Upp` matches nothing in the manifests or the \
                 workspace; did you mean `Account/Signed Up`?",
            ]
        );
        assert_eq!(
            check(&["Zebra"], &[])[0].to_string(),
            "--target `Zebra` matches nothing in the manifests or the workspace"
        );
    }
}
