//! The verdicts: what each answer means for the tool, as findings with a level. Pure, so
//! every verdict has a test without a server.

use super::envelope::results;
use super::report::{
    Answer, CategoryFilter, EndpointCheck, EventsCheck, Finding, FindingLevel, IntegrationSeen,
    Latency, MonitorsCheck, Pagination, PlanEstimate, TokenCheck,
};
use super::DoctorOptions;
use crate::api::{Integration, ReadPace};
use serde_json::Value;

/// Page size assumed when no list showed one (the reference's examples imply 50).
const ASSUMED_PAGE: u64 = 50;

/// Lists without which no plan can be made.
const REQUIRED: [&str; 4] = ["integrations", "categories", "properties", "monitors"];

/// Plan estimates shown (the biggest integrations).
const MAX_ESTIMATES: usize = 5;

fn finding(check: &str, level: FindingLevel, message: impl Into<String>) -> Finding {
    Finding {
        check: check.to_owned(),
        level,
        message: message.into(),
    }
}

/// The token's verdict (a report exists only when it was accepted).
pub(super) fn token(t: &TokenCheck) -> Finding {
    let status = t.status.map_or_else(String::new, |s| format!(" -> {s}"));
    finding(
        "token",
        FindingLevel::Ok,
        format!("accepted (GET {}{status})", t.path),
    )
}

/// `GET /healthcheck`: `{"status": "OK"}` is what the reference shows.
pub(super) fn healthcheck(a: &Answer) -> Finding {
    if a.ok() {
        return finding(
            "healthcheck",
            FindingLevel::Ok,
            format!("GET {} -> {}", a.path, a.short()),
        );
    }
    finding(
        "healthcheck",
        FindingLevel::Warn,
        format!(
            "GET {} -> {}: the API answers, but not its health check",
            a.path,
            a.short()
        ),
    )
}

/// One finding per list that does not answer as the tool sends it, or one `ok` for all.
pub(super) fn endpoints(all: &[EndpointCheck]) -> Vec<Finding> {
    let mut out = Vec::new();
    for e in all
        .iter()
        .filter(|e| !matches!(e.name.as_str(), "events" | "resources"))
    {
        let (sent, other) = (e.sent_answer(), e.other_answer());
        if sent.ok() {
            continue;
        }
        let flag = if e.sent == "slash" {
            "drop --trailing-slash"
        } else {
            "pass --trailing-slash"
        };
        let (level, message) = match (&sent.location, other.ok()) {
            (Some(to), _) if sent.status.is_some_and(|s| (300..400).contains(&s)) => (
                FindingLevel::Warn,
                format!(
                    "GET {} redirects to {to}: reads follow it, writes are never redirected ({flag})",
                    sent.path
                ),
            ),
            (_, true) => (
                FindingLevel::Fail,
                format!(
                    "{}: {} -> {}, but {} -> {} ({flag})",
                    e.name,
                    sent.path,
                    sent.short(),
                    other.path,
                    other.short()
                ),
            ),
            _ if matches!(sent.status, Some(401 | 403)) => (
                FindingLevel::Warn,
                format!("{}: the token may not read {} ({})", e.name, sent.path, sent.short()),
            ),
            _ => (
                if REQUIRED.contains(&e.name.as_str()) {
                    FindingLevel::Fail
                } else {
                    FindingLevel::Warn
                },
                format!(
                    "{}: {} -> {} and {} -> {}",
                    e.name,
                    sent.path,
                    sent.short(),
                    other.path,
                    other.short()
                ),
            ),
        };
        out.push(finding("endpoints", level, message));
    }
    if out.is_empty() {
        let both = all.iter().filter(|e| e.other_answer().ok()).count();
        out.push(finding(
            "endpoints",
            FindingLevel::Ok,
            format!(
                "{} lists answer as the tool sends them; {both} of them also in the other slash form",
                all.len()
            ),
        ));
    }
    out
}

/// The envelope: the client copes with every quirk; the quirks are worth knowing.
pub(super) fn pagination(p: &Pagination) -> Finding {
    let mut parts = Vec::new();
    let mut level = FindingLevel::Ok;
    match p.shape.as_str() {
        "envelope" => parts.push("lists answer the page envelope".to_owned()),
        "unknown" => {
            level = FindingLevel::Warn;
            parts.push("no list answered a page".to_owned());
        }
        other => {
            level = FindingLevel::Note;
            parts.push(format!("lists answer {}", other.replace('_', " ")));
        }
    }
    parts.push(match p.page_size {
        Some(n) => format!("page size {n}"),
        None => format!("every list fits on one page (largest: {})", p.largest_page),
    });
    match p.page_size_param {
        Some(true) => parts.push("page_size is honoured".to_owned()),
        Some(false) => parts.push("page_size is ignored".to_owned()),
        None => {}
    }
    if !p.none_strings.is_empty() {
        level = level.max(FindingLevel::Note);
        parts.push(format!("\"None\" strings in {}", p.none_strings.join(", ")));
    }
    let foreign: Vec<&str> = p
        .next_links
        .iter()
        .filter_map(|l| l.foreign.as_deref())
        .collect();
    if let Some(first) = foreign.first() {
        level = level.max(FindingLevel::Note);
        parts.push(format!(
            "next links name {first} (never followed: the client reads ?page=N on the list)"
        ));
    } else if !p.next_links.is_empty() {
        parts.push("next links name the list itself".to_owned());
    }
    if let Some(two) = &p.page_two {
        if two.ok() {
            parts.push(format!("?page=2 answers ({})", two.path));
        } else {
            level = FindingLevel::Fail;
            parts.push(format!(
                "?page=2 of {} -> {}: the client cannot read past page 1",
                two.path,
                two.short()
            ));
        }
    }
    finding("pagination", level, parts.join("; "))
}

