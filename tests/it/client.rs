//! The API client against scripted servers (wiremock) for edge cases the sandbox cannot stage:
//! rate-limit answers, lost answers, redirects, foreign page links, timeouts, bad JSON.

use futures::TryStreamExt;
use secoda_sync::testing::api::{
    ApiError, Client, ClientConfig, Id, ListFilter, LogLevel, LogSink, MonitorWrite, ReadPace,
    Resource, ResourceKind, ResourceWrite, RetryPolicy, Tag, Token,
};
use serde_json::json;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};
use url::Url;
use wiremock::matchers::{any, body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "tok-3f9a-very-secret";
const EVENTS: &str = "/api/v1/event/events";

fn config(uri: &str) -> ClientConfig {
    let mut c = ClientConfig::new(Url::parse(uri).unwrap(), Token::new(TOKEN));
    c.retry = RetryPolicy {
        max_tries: 4,
        base: Duration::from_millis(1),
        cap: Duration::from_millis(5),
        rate_window: Duration::from_millis(100),
        ..RetryPolicy::default()
    };
    c.log_sink = LogSink::new(std::io::sink());
    c
}

fn client(server: &MockServer) -> Client {
    Client::new(config(&server.uri())).unwrap()
}

fn resource(id: &str, title: &str) -> serde_json::Value {
    json!({"id": id, "title": title, "parent": "cat", "integration": "seg", "owners": null})
}

fn event_body(title: &str) -> ResourceWrite {
    ResourceWrite {
        title: Some(title.into()),
        parent: Some(Id::from("cat")),
        integration: Some(Id::from("seg")),
        ..ResourceWrite::default()
    }
}

/// A writer the test can read back.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

#[tokio::test]
async fn sends_the_bearer_token_and_decodes_a_resource() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{EVENTS}/e1")))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(resource("e1", "Order Completed")))
        .expect(1)
        .mount(&server)
        .await;
    let r = client(&server)
        .get_resource(ResourceKind::Event, &Id::from("e1"))
        .await
        .unwrap();
    assert_eq!(r.title, "Order Completed");
    assert!(r.owners.is_empty());
}

#[tokio::test]
async fn rate_limited_call_waits_for_retry_after_seconds_then_succeeds() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "0"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(format!("{EVENTS}/e1")))
        .and(body_json(json!({"description": "d"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(resource("e1", "E")))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    let body = ResourceWrite {
        description: Some("d".into()),
        ..ResourceWrite::default()
    };
    c.patch_event(&Id::from("e1"), &body).await.unwrap();
    let s = c.stats();
    assert_eq!((s.rate_limited, s.retries, s.writes), (1, 1, 2));
}

#[tokio::test]
async fn a_huge_retry_after_is_capped_instead_of_stalling_or_panicking() {
    let server = MockServer::start().await;
    for wait in ["18446744073709551615", "86400"] {
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", wait))
            .up_to_n_times(1)
            .expect(1)
            .mount(&server)
            .await;
    }
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([{"id": "t", "name": "pii"}])))
        .expect(1)
        .mount(&server)
        .await;
    let mut cfg = config(&server.uri());
    cfg.retry.max_pause = Duration::from_millis(5);
    let c = Client::new(cfg).unwrap();
    let tags: Vec<Tag> = c.list_tags().try_collect().await.unwrap();
    assert_eq!(tags[0].name, "pii");
    assert_eq!(c.stats().rate_limited, 2);
}

#[tokio::test]
async fn rate_limited_call_accepts_an_http_date_retry_after() {
    let server = MockServer::start().await;
    let date = httpdate::fmt_http_date(SystemTime::now());
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", date.as_str()))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([{"id": "t", "name": "pii"}])))
        .mount(&server)
        .await;
    let c = client(&server);
    let tags: Vec<Tag> = c.list_tags().try_collect().await.unwrap();
    assert_eq!(tags[0].name, "pii");
    assert_eq!(c.stats().rate_limited, 1);
}

