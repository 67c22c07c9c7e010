//! Handlers for the lookup lists (integrations, teams, tags, users, collections), the resource
//! catalog search and the health check.

use super::filter::Filter;
use super::wire::{envelope, ApiError, ListUrl, Params};
use super::Shared;
use axum::extract::State;
use axum::http::Uri;
use axum::response::Response;
use axum::Json;
use serde::Serialize;
use serde_json::{json, Value};
use std::sync::Arc;

/// Pages a whole (small) list.
pub(crate) fn paged<T: Serialize>(
    s: &Shared,
    uri: &Uri,
    params: &Params,
    items: &[T],
) -> Result<Response, ApiError> {
    let req = s.page_request(params)?;
    let results = req
        .slice(items)
        .iter()
        .map(|x| serde_json::to_value(x).unwrap_or_default())
        .collect();
    let at = ListUrl {
        base: &s.base_url,
        path: uri.path(),
        params,
    };
    envelope(at, req, items.len(), results)
}

/// `GET /healthcheck`.
pub(crate) async fn healthcheck() -> Json<Value> {
    Json(json!({"status": "OK"}))
}

/// Integrations, filtered by `type`.
pub(crate) async fn integrations(
    State(s): State<Arc<Shared>>,
    uri: Uri,
) -> Result<Response, ApiError> {
    let params = Params::parse(uri.query());
    let all = s.store().lookups.integrations.clone();
    let items: Vec<_> = match params.get("type") {
        Some(t) => all
            .into_iter()
            .filter(|i| i.integration_type == t)
            .collect(),
        None => all,
    };
    paged(&s, &uri, &params, &items)
}

/// Teams.
pub(crate) async fn teams(State(s): State<Arc<Shared>>, uri: Uri) -> Result<Response, ApiError> {
    let items = s.store().lookups.teams.clone();
    paged(&s, &uri, &Params::parse(uri.query()), &items)
}

/// Tags.
pub(crate) async fn tags(State(s): State<Arc<Shared>>, uri: Uri) -> Result<Response, ApiError> {
    let items = s.store().lookups.tags.clone();
    paged(&s, &uri, &Params::parse(uri.query()), &items)
}

/// Users.
pub(crate) async fn users(State(s): State<Arc<Shared>>, uri: Uri) -> Result<Response, ApiError> {
    let items = s.store().lookups.users.clone();
    paged(&s, &uri, &Params::parse(uri.query()), &items)
}

/// Collections, filtered by `title` (case-insensitive substring).
pub(crate) async fn collections(
    State(s): State<Arc<Shared>>,
    uri: Uri,
) -> Result<Response, ApiError> {
    let params = Params::parse(uri.query());
    let all = s.store().lookups.collections.clone();
    let items: Vec<_> = match params.get("title") {
        Some(t) => {
            let t = t.to_lowercase();
            all.into_iter()
                .filter(|c| c.title.to_lowercase().contains(&t))
                .collect()
        }
        None => all,
    };
    paged(&s, &uri, &params, &items)
}

/// The resource catalog, searched with `filter=<JSON>`.
pub(crate) async fn catalog(State(s): State<Arc<Shared>>, uri: Uri) -> Result<Response, ApiError> {
    let params = Params::parse(uri.query());
    let req = s.page_request(&params)?;
    let filter = match params.get("filter") {
        None => None,
        Some(raw) => {
            let v: Value = serde_json::from_str(raw)
                .map_err(|e| ApiError::field("filter", format!("not JSON: {e}")))?;
            Some(Filter::parse(&v).map_err(|e| ApiError::field("filter", e))?)
        }
    };
    let (count, results) = {
        let store = s.store();
        let found = match &filter {
            None => store.find(&Default::default(), None, req.offset(), req.size),
            Some(f) => {
                let (sel, complete) = f.selection();
                let test = |_: super::store::Kind, r: &super::model::Resource| f.matches(r);
                let extra: Option<super::store::Test<'_>> =
                    if complete { None } else { Some(&test) };
                store.find(&sel, extra, req.offset(), req.size)
            }
        };
        let results = found
            .items
            .iter()
            .map(|r| super::resources::to_json(&store, r, &s.drop_fields))
            .collect();
        (found.count, results)
    };
    let at = ListUrl {
        base: &s.base_url,
        path: uri.path(),
        params: &params,
    };
    envelope(at, req, count, results)
}
