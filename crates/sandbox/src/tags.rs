//! Tag writes: `POST /api/v1/tag`, `PATCH` and `DELETE /api/v1/tag/{id}`. Secoda's reference
//! documents only the list; these answer as the other resources' writes do (201 with the
//! object, 200 with the object, 204), which is what the tool assumes of a real workspace.

use super::model::{Id, Tag};
use super::resources::{parse_body, FieldErrors};
use super::wire::{ApiError, REQUIRED};
use super::Shared;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use std::sync::Arc;

/// The fields a tag write may carry.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct TagWrite {
    name: Option<String>,
    color: Option<String>,
    description: Option<String>,
}

/// A name no other tag carries (the workspace's names are unique).
fn check_name(tags: &[Tag], name: &str, own: Option<&Id>, errors: &mut FieldErrors) {
    if name.trim().is_empty() {
        errors.push(("name".into(), "This field may not be blank.".into()));
    } else if tags.iter().any(|t| t.name == name && Some(&t.id) != own) {
        errors.push(("name".into(), "tag with this name already exists.".into()));
    }
}

/// `POST /api/v1/tag`.
pub(crate) async fn create(
    State(s): State<Arc<Shared>>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let w: TagWrite = parse_body(&body)?;
    let mut store = s.store();
    let mut errors = FieldErrors::new();
    match &w.name {
        None => errors.push(("name".into(), REQUIRED.into())),
        Some(name) => check_name(&store.lookups.tags, name, None, &mut errors),
    }
    if !errors.is_empty() {
        return Err(ApiError::Fields(errors));
    }
    let tag = Tag {
        id: store.new_id(),
        name: w.name.unwrap_or_default(),
        color: w.color.unwrap_or_default(),
        description: w.description.unwrap_or_default(),
    };
    store.lookups.tags.push(tag.clone());
    Ok((StatusCode::CREATED, Json(tag)).into_response())
}

/// `PATCH /api/v1/tag/{id}`: sets the fields given.
pub(crate) async fn patch(
    State(s): State<Arc<Shared>>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let w: TagWrite = parse_body(&body)?;
    let mut store = s.store();
    let id = Id(id);
    let mut errors = FieldErrors::new();
    if let Some(name) = &w.name {
        check_name(&store.lookups.tags, name, Some(&id), &mut errors);
    }
    if !errors.is_empty() {
        return Err(ApiError::Fields(errors));
    }
    let tag = store
        .lookups
        .tags
        .iter_mut()
        .find(|t| t.id == id)
        .ok_or(ApiError::NotFound)?;
    if let Some(name) = w.name {
        tag.name = name;
    }
    if let Some(color) = w.color {
        tag.color = color;
    }
    if let Some(description) = w.description {
        tag.description = description;
    }
    Ok(Json(tag.clone()).into_response())
}

/// `DELETE /api/v1/tag/{id}`.
pub(crate) async fn delete(
    State(s): State<Arc<Shared>>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let mut store = s.store();
    let before = store.lookups.tags.len();
    store.lookups.tags.retain(|t| t.id.0 != id);
    if store.lookups.tags.len() == before {
        return Err(ApiError::NotFound);
    }
    Ok(StatusCode::NO_CONTENT)
}
