//! The API client against the in-process sandbox over real HTTP: every endpoint, paging,
//! rate limits, a wrong token, and creates whose answer is lost.

use futures::{StreamExt, TryStreamExt};
use secoda_sync::sandbox::{self, seed, Fault, Faults, RunningSandbox, SandboxConfig};
use secoda_sync::testing::api::{
    Client, ClientConfig, Id, ListFilter, LogSink, MeasurementFilter, MonitorSchedule,
    MonitorWrite, Resource, ResourceKind, ResourceWrite, RetryPolicy, Token,
};
use serde_json::json;
use std::collections::HashMap;
use std::time::Duration;
use url::Url;

fn config_for(sb: &RunningSandbox, token: &str) -> ClientConfig {
    let mut c = ClientConfig::new(Url::parse(sb.url()).unwrap(), Token::new(token));
    c.retry = RetryPolicy {
        max_tries: 8,
        base: Duration::from_millis(1),
        cap: Duration::from_millis(20),
        rate_window: Duration::from_millis(200),
        ..RetryPolicy::default()
    };
    c.log_sink = LogSink::new(std::io::sink());
    c
}

fn client(sb: &RunningSandbox) -> Client {
    Client::new(config_for(sb, sb.token())).unwrap()
}

fn segment() -> Option<Id> {
    Some(Id::from(seed::SEGMENT))
}

fn write(title: &str, parent: Option<&Id>) -> ResourceWrite {
    ResourceWrite {
        title: Some(title.into()),
        parent: parent.cloned(),
        integration: segment(),
        ..ResourceWrite::default()
    }
}

async fn category(c: &Client, title: &str) -> Resource {
    c.create_category(&write(title, None)).await.unwrap()
}

#[tokio::test]
async fn categories_events_and_properties_round_trip() {
    let sb = sandbox::spawn(SandboxConfig::default()).await.unwrap();
    let c = client(&sb);
    c.healthcheck().await.unwrap();

    let mut body = write("Checkout", None);
    body.teams = Some(vec![sid(0x12)]);
    let cat = c.create_category(&body).await.unwrap();
    assert_eq!(cat.teams, vec![sid(0x12)]);
    assert_eq!(
        c.get_resource(ResourceKind::Category, &cat.id)
            .await
            .unwrap()
            .title,
        "Checkout"
    );
    // The server answers Amplitude's seeded `Checkout` too (the category list filters by title
    // only); the client keeps the one of the integration it asked for.
    let by_title = ListFilter {
        integration_id: segment(),
        title: Some("Checkout".into()),
        ..ListFilter::default()
    };
    let found: Vec<Resource> = c.list_categories(&by_title).try_collect().await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, cat.id);

    let mut ev = write("Order Completed", Some(&cat.id));
    ev.description = Some("Fired once per order".into());
    ev.pii = Some(false);
    let event = c.create_event_idempotent(&ev).await.unwrap();
    assert_eq!(event.parent.as_ref(), Some(&cat.id));
    assert_eq!(event.description, "Fired once per order");

    let mut pr = write("order_id", Some(&event.id));
    pr.property_type = Some("string".into());
    pr.is_required = Some(true);
    let prop = c.create_property_idempotent(&pr).await.unwrap();
    assert_eq!(prop.property_type.as_deref(), Some("string"));
    assert_eq!(prop.is_required, Some(true));

    let patch = ResourceWrite {
        verified: Some(true),
        tags: Some(vec![sid(0x22)]),
        ..ResourceWrite::default()
    };
    let patched = c.patch_event(&event.id, &patch).await.unwrap();
    assert!(patched.verified);
    assert_eq!(patched.tags, vec![sid(0x22)]);
    assert_eq!(
        patched.description, "Fired once per order",
        "PATCH keeps unsent fields"
    );
    let regex = ResourceWrite {
        regex: Some("^[0-9]+$".into()),
        ..ResourceWrite::default()
    };
    let p2 = c.patch_property(&prop.id, &regex).await.unwrap();
    assert_eq!(p2.regex.as_deref(), Some("^[0-9]+$"));
    assert_eq!(
        c.get_resource(ResourceKind::Property, &prop.id)
            .await
            .unwrap()
            .regex,
        p2.regex
    );

    let under = ListFilter {
        integration_id: segment(),
        parent_id: Some(cat.id.clone()),
        title: None,
    };
    let events: Vec<Resource> = c.list_events(&under).try_collect().await.unwrap();
    assert_eq!(
        events.iter().map(|e| &e.id).collect::<Vec<_>>(),
        [&event.id]
    );
    let of_event = ListFilter {
        parent_id: Some(event.id.clone()),
        ..ListFilter::default()
    };
    let props: Vec<Resource> = c.list_properties(&of_event).try_collect().await.unwrap();
    assert_eq!(props.len(), 1);

    c.delete_property(&prop.id).await.unwrap();
    c.delete_event(&event.id).await.unwrap();
    assert!(c
        .get_resource(ResourceKind::Event, &event.id)
        .await
        .unwrap_err()
        .is_not_found());
    c.delete_event(&event.id).await.unwrap(); // already gone: done
    sb.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_create_missing_its_parent_reports_the_field_error() {
    let sb = sandbox::spawn(SandboxConfig::default()).await.unwrap();
    let err = client(&sb)
        .create_event(&write("Orphan", None))
        .await
        .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.starts_with("POST /api/v1/event/events -> 400: "),
        "{msg}"
    );
    assert!(msg.contains("parent"), "{msg}");
}

