//! The executor's second line of defence against twins and lost updates, for when another
//! run (or a person) wrote since the plan was made: right before each create the resource is
//! looked up by its natural key and adopted when it exists (an event's or property's siblings
//! are listed once for the creates under one parent checked within [`FRESH`] of that list's
//! answer); right before each PATCH or DELETE
//! its `updated_at` must still be the one the plan saw, else the change is a conflict and is
//! not written. Under a lease, each write first checks the lease is still this run's and
//! confirmed past now plus a safety margin ([`Watch::check`]); once it is not, the write is
//! not started and the run stops; while the lease is still being taken, the look-ups go ahead
//! and the writes wait for it. Reads are cheap next to a paced write slot, so this costs
//! no wall time.

use super::renewal::{Proving, Watch};
use super::report::{Failure, Made, NotMade};
use super::send::send;
use super::write::WriteCall;
use crate::api::{
    ApiError, Client, Id, ListFilter, Monitor, MonitorWrite, Resource, ResourceKind, ResourceWrite,
};
use crate::plan::fidelity::Ledger;
use crate::plan::Plan;
use futures::{TryFutureExt, TryStreamExt};
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

/// How long one list of a parent's children answers the twin look-ups of the creates under
/// it. A look-up has always left a window before its write (the write waits for its paced
/// slot: up to concurrency / write rate, 0.64 s at 16 and 25/s); a list this young keeps the
/// window of that order while a parent's properties, released together once it exists, cost
/// one read instead of one each.
pub(crate) const FRESH: Duration = Duration::from_secs(1);

/// What the plan saw of each resource it touches, and what the checks found during the run.
#[derive(Debug)]
pub(crate) struct PreWriteCheck {
    /// Live id -> the `updated_at` the plan saw.
    seen: HashMap<Id, String>,
    /// The run's lease, checked before each write (`None` = `--no-lock`). Every create is
    /// looked up first even under the lease: a lease can be lost while a call is in flight.
    /// It may still be being taken when the first look-ups start: their writes wait for it.
    lease: Option<Proving>,
    /// The children listed per parent for the creates' look-ups.
    children: ChildLists,
}

/// One parent's children as one list answered them, and when it was asked.
#[derive(Debug)]
struct Listing {
    asked: Instant,
    children: Arc<Vec<Resource>>,
}

/// The latest list of each parent's children of a kind. Each parent has its own async lock,
/// so the creates under it that need a fresh list wait for one read rather than each making
/// its own.
#[derive(Debug, Default)]
struct ChildLists {
    by_parent: Mutex<HashMap<(ResourceKind, Id), ListingSlot>>,
    /// Once the run's lease is held: lists asked before then are not reused, since the
    /// lease's previous holder may have created a twin after they were answered.
    held_since: OnceLock<Instant>,
}

/// One parent's latest listing, behind the lock its look-ups wait on.
type ListingSlot = Arc<tokio::sync::Mutex<Option<Listing>>>;

impl ChildLists {
    /// The live children of `parent` (of `kind`, in `integration`), listed at most [`FRESH`]
    /// ago.
    async fn of(
        &self,
        client: &Client,
        kind: ResourceKind,
        parent: &Id,
        integration: Option<&Id>,
    ) -> Result<Arc<Vec<Resource>>, ApiError> {
        let slot = Arc::clone(
            self.by_parent
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .entry((kind, parent.clone()))
                .or_default(),
        );
        let mut listing = slot.lock().await;
        let held_since = self.held_since.get();
        let fresh = |l: &&Listing| {
            l.asked.elapsed() < FRESH && held_since.is_none_or(|held| l.asked >= *held)
        };
        if let Some(l) = listing.as_ref().filter(fresh) {
            return Ok(Arc::clone(&l.children));
        }
        let filter = ListFilter {
            integration_id: integration.cloned(),
            parent_id: Some(parent.clone()),
            title: None,
        };
        // The list shows the workspace as of when it was asked (a long one takes several
        // pages): its freshness counts from then.
        let asked = Instant::now();
        let children: Vec<Resource> = client.list_resources(kind, &filter).try_collect().await?;
        let children = Arc::new(children);
        *listing = Some(Listing {
            asked,
            children: Arc::clone(&children),
        });
        Ok(children)
    }
}

impl PreWriteCheck {
    /// Records the `updated_at` of every live resource `plan` changes; `lease` = this run's
    /// lease on the integration.
    #[must_use]
    pub(crate) fn new(plan: &Plan, lease: Option<Proving>) -> Self {
        let seen = plan
            .changes
            .iter()
            .filter_map(|c| Some((c.id.clone()?, c.live_updated_at.clone()?)))
            .collect();
        Self {
            seen,
            lease,
            children: ChildLists::default(),
        }
    }