#[tokio::test]
async fn a_post_answered_429_without_retry_after_is_retried_after_the_window() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429))
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(resource("e1", "E")))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    let r = c.create_event(&event_body("E")).await.unwrap();
    assert_eq!(r.id, Id::from("e1"));
    assert_eq!(c.stats().rate_limited, 2);
}

#[tokio::test]
async fn rate_limits_that_never_lift_end_in_a_429_error() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "0"))
        .expect(4)
        .mount(&server)
        .await;
    let err = client(&server)
        .get_monitor(&Id::from("m"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(429));
    assert!(
        err.to_string()
            .contains("GET /api/v1/monitor/monitors/m -> 429"),
        "{err}"
    );
}

#[tokio::test]
async fn a_503_on_a_read_is_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(resource("c", "Checkout")))
        .mount(&server)
        .await;
    let c = client(&server);
    assert_eq!(
        c.get_resource(ResourceKind::Category, &Id::from("c"))
            .await
            .unwrap()
            .title,
        "Checkout"
    );
    assert_eq!(c.stats().retries, 2);
}

#[tokio::test]
async fn a_plain_create_is_not_repeated_after_a_503() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503).set_body_string("upstream down"))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .create_event(&event_body("E"))
        .await
        .unwrap_err();
    assert!(err.is_ambiguous());
    assert_eq!(
        err.to_string(),
        "POST /api/v1/event/events -> 503: upstream down"
    );
}

#[tokio::test]
async fn idempotent_create_adopts_what_a_lost_answer_created() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(502))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(EVENTS))
        .and(query_param("title", "Order Completed"))
        .and(query_param("parent_id", "cat"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "links": {"next": "None", "previous": "None"},
            "meta": {"page": 1, "next_page": "None", "previous_page": "None"},
            "results": [resource("twin?", "Order Completed Later"), resource("e9", "Order Completed")]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    let r = c
        .create_event_idempotent(&event_body("Order Completed"))
        .await
        .unwrap();
    assert_eq!(r.id, Id::from("e9"));
    assert_eq!(c.stats().adopted, 1);
}

#[tokio::test]
async fn idempotent_create_tries_again_when_the_lost_call_did_not_land() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(504))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(resource("e2", "New")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"results": []})))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    let r = c.create_event_idempotent(&event_body("New")).await.unwrap();
    assert_eq!(r.id, Id::from("e2"));
    assert_eq!(c.stats().adopted, 0);
}

#[tokio::test]
async fn idempotent_monitor_create_matches_target_metric_and_config() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/monitor/monitors"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"results": [
            {"id": "other", "target": "t1", "metric_type": "row_count", "metric_config": {"x": 1}},
            {"id": "m1", "target": "t1", "metric_type": "row_count", "metric_config": "{}"}
        ]})))
        .mount(&server)
        .await;
    let body = MonitorWrite {
        target: Some(Id::from("t1")),
        metric_type: Some("row_count".into()),
        metric_config: Some(serde_json::Map::new()),
        ..MonitorWrite::default()
    };
    let m = client(&server)
        .create_monitor_idempotent(&body)
        .await
        .unwrap();
    assert_eq!(m.id, Id::from("m1"));
}

