//! Name resolution: turns the names manifests use (`Growth`, `alice@acme.test`,
//! `analytics.public.orders`) into the ids the API speaks, so the diff compares ids only.
//!
//! Every unknown or ambiguous name is reported at once, each with the manifest position and
//! the closest names that do exist. One file per kind of name: the integration, the tracking
//! plan's name fields (teams, tags, users, collections), monitor targets; how a name matches
//! an object and what the error says live beside them.

mod error;
mod fields;
mod integration;
mod lookups;
mod matching;
mod targets;
#[cfg(test)]
mod tests;

pub(crate) use error::quoted;
pub(crate) use error::{Problem, ResolveError};
pub(crate) use lookups::Lookups;
pub(crate) use targets::{target_ids, target_paths};

// The desired model moved to `plan::desired`; these keep its old paths working.
pub(crate) use super::desired::{LeftOutOwner, Names, Resolved};

use crate::api::Id;
use crate::manifest::ManifestSet;

/// Resolves every name in `set` against `lookups`.
///
/// # Errors
/// Every name that is unknown or ambiguous, and a missing integration, monitor target or
/// metric type; all of them, not just the first.
pub fn resolve(set: &ManifestSet, lookups: &Lookups) -> Result<Resolved, Vec<ResolveError>> {
    let mut r = Resolver {
        lookups,
        errors: Vec::new(),
        vendor_files: &set.vendor_files,
        declared_tags: &set.tags,
        left_out_owners: Vec::new(),
    };
    let integration = r.integration(set);
    let categories = set.categories.iter().map(|c| r.category(c)).collect();
    let monitors: Vec<_> = set.monitors.iter().filter_map(|m| r.monitor(m)).collect();
    match integration {
        Some(integration) if r.errors.is_empty() => {
            let mut names = lookups.names();
            for t in &set.tags {
                names.insert(Id::pending_tag(&t.name), t.name.clone());
            }
            Ok(Resolved {
                integration,
                categories,
                monitors,
                tags: set.tags.clone(),
                names,
                left_out_owners: r.left_out_owners,
            })
        }
        _ => Err(r.errors),
    }
}

/// The owners of `set`'s vendor exports that name neither a user nor a team of the workspace
/// (what [`resolve`] leaves out with a warning), whether or not the rest resolves.
#[must_use]
pub(crate) fn left_out_owners(set: &ManifestSet, lookups: &Lookups) -> Vec<LeftOutOwner> {
    let mut r = Resolver {
        lookups,
        errors: Vec::new(),
        vendor_files: &set.vendor_files,
        left_out_owners: Vec::new(),
        declared_tags: &set.tags,
    };
    for c in &set.categories {
        r.category(c);
    }
    r.left_out_owners
}

/// One resolve pass: the look-ups it reads and every error found so far (all are reported,
/// not just the first).
struct Resolver<'a> {
    lookups: &'a Lookups,
    errors: Vec<ResolveError>,
    /// The files read through a vendor preset (see [`ManifestSet::vendor_files`]).
    vendor_files: &'a [std::sync::Arc<str>],
    /// The tags the manifests declare: one the workspace lacks resolves to a placeholder
    /// the apply fills in from its create.
    declared_tags: &'a [crate::manifest::Tag],
    /// The owners of vendor exports left out so far.
    left_out_owners: Vec<super::desired::LeftOutOwner>,
}
