//! Handlers for event categories, events and event properties (one resource shape for all).

use super::model::{title_cased, Id, Resource, ResourceWrite};
use super::seed;
use super::store::{Kind, Selection, Store};
use super::wire::{envelope, invalid_pk, ApiError, ListUrl, Params, REQUIRED};
use super::{now, Shared};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use std::sync::Arc;

/// Field errors collected before answering 400 with all of them.
pub(crate) type FieldErrors = Vec<(String, String)>;

/// Parses a JSON object body.
pub(crate) fn parse_body<T: serde::de::DeserializeOwned>(body: &Bytes) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| ApiError::bad_json(&e))
}

/// Checks that every id in a reference list names a seeded object.
fn check_ids(errors: &mut FieldErrors, field: &str, ids: Option<&Vec<Id>>, known: &[&Id]) {
    for id in ids.into_iter().flatten() {
        if !known.contains(&id) {
            errors.push((field.to_owned(), invalid_pk(id.as_str())));
        }
    }
}

/// Checks the lookup references (teams, tags, users, collections) of a write.
fn check_refs(store: &Store, w: &ResourceWrite, errors: &mut FieldErrors) {
    let l = &store.lookups;
    let teams: Vec<&Id> = l.teams.iter().map(|t| &t.id).collect();
    let tags: Vec<&Id> = l.tags.iter().map(|t| &t.id).collect();
    let users: Vec<&Id> = l.users.iter().map(|u| &u.id).collect();
    let collections: Vec<&Id> = l.collections.iter().map(|c| &c.id).collect();
    check_ids(errors, "teams", w.teams.as_ref(), &teams);
    check_ids(errors, "tags", w.tags.as_ref(), &tags);
    check_ids(errors, "owners", w.owners.as_ref(), &users);
    check_ids(errors, "subscribers", w.subscribers.as_ref(), &users);
    check_ids(errors, "collections", w.collections.as_ref(), &collections);
}

/// Copies the writable fields a write carries onto a resource.
fn apply(kind: Kind, w: ResourceWrite, r: &mut Resource) {
    macro_rules! set {
        ($($f:ident),*) => { $(if let Some(v) = w.$f { r.$f = v; })* };
    }
    set!(
        description,
        definition,
        pii,
        verified,
        published,
        owners,
        teams,
        tags,
        collections,
        subscribers
    );
    if kind == Kind::Property {
        macro_rules! set_opt {
            ($($f:ident),*) => { $(if w.$f.is_some() { r.$f = w.$f; })* };
        }
        set_opt!(
            property_type,
            is_required,
            is_array_type,
            enum_values,
            regex
        );
    }
}

/// `GET` list with the filters the reference documents: `title` for categories; `title`,
/// `integration_id` and `parent_id` for events and properties. Others are ignored, as a real
/// server ignores them.
pub(crate) async fn list(
    kind: Kind,
    State(s): State<Arc<Shared>>,
    uri: Uri,
) -> Result<Response, ApiError> {
    let params = Params::parse(uri.query());
    let req = s.page_request(&params)?;
    let scoped = kind != Kind::Category;
    let sel = Selection {
        kind: Some(kind),
        parent: params.get("parent_id").filter(|_| scoped),
        integration: params.get("integration_id").filter(|_| scoped),
        title: params.get("title"),
    };
    let store = s.store();
    let found = store.find(&sel, None, req.offset(), req.size);
    let results = found
        .items
        .iter()
        .map(|r| to_json(&store, r, &s.drop_fields))
        .collect();
    drop(store);
    let at = ListUrl {
        base: &s.base_url,
        path: uri.path(),
        params: &params,
    };
    envelope(at, req, found.count, results)
}

/// The tracking-plan fields a property carries (`null` when unset).
const TRACKING: [&str; 5] = [
    "type",
    "is_required",
    "is_array_type",
    "enum_values",
    "regex",
];

/// A resource on the wire, with its live `children_count`; a property carries every
/// tracking-plan field (`null` when unset), except the fields this sandbox drops, which no
/// answer carries.
pub(crate) fn to_json(store: &Store, r: &Resource, dropped: &[String]) -> serde_json::Value {
    let mut r = r.clone();
    r.children_count = store.children_count(&r.id);
    let property = r.entity_type == Kind::Property.entity_type();
    let mut v = serde_json::to_value(r).unwrap_or_default();
    if let Some(map) = v.as_object_mut() {
        if property {
            for f in TRACKING {
                map.entry(f).or_insert(serde_json::Value::Null);
            }
        }
        for f in dropped {
            map.remove(f);
        }
    }
    v
}

/// The fields `SandboxConfig::drop_fields` may name.
pub(crate) const DROPPABLE: [&str; 15] = [
    "description",
    "definition",
    "pii",
    "verified",
    "published",
    "owners",
    "teams",
    "tags",
    "collections",
    "subscribers",
    "type",
    "is_required",
    "is_array_type",
    "enum_values",
    "regex",
];

/// What a write says about a field this sandbox refuses, in Secoda's 400 shape.
const REFUSED: &str = "This field cannot be set on this workspace.";

/// A field error for each refused field the write carries.
fn check_refused(w: &ResourceWrite, refused: &[String], errors: &mut FieldErrors) {
    for f in refused {
        let carried = match f.as_str() {
            "description" => w.description.is_some(),
            "definition" => w.definition.is_some(),
            "pii" => w.pii.is_some(),
            "verified" => w.verified.is_some(),
            "published" => w.published.is_some(),
            "owners" => w.owners.is_some(),
            "teams" => w.teams.is_some(),
            "tags" => w.tags.is_some(),
            "collections" => w.collections.is_some(),
            "subscribers" => w.subscribers.is_some(),
            "type" => w.property_type.is_some(),
            "is_required" => w.is_required.is_some(),
            "is_array_type" => w.is_array_type.is_some(),
            "enum_values" => w.enum_values.is_some(),
            "regex" => w.regex.is_some(),
            _ => false,
        };
        if carried {
            errors.push((f.clone(), REFUSED.into()));
        }
    }
}