    /// Checks `write` against the workspace, then sends it ([`send`]) (or adopts what
    /// a create finds).
    ///
    /// # Errors
    /// A conflict (the resource changed or vanished since the plan), or the call's error;
    /// [`NotMade::Stopped`] when the lease is lost (nothing was written).
    pub(crate) async fn check_and_send(
        &self,
        client: &Client,
        write: WriteCall,
        ledger: &Ledger,
    ) -> Result<Made, NotMade> {
        let Some(proving) = &self.lease else {
            return match self.look(client, &write).await? {
                Some(id) => Ok(Made::Adopted(id)),
                None => self.send_checked(client, write, ledger, None).await,
            };
        };
        if proving.now().is_none() {
            // The lease is still being taken: the look-up goes ahead of it (a twin found now
            // is adopted without waiting), the write waits.
            if let Some(id) = self.look(client, &write).await? {
                return Ok(Made::Adopted(id));
            }
        }
        let Some(watch) = proving.held().await else {
            return Err(NotMade::Stopped);
        };
        self.children.held_since.get_or_init(Instant::now);
        // Under the lease the resource is looked up (again, after a look-up made while the
        // lease was being taken: its previous holder may have made the twin, or changed the
        // resource, after that one was answered) and the lease is checked. Neither read needs
        // the other's answer: made together, a write waits for one answer instead of two.
        let (found, lease) = tokio::join!(self.look(client, &write), watch.check(client));
        if let Some(id) = found? {
            return Ok(Made::Adopted(id));
        }
        lease.map_err(|_| NotMade::Stopped)?;
        self.send_checked(client, write, ledger, Some(&watch)).await
    }

    /// What is in the way of `write`: the live twin a create would duplicate (adopted
    /// instead), or a conflict of an update or delete.
    async fn look(&self, client: &Client, write: &WriteCall) -> Result<Option<Id>, NotMade> {
        let found = match write {
            WriteCall::Create(kind, body) => self.existing_resource(client, *kind, body).await,
            WriteCall::CreateMonitor(body) => existing_monitor(client, body).await,
            WriteCall::Patch(kind, id, _) | WriteCall::Delete(kind, id) => {
                let now = client.get_resource((*kind).into(), id);
                self.unchanged(id, now.map_ok(|r| r.updated_at)).await?;
                Ok(None)
            }
            // A tag of that name made since the plan (a run that lost its answer) is adopted.
            WriteCall::CreateTag(body) => {
                let tags: Result<Vec<crate::api::Tag>, _> = client.list_tags().try_collect().await;
                tags.map(|ts| {
                    ts.into_iter()
                        .find(|t| Some(&t.name) == body.name.as_ref())
                        .map(|t| t.id)
                })
            }
            // Tags carry no `updated_at` to compare.
            WriteCall::PatchTag(..) => Ok(None),
            WriteCall::PatchMonitor(id, ..) | WriteCall::DeleteMonitor(id, _) => {
                let now = client.get_monitor(id);
                self.unchanged(id, now.map_ok(|m| m.updated_at)).await?;
                Ok(None)
            }
        };
        found.map_err(|e| {
            NotMade::Failed(Failure::NotChecked(format!(
                "look for an existing twin first: {e}"
            )))
        })
    }

    /// Sends `write`, its lease (`None` = `--no-lock`) checked already.
    async fn send_checked(
        &self,
        client: &Client,
        write: WriteCall,
        ledger: &Ledger,
        lease: Option<&Arc<Watch>>,
    ) -> Result<Made, NotMade> {
        match send(client, write, ledger).await {
            Ok(id) => Ok(Made::Written(id)),
            // The client's gate refused it, or the lease went while it failed.
            Err(_) if lease.is_some_and(|l| l.lost().is_some()) => Err(NotMade::Stopped),
            Err(e) => Err(NotMade::Failed(e)),
        }
    }

    /// The live resource a create of `body` would duplicate, looked up with the filters the
    /// reference documents (categories: `title`; events and properties: the parent's children,
    /// by `integration_id` and `parent_id`, shared through [`ChildLists`]) and checked
    /// client-side, since a server may ignore a filter.
    async fn existing_resource(
        &self,
        client: &Client,
        kind: ResourceKind,
        body: &ResourceWrite,
    ) -> Result<Option<Id>, ApiError> {
        let twin = |r: &Resource| is_twin(r, body);
        match (&body.parent, kind) {
            (Some(parent), ResourceKind::Event | ResourceKind::Property) => {
                let children = self
                    .children
                    .of(client, kind, parent, body.integration.as_ref())
                    .await?;
                Ok(children.iter().find(|r| twin(r)).map(|r| r.id.clone()))
            }
            _ => {
                let filter = ListFilter {
                    title: body.title.clone(),
                    ..ListFilter::default()
                };
                let found: Vec<Resource> =
                    client.list_resources(kind, &filter).try_collect().await?;
                Ok(found.into_iter().find(twin).map(|r| r.id))
            }
        }
    }