#[tokio::test]
async fn malformed_json_names_the_call() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_string("<html>oops</html>"))
        .mount(&server)
        .await;
    let err = client(&server)
        .get_resource(ResourceKind::Property, &Id::from("p"))
        .await
        .unwrap_err();
    assert!(matches!(err, ApiError::Decode { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.starts_with("GET /api/v1/event/event_properties/p -> 200: unexpected response body"),
        "{msg}"
    );
    assert!(msg.contains("<html>oops"), "{msg}");
}

fn page_body(page: u64, next: Option<u64>, next_link: &str, ids: &[&str]) -> serde_json::Value {
    json!({
        "links": {"next": next_link, "previous": "None"},
        "meta": {"page": page, "previous_page": if page == 1 { json!("None") } else { json!(page - 1) },
                 "next_page": next.map_or(json!("None"), |n| json!(n))},
        "count": 5, "total_pages": 3,
        "results": ids.iter().map(|id| json!({"id": id, "title": id})).collect::<Vec<_>>()
    })
}

#[tokio::test]
async fn pages_are_read_on_the_configured_host_and_the_token_never_follows_a_foreign_link() {
    let server = MockServer::start().await;
    let foreign = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"results": []})))
        .expect(0)
        .named("foreign host")
        .mount(&foreign)
        .await;
    let link = |n: u64| format!("{}/resource/all/?page={n}", foreign.uri());
    for (n, next, ids) in [
        (1, Some(2), vec!["a", "b"]),
        (2, Some(3), vec!["c", "d"]),
        (3, None, vec!["e"]),
    ] {
        let next_link = next.map_or("None".to_owned(), link);
        Mock::given(method("GET"))
            .and(path("/api/v1/monitor/monitors"))
            .and(query_param("page", n.to_string().as_str()))
            .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(page_body(n, next, &next_link, &ids)),
            )
            .expect(1)
            .mount(&server)
            .await;
    }
    let monitors: Vec<_> = client(&server).list_monitors().try_collect().await.unwrap();
    let ids: Vec<_> = monitors.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["a", "b", "c", "d", "e"]);
    assert!(foreign.received_requests().await.unwrap().is_empty());
}

/// Serves `pages` (each a list of ids) as the monitors list, every page claiming the list has
/// `claimed` pages in all. Pages past the end hold a `stale` item, so reading one in is seen.
async fn serve_pages(server: &MockServer, pages: &[&[&str]], claimed: u64) {
    let last = pages.len() as u64;
    for n in 1..=last + 3 {
        let ids = pages.get(n as usize - 1).copied().unwrap_or(&["stale"]);
        let next = (n < last).then_some(n + 1);
        let mut body = page_body(n, next, "None", ids);
        body["total_pages"] = json!(claimed);
        Mock::given(method("GET"))
            .and(path("/api/v1/monitor/monitors"))
            .and(query_param("page", n.to_string().as_str()))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .mount(server)
            .await;
    }
}

async fn monitor_ids(server: &MockServer) -> Vec<String> {
    let monitors: Vec<_> = client(server).list_monitors().try_collect().await.unwrap();
    monitors.into_iter().map(|m| m.id.to_string()).collect()
}

#[tokio::test]
async fn total_pages_only_guides_read_ahead_never_where_a_list_ends() {
    let shrunk = MockServer::start().await;
    serve_pages(&shrunk, &[&["a", "b"], &["c"]], 5).await;
    assert_eq!(
        monitor_ids(&shrunk).await,
        ["a", "b", "c"],
        "pages past the last one read ahead are dropped"
    );

    let grew = MockServer::start().await;
    serve_pages(&grew, &[&["a"], &["b"], &["c"], &["d"]], 2).await;
    assert_eq!(
        monitor_ids(&grew).await,
        ["a", "b", "c", "d"],
        "pages past `total_pages` are still followed"
    );
}

#[tokio::test]
async fn list_filters_become_query_parameters() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/event/event_properties"))
        .and(query_param("integration_id", "seg"))
        .and(query_param("parent_id", "e1"))
        .and(query_param("title", "order id & more"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"id": "p1", "title": "order id & more", "integration": "seg", "parent": "e1"},
            {"id": "p2", "title": "order id & more", "integration": "amp", "parent": "e1"}
        ])))
        .expect(1)
        .mount(&server)
        .await;
    let f = ListFilter {
        integration_id: Some(Id::from("seg")),
        parent_id: Some(Id::from("e1")),
        title: Some("order id & more".into()),
    };
    let props: Vec<Resource> = client(&server)
        .list_properties(&f)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(props.len(), 1, "another integration's property is not kept");
}

#[tokio::test]
async fn a_redirected_write_is_an_error_naming_the_location() {
    let server = MockServer::start().await;
    let elsewhere = format!("{}/api/v1/event/events/", server.uri());
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(301).insert_header("Location", elsewhere.as_str()))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .create_event(&event_body("E"))
        .await
        .unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("POST /api/v1/event/events -> 301"), "{msg}");
    assert!(msg.contains(&elsewhere), "{msg}");
    assert!(msg.contains("--trailing-slash"), "{msg}");
}

