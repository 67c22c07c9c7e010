//! What the sandbox puts on the wire besides objects: query parameters, the page envelope with
//! Secoda's quirks, and DRF-style error bodies.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

/// The largest `page_size` a client may ask for.
pub(crate) const MAX_PAGE_SIZE: usize = 1000;

/// An error answer with Secoda's (Django REST framework's) body shapes.
#[derive(Debug)]
pub(crate) enum ApiError {
    /// 404 `{"detail": "Not found."}`.
    NotFound,
    /// 404 `{"detail": "Invalid page."}`.
    InvalidPage,
    /// 400 with field errors, e.g. `{"parent": ["This field is required."]}`.
    Fields(Vec<(String, String)>),
    /// 405 for a method this deployment does not serve.
    MethodNotAllowed(String),
}

impl ApiError {
    /// A 400 for one field.
    pub(crate) fn field(name: &str, msg: impl Into<String>) -> Self {
        Self::Fields(vec![(name.to_owned(), msg.into())])
    }

    /// A 400 for a body that is not the JSON object expected.
    pub(crate) fn bad_json(err: &serde_json::Error) -> Self {
        Self::field("non_field_errors", format!("JSON parse error - {err}"))
    }
}

/// DRF's message for an id that names nothing.
pub(crate) fn invalid_pk(id: &str) -> String {
    format!("Invalid pk \"{id}\" - object does not exist.")
}

/// DRF's message for a missing field.
pub(crate) const REQUIRED: &str = "This field is required.";

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body) = match self {
            Self::NotFound => (StatusCode::NOT_FOUND, json!({"detail": "Not found."})),
            Self::InvalidPage => (StatusCode::NOT_FOUND, json!({"detail": "Invalid page."})),
            Self::Fields(errors) => {
                let mut body = serde_json::Map::new();
                for (field, msg) in errors {
                    match body.entry(field).or_insert_with(|| json!([])) {
                        Value::Array(list) => list.push(Value::String(msg)),
                        other => *other = json!([msg]),
                    }
                }
                (StatusCode::BAD_REQUEST, Value::Object(body))
            }
            Self::MethodNotAllowed(method) => (
                StatusCode::METHOD_NOT_ALLOWED,
                json!({"detail": format!("Method \"{method}\" not allowed.")}),
            ),
        };
        (status, Json(body)).into_response()
    }
}

/// Query parameters in order (repeats kept), from the raw query string.
#[derive(Debug, Clone, Default)]
pub(crate) struct Params(Vec<(String, String)>);

impl Params {
    /// Parses a raw query string (`None` = no query).
    pub(crate) fn parse(raw: Option<&str>) -> Self {
        Self(
            url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
                .into_owned()
                .collect(),
        )
    }

    /// The first non-empty value of `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }

    /// The query string with `page` set to `page`.
    fn with_page(&self, page: usize) -> String {
        let mut ser = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in self.0.iter().filter(|(k, _)| k != "page") {
            ser.append_pair(k, v);
        }
        ser.append_pair("page", &page.to_string());
        ser.finish()
    }
}

/// Which page a list request asks for.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PageRequest {
    /// 1-based page number.
    pub(crate) page: usize,
    /// Items per page.
    pub(crate) size: usize,
}

impl PageRequest {
    /// Reads `page` and `page_size`; a page that is not a positive number is a 404, like DRF.
    /// A `page_size` is ignored when `size_param` is off.
    pub(crate) fn from_params(
        p: &Params,
        default_size: usize,
        size_param: crate::PageSizeParam,
    ) -> Result<Self, ApiError> {
        if size_param == crate::PageSizeParam::Refused && p.get("page_size").is_some() {
            return Err(ApiError::field("page_size", "Unknown query parameter."));
        }
        let page = match p.get("page") {
            None => 1,
            Some(s) => s
                .parse::<usize>()
                .ok()
                .filter(|&n| n >= 1)
                .ok_or(ApiError::InvalidPage)?,
        };
        let size = p
            .get("page_size")
            .filter(|_| size_param == crate::PageSizeParam::Honoured)
            .and_then(|s| s.parse::<usize>().ok())
            .unwrap_or(default_size)
            .clamp(1, MAX_PAGE_SIZE);
        Ok(Self { page, size })
    }

    /// Items to skip.
    pub(crate) fn offset(self) -> usize {
        (self.page - 1).saturating_mul(self.size)
    }

    /// Cuts this page out of a whole list.
    pub(crate) fn slice<T>(self, all: &[T]) -> &[T] {
        let start = self.offset().min(all.len());
        let end = start.saturating_add(self.size).min(all.len());
        &all[start..end]
    }
}

/// Where a list lives, for the envelope's absolute links.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ListUrl<'a> {
    /// `http://127.0.0.1:PORT`.
    pub(crate) base: &'a str,
    /// The path as requested.
    pub(crate) path: &'a str,
    /// The request's query.
    pub(crate) params: &'a Params,
}

/// The page envelope, quirks included: `"None"` strings for a missing previous page, `null`
/// `links.next` and `"None"` `meta.next_page` on the last page, absolute link URLs.
pub(crate) fn envelope(
    at: ListUrl<'_>,
    req: PageRequest,
    count: usize,
    results: Vec<Value>,
) -> Result<Response, ApiError> {
    let total_pages = count.div_ceil(req.size).max(1);
    if req.page > total_pages {
        return Err(ApiError::InvalidPage);
    }
    let link =
        |n: usize| Value::String(format!("{}{}?{}", at.base, at.path, at.params.with_page(n)));
    let none = || Value::String("None".into());
    let (next, next_page) = if req.page < total_pages {
        (link(req.page + 1), json!(req.page + 1))
    } else {
        (Value::Null, none())
    };
    let (previous, previous_page) = if req.page > 1 {
        (link(req.page - 1), json!(req.page - 1))
    } else {
        (none(), none())
    };
    Ok(Json(json!({
        "links": {"next": next, "previous": previous},
        "meta": {"page": req.page, "previous_page": previous_page, "next_page": next_page},
        "count": count,
        "total_pages": total_pages,
        "results": Value::Array(results),
    }))
    .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_params_clamp_and_reject() {
        let p = Params::parse(Some("page=2&page_size=5000"));
        let r = PageRequest::from_params(&p, 50, crate::PageSizeParam::Honoured).unwrap();
        assert_eq!(
            (r.page, r.size, r.offset()),
            (2, MAX_PAGE_SIZE, MAX_PAGE_SIZE)
        );
        for bad in ["page=0", "page=x", "page=-1"] {
            assert!(PageRequest::from_params(
                &Params::parse(Some(bad)),
                50,
                crate::PageSizeParam::Honoured
            )
            .is_err());
        }
    }

    #[test]
    fn next_link_keeps_filters_and_replaces_page() {
        let p = Params::parse(Some("title=a%20b&page=1"));
        assert_eq!(p.with_page(2), "title=a+b&page=2");
        assert_eq!(p.get("title"), Some("a b"));
    }
}