#[tokio::test]
async fn monitors_incidents_and_measurements() {
    let sb = sandbox::spawn(SandboxConfig::default()).await.unwrap();
    let c = client(&sb);
    let filter =
        json!({"operator": "exact", "field": "title_full", "value": "analytics.public.orders"});
    let tables: Vec<Resource> = c.catalog(&filter).try_collect().await.unwrap();
    assert_eq!(tables.len(), 1);
    let body = MonitorWrite {
        name: Some("Orders row count".into()),
        target: Some(tables[0].id.clone()),
        metric_type: Some("row_count".into()),
        metric_config: Some(serde_json::Map::new()),
        is_enabled: Some(true),
        condition_auto_sensitivity: Some(Some(5.0)),
        schedule: Some(MonitorSchedule {
            cadence: Some("daily".into()),
            frequency: Some(1),
            hour: Some(3),
            day: None,
        }),
        ..MonitorWrite::default()
    };
    let m = c.create_monitor_idempotent(&body).await.unwrap();
    assert_eq!(m.name, "Orders row count");
    assert_eq!(c.get_monitor(&m.id).await.unwrap().metric_type, "row_count");
    let listed: Vec<_> = c.list_monitors().try_collect().await.unwrap();
    assert_eq!(listed.len(), 1);

    let off = MonitorWrite {
        is_enabled: Some(false),
        ..MonitorWrite::default()
    };
    assert!(!c.patch_monitor(&m.id, &off).await.unwrap().is_enabled);
    // The schedule is not echoed: the monitor carries it folded into hours.
    assert!(m.schedule.is_none());
    assert_eq!(m.frequency, Some(24.0));
    let job = c.run_monitors(std::slice::from_ref(&m.id)).await.unwrap();
    assert!(job.completed.is_none(), "a background job, completed later");
    assert!(c
        .get_monitor(&m.id)
        .await
        .unwrap()
        .last_measurement_value
        .is_some());
    let incidents: Vec<_> = c.list_incidents().try_collect().await.unwrap();
    for i in &incidents {
        assert_eq!(c.get_incident(&i.id).await.unwrap().id, i.id);
    }
    let by_monitor = MeasurementFilter {
        monitor: Some(m.id.clone()),
        incident_id: None,
    };
    let measurements: Vec<_> = c
        .list_measurements(&by_monitor)
        .try_collect()
        .await
        .unwrap();
    assert!(measurements
        .iter()
        .all(|x| x.monitor.as_ref() == Some(&m.id)));
    assert!(c
        .get_incident(&Id::from("nope"))
        .await
        .unwrap_err()
        .is_not_found());

    c.delete_monitor(&m.id).await.unwrap();
    assert!(c.get_monitor(&m.id).await.unwrap_err().is_not_found());
}