/// Which integration to ask the category list for: one whose answer can tell whether the
/// filter works, i.e. one that is not the only integration the unfiltered list shows.
pub(super) fn filter_probe<'a>(
    unfiltered: Option<&Value>,
    integrations: &'a [Integration],
) -> Option<&'a Integration> {
    let mut present: Vec<&str> = results(unfiltered?)
        .iter()
        .filter_map(|c| c.get("integration")?.as_str())
        .collect();
    present.dedup();
    let first = *present.first()?;
    let mixed = present.iter().any(|p| *p != first);
    integrations.iter().find(|i| {
        if mixed {
            i.id.as_str() == first
        } else {
            i.id.as_str() != first
        }
    })
}

/// The answer to `integration_id=<asked>`: other integrations' categories mean it is ignored.
pub(super) fn category_filter(asked: &Integration, answer: Option<&Value>) -> CategoryFilter {
    let Some(body) = answer else {
        return CategoryFilter {
            asked_for: Some(asked.name.clone()),
            returned: 0,
            foreign: 0,
            honoured: None,
        };
    };
    let items = results(body);
    let foreign = items
        .iter()
        .filter(|c| c.get("integration").and_then(Value::as_str) != Some(asked.id.as_str()))
        .count();
    CategoryFilter {
        asked_for: Some(asked.name.clone()),
        returned: items.len(),
        foreign,
        honoured: Some(foreign == 0),
    }
}

/// The category filter's verdict: ignoring it is what the reference allows, and the client
/// checks each category's own `integration`.
pub(super) fn category(c: &CategoryFilter, integrations: &[Integration]) -> Finding {
    let asked = c.asked_for.as_deref().unwrap_or("?");
    match c.honoured {
        Some(true) => finding(
            "category_filter",
            FindingLevel::Ok,
            format!("the category list honours integration_id (asked for {asked}: only its own came back)"),
        ),
        Some(false) => finding(
            "category_filter",
            FindingLevel::Note,
            format!(
                "the category list ignores integration_id: asked for {asked}, {} of {} categories \
                 belong to other integrations (the tool keeps only the integration's own)",
                c.foreign, c.returned
            ),
        ),
        None => finding(
            "category_filter",
            FindingLevel::Note,
            format!(
                "cannot tell whether the category list honours integration_id ({} integrations, \
                 too few categories to compare)",
                integrations.len()
            ),
        ),
    }
}

/// How events are listed, and whether the resource list honours the `type` filter.
pub(super) fn events(e: &EventsCheck, resources: Option<&Value>) -> Vec<Finding> {
    let (r, d) = (&e.resource_list, &e.deprecated_list);
    let mut out = vec![match (r.ok(), d.ok()) {
        (true, true) => finding(
            "events",
            FindingLevel::Ok,
            "the resource list answers type = event (the tool reads events there); the deprecated events list answers too",
        ),
        (true, false) => finding(
            "events",
            FindingLevel::Note,
            format!(
                "the resource list answers type = event (the tool reads events there); the deprecated events list is gone ({})",
                d.short()
            ),
        ),
        (false, true) => finding(
            "events",
            FindingLevel::Warn,
            format!(
                "the resource list does not answer type = event ({}): the tool falls back to the deprecated events list",
                r.short()
            ),
        ),
        (false, false) => finding(
            "events",
            FindingLevel::Fail,
            format!(
                "events cannot be listed: the resource list -> {}, the deprecated events list -> {}",
                r.short(),
                d.short()
            ),
        ),
    }];
    let others = resources.map_or(0, |b| {
        results(b)
            .iter()
            .filter(|x| {
                x.get("entity_type")
                    .and_then(Value::as_str)
                    .is_some_and(|t| t != "event")
            })
            .count()
    });
    if others > 0 {
        out.push(finding(
            "events",
            FindingLevel::Warn,
            format!("the resource list ignores the type filter: {others} of its first page are not events"),
        ));
    }
    out
}

/// The monitors path: the tool sends `/api/v1/monitor/monitors`.
pub(super) fn monitors(m: &MonitorsCheck) -> Finding {
    let (w, wo) = (&m.with_prefix, &m.without_prefix);
    let short = format!("{} -> {}", wo.path, wo.short());
    match (w.ok(), wo.ok()) {
        (true, _) => finding(
            "monitors",
            FindingLevel::Ok,
            format!("{} -> {} (the tool's path); {short}", w.path, w.short()),
        ),
        (false, true) => finding(
            "monitors",
            FindingLevel::Fail,
            format!(
                "{} -> {}, only {short} answers: the tool sends the /api/v1 path",
                w.path,
                w.short()
            ),
        ),
        (false, false) => finding(
            "monitors",
            FindingLevel::Fail,
            format!(
                "monitors do not answer: {} -> {}; {short}",
                w.path,
                w.short()
            ),
        ),
    }
}

