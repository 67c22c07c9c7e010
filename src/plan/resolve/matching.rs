//! How a name matches an object: a UUID as is, exact names before case-folded ones, users by
//! email before display name; and, when nothing matches, the closest names for the hint.

use super::error::Problem;
use crate::api::{self, Id};

/// `Some(id)` when `s` is a UUID (lowercased, as the API writes ids).
pub(super) fn as_uuid(s: &str) -> Option<Id> {
    uuid::Uuid::parse_str(s)
        .ok()
        .map(|u| Id(u.hyphenated().to_string()))
}

/// Exact match first; then (when `fold_case`) a case-insensitive one; several = ambiguous.
pub(super) fn resolve_named<'a>(
    name: &str,
    candidates: impl Iterator<Item = (&'a str, &'a Id)> + Clone,
    fold_case: bool,
) -> Result<Id, Problem> {
    if let Some(id) = as_uuid(name) {
        return Ok(id);
    }
    let exact: Vec<&Id> = candidates
        .clone()
        .filter(|(n, _)| *n == name)
        .map(|(_, id)| id)
        .collect();
    let found = if exact.is_empty() && fold_case {
        candidates
            .clone()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, id)| id)
            .collect()
    } else {
        exact
    };
    match found.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(unknown(name, candidates.map(|(n, _)| n))),
        many => Err(Problem::Ambiguous(
            many.iter().map(|id| id.0.clone()).collect(),
        )),
    }
}

/// Users match on email (any case), then on display name.
pub(super) fn resolve_user(name: &str, users: &[api::User]) -> Result<Id, Problem> {
    let by_email: Vec<&api::User> = users
        .iter()
        .filter(|u| !u.email.is_empty() && u.email.eq_ignore_ascii_case(name))
        .collect();
    if let [one] = by_email.as_slice() {
        return Ok(one.id.clone());
    }
    let by_name: Vec<&api::User> = users.iter().filter(|u| u.display_name == name).collect();
    match by_name.as_slice() {
        [one] => Ok(one.id.clone()),
        [] => Err(unknown(
            name,
            users
                .iter()
                .flat_map(|u| [u.email.as_str(), u.display_name.as_str()])
                .filter(|n| !n.is_empty()),
        )),
        many => Err(Problem::Ambiguous(
            many.iter().map(|u| user_label(u).to_owned()).collect(),
        )),
    }
}

pub(super) fn user_label(u: &api::User) -> &str {
    if u.email.is_empty() {
        &u.display_name
    } else {
        &u.email
    }
}

/// How many close names a hint shows, and how many known names when none is close.
const MAX_CLOSEST: usize = 3;
const MAX_KNOWN: usize = 10;

pub(super) fn unknown<'a>(name: &str, known: impl Iterator<Item = &'a str>) -> Problem {
    let mut all: Vec<&str> = known.collect();
    all.sort_unstable();
    all.dedup();
    let lower = name.to_lowercase();
    let mut scored: Vec<(f64, &str)> = all
        .iter()
        .map(|k| {
            let kl = k.to_lowercase();
            let score = strsim::jaro_winkler(&lower, &kl)
                .max(strsim::normalized_damerau_levenshtein(&lower, &kl));
            // A substring hit (`orders` for `analytics.public.orders`) is close whatever the length.
            let score = if !lower.is_empty() && kl.contains(&lower) {
                score.max(0.9)
            } else {
                score
            };
            (score, *k)
        })
        .filter(|(s, _)| *s >= 0.8)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    Problem::Unknown {
        closest: scored
            .iter()
            .take(MAX_CLOSEST)
            .map(|(_, k)| (*k).to_owned())
            .collect(),
        known: all
            .iter()
            .take(MAX_KNOWN)
            .map(|k| (*k).to_owned())
            .collect(),
        total: all.len(),
    }
}
