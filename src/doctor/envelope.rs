//! Reading a list's answer as raw JSON, quirks included: envelope or bare array, `"None"`
//! strings, `count`, and where `links.next` points. Pure, so each quirk has a unit test.

use super::report::{NextLink, Pagination};
use serde_json::Value;
use url::Url;

/// The envelope fields that may hold the string `"None"` instead of null.
const NONE_FIELDS: [(&str, &str); 4] = [
    ("links", "next"),
    ("links", "previous"),
    ("meta", "next_page"),
    ("meta", "previous_page"),
];

/// A value that means "no such page": absent, null or the string `"None"`.
fn absent(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.trim().is_empty() || s == "None",
        Some(_) => false,
    }
}

/// The items of a list answer (an envelope's `results` or a bare array).
#[must_use]
pub(super) fn results(body: &Value) -> &[Value] {
    match body {
        Value::Array(items) => items,
        Value::Object(o) => o
            .get("results")
            .and_then(Value::as_array)
            .map_or(&[], Vec::as_slice),
        _ => &[],
    }
}

/// Whether the answer says another page follows.
#[must_use]
pub(super) fn has_next(body: &Value) -> bool {
    !absent(body.pointer("/links/next")) || !absent(body.pointer("/meta/next_page"))
}

/// The whole list's size: `count` when the envelope has it, else the items when this is the
/// only page; `None` when it cannot be told from one page.
#[must_use]
pub(super) fn count_of(body: &Value) -> Option<u64> {
    if let Some(n) = body.get("count").and_then(Value::as_u64) {
        return Some(n);
    }
    let is_list = body.is_array() || body.get("results").is_some_and(Value::is_array);
    (is_list && !has_next(body)).then(|| results(body).len() as u64)
}

/// `envelope`, `bare_array`, or `None` for an answer that is neither.
#[must_use]
pub(super) fn shape(body: &Value) -> Option<&'static str> {
    match body {
        Value::Array(_) => Some("bare_array"),
        Value::Object(o) if o.get("results").is_some_and(Value::is_array) => Some("envelope"),
        _ => None,
    }
}

/// The envelope fields holding `"None"`, as `links.previous` etc.
fn none_fields(body: &Value) -> impl Iterator<Item = String> + '_ {
    NONE_FIELDS
        .iter()
        .filter(move |(outer, inner)| {
            body.get(outer)
                .and_then(|o| o.get(inner))
                .and_then(Value::as_str)
                == Some("None")
        })
        .map(|(outer, inner)| format!("{outer}.{inner}"))
}

/// Where a `links.next` points, seen from the list at `list_path` on `base`: `None` for the
/// list itself, else `another host` or `another path`.
#[must_use]
pub(super) fn foreign(link: &str, base: &Url, list_path: &str) -> Option<String> {
    let Ok(url) = base.join(link) else {
        return Some("not a URL".to_owned());
    };
    if url.origin() != base.origin() {
        return Some("another host".to_owned());
    }
    let prefix = base.path().trim_end_matches('/');
    let want = format!("{prefix}{}", list_path.trim_end_matches('/'));
    (url.path().trim_end_matches('/') != want).then(|| "another path".to_owned())
}

/// What the first pages of the lists show about paging. `pages` pairs each list's path with
/// its answer; `page_size_param` and `page_two` are left for the caller.
#[must_use]
pub(super) fn pagination(pages: &[(String, &Value)], base: &Url) -> Pagination {
    let mut shapes: Vec<&str> = pages.iter().filter_map(|(_, b)| shape(b)).collect();
    shapes.sort_unstable();
    shapes.dedup();
    let shape = match shapes[..] {
        [] => "unknown",
        [one] => one,
        _ => "mixed",
    };
    let page_size = pages
        .iter()
        .filter(|(_, b)| has_next(b) && !results(b).is_empty())
        .map(|(_, b)| results(b).len() as u64)
        .max();
    let largest_page = pages
        .iter()
        .map(|(_, b)| results(b).len() as u64)
        .max()
        .unwrap_or(0);
    let mut none_strings: Vec<String> = pages.iter().flat_map(|(_, b)| none_fields(b)).collect();
    none_strings.sort();
    none_strings.dedup();
    let next_links = pages
        .iter()
        .filter_map(|(path, b)| {
            let link = b.pointer("/links/next")?.as_str()?;
            (link != "None").then(|| NextLink {
                list: path.clone(),
                link: link.to_owned(),
                foreign: foreign(link, base, path),
            })
        })
        .collect();
    Pagination {
        shape: shape.to_owned(),
        page_size,
        largest_page,
        page_size_param: None,
        none_strings,
        next_links,
        page_two: None,
    }
}

