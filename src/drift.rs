//! Drift: which changes of a plan come from Secoda rather than from the manifests. A change is
//! drift when the manifests have not changed that resource since a ref (the commit last
//! applied): someone edited, added or removed it in Secoda since.

use crate::git::{self, GitError};
use crate::manifest::{self, LoadOptions, ManifestSet};
use crate::plan::desired::Names;
use crate::plan::offline::{diff_manifests, placeholder_lookups};
use crate::plan::{resolve, DiffOptions, Key, Plan};
use std::collections::HashSet;

/// The note prefix that marks a change as drift.
pub(crate) const DRIFT: &str = "drift: the manifests have not changed this since";

/// Why the manifests at the ref could not be compared.
#[derive(Debug, thiserror::Error)]
pub(crate) enum DriftError {
    /// Git could not read them.
    #[error(transparent)]
    Git(#[from] GitError),
    /// They do not load or resolve (offline) at that ref.
    #[error("the manifests at `{0}` have errors: cannot tell drift from manifest changes")]
    Invalid(String),
    /// Stdin has no history.
    #[error("--since-ref needs manifest paths, not stdin")]
    Stdin,
}

/// The keys the manifests change between `ref_name` and `now` (placeholder space: monitor
/// targets as written in the manifests).
///
/// # Errors
/// When git cannot read the ref or the manifests there do not load.
pub(crate) fn manifest_changes(
    ref_name: &str,
    opts: &LoadOptions,
    now: &ManifestSet,
) -> Result<HashSet<Key>, DriftError> {
    if opts.paths.iter().any(|p| p.as_os_str() == "-") {
        return Err(DriftError::Stdin);
    }
    let snap = git::snapshot(ref_name, &opts.paths)?;
    let paths: Vec<_> = snap.paths.iter().filter(|p| p.exists()).cloned().collect();
    let base = if paths.is_empty() {
        ManifestSet {
            vendor_files: Vec::new(),
            integration: now.integration.clone(),
            ..ManifestSet::default()
        }
    } else {
        let loaded = manifest::load(&LoadOptions {
            paths,
            ..opts.clone()
        });
        if loaded.has_errors() {
            return Err(DriftError::Invalid(ref_name.to_owned()));
        }
        loaded.set
    };
    let lookups = placeholder_lookups(&[&base, now]);
    let invalid = |_| DriftError::Invalid(ref_name.to_owned());
    let base = resolve(&base, &lookups).map_err(invalid)?;
    let now = resolve(now, &lookups).map_err(invalid)?;
    let plan = diff_manifests(&base, &now, &DiffOptions::default());
    Ok(plan.changes.into_iter().map(|c| c.key).collect())
}

/// Marks each change of `plan` the manifests did not make since the ref as drift; returns how
/// many. `names` maps a monitor's target id to the path the manifests wrote.
pub(crate) fn mark_drift(
    plan: &mut Plan,
    changed: &HashSet<Key>,
    names: &Names,
    ref_name: &str,
) -> usize {
    let mut n = 0;
    for c in &mut plan.changes {
        let by_path = match &c.key {
            Key::Monitor(t, m, cfg) => names
                .get(&crate::api::Id(t.clone()))
                .map(|p| Key::Monitor(p.clone(), m.clone(), cfg.clone())),
            _ => None,
        };
        if changed.contains(&c.key) || by_path.is_some_and(|k| changed.contains(&k)) {
            continue;
        }
        let mark = format!("{DRIFT} {ref_name}");
        c.note = Some(match c.note.take() {
            Some(note) => format!("{mark}; {note}"),
            None => mark,
        });
        n += 1;
    }
    n
}
