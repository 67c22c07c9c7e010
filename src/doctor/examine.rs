//! The calls `doctor` makes, in order: health check, token, every list in both slash forms,
//! paging, the category filter, monitors without `/api/v1`, and each integration's size.
//! GETs only; the verdicts are `judge`'s.

use super::envelope::{self, count_of, results};
use super::judge;
use super::report::{
    Answer, CategoryFilter, DoctorReport, EndpointCheck, EventsCheck, FindingCounts,
    IntegrationSeen, MonitorsCheck, TokenCheck, FORMAT_VERSION,
};
use super::{DoctorError, DoctorOptions};
use crate::api::endpoints::paths;
use crate::api::{Client, Integration, Probe};
use futures::TryStreamExt;
use serde_json::{json, Value};

/// Integrations whose events and properties are counted (two calls each).
const MAX_COUNTED: usize = 50;

/// Query pairs.
type Query = Vec<(String, String)>;

/// The lists the tool reads: name, documented path, query it sends.
fn lists() -> Vec<(&'static str, &'static str, Query)> {
    let events = json!({"operator": "exact", "field": "type", "value": "event"}).to_string();
    vec![
        ("integrations", paths::INTEGRATIONS, vec![]),
        ("teams", paths::TEAMS, vec![]),
        ("tags", paths::TAGS, vec![]),
        ("users", paths::USERS, vec![]),
        ("collections", paths::COLLECTIONS, vec![]),
        ("categories", paths::CATEGORIES, vec![]),
        ("events", paths::EVENTS, vec![]),
        ("properties", paths::PROPERTIES, vec![]),
        ("resources", paths::CATALOG, vec![("filter".into(), events)]),
        ("monitors", paths::MONITORS, vec![]),
        ("incidents", paths::INCIDENTS, vec![]),
        ("measurements", paths::MEASUREMENTS, vec![]),
    ]
}

/// A path in the form the tool sends it: documented, or always `/path/` with the flag.
fn sent_form(path: &str, trailing_slash: bool) -> String {
    if trailing_slash && !path.ends_with('/') {
        format!("{path}/")
    } else {
        path.to_owned()
    }
}

fn answer(p: &Probe) -> Answer {
    Answer {
        path: p.path.clone(),
        status: p.status,
        ms: (p.elapsed.as_secs_f64() * 10_000.0).round() / 10.0,
        json: p.body.is_some(),
        location: p.location.clone(),
        error: p.error.clone(),
    }
}

/// What was answered, kept with the JSON the checks read.
struct Seen {
    check: EndpointCheck,
    body: Option<Value>,
}

