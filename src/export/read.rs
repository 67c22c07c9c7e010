//! The catalog reads only the export needs; the lookups and the catalog by id come from the
//! workspace reader ([`crate::workspace`]).

use crate::api::{ApiError, Client, Id, Resource};
use crate::workspace::catalog_by_ids;
use futures::{StreamExt, TryStreamExt};
use serde_json::json;
use std::collections::BTreeSet;

/// Catalog resources of `ids`, plus every resource sharing their paths (so an ambiguous path
/// is seen as such and the id is kept).
pub(super) async fn catalog_of(
    client: &Client,
    ids: &[Id],
    concurrency: usize,
) -> Result<Vec<Resource>, ApiError> {
    const CHUNK: usize = 50;
    let found = catalog_by_ids(client, ids, concurrency).await?;
    let paths: BTreeSet<&str> = found
        .iter()
        .map(|r| r.title_full.as_str())
        .filter(|p| !p.is_empty())
        .collect();
    let paths: Vec<&str> = paths.into_iter().collect();
    futures::stream::iter(paths.chunks(CHUNK))
        .map(|c| {
            let filter = json!({"operator": "in", "field": "title_full", "value": c});
            client.catalog(&filter).try_collect::<Vec<_>>()
        })
        .buffer_unordered(concurrency.max(1))
        .try_concat()
        .await
}