fn plural(n: u64, one: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {one}s")
    }
}

/// The integrations the token sees.
pub(super) fn integrations(sized: &[IntegrationSeen], total: usize) -> Finding {
    if total == 0 {
        return finding(
            "integrations",
            FindingLevel::Warn,
            "the token sees no integrations: there is nothing to plan against",
        );
    }
    let each: Vec<String> = sized
        .iter()
        .map(|i| match i.events {
            Some(n) => format!("{} ({})", i.name, plural(n, "event")),
            None => format!("{} (events not counted)", i.name),
        })
        .collect();
    let more = total.saturating_sub(sized.len());
    let tail = if more > 0 {
        format!(" and {more} more, not counted")
    } else {
        String::new()
    };
    finding(
        "integrations",
        FindingLevel::Ok,
        format!("{total} visible: {}{tail}", each.join(", ")),
    )
}

fn pages(n: Option<u64>, size: u64) -> u64 {
    n.map_or(1, |n| n.div_ceil(size).max(1))
}

/// Latency percentiles, and the reads a plan of each sizeable integration makes.
pub(super) fn latency(
    timings: &[f64],
    opts: &DoctorOptions,
    sized: &[IntegrationSeen],
    lookups: &[Option<u64>],
    page_size: Option<u64>,
) -> Latency {
    let p50 = super::envelope::percentile(timings, 50.0);
    let p95 = super::envelope::percentile(timings, 95.0);
    let size = page_size.unwrap_or(ASSUMED_PAGE).max(1);
    let fixed: u64 = lookups.iter().map(|n| pages(*n, size)).sum();
    let concurrency = opts.concurrency.max(1);
    let mut biggest: Vec<&IntegrationSeen> = sized.iter().collect();
    biggest.sort_by_key(|i| std::cmp::Reverse(i.events.unwrap_or(0) + i.properties.unwrap_or(0)));
    let plan_estimates = biggest
        .into_iter()
        .take(MAX_ESTIMATES)
        .map(|i| {
            let pages = fixed + pages(i.events, size) + pages(i.properties, size);
            #[allow(clippy::cast_precision_loss)]
            let n = pages as f64;
            // `auto` at best reaches its ceiling: the estimate a fast server earns.
            let paced = match opts.read_pace {
                ReadPace::Unpaced => 0.0,
                ReadPace::Fixed(r) | ReadPace::Auto { max: r } => n / r.per_second(),
            };
            // Lists after their first page are read `concurrency` pages at a time.
            #[allow(clippy::cast_precision_loss)]
            let waited = n * p50 / 1000.0 / concurrency as f64;
            let (seconds, bound_by) = if paced >= waited {
                (paced, "read_rate")
            } else {
                (waited, "latency")
            };
            PlanEstimate {
                integration: i.name.clone(),
                pages,
                seconds: (seconds * 10.0).round() / 10.0,
                bound_by: bound_by.to_owned(),
            }
        })
        .collect();
    Latency {
        calls: timings.len(),
        p50_ms: (p50 * 10.0).round() / 10.0,
        p95_ms: (p95 * 10.0).round() / 10.0,
        read_rate: (opts.read_pace != ReadPace::Unpaced).then(|| opts.read_pace.to_string()),
        concurrency,
        plan_estimates,
    }
}

/// Slow answers are worth a warning; the estimate says what they cost a plan.
pub(super) fn latency_finding(l: &Latency, sized: &[IntegrationSeen]) -> Finding {
    let mut msg = format!(
        "p50 {} ms, p95 {} ms over {} calls",
        l.p50_ms, l.p95_ms, l.calls
    );
    if let Some(e) = l.plan_estimates.first() {
        let size = sized
            .iter()
            .find(|i| i.name == e.integration)
            .map(|i| {
                format!(
                    " ({}, {})",
                    plural(i.events.unwrap_or(0), "event"),
                    plural(i.properties.unwrap_or(0), "property")
                        .replace("propertys", "properties")
                )
            })
            .unwrap_or_default();
        let pace = match (e.bound_by.as_str(), &l.read_rate) {
            ("read_rate", Some(r)) => format!("paced by --read-rate {r}"),
            _ => format!("set by latency with {} in flight", l.concurrency),
        };
        let took = if e.seconds < 1.0 {
            "under a second".to_owned()
        } else {
            format!("about {} s", e.seconds)
        };
        msg.push_str(&format!(
            "; a plan of {}{size} reads about {} pages: {took}, {pace}",
            e.integration, e.pages
        ));
    }
    let level = if l.p95_ms > 5000.0 {
        FindingLevel::Warn
    } else {
        FindingLevel::Ok
    };
    finding("latency", level, msg)
}

#[cfg(test)]
mod tests;
