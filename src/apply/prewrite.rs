//! The executor's second line of defence against twins and lost updates, for when another
//! run (or a person) wrote since the plan was made: right before each create the resource is
//! looked up by its natural key and adopted when it exists; right before each PATCH or DELETE
//! its `updated_at` must still be the one the plan saw, else the change is a conflict and is
//! not written. Under a lease, each write first checks the lease is still this run's and
//! confirmed past now plus a safety margin ([`Watch::check`]); once it is not, the write is
//! not started and the run stops. Reads are cheap next to a paced write slot, so this costs
//! no wall time.

use super::renewal::Watch;
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
use std::sync::Arc;

/// What the plan saw of each resource it touches, and what the checks found during the run.
#[derive(Debug)]
pub(crate) struct PreWriteCheck {
    /// Live id -> the `updated_at` the plan saw.
    seen: HashMap<Id, String>,
    /// The run's lease, checked before each write (`None` = `--no-lock`). Every create is
    /// looked up first even under the lease: a lease can be lost while a call is in flight.
    lease: Option<Arc<Watch>>,
}

impl PreWriteCheck {
    /// Records the `updated_at` of every live resource `plan` changes; `lease` = this run's
    /// lease on the integration.
    #[must_use]
    pub(crate) fn new(plan: &Plan, lease: Option<Arc<Watch>>) -> Self {
        let seen = plan
            .changes
            .iter()
            .filter_map(|c| Some((c.id.clone()?, c.live_updated_at.clone()?)))
            .collect();
        Self { seen, lease }
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
        let found = match &write {
            WriteCall::Create(kind, body) => existing_resource(client, *kind, body).await,
            WriteCall::CreateMonitor(body) => existing_monitor(client, body).await,
            WriteCall::Patch(kind, id, _) | WriteCall::Delete(kind, id) => {
                let now = client.get_resource((*kind).into(), id);
                self.unchanged(id, now.map_ok(|r| r.updated_at)).await?;
                Ok(None)
            }
            WriteCall::PatchMonitor(id, ..) | WriteCall::DeleteMonitor(id, _) => {
                let now = client.get_monitor(id);
                self.unchanged(id, now.map_ok(|m| m.updated_at)).await?;
                Ok(None)
            }
        };
        match found {
            Ok(Some(id)) => Ok(Made::Adopted(id)),
            Ok(None) => {
                if let Some(lease) = &self.lease {
                    lease.check(client).await.map_err(|_| NotMade::Stopped)?;
                }
                match send(client, write, ledger).await {
                    Ok(id) => Ok(Made::Written(id)),
                    // The client's gate refused it, or the lease went while it failed.
                    Err(_) if self.lease.as_ref().is_some_and(|l| l.lost().is_some()) => {
                        Err(NotMade::Stopped)
                    }
                    Err(e) => Err(NotMade::Failed(e)),
                }
            }
            Err(e) => Err(NotMade::Failed(Failure::NotChecked(format!(
                "look for an existing twin first: {e}"
            )))),
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

/// The live resource a create of `body` would duplicate, looked up with the filters the
/// reference documents (categories: `title`; events and properties: `integration_id`,
/// `parent_id`, `title`) and checked client-side, since a server may ignore a filter.
async fn existing_resource(
    client: &Client,
    kind: ResourceKind,
    body: &ResourceWrite,
) -> Result<Option<Id>, ApiError> {
    let mut filter = ListFilter {
        title: body.title.clone(),
        ..ListFilter::default()
    };
    if kind != ResourceKind::Category {
        filter.integration_id.clone_from(&body.integration);
        filter.parent_id.clone_from(&body.parent);
    }
    let found: Vec<Resource> = client.list_resources(kind, &filter).try_collect().await?;
    Ok(found.into_iter().find(|r| is_twin(r, body)).map(|r| r.id))
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