    /// Fails with a conflict unless resource `id` is still at the `updated_at` the plan saw;
    /// `now` reads its `updated_at`, and is only awaited when the plan saw the resource.
    async fn unchanged(
        &self,
        id: &Id,
        now: impl Future<Output = Result<String, ApiError>>,
    ) -> Result<(), Failure> {
        let Some(seen) = self.seen.get(id) else {
            return Ok(());
        };
        let why = match now.await {
            Ok(now) if &now == seen => return Ok(()),
            Ok(now) => format!(
                "it changed in Secoda since the plan was made (updated_at {seen}, now {now})"
            ),
            Err(e) if e.is_not_found() => {
                "it was deleted in Secoda since the plan was made".to_owned()
            }
            Err(e) => {
                return Err(Failure::NotChecked(format!(
                    "check it is unchanged since the plan: {e}"
                )))
            }
        };
        Err(Failure::Conflict(why))
    }
}

/// Whether `r` is what a create of `body` would make (title, parent and integration).
fn is_twin(r: &Resource, body: &ResourceWrite) -> bool {
    !r.archived
        && body.title.as_deref() == Some(r.title.as_str())
        && body.parent == r.parent
        && (r.integration.is_none() || body.integration == r.integration)
}

/// The live monitor a create of `body` would duplicate (target, metric type and config).
async fn existing_monitor(client: &Client, body: &MonitorWrite) -> Result<Option<Id>, ApiError> {
    let monitors: Vec<Monitor> = client.list_monitors().try_collect().await?;
    Ok(monitors
        .into_iter()
        .find(|m| {
            body.target.is_some()
                && m.target == body.target
                && body.metric_type.as_deref() == Some(m.metric_type.as_str())
                && body.metric_config.clone().unwrap_or_default() == m.metric_config
        })
        .map(|m| m.id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{ClientConfig, Token};
    use crate::apply::cancel::Cancel;
    use crate::apply::lease::{acquire, LeaseOptions};
    use crate::output::Printer;
    use crate::sandbox::{seed::SEGMENT, spawn, SandboxConfig};

    /// The lease's previous holder makes the resource after this run looked it up, then gives
    /// the lease back: once the lease is this run's, the create finds and adopts what was made
    /// rather than trusting its earlier look-up and making a twin.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_create_adopts_what_the_previous_lease_holder_made_after_its_look_up() {
        let sb = spawn(SandboxConfig::default()).await.unwrap();
        let url = url::Url::parse(sb.url()).unwrap();
        let client = Client::new(ClientConfig::new(url, Token::new(sb.token()))).unwrap();
        let segment = Id::from(SEGMENT);
        let category = ResourceWrite {
            title: Some("Signup".into()),
            integration: Some(segment.clone()),
            ..ResourceWrite::default()
        };
        let category = client.create_category(&category).await.unwrap().id;
        let body = ResourceWrite {
            title: Some("Email Verified".into()),
            parent: Some(category.clone()),
            integration: Some(segment.clone()),
            ..ResourceWrite::default()
        };
        let (held_tx, proving) = Proving::new();
        let check = PreWriteCheck {
            seen: HashMap::new(),
            lease: Some(proving.clone()),
            children: ChildLists::default(),
        };
        let writer = client.with_write_gate(proving.gate());
        let ledger = Ledger::default();
        let create = WriteCall::Create(ResourceKind::Event, body.clone());
        let looked_up = || {
            sb.request_log().iter().any(|e| {
                e.method == "GET"
                    && e.query
                        .as_deref()
                        .is_some_and(|q| q.contains(category.as_str()))
            })
        };
        let previous_holder = async {
            let waited = Instant::now();
            while !looked_up() {
                assert!(
                    waited.elapsed() < Duration::from_secs(10),
                    "no look-up was made"
                );
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            let made = client.create_event(&body).await.unwrap().id;
            let opts = LeaseOptions::new(segment.clone(), Duration::ZERO);
            let lease = acquire(&client, &opts, &Cancel::new(), &Printer::plain())
                .await
                .unwrap();
            held_tx.send(Some(lease.watch())).unwrap();
            (made, lease)
        };
        let (result, (made, lease)) = tokio::join!(
            check.check_and_send(&writer, create, &ledger),
            previous_holder
        );
        assert_eq!(result.unwrap(), Made::Adopted(made));
        let filter = ListFilter {
            parent_id: Some(category),
            ..ListFilter::default()
        };
        let events: Vec<Resource> = client.list_events(&filter).try_collect().await.unwrap();
        assert_eq!(events.len(), 1, "no twin: {events:?}");
        lease.release().await.unwrap();
    }

    #[test]
    fn a_twin_shares_title_parent_and_integration() {
        let body = ResourceWrite {
            title: Some("Paid".into()),
            parent: Some(Id::from("c")),
            integration: Some(Id::from("seg")),
            ..ResourceWrite::default()
        };
        let mut r = Resource {
            title: "Paid".into(),
            parent: Some(Id::from("c")),
            integration: Some(Id::from("seg")),
            ..Resource::default()
        };
        assert!(is_twin(&r, &body));
        r.integration = Some(Id::from("amp"));
        assert!(
            !is_twin(&r, &body),
            "another integration's category of that title"
        );
        r.integration = Some(Id::from("seg"));
        r.parent = None;
        assert!(!is_twin(&r, &body));
    }
}
