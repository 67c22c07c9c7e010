//! What the tool keeps for itself in a workspace: the category that holds apply leases, the
//! lease events in it, and the record of fields the workspace does not keep (`plan::fidelity::record`).
//! The diff, the twin check and the export leave them out, so they are never planned,
//! pruned, exported or reported as twins.

use crate::api::{Id, Resource};
use chrono::{DateTime, Utc};
use std::time::Instant;

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

/// The integration's lease home among `categories`: the oldest live one of that title (two
/// racing first applies may each have made one; all of them use the oldest).
pub(crate) fn oldest_lease_home<'a>(
    categories: impl IntoIterator<Item = &'a Resource>,
    integration: &Id,
) -> Option<&'a Resource> {
    let created = |r: &Resource| {
        DateTime::parse_from_rfc3339(&r.created_at)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    };
    categories
        .into_iter()
        .filter(|r| !r.archived && is_lease_home(r) && r.integration.as_ref() == Some(integration))
        .min_by(|a, b| (created(a), &a.id.0).cmp(&(created(b), &b.id.0)))
}

/// The integration's lease home and the lease events in it, as a plan's read found them: an
/// apply made right after the plan takes its lease from this look instead of making its own.
#[derive(Debug, Clone, PartialEq)]
pub struct LeasesSeen {
    /// The lease home's id.
    pub home: Id,
    /// The lease events in it (live or dead: the apply tells them apart).
    pub leases: Vec<Resource>,
    /// When the read was asked: its age counts from then, so it is never understated.
    pub read_at: Instant,
}

impl LeasesSeen {
    /// What `categories` and `events`, the integration's as listed from `read_at` on, show of its
    /// leases; `None` when it has no lease home yet.
    #[must_use]
    pub(crate) fn find(
        categories: &[Resource],
        events: &[Resource],
        integration: &Id,
        read_at: Instant,
    ) -> Option<Self> {
        let home = oldest_lease_home(categories, integration)?.id.clone();
        let leases = events
            .iter()
            .filter(|e| e.parent.as_ref() == Some(&home) && is_lease(e, integration))
            .cloned()
            .collect();
        Some(Self {
            home,
            leases,
            read_at,
        })
    }
}

/// Whether `event` is a lease event of `integration` (the category it is in is not checked).
#[must_use]
pub(crate) fn is_lease(event: &Resource, integration: &Id) -> bool {
    !event.archived && event.title == LEASE_TITLE && event.integration.as_ref() == Some(integration)
}