#[tokio::test]
async fn reads_follow_same_host_redirects_but_never_to_another_host() {
    let server = MockServer::start().await;
    let foreign = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&foreign)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/tag"))
        .respond_with(ResponseTemplate::new(308).insert_header("Location", "/api/v1/tag/?page=1"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/tag/"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!([{"id": "t", "name": "core"}])),
        )
        .mount(&server)
        .await;
    let other = format!("{}/x", foreign.uri());
    Mock::given(method("GET"))
        .and(path("/api/v1/user/"))
        .respond_with(ResponseTemplate::new(302).insert_header("Location", other.as_str()))
        .mount(&server)
        .await;
    let c = client(&server);
    let tags: Vec<Tag> = c.list_tags().try_collect().await.unwrap();
    assert_eq!(tags[0].name, "core");
    let err = c.list_users().try_collect::<Vec<_>>().await.unwrap_err();
    assert!(err.to_string().contains("another host"), "{err}");
}

#[tokio::test]
async fn a_slow_server_times_out_with_a_clear_message_after_retries() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .expect(2)
        .mount(&server)
        .await;
    let mut c = config(&server.uri());
    c.request_timeout = Duration::from_millis(100);
    c.retry.max_tries = 2;
    let err = Client::new(c).unwrap().healthcheck().await.unwrap_err();
    assert!(matches!(err, ApiError::Timeout { .. }), "{err:?}");
    assert!(
        err.to_string()
            .starts_with("GET /healthcheck: no answer within 0.1s"),
        "{err}"
    );
    assert!(err.is_ambiguous());
}

#[tokio::test]
async fn unauthorized_explains_how_to_set_the_token() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"detail": "Invalid token."})))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .list_teams()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.starts_with(r#"GET /api/v1/auth/teams/ -> 401: {"detail":"Invalid token."}"#),
        "{msg}"
    );
    assert!(
        msg.contains("SECODA_API_TOKEN") && msg.contains("--token-file"),
        "{msg}"
    );
    assert!(!msg.contains(TOKEN));
}

#[tokio::test]
async fn deleting_what_is_already_gone_is_done() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path(format!("{EVENTS}/gone")))
        .respond_with(ResponseTemplate::new(404))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/api/v1/event/event_properties/p1"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/api/v1/monitor/monitors/m1"))
        .respond_with(ResponseTemplate::new(405))
        .mount(&server)
        .await;
    let c = client(&server);
    c.delete_event(&Id::from("gone")).await.unwrap();
    c.delete_property(&Id::from("p1")).await.unwrap();
    let err = c.delete_monitor(&Id::from("m1")).await.unwrap_err();
    assert!(err.is_unsupported(), "{err}");
}

#[tokio::test]
async fn trailing_slash_switch_sends_the_slash_form() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/event/category/"))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(json!({"id": "c1", "title": "Checkout"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let mut c = config(&server.uri());
    c.trailing_slash = true;
    let body = ResourceWrite {
        title: Some("Checkout".into()),
        ..ResourceWrite::default()
    };
    let r = Client::new(c)
        .unwrap()
        .create_category(&body)
        .await
        .unwrap();
    assert_eq!(r.id, Id::from("c1"));
}

#[tokio::test]
async fn a_refused_connection_is_reported_after_retries() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let uri = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let c = Client::new(config(&uri)).unwrap();
    let err = c.create_event(&event_body("E")).await.unwrap_err();
    assert!(
        err.to_string()
            .starts_with("POST /api/v1/event/events: connection failed"),
        "{err}"
    );
    assert!(!err.is_ambiguous(), "nothing reached the server");
    assert_eq!(
        c.stats().calls,
        4,
        "a create that never connected is safe to retry"
    );
}