#[tokio::test]
async fn a_workspace_without_monitor_delete_says_so() {
    let cfg = SandboxConfig {
        monitor_delete: false,
        ..SandboxConfig::default()
    };
    let sb = sandbox::spawn(cfg).await.unwrap();
    let err = client(&sb)
        .delete_monitor(&Id::from("m"))
        .await
        .unwrap_err();
    assert!(err.is_unsupported(), "{err}");
    assert_eq!(err.status(), Some(405));
}

#[tokio::test]
async fn lookups_resolve_the_seeded_names() {
    let sb = sandbox::spawn(SandboxConfig::default()).await.unwrap();
    let c = client(&sb);
    let integrations: Vec<_> = c.list_integrations().try_collect().await.unwrap();
    let names: Vec<_> = integrations.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names, ["Segment", "Amplitude", "Snowflake"]);
    assert_eq!(integrations[0].id, Id::from(seed::SEGMENT));
    let teams: Vec<_> = c.list_teams().try_collect().await.unwrap();
    assert!(teams.iter().any(|t| t.name == "Data Platform"));
    let users: Vec<_> = c.list_users().try_collect().await.unwrap();
    assert!(users.iter().any(|u| u.email == "carol@acme.test"));
    let collections: Vec<_> = c
        .list_collections(Some("Revenue"))
        .try_collect()
        .await
        .unwrap();
    let titles: Vec<_> = collections.iter().map(|x| x.title.as_str()).collect();
    assert_eq!(titles, ["Revenue Metrics"]);
}

#[tokio::test]
async fn lists_are_read_across_pages_despite_none_strings() {
    let cfg = SandboxConfig {
        page_size: 2,
        page_size_param: sandbox::PageSizeParam::Ignored,
        ..SandboxConfig::default()
    };
    let sb = sandbox::spawn(cfg).await.unwrap();
    let c = client(&sb);
    let tags: Vec<_> = c.list_tags().try_collect().await.unwrap();
    let names: Vec<_> = tags.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "pii",
            "revenue",
            "core",
            "deprecated",
            "experimental",
            "marketing",
            "secoda-sync"
        ]
    );
    let mut pages: Vec<_> = sb
        .request_log()
        .into_iter()
        .filter(|e| e.path == "/api/v1/tag")
        .map(|e| e.query.unwrap_or_default())
        .collect();
    // Pages after the first are read ahead concurrently, so they may land in any order. Every
    // page of the list asks for the same (large) size: pages of two sizes would skip items.
    assert_eq!(pages[0], "page=1&page_size=1000");
    pages.sort();
    let asked = |n| format!("page={n}&page_size=1000");
    assert_eq!(pages, [asked(1), asked(2), asked(3), asked(4)]);
    // A server answering 2 with more to come does not honour it: the next list does not ask.
    assert_eq!(c.page_size_seen(), (Some(false), 2));
    sb.clear_log();
    let _: Vec<_> = c.list_tags().try_collect().await.unwrap();
    let again: Vec<_> = sb
        .request_log()
        .into_iter()
        .filter_map(|e| e.query)
        .collect();
    assert_eq!(again[0], "page=1", "{again:?}");

    for i in 0..5 {
        category(&c, &format!("C{i}")).await;
    }
    let cats: Vec<Resource> = c
        .list_categories(&ListFilter::default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        cats.len(),
        5 + 1,
        "the five and Amplitude's seeded `Checkout`"
    );
}