/// Runs every check against the workspace `client` points at.
///
/// # Errors
/// [`DoctorError::Unreachable`] when the host does not answer, [`DoctorError::TokenRefused`]
/// when it refuses the token; everything else is a finding in the report.
pub(crate) async fn examine(
    client: &Client,
    opts: &DoctorOptions,
) -> Result<DoctorReport, DoctorError> {
    let base = client.base_url().clone();
    let host = match (base.host_str(), base.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_owned(),
        (None, _) => base.to_string(),
    };
    let form = |p: &str| sent_form(p, opts.trailing_slash);
    let mut timings = Vec::new();
    let mut probe = async |path: &str, query: &[(String, String)]| {
        let p = client.probe(path, query).await;
        if p.status.is_some() {
            timings.push(p.elapsed.as_secs_f64() * 1000.0);
        }
        p
    };

    let health = probe(&form(paths::HEALTHCHECK), &[]).await;
    let token = probe(&form(paths::INTEGRATIONS), &[]).await;
    if token.status.is_none() {
        return Err(DoctorError::Unreachable {
            host,
            path: token.path,
            reason: token.error.unwrap_or_default(),
        });
    }
    if token.refused() {
        return Err(DoctorError::TokenRefused {
            host,
            path: token.path,
            status: token.status.unwrap_or_default(),
        });
    }

    let mut seen = Vec::new();
    for (name, path, query) in lists() {
        let plain_path = path.trim_end_matches('/');
        let plain = probe(plain_path, &query).await;
        let slash = probe(&format!("{plain_path}/"), &query).await;
        let sent = if form(path).ends_with('/') {
            "slash"
        } else {
            "plain"
        };
        let used = if sent == "slash" { &slash } else { &plain };
        let body = used.body.clone().filter(|_| used.answered());
        seen.push(Seen {
            check: EndpointCheck {
                name: name.to_owned(),
                path: path.to_owned(),
                sent: sent.to_owned(),
                plain: answer(&plain),
                slash: answer(&slash),
            },
            body,
        });
    }
    let find = |name: &str| seen.iter().find(|s| s.check.name == name);
    let body_of = |name: &str| find(name).and_then(|s| s.body.as_ref());

    // Paging: the first pages seen, then a page of one on the integrations list, then page 2.
    let firsts: Vec<(String, &Value)> = seen
        .iter()
        .filter_map(|s| Some((s.check.path.clone(), s.body.as_ref()?)))
        .collect();
    let mut pagination = envelope::pagination(&firsts, &base);
    let one = probe(
        &form(paths::INTEGRATIONS),
        &[("page_size".into(), "1".into())],
    )
    .await;
    if let Some(b) = one.body.as_ref().filter(|_| one.answered()) {
        pagination.page_size_param = match results(b).len() {
            0 => None,
            1 if envelope::has_next(b) => Some(true),
            1 => None,
            _ => Some(false),
        };
        let extra = envelope::pagination(&[(paths::INTEGRATIONS.to_owned(), b)], &base);
        pagination.none_strings.extend(extra.none_strings);
        pagination.none_strings.sort();
        pagination.none_strings.dedup();
        pagination.next_links.extend(extra.next_links);
    }
    let second = seen
        .iter()
        .find(|s| s.body.as_ref().is_some_and(envelope::has_next))
        .map(|s| (form(&s.check.path), lists_query(&s.check.name)))
        .or_else(|| {
            (pagination.page_size_param == Some(true)).then(|| {
                (
                    form(paths::INTEGRATIONS),
                    vec![("page_size".to_owned(), "1".to_owned())],
                )
            })
        });
    if let Some((path, mut query)) = second {
        query.push(("page".into(), "2".into()));
        pagination.page_two = Some(answer(&probe(&path, &query).await));
    }

    // Integrations, read as the tool reads them (every page).
    let integrations: Vec<Integration> = client
        .list_integrations()
        .try_collect()
        .await
        .unwrap_or_default();

    let category_filter = match judge::filter_probe(body_of("categories"), &integrations) {
        None => CategoryFilter {
            asked_for: None,
            returned: 0,
            foreign: 0,
            honoured: None,
        },
        Some(asked) => {
            let q = [("integration_id".to_owned(), asked.id.to_string())];
            let p = probe(&form(paths::CATEGORIES), &q).await;
            judge::category_filter(asked, p.body.as_ref().filter(|_| p.answered()))
        }
    };

    // Every name is in `lists()`; a missing one would read as a list that never answered.
    let sent_of = |name: &str| {
        find(name).map_or_else(
            || Answer {
                path: name.to_owned(),
                status: None,
                ms: 0.0,
                json: false,
                location: None,
                error: Some("not asked".to_owned()),
            },
            |s| s.check.sent_answer().clone(),
        )
    };
    let resource_list = sent_of("resources");
    let deprecated_list = sent_of("events");
    let used = if resource_list.ok() {
        Some("resource_list".to_owned())
    } else if deprecated_list.ok() {
        Some("deprecated_list".to_owned())
    } else {
        None
    };
    let events = EventsCheck {
        resource_list,
        deprecated_list,
        used,
    };

    let with_prefix = sent_of("monitors");
    let short = probe(&form("/monitor/monitors"), &[]).await;
    let monitors = MonitorsCheck {
        with_prefix,
        without_prefix: answer(&short),
    };

    let mut sized = Vec::new();
    for i in integrations.iter().take(MAX_COUNTED) {
        let id = i.id.to_string();
        let events_count = match events.used.as_deref() {
            Some("resource_list") => {
                let filter = json!({"operator": "and", "operands": [
                    {"operator": "exact", "field": "type", "value": "event"},
                    {"operator": "exact", "field": "integration", "value": id},
                ]});
                let q = [("filter".to_owned(), filter.to_string())];
                counted(&probe(&form(paths::CATALOG), &q).await)
            }
            Some(_) => {
                let q = [("integration_id".to_owned(), id.clone())];
                counted(&probe(&form(paths::EVENTS), &q).await)
            }
            None => None,
        };
        let q = [("integration_id".to_owned(), id.clone())];
        let properties = counted(&probe(&form(paths::PROPERTIES), &q).await);
        sized.push(IntegrationSeen {
            id,
            name: i.name.clone(),
            integration_type: i.integration_type.clone(),
            events: events_count,
            properties,
        });
    }

    let lookup_counts: Vec<Option<u64>> = [
        "integrations",
        "teams",
        "tags",
        "users",
        "collections",
        "categories",
        "monitors",
    ]
    .iter()
    .map(|n| body_of(n).and_then(count_of))
    .collect();
    let latency = judge::latency(&timings, opts, &sized, &lookup_counts, pagination.page_size);

    let resources = body_of("resources").cloned();
    let endpoints: Vec<EndpointCheck> = seen.into_iter().map(|s| s.check).collect();
    let health = answer(&health);
    let token = TokenCheck {
        accepted: true,
        path: token.path,
        status: token.status,
    };
    let mut findings = vec![judge::token(&token), judge::healthcheck(&health)];
    findings.extend(judge::endpoints(&endpoints));
    findings.push(judge::pagination(&pagination));
    findings.push(judge::category(&category_filter, &integrations));
    findings.extend(judge::events(&events, resources.as_ref()));
    findings.push(judge::monitors(&monitors));
    findings.push(judge::integrations(&sized, integrations.len()));
    findings.push(judge::latency_finding(&latency, &sized));
    let summary = FindingCounts::of(&findings);
    Ok(DoctorReport {
        format_version: FORMAT_VERSION,
        host: base.as_str().trim_end_matches('/').to_owned(),
        region: opts.region.clone(),
        trailing_slash: opts.trailing_slash,
        token,
        healthcheck: health,
        endpoints,
        pagination,
        category_filter,
        events,
        monitors,
        integrations: sized,
        latency,
        findings,
        summary,
    })
}

/// The query a list was first asked with (the resource list needs its filter on page 2 too).
fn lists_query(name: &str) -> Query {
    lists()
        .into_iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, _, q)| q)
        .unwrap_or_default()
}

fn counted(p: &Probe) -> Option<u64> {
    p.body.as_ref().filter(|_| p.answered()).and_then(count_of)
}
