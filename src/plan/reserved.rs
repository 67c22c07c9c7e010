//! What the tool keeps for itself in a workspace: the category that holds apply leases, the
//! lease events in it, and the record of fields the workspace does not keep (`plan::fidelity::record`).
//! The diff, the twin check and the export leave them out, so they are never planned,
//! pruned, exported or reported as twins.

use crate::api::Resource;

/// Title of the category that holds lease events (one per integration, made by the first
/// apply that needs it; the API cannot delete categories, so it stays).
pub(crate) const LEASE_HOME_TITLE: &str = crate::manifest::validate::RESERVED_CATEGORY;

/// Title of a lease event.
pub(crate) const LEASE_TITLE: &str = "secoda-sync lease";

/// Whether `category` is a lease home (the tool's own category).
#[must_use]
pub(crate) fn is_lease_home(category: &Resource) -> bool {
    category.title == LEASE_HOME_TITLE
}