#[tokio::test]
async fn lists_ask_for_large_pages_and_read_a_list_in_one_page_where_honoured() {
    let sb = sandbox::spawn(SandboxConfig::default()).await.unwrap();
    let c = client(&sb);
    let cat = category(&c, "Big").await;
    let seen = create_many(&c, &cat.id, 120).await;
    assert_eq!(seen.len(), 120);
    let lists: Vec<_> = sb
        .request_log()
        .into_iter()
        .filter(|e| e.method == "GET")
        .filter_map(|e| e.query)
        .collect();
    // 120 events, more than two default pages, in one answer.
    assert!(
        lists.iter().all(|q| q.contains("page_size=1000")),
        "{lists:?}"
    );
    assert!(!lists.iter().any(|q| q.contains("page=2")), "{lists:?}");
    assert_eq!(c.page_size_seen(), (Some(true), 120));
}

#[tokio::test]
async fn the_trailing_slash_form_is_served_too() {
    let sb = sandbox::spawn(SandboxConfig::default()).await.unwrap();
    let mut cfg = config_for(&sb, sb.token());
    cfg.trailing_slash = true;
    let c = Client::new(cfg).unwrap();
    let cat = c.create_category(&write("Slashed", None)).await.unwrap();
    assert_eq!(
        c.get_resource(ResourceKind::Category, &cat.id)
            .await
            .unwrap()
            .title,
        "Slashed"
    );
    assert!(sb.request_log().iter().all(|e| e.path.ends_with('/')));
}

#[tokio::test]
async fn a_wrong_token_gets_a_clear_401() {
    let sb = sandbox::spawn(SandboxConfig::default()).await.unwrap();
    let c = Client::new(config_for(&sb, "not-the-token")).unwrap();
    let err = c.list_tags().try_collect::<Vec<_>>().await.unwrap_err();
    let msg = err.to_string();
    assert_eq!(err.status(), Some(401));
    assert!(msg.starts_with("GET /api/v1/tag -> 401"), "{msg}");
    assert!(
        msg.contains("SECODA_API_TOKEN") && !msg.contains("not-the-token"),
        "{msg}"
    );
}

/// Creates `n` events concurrently under `cat` and returns the titles the sandbox holds, with
/// how often each appears.
async fn create_many(c: &Client, cat: &Id, n: usize) -> HashMap<String, usize> {
    let results: Vec<_> = futures::stream::iter(0..n)
        .map(|i| {
            let c = c.clone();
            let body = write(&format!("Event {i}"), Some(cat));
            async move { c.create_event_idempotent(&body).await }
        })
        .buffer_unordered(8)
        .collect()
        .await;
    for r in results {
        r.unwrap();
    }
    let under = ListFilter {
        parent_id: Some(cat.clone()),
        ..ListFilter::default()
    };
    let mut seen = HashMap::new();
    let all: Vec<Resource> = c.list_events(&under).try_collect().await.unwrap();
    for e in all {
        *seen.entry(e.title).or_insert(0) += 1;
    }
    seen
}