/// The write without the fields this sandbox accepts but does not keep.
fn without_dropped(mut w: ResourceWrite, dropped: &[String]) -> ResourceWrite {
    for f in dropped {
        match f.as_str() {
            "description" => w.description = None,
            "definition" => w.definition = None,
            "pii" => w.pii = None,
            "verified" => w.verified = None,
            "published" => w.published = None,
            "owners" => w.owners = None,
            "teams" => w.teams = None,
            "tags" => w.tags = None,
            "collections" => w.collections = None,
            "subscribers" => w.subscribers = None,
            "type" => w.property_type = None,
            "is_required" => w.is_required = None,
            "is_array_type" => w.is_array_type = None,
            "enum_values" => w.enum_values = None,
            "regex" => w.regex = None,
            _ => {}
        }
    }
    w
}

impl Shared {
    /// The write without every field this sandbox accepts but does not keep.
    fn unkept(&self, w: ResourceWrite) -> ResourceWrite {
        without_dropped(without_dropped(w, &self.drop_fields), &self.ignore_fields)
    }
}

/// `GET` one.
pub(crate) async fn get_one(
    kind: Kind,
    State(s): State<Arc<Shared>>,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let store = s.store();
    match store.get(&id) {
        Some((k, r)) if k == kind => Ok(Json(to_json(&store, r, &s.drop_fields))),
        _ => Err(ApiError::NotFound),
    }
}

/// `POST`: 201 with the stored resource, or 400 naming every bad field.
pub(crate) async fn create(
    kind: Kind,
    State(s): State<Arc<Shared>>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let w: ResourceWrite = parse_body(&body)?;
    let mut store = s.store();
    let mut errors = FieldErrors::new();
    let title = w.title.clone().unwrap_or_default();
    if title.trim().is_empty() {
        errors.push(("title".into(), REQUIRED.into()));
    }
    match &w.integration {
        None => errors.push(("integration".into(), REQUIRED.into())),
        Some(i) if !store.lookups.integrations.iter().any(|x| &x.id == i) => {
            errors.push(("integration".into(), invalid_pk(i.as_str())));
        }
        Some(_) => {}
    }
    let mut title_full = title.clone();
    if let Some(parent_kind) = kind.parent() {
        match &w.parent {
            None => errors.push(("parent".into(), REQUIRED.into())),
            Some(p) => match store.get(p.as_str()) {
                Some((k, parent)) if k == parent_kind => {
                    title_full = format!("{}.{title}", parent.title_full);
                }
                _ => errors.push(("parent".into(), invalid_pk(p.as_str()))),
            },
        }
    }
    check_refs(&store, &w, &mut errors);
    check_refused(&w, &s.reject_fields, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::Fields(errors));
    }
    let at = now();
    let id = store.new_id();
    let mut r = Resource {
        url: format!("/{}/{id}", kind.entity_type()),
        id,
        created_at: at.clone(),
        updated_at: at,
        entity_type: kind.entity_type().into(),
        native_type: kind.entity_type().into(),
        title_cased: title_cased(&title),
        title,
        title_full,
        workspace_id: seed::WORKSPACE.into(),
        definition_version: 1,
        search_metadata: serde_json::json!({"type": kind.entity_type()}),
        parent: if kind.parent().is_some() {
            w.parent.clone()
        } else {
            None
        },
        integration: w.integration.clone(),
        ..Resource::default()
    };
    apply(kind, s.unkept(w), &mut r);
    store.insert(kind, r.clone());
    let answer = to_json(&store, &r, &s.drop_fields);
    Ok((StatusCode::CREATED, Json(answer)).into_response())
}

/// `PATCH`: changes the fields sent, the title among them (parent and integration are fixed
/// at creation); a sandbox started with `drop_title_patch` answers success and keeps the old
/// title, as a server that does not rename through the API.
pub(crate) async fn patch(
    kind: Kind,
    State(s): State<Arc<Shared>>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<serde_json::Value>, ApiError> {
    let mut store = s.store();
    if !matches!(store.get(&id), Some((k, _)) if k == kind) {
        return Err(ApiError::NotFound);
    }
    let w: ResourceWrite = parse_body(&body)?;
    let mut errors = FieldErrors::new();
    if w.title.as_deref().is_some_and(|t| t.trim().is_empty()) {
        errors.push(("title".into(), "This field may not be blank.".into()));
    }
    check_refs(&store, &w, &mut errors);
    check_refused(&w, &s.reject_fields, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::Fields(errors));
    }
    let title = w.title.clone().filter(|_| !s.drop_title_patch);
    if let Some(t) = &title {
        store.retitle(&Id(id.clone()), t);
    }
    let r = store.get_mut(kind, &id).ok_or(ApiError::NotFound)?;
    apply(kind, s.unkept(w), r);
    r.updated_at = now();
    let r = r.clone();
    Ok(Json(to_json(&store, &r, &s.drop_fields)))
}

/// `DELETE`: 204; the resource's children go with it.
pub(crate) async fn delete(
    kind: Kind,
    State(s): State<Arc<Shared>>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let mut store = s.store();
    if !matches!(store.get(&id), Some((k, _)) if k == kind) {
        return Err(ApiError::NotFound);
    }
    store.remove(&Id(id));
    Ok(StatusCode::NO_CONTENT)
}
