//! What goes wrong around an apply's lease, played on purpose: renewals of a lease event
//! answered 500, and a category deleted in Secoda's UI (with everything in it) part-way
//! through a run. Tests and `sandbox serve` use them to show that an apply that lost its
//! lease stops writing.

use super::store::Kind;
use super::Shared;
use axum::http::Method;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{PoisonError, RwLock};

/// Title of the events the client uses as apply leases (the sandbox's own copy: it shares
/// no type or constant with the client beyond the paths).
const LEASE_EVENT_TITLE: &str = "secoda-sync lease";

/// Adversities a sandbox plays; all off by default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Adversity {
    /// Answer 500 (and change nothing) to this many PATCH or PUT calls on lease events
    /// (events titled `secoda-sync lease`): renewals that fail. `usize::MAX` = every one.
    pub failing_renewals: usize,
    /// Delete the category of this title, and everything in it, as a user would in the
    /// UI, once [`Adversity::ui_delete_after_writes`] writes have been committed.
    pub ui_delete_category: Option<String>,
    /// How many committed writes come before the UI delete (0 = on the first write).
    pub ui_delete_after_writes: usize,
}

/// An [`Adversity`] and how far it has gone.
#[derive(Debug, Default)]
pub(crate) struct AdversityState {
    plan: RwLock<Adversity>,
    renewals_failed: AtomicUsize,
    writes: AtomicUsize,
}

impl AdversityState {
    pub(crate) fn new(plan: Adversity) -> Self {
        Self {
            plan: RwLock::new(plan),
            ..Self::default()
        }
    }

    /// Plays `plan` from now on, counting afresh.
    pub(crate) fn set(&self, plan: Adversity) {
        *self.plan.write().unwrap_or_else(PoisonError::into_inner) = plan;
        self.renewals_failed.store(0, Ordering::SeqCst);
        self.writes.store(0, Ordering::SeqCst);
    }

    fn plan(&self) -> Adversity {
        self.plan
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// Whether this call is a lease renewal to answer 500 (counts it when it is).
pub(crate) fn fails_renewal(shared: &Shared, method: &Method, path: &str) -> bool {
    let state = &shared.adversity;
    let failing = state.plan().failing_renewals;
    if failing == 0 || !matches!(*method, Method::PATCH | Method::PUT) {
        return false;
    }
    let events = crate::paths::EVENTS;
    let Some(id) = path
        .strip_prefix(events)
        .and_then(|rest| rest.strip_prefix('/'))
        .map(|id| id.trim_end_matches('/'))
    else {
        return false;
    };
    let is_lease = matches!(
        shared.store().get(id),
        Some((Kind::Event, r)) if r.title == LEASE_EVENT_TITLE
    );
    if !is_lease {
        return false;
    }
    state
        .renewals_failed
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
            (n < failing).then_some(n + 1)
        })
        .is_ok()
}

/// Counts a committed write; the one that reaches the count plays the UI delete.
pub(crate) fn after_write(shared: &Shared) {
    let state = &shared.adversity;
    let plan = state.plan();
    let Some(title) = &plan.ui_delete_category else {
        return;
    };
    let n = state.writes.fetch_add(1, Ordering::SeqCst) + 1;
    if n != plan.ui_delete_after_writes.max(1) {
        return;
    }
    let mut store = shared.store();
    for id in store.titled(Kind::Category, title) {
        store.remove(&id);
    }
    drop(store);
    tracing::info!("sandbox: deleted category `{title}` as a user would in the UI");
}