#[tokio::test]
async fn creates_whose_answer_is_lost_after_commit_never_yield_twins() {
    let sb = sandbox::spawn(SandboxConfig {
        seed: 7,
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let c = client(&sb);
    let cat = category(&c, "Lossy").await;
    sb.set_faults(Faults {
        drop_after_commit: 0.5,
        ..Faults::default()
    })
    .unwrap();
    let seen = create_many(&c, &cat.id, 30).await;
    assert_eq!(seen.len(), 30);
    assert!(seen.values().all(|n| *n == 1), "twins: {seen:?}");
    let log = sb.request_log();
    let dropped = |f| log.iter().filter(|e| e.fault == Some(f)).count();
    assert!(dropped(Fault::DroppedAfterCommit) > 0 && dropped(Fault::BadGatewayAfterCommit) > 0);
    assert_eq!(
        c.stats().adopted as usize,
        dropped(Fault::DroppedAfterCommit) + dropped(Fault::BadGatewayAfterCommit)
    );
}

#[tokio::test]
async fn failed_creates_that_did_not_land_are_made_once() {
    let sb = sandbox::spawn(SandboxConfig {
        seed: 3,
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let c = client(&sb);
    let cat = category(&c, "Flaky").await;
    sb.set_faults(Faults {
        fail_rate: 0.3,
        ..Faults::default()
    })
    .unwrap();
    let seen = create_many(&c, &cat.id, 20).await;
    assert_eq!(seen.len(), 20);
    assert!(seen.values().all(|n| *n == 1), "twins: {seen:?}");
    assert_eq!(c.stats().adopted, 0);
    assert!(sb
        .request_log()
        .iter()
        .any(|e| e.fault == Some(Fault::Failed)));
}

#[tokio::test]
async fn rate_limited_writes_back_off_and_all_land() {
    for retry_after in [true, false] {
        let sb = sandbox::spawn(SandboxConfig::default()).await.unwrap();
        let mut cfg = config_for(&sb, sb.token());
        // The window the server counts in: without Retry-After the client waits for the next.
        cfg.retry.rate_window = Duration::from_secs(1);
        let c = Client::new(cfg).unwrap();
        let cat = category(&c, "Busy").await;
        sb.set_faults(Faults {
            write_limit: Some("5/s".parse::<sandbox::Limit>().unwrap()),
            retry_after,
            ..Faults::default()
        })
        .unwrap();
        let seen = create_many(&c, &cat.id, 12).await;
        assert_eq!(seen.len(), 12, "retry_after={retry_after}");
        assert!(seen.values().all(|n| *n == 1));
        let throttled = sb
            .request_log()
            .iter()
            .filter(|e| e.fault == Some(Fault::Throttled))
            .count();
        assert!(
            throttled > 0,
            "retry_after={retry_after}: the limit was never hit"
        );
        assert_eq!(c.stats().rate_limited as usize, throttled);
    }
}

/// A seeded sandbox id as the client's id type (the sandbox shares no type with the client).
fn sid(n: u8) -> Id {
    Id::from(seed::id(n).as_str())
}

/// A log sink the test can read back.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn events_are_read_through_the_resource_list_and_the_sandbox_answers_it() {
    let sb = sandbox::spawn(SandboxConfig::default()).await.unwrap();
    let mut cfg = config_for(&sb, sb.token());
    let log = Captured::default();
    cfg.log = secoda_sync::testing::api::LogLevel::Calls;
    cfg.log_sink = LogSink::new(log.clone());
    let c = Client::new(cfg).unwrap();
    let amplitude = ListFilter {
        integration_id: Some(Id::from(seed::AMPLITUDE)),
        ..ListFilter::default()
    };
    let events: Vec<Resource> = c.list_events(&amplitude).try_collect().await.unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].title, "Order Completed");
    let text = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
    assert!(text.contains("/api/v1/resource/catalog/"), "{text}");
    assert!(
        text.contains("events: read through the resource list"),
        "{text}"
    );
    assert!(!text.contains("/api/v1/event/events"), "{text}");
}

#[tokio::test]
async fn events_fall_back_to_the_deprecated_list_where_the_resource_list_does_not_answer() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/event/events"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"id": "e1", "title": "A", "integration": "seg", "parent": "c"},
            {"id": "e2", "title": "B", "integration": "amp", "parent": "c"}
        ])))
        .expect(1)
        .mount(&server)
        .await;
    // The resource list is not mounted: it answers 404.
    let mut cfg = ClientConfig::new(Url::parse(&server.uri()).unwrap(), Token::new("t"));
    let log = Captured::default();
    cfg.log = secoda_sync::testing::api::LogLevel::Calls;
    cfg.log_sink = LogSink::new(log.clone());
    let c = Client::new(cfg).unwrap();
    let seg = ListFilter {
        integration_id: Some(Id::from("seg")),
        ..ListFilter::default()
    };
    let events: Vec<Resource> = c.list_events(&seg).try_collect().await.unwrap();
    let ids: Vec<&str> = events.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["e1"], "another integration's event is not kept");
    let text = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
    assert!(
        text.contains("reading the deprecated events list"),
        "{text}"
    );
}