/// The `p`-th percentile (0-100) of `values` by nearest rank; 0 for none.
#[must_use]
pub(super) fn percentile(values: &[f64], p: f64) -> f64 {
    let mut v: Vec<f64> = values.to_vec();
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        return 0.0;
    }
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let rank = ((p / 100.0) * v.len() as f64).ceil() as usize;
    v[rank.clamp(1, v.len()) - 1]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn base() -> Url {
        Url::parse("https://api.secoda.co").unwrap()
    }

    #[test]
    fn counts_come_from_count_or_a_lone_page() {
        assert_eq!(count_of(&json!({"count": 315, "results": []})), Some(315));
        assert_eq!(count_of(&json!([1, 2, 3])), Some(3));
        assert_eq!(
            count_of(&json!({"links": {"next": "None"}, "results": [1]})),
            Some(1)
        );
        assert_eq!(
            count_of(&json!({"meta": {"next_page": 2}, "results": [1]})),
            None
        );
        assert_eq!(count_of(&json!({"detail": "x"})), None);
    }

    #[test]
    fn the_reference_envelope_shows_none_strings_and_a_foreign_next_link() {
        let page = json!({
            "links": {"next": "https://api.secoda.co/resource/all/?page=2", "previous": "None"},
            "meta": {"page": 1, "previous_page": "None", "next_page": 2},
            "count": 315, "total_pages": 7, "results": [{}, {}]
        });
        let p = pagination(&[("/api/v1/monitor/monitors".into(), &page)], &base());
        assert_eq!(p.shape, "envelope");
        assert_eq!(p.page_size, Some(2));
        assert_eq!(p.none_strings, ["links.previous", "meta.previous_page"]);
        assert_eq!(p.next_links[0].foreign.as_deref(), Some("another path"));
    }

    #[test]
    fn next_links_to_the_list_itself_are_not_foreign() {
        let b = Url::parse("https://acme.secoda.co/prefix/").unwrap();
        assert_eq!(
            foreign(
                "https://acme.secoda.co/prefix/api/v1/tag/?page=2",
                &b,
                "/api/v1/tag"
            ),
            None
        );
        assert_eq!(
            foreign(
                "https://evil.example/prefix/api/v1/tag?page=2",
                &b,
                "/api/v1/tag"
            )
            .as_deref(),
            Some("another host")
        );
        assert_eq!(
            foreign("/prefix/api/v1/tag?page=2", &b, "/api/v1/tag"),
            None
        );
    }

    #[test]
    fn shapes_mix_and_bare_arrays_have_no_next() {
        let a = json!([1]);
        let e = json!({"results": []});
        let p = pagination(&[("/a".into(), &a), ("/b".into(), &e)], &base());
        assert_eq!(p.shape, "mixed");
        assert_eq!(p.page_size, None);
        assert_eq!(p.largest_page, 1);
        assert_eq!(pagination(&[], &base()).shape, "unknown");
    }

    #[test]
    fn percentiles_by_nearest_rank() {
        let v: Vec<f64> = (1..=20).map(f64::from).collect();
        assert!((percentile(&v, 50.0) - 10.0).abs() < f64::EPSILON);
        assert!((percentile(&v, 95.0) - 19.0).abs() < f64::EPSILON);
        assert!((percentile(&[], 50.0)).abs() < f64::EPSILON);
        assert!((percentile(&[7.0], 95.0) - 7.0).abs() < f64::EPSILON);
    }
}
