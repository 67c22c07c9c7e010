//! Reading the workspace: the lookups names resolve against, the live state of one
//! integration and the resources a saved plan touches, fetched concurrently through the client
//! (which paces and caps the calls).

use crate::api::{ApiError, Client, Id, Integration, ListFilter, Resource};
use crate::manifest::ManifestSet;
use crate::plan::fidelity::{RecordEvent, RECORD_TITLE};
use crate::plan::reserved::LEASE_HOME_TITLE;
use crate::plan::resolve::{target_ids, target_paths, Lookups};
use crate::plan::verify::{parents_to_read, Reread};
use crate::plan::{IntegrationInfo, Kind, Live};
use futures::{Stream, StreamExt, TryStreamExt};
use serde_json::json;
use std::collections::HashMap;

/// Fetches everything manifest names resolve against, once per run and concurrently:
/// integrations, teams, tags, users, collections, and the catalog entries of the monitor
/// targets `set` names by path or by id (the latter for their titles).
///
/// # Errors
/// The first failed call.
pub async fn fetch_lookups(
    client: &Client,
    set: &ManifestSet,
    concurrency: usize,
) -> Result<Lookups, ApiError> {
    let targets = futures::stream::iter(target_paths(set))
        .map(|path| catalog_path(client, path))
        .buffer_unordered(concurrency.max(1))
        .try_concat();
    let ids = target_ids(set);
    let (integrations, teams, tags, users, collections, targets, by_id) = tokio::try_join!(
        client.list_integrations().try_collect(),
        client.list_teams().try_collect(),
        client.list_tags().try_collect(),
        client.list_users().try_collect(),
        client.list_collections(None).try_collect(),
        targets,
        catalog_by_ids(client, &ids, concurrency),
    )?;
    let mut lookups = Lookups {
        integrations,
        teams,
        tags,
        users,
        collections,
        ..Lookups::default()
    };
    lookups.add_catalog(targets);
    lookups.add_catalog(by_id);
    Ok(lookups)
}

/// Most near misses read for a catalog path that matches nothing.
const MAX_CANDIDATES: usize = 200;

/// The catalog entries at `path`; when there are none, up to [`MAX_CANDIDATES`] entries that
/// share its parent path or contain its last part, so the error can name the closest paths.
async fn catalog_path(client: &Client, path: String) -> Result<Vec<Resource>, ApiError> {
    let exact = json!({"operator": "exact", "field": "title_full", "value": path});
    let found: Vec<Resource> = client.catalog(&exact).try_collect().await?;
    if !found.is_empty() {
        return Ok(found);
    }
    let (parent, last) = path.rsplit_once('.').unwrap_or(("", path.as_str()));
    let contains = |v: &str| json!({"operator": "contains", "field": "title_full", "value": v});
    let mut near = vec![contains(last)];
    if !parent.is_empty() {
        near.push(contains(parent));
    }
    client
        .catalog(&json!({"operator": "or", "operands": near}))
        .take(MAX_CANDIDATES)
        .try_collect()
        .await
}

/// Ids per catalog call, keeping the filter (a query parameter) a modest length.
const IDS_PER_CALL: usize = 50;

/// Reads the catalog entries (tables, columns) with the given ids, a batch of ids per call
/// (`{"operator": "in", "field": "id", ...}`); ids the catalog lacks are left out.
///
/// # Errors
/// The first failed call.
pub(crate) async fn catalog_by_ids(
    client: &Client,
    ids: &[Id],
    concurrency: usize,
) -> Result<Vec<Resource>, ApiError> {
    futures::stream::iter(ids.chunks(IDS_PER_CALL))
        .map(|chunk| {
            let filter = json!({"operator": "in", "field": "id", "value": chunk});
            client.catalog(&filter).try_collect::<Vec<_>>()
        })
        .buffer_unordered(concurrency.max(1))
        .try_concat()
        .await
}

/// Reads the integration's categories, events and properties and the workspace's monitors,
/// the four lists concurrently; `on_read` is called once per resource read (a spinner counts
/// them).
///
/// # Errors
/// The first failed call.
pub async fn read_live(
    client: &Client,
    integration: &IntegrationInfo,
    known: &[Integration],
    on_read: &(dyn Fn() + Sync),
) -> Result<Live, ApiError> {
    let by_integration = ListFilter {
        integration_id: Some(integration.id.clone()),
        ..ListFilter::default()
    };
    let (categories, events, properties, monitors) = tokio::try_join!(
        counted(client.list_categories(&by_integration), on_read).try_collect::<Vec<_>>(),
        counted(client.list_events(&by_integration), on_read).try_collect::<Vec<_>>(),
        counted(client.list_properties(&by_integration), on_read).try_collect(),
        counted(client.list_monitors(), on_read).try_collect(),
    )?;
    let integration = known
        .iter()
        .find(|i| i.id == integration.id)
        .cloned()
        .unwrap_or_else(|| Integration {
            id: integration.id.clone(),
            name: integration.name.clone(),
            ..Integration::default()
        });
    let not_kept = crate::plan::fidelity::record::find(&categories, &events)
        .map(|r| r.record)
        .unwrap_or_default();
    Ok(Live {
        integration,
        categories,
        events,
        properties,
        monitors,
        // The caller fills them in from the lookups it has read already.
        tags: Vec::new(),
        not_kept,
    })
}