#[tokio::test]
async fn verbose_logs_name_calls_and_bodies_but_never_the_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(json!({"id": "m1", "name": "Orders row count"}))
                .insert_header("Authorization", format!("Bearer {TOKEN}").as_str()),
        )
        .mount(&server)
        .await;
    let log = Captured::default();
    let mut c = config(&server.uri());
    c.log = LogLevel::Bodies;
    c.log_sink = LogSink::new(log.clone());
    let body = MonitorWrite {
        name: Some("Orders row count".into()),
        ..MonitorWrite::default()
    };
    Client::new(c).unwrap().create_monitor(&body).await.unwrap();
    let text = log.text();
    assert!(
        text.contains("POST /api/v1/monitor/monitors -> 201 ("),
        "{text}"
    );
    assert!(text.contains(r#"{"name":"Orders row count"}"#), "{text}");
    assert!(text.contains("authorization: Bearer [redacted]"), "{text}");
    assert!(!text.contains(TOKEN), "{text}");
}

#[tokio::test]
async fn run_monitors_posts_the_ids_and_reads_the_job() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/monitor/monitors/run"))
        .and(body_json(json!({"monitors": ["m1", "m2"]})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "j1", "failed": null})))
        .expect(1)
        .mount(&server)
        .await;
    let job = client(&server)
        .run_monitors(&[Id::from("m1"), Id::from("m2")])
        .await
        .unwrap();
    assert_eq!(job.id, Id::from("j1"));
    assert!(!job.failed);
}

#[tokio::test]
async fn catalog_sends_the_filter_as_json() {
    let server = MockServer::start().await;
    let filter = json!({"operator": "exact", "field": "title", "value": "orders"});
    Mock::given(method("GET"))
        .and(path("/api/v1/resource/catalog/"))
        .respond_with(move |req: &Request| {
            let sent = req
                .url
                .query_pairs()
                .find(|(k, _)| k == "filter")
                .map(|(_, v)| serde_json::from_str::<serde_json::Value>(&v).unwrap());
            let ok =
                sent == Some(json!({"operator": "exact", "field": "title", "value": "orders"}));
            ResponseTemplate::new(if ok { 200 } else { 400 })
                .set_body_json(json!({"results": [{"id": "t1", "title": "orders"}]}))
        })
        .expect(1)
        .mount(&server)
        .await;
    let found: Vec<Resource> = client(&server)
        .catalog(&filter)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(found[0].id, Id::from("t1"));
}

#[tokio::test]
async fn a_429_pauses_every_worker_of_its_kind_not_just_the_one_that_saw_it() {
    let server = MockServer::start().await;
    let seen: Arc<Mutex<Vec<(std::time::Instant, u16)>>> = Arc::default();
    let log = seen.clone();
    Mock::given(method("GET"))
        .respond_with(move |_: &Request| {
            let mut log = log.lock().unwrap();
            let status = if log.is_empty() { 429 } else { 200 };
            log.push((std::time::Instant::now(), status));
            ResponseTemplate::new(status)
                .insert_header("Retry-After", "1")
                .set_body_json(json!({"id": "x", "title": "t"}))
        })
        .mount(&server)
        .await;
    let mut cfg = config(&server.uri());
    // Slots 500 ms apart: the 429 is answered long before the second worker's slot.
    cfg.read_pace = ReadPace::Fixed("2/s".parse().unwrap());
    let c = Client::new(cfg).unwrap();
    let ids = [Id::from("a"), Id::from("b"), Id::from("d")];
    let (a, b, d) = tokio::join!(
        c.get_resource(ResourceKind::Event, &ids[0]),
        c.get_resource(ResourceKind::Event, &ids[1]),
        c.get_resource(ResourceKind::Event, &ids[2]),
    );
    a.unwrap();
    b.unwrap();
    d.unwrap();
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 4, "one 429 and three answered calls");
    let (limited_at, status) = seen[0];
    assert_eq!(status, 429);
    for (at, _) in &seen[1..] {
        assert!(
            at.duration_since(limited_at) >= Duration::from_secs(1),
            "a call went out during the pause"
        );
    }
}
