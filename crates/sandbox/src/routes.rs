//! The sandbox's route table: every path of the API digest, with and without a trailing slash,
//! monitor paths also without the `/api/v1` prefix.

use super::gate::gate;
use super::store::Kind;
use super::wire::ApiError;
use super::{lookups, monitors, resources, tags, Shared};
use crate::paths;
use axum::extract::{Path, State};
use axum::http::{Method, Uri};
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post, MethodRouter};
use axum::Router;
use std::sync::Arc;

type S = Arc<Shared>;

/// Adds `path` in both slash forms (and, for monitor paths, without `/api/v1`).
fn at(router: Router<S>, path: &str, route: &MethodRouter<S>) -> Router<S> {
    let bare = path.trim_end_matches('/');
    let mut forms = vec![bare.to_owned()];
    if let Some(short) = bare
        .strip_prefix("/api/v1")
        .filter(|p| p.starts_with("/monitor/"))
    {
        forms.push(short.to_owned());
    }
    forms.into_iter().fold(router, |r, p| {
        r.route(&p, route.clone())
            .route(&format!("{p}/"), route.clone())
    })
}

/// Collection and item routes of one resource kind.
fn resource_routes(router: Router<S>, path: &str, kind: Kind) -> Router<S> {
    let list = get(move |s: State<S>, uri: Uri| resources::list(kind, s, uri))
        .post(move |s: State<S>, body| resources::create(kind, s, body));
    let mut item = get(move |s: State<S>, id: Path<String>| resources::get_one(kind, s, id));
    if kind != Kind::Category {
        item = item
            .patch(move |s: State<S>, id: Path<String>, body| resources::patch(kind, s, id, body))
            .delete(move |s: State<S>, id: Path<String>| resources::delete(kind, s, id));
    }
    let router = at(router, path, &list);
    at(router, &format!("{path}/{{id}}"), &item)
}

/// The whole app.
pub(crate) fn router(shared: S) -> Router {
    let mut r = Router::new();
    r = at(r, paths::HEALTHCHECK, &get(lookups::healthcheck));
    r = resource_routes(r, paths::CATEGORIES, Kind::Category);
    r = resource_routes(r, paths::EVENTS, Kind::Event);
    r = resource_routes(r, paths::PROPERTIES, Kind::Property);
    r = at(
        r,
        paths::MONITORS,
        &get(monitors::list).post(monitors::create),
    );
    r = at(r, paths::MONITORS_RUN, &post(monitors::run));
    let monitor = get(monitors::get_one)
        .patch(monitors::patch)
        .delete(monitors::delete);
    r = at(r, &format!("{}/{{id}}", paths::MONITORS), &monitor);
    r = at(r, paths::INCIDENTS, &get(monitors::incidents));
    r = at(
        r,
        &format!("{}/{{id}}", paths::INCIDENT),
        &get(monitors::incident),
    );
    r = at(r, paths::MEASUREMENTS, &get(monitors::measurements));
    r = at(r, paths::INTEGRATIONS, &get(lookups::integrations));
    r = at(r, paths::TEAMS, &get(lookups::teams));
    r = at(r, paths::TAGS, &get(lookups::tags).post(tags::create));
    r = at(
        r,
        &format!("{}/{{id}}", paths::TAGS),
        &axum::routing::patch(tags::patch).delete(tags::delete),
    );
    r = at(r, paths::USERS, &get(lookups::users));
    r = at(r, paths::COLLECTIONS, &get(lookups::collections));
    r = at(r, paths::CATALOG, &get(lookups::catalog));
    r.fallback(|| async { ApiError::NotFound })
        .method_not_allowed_fallback(|m: Method| async move {
            ApiError::MethodNotAllowed(m.to_string())
        })
        .layer(from_fn_with_state(shared.clone(), gate))
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::map_response(json_too_large))
        .with_state(shared)
}

/// Largest request body the sandbox reads (axum's default, stated so the README can say it).
pub(super) const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// A body over [`BODY_LIMIT`] is answered 413 in JSON like every other error, not
/// axum's plain text.
async fn json_too_large(resp: axum::response::Response) -> axum::response::Response {
    use axum::response::IntoResponse;
    if resp.status() != axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        return resp;
    }
    let detail = format!(
        "Request body is larger than the sandbox's limit of {} MiB.",
        BODY_LIMIT / (1024 * 1024)
    );
    (
        axum::http::StatusCode::PAYLOAD_TOO_LARGE,
        axum::Json(serde_json::json!({ "detail": detail })),
    )
        .into_response()
}