/// Reads the integration's not-kept record (its event in the lease category) on its own, as
/// an apply does right before rewriting it: two lists filtered by title, checked client-side.
///
/// # Errors
/// The first failed call.
pub(crate) async fn read_not_kept(
    client: &Client,
    integration: &Id,
) -> Result<Option<RecordEvent>, ApiError> {
    let homes = ListFilter {
        title: Some(LEASE_HOME_TITLE.to_owned()),
        ..ListFilter::default()
    };
    let records = ListFilter {
        integration_id: Some(integration.clone()),
        title: Some(RECORD_TITLE.to_owned()),
        parent_id: None,
    };
    let mine = |r: &Resource| r.integration.as_ref() == Some(integration);
    let (categories, events): (Vec<Resource>, Vec<Resource>) = tokio::try_join!(
        client.list_categories(&homes).try_collect(),
        client.list_events(&records).try_collect(),
    )?;
    let categories: Vec<Resource> = categories.into_iter().filter(|r| mine(r)).collect();
    let events: Vec<Resource> = events.into_iter().filter(|r| mine(r)).collect();
    Ok(crate::plan::fidelity::record::find(&categories, &events))
}

/// Calls `on_read` once per item read.
fn counted<'a, T: 'a>(
    stream: impl Stream<Item = Result<T, ApiError>> + 'a,
    on_read: &'a (dyn Fn() + Sync),
) -> impl Stream<Item = Result<T, ApiError>> + 'a {
    stream.inspect(move |_| on_read())
}

/// Re-reads resources by id (with their titles and parents, read up to their
/// category, so a saved plan's ids can be checked against its keys); one that answers 404 is
/// left out (it is gone). Used to check a saved plan is still fresh and still names the
/// resources it says.
///
/// # Errors
/// The first failed call other than a 404.
pub(crate) async fn read_touched(
    client: &Client,
    touched: Vec<(Kind, Id)>,
    concurrency: usize,
) -> Result<Vec<Reread>, ApiError> {
    let mut out: Vec<Reread> = Vec::new();
    // Tags have no documented read by id: the list answers for all of them at once.
    let (tags, mut next): (Vec<_>, Vec<_>) =
        touched.into_iter().partition(|(k, _)| *k == Kind::Tag);
    if !tags.is_empty() {
        let listed: Vec<crate::api::Tag> = client.list_tags().try_collect().await?;
        out.extend(
            listed
                .iter()
                .filter(|t| tags.iter().any(|(_, id)| *id == t.id))
                .map(Reread::tag),
        );
    }
    // At most three rounds: the ids, their events, their categories.
    while !next.is_empty() {
        let reads = futures::stream::iter(next)
            .map(|(kind, id)| async move {
                let read = match kind.resource() {
                    Some(resource) => client
                        .get_resource(resource, &id)
                        .await
                        .map(|r| Reread::resource(kind, &r)),
                    None => client.get_monitor(&id).await.map(|m| Reread::monitor(&m)),
                };
                match read {
                    Ok(r) => Ok(Some(r)),
                    Err(e) if e.is_not_found() => Ok(None),
                    Err(e) => Err(e),
                }
            })
            .buffer_unordered(concurrency.max(1));
        let found: Vec<Option<Reread>> = reads.try_collect().await?;
        out.extend(found.into_iter().flatten());
        next = parents_to_read(&out);
        next.retain(|(_, id)| !out.iter().any(|r| &r.id == id));
    }
    Ok(out)
}

/// How many live properties each event holds (what deleting it removes with it), read with
/// one filtered list per event. Used to check a saved plan's deletes against the caps with
/// their real cascades, not the counts written in the file.
///
/// # Errors
/// The first failed list.
pub(crate) async fn count_properties(
    client: &Client,
    events: Vec<Id>,
    concurrency: usize,
) -> Result<HashMap<Id, usize>, ApiError> {
    futures::stream::iter(events)
        .map(|event| async move {
            let filter = ListFilter {
                parent_id: Some(event.clone()),
                ..ListFilter::default()
            };
            let n = client
                .list_properties(&filter)
                .try_fold(0usize, |n, _| std::future::ready(Ok(n + 1)))
                .await?;
            Ok::<_, ApiError>((event, n))
        })
        .buffer_unordered(concurrency.max(1))
        .try_collect()
        .await
}
