//! The sandbox over real HTTP (reqwest, not the crate's client): every endpoint, the page
//! envelope's quirks, errors, faults, persistence, and `sandbox serve` through the binary.

use reqwest::StatusCode;
use secoda_sync::atomic as persist;
use secoda_sync::sandbox::{self, seed, Fault, Faults, RunningSandbox, SandboxConfig};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

const ORDERS: &str = "5ec0da00-0000-4000-8000-000000000051";

/// Categories a new sandbox holds: Amplitude's `Checkout`.
const SEEDED_CATEGORIES: u64 = 1;

/// A reqwest wrapper that speaks to one sandbox with its token.
struct Api {
    base: String,
    token: String,
    http: reqwest::Client,
}

impl Api {
    fn new(sb: &RunningSandbox) -> Self {
        Self {
            base: sb.url().to_owned(),
            token: sb.token().to_owned(),
            http: reqwest::Client::new(),
        }
    }

    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let url = if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{path}", self.base)
        };
        let mut req = self.http.request(method, url).bearer_auth(&self.token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.expect("sandbox answers");
        let status = resp.status();
        let text = resp.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.send(reqwest::Method::GET, path, None).await
    }

    async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }

    async fn patch(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(reqwest::Method::PATCH, path, Some(body)).await
    }

    async fn delete(&self, path: &str) -> (StatusCode, Value) {
        self.send(reqwest::Method::DELETE, path, None).await
    }

    /// POSTs a category titled `title` in Segment.
    async fn create_category(&self, title: &str) -> (StatusCode, Value) {
        self.post(
            "/api/v1/event/category",
            json!({"title": title, "integration": seed::SEGMENT}),
        )
        .await
    }

    /// POSTs a category titled `title` in Segment and hands back the raw answer (headers
    /// included), or the transport error of a dropped connection.
    async fn create_category_raw(&self, title: &str) -> reqwest::Result<reqwest::Response> {
        self.http
            .post(format!("{}/api/v1/event/category", self.base))
            .bearer_auth(&self.token)
            .json(&json!({"title": title, "integration": seed::SEGMENT}))
            .send()
            .await
    }

    /// Creates a category, an event in it and a property of the event; returns their ids.
    async fn tree(&self) -> (String, String, String) {
        let (s, c) = self.create_category("Checkout").await;
        assert_eq!(s, StatusCode::CREATED, "{c}");
        let cid = c["id"].as_str().unwrap().to_owned();
        let (s, e) = self
            .post(
                "/api/v1/event/events",
                json!({"title": "Order Completed", "integration": seed::SEGMENT, "parent": cid}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{e}");
        let eid = e["id"].as_str().unwrap().to_owned();
        let (s, p) = self
            .post(
                "/api/v1/event/event_properties",
                json!({"title": "order_id", "integration": seed::SEGMENT, "parent": eid, "type": "string", "is_required": true}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{p}");
        (cid, eid, p["id"].as_str().unwrap().to_owned())
    }
}

async fn start(config: SandboxConfig) -> (RunningSandbox, Api) {
    let sb = sandbox::spawn(config).await.unwrap();
    let api = Api::new(&sb);
    (sb, api)
}

fn names(page: &Value, field: &str) -> Vec<String> {
    page["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[field].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn seeded_lookups_carry_the_contract_names_and_ids() {
    let (sb, api) = start(SandboxConfig::default()).await;
    let (s, ints) = api.get("/api/v1/integration/integrations").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(names(&ints, "name"), ["Segment", "Amplitude", "Snowflake"]);
    assert_eq!(ints["results"][0]["id"], seed::SEGMENT);
    let (_, snow) = api
        .get("/api/v1/integration/integrations?type=snowflake")
        .await;
    assert_eq!(names(&snow, "id"), [seed::SNOWFLAKE]);
    let (_, teams) = api.get("/api/v1/auth/teams/").await;
    assert_eq!(
        names(&teams, "name"),
        [
            "Growth",
            "Checkout",
            "Data Platform",
            "Marketing",
            "Product"
        ]
    );
    let (_, tags) = api.get("/api/v1/tag/").await;
    assert_eq!(tags["count"], 7);
    assert!(names(&tags, "name").contains(&"secoda-sync".to_owned()));
    let (_, users) = api.get("/api/v1/user").await;
    assert_eq!(names(&users, "email")[0], "alice@acme.test");
    assert_eq!(users["results"][1]["display_name"], "Bob Builder");
    let (_, cols) = api
        .get("/api/v1/collection/collections/?title=metric")
        .await;
    assert_eq!(names(&cols, "title"), ["Revenue Metrics"]);
    let (s, health) = api.get("/healthcheck").await;
    assert_eq!((s, health), (StatusCode::OK, json!({"status": "OK"})));
    sb.shutdown().await.unwrap();
}

#[tokio::test]
async fn resources_are_created_filled_listed_patched_and_deleted() {
    let (sb, api) = start(SandboxConfig::default()).await;
    let (cid, eid, pid) = api.tree().await;

    let (s, c) = api.get(&format!("/api/v1/event/category/{cid}")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(c["entity_type"], "event_category");
    assert_eq!(c["integration"], seed::SEGMENT);
    assert!(uuid::Uuid::parse_str(c["id"].as_str().unwrap()).is_ok());
    assert!(chrono::DateTime::parse_from_rfc3339(c["created_at"].as_str().unwrap()).is_ok());

    let (_, p) = api
        .get(&format!("/api/v1/event/event_properties/{pid}/"))
        .await;
    assert_eq!(p["title_full"], "Checkout.Order Completed.order_id");
    assert_eq!(
        (
            p["parent"].as_str(),
            p["type"].as_str(),
            p["is_required"].as_bool()
        ),
        (Some(eid.as_str()), Some("string"), Some(true))
    );
    assert_eq!(p["entity_type"], "event_property");

    let (_, e) = api.get(&format!("/api/v1/event/events/{eid}")).await;
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let growth = seed::id(0x11).0;
    let (s, patched) = api
        .patch(
            &format!("/api/v1/event/events/{eid}"),
            json!({"description": "Paid", "pii": true, "teams": [growth]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{patched}");
    assert_eq!(
        (patched["description"].as_str(), patched["pii"].as_bool()),
        (Some("Paid"), Some(true))
    );
    assert_eq!(patched["teams"], json!([growth]));
    assert_eq!(patched["title"], "Order Completed", "fields not sent stay");
    assert!(patched["updated_at"].as_str().unwrap() > e["updated_at"].as_str().unwrap());
    assert_eq!(patched["created_at"], e["created_at"]);

    // Filters: title (exact), parent_id, integration_id.
    api.post(
        "/api/v1/event/events",
        json!({"title": "Cart Viewed", "integration": seed::SEGMENT, "parent": cid}),
    )
    .await;
    let (_, l) = api
        .get(&format!("/api/v1/event/events?parent_id={cid}"))
        .await;
    assert_eq!(names(&l, "title"), ["Order Completed", "Cart Viewed"]);
    let (_, l) = api.get("/api/v1/event/events?title=Cart%20Viewed").await;
    assert_eq!(l["count"], 1);
    let (_, l) = api.get("/api/v1/event/events?title=Cart").await;
    assert_eq!(l["count"], 0, "title is an exact filter");
    let (_, l) = api
        .get(&format!(
            "/api/v1/event/events?integration_id={}",
            seed::AMPLITUDE
        ))
        .await;
    assert_eq!(
        names(&l, "title"),
        ["Order Completed"],
        "Amplitude's seeded event"
    );
    let (_, l) = api
        .get(&format!(
            "/api/v1/event/event_properties?parent_id={eid}&integration_id={}",
            seed::SEGMENT
        ))
        .await;
    assert_eq!(names(&l, "title"), ["order_id"]);
    // The category list filters by title only: Amplitude's seeded `Checkout` answers too,
    // whatever integration is asked for.
    let (_, l) = api
        .get(&format!(
            "/api/v1/event/category/?title=Checkout&integration_id={}",
            seed::SEGMENT
        ))
        .await;
    assert_eq!(names(&l, "id"), [seed::id(0x71).as_str(), cid.as_str()]);

    // Delete: 204, then 404; an event takes its properties along.
    let (s, _) = api.delete(&format!("/api/v1/event/events/{eid}/")).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(
        api.get(&format!("/api/v1/event/events/{eid}")).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        api.get(&format!("/api/v1/event/event_properties/{pid}"))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        api.delete(&format!("/api/v1/event/events/{eid}")).await.0,
        StatusCode::NOT_FOUND
    );
    sb.shutdown().await.unwrap();
}

#[tokio::test]
async fn bad_writes_answer_400_with_field_errors() {
    let (sb, api) = start(SandboxConfig::default()).await;
    let (cid, eid, _) = api.tree().await;
    let (s, body) = api
        .post(
            "/api/v1/event/events",
            json!({"title": "X", "integration": seed::SEGMENT}),
        )
        .await;
    assert_eq!(
        (s, body),
        (
            StatusCode::BAD_REQUEST,
            json!({"parent": ["This field is required."]})
        )
    );
    let (s, body) = api
        .post("/api/v1/event/events", json!({"title": "X", "parent": cid}))
        .await;
    assert_eq!(
        (s, body),
        (
            StatusCode::BAD_REQUEST,
            json!({"integration": ["This field is required."]})
        )
    );
    let (s, body) = api
        .post(
            "/api/v1/event/events",
            json!({"title": "X", "integration": seed::SEGMENT, "parent": "nope"}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(
        body["parent"][0],
        "Invalid pk \"nope\" - object does not exist."
    );
    // A property's parent must be an event, not a category.
    let (s, body) = api
        .post(
            "/api/v1/event/event_properties",
            json!({"title": "x", "integration": seed::SEGMENT, "parent": cid}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(body["parent"][0].as_str().unwrap().contains(&cid));
    let (s, body) = api
        .post(
            "/api/v1/event/category",
            json!({"integration": "x", "teams": ["t"]}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(body["title"], json!(["This field is required."]));
    assert!(body["integration"][0].as_str().unwrap().contains("\"x\""));
    assert!(body["teams"][0].as_str().unwrap().contains("\"t\""));
    let (s, body) = api
        .patch(
            &format!("/api/v1/event/events/{eid}"),
            json!({"owners": ["ghost"]}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(body["owners"][0].as_str().unwrap().contains("ghost"));

    let raw = api
        .http
        .post(format!("{}/api/v1/event/category", api.base))
        .bearer_auth(&api.token)
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), StatusCode::BAD_REQUEST);
    let body: Value = raw.json().await.unwrap();
    assert!(body["non_field_errors"][0]
        .as_str()
        .unwrap()
        .starts_with("JSON parse error"));
    sb.shutdown().await.unwrap();
}

#[tokio::test]
async fn unknown_ids_paths_and_methods_answer_404_and_405() {
    let (sb, api) = start(SandboxConfig::default()).await;
    let (cid, _, _) = api.tree().await;
    for path in [
        "/api/v1/event/category/00000000-0000-4000-8000-000000000000",
        "/api/v1/event/events/nope",
        "/api/v1/event/event_properties/nope",
        "/api/v1/monitor/monitors/nope",
        "/api/v1/monitor/incident/nope",
        "/api/v1/no/such/thing",
    ] {
        let (s, body) = api.get(path).await;
        assert_eq!(
            (s, &body),
            (StatusCode::NOT_FOUND, &json!({"detail": "Not found."})),
            "{path}"
        );
    }
    // The category id is not an event.
    assert_eq!(
        api.get(&format!("/api/v1/event/events/{cid}")).await.0,
        StatusCode::NOT_FOUND
    );
    // Categories have no PATCH or DELETE, like the real API.
    let (s, body) = api
        .patch(
            &format!("/api/v1/event/category/{cid}"),
            json!({"description": "x"}),
        )
        .await;
    assert_eq!(s, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(body["detail"], "Method \"PATCH\" not allowed.");
    assert_eq!(
        api.delete(&format!("/api/v1/event/category/{cid}")).await.0,
        StatusCode::METHOD_NOT_ALLOWED
    );
    sb.shutdown().await.unwrap();
}

#[tokio::test]
async fn missing_or_wrong_token_answers_401() {
    let (sb, api) = start(SandboxConfig {
        token: Some("right".into()),
        ..SandboxConfig::default()
    })
    .await;
    assert_eq!(sb.token(), "right");
    let url = format!("{}/api/v1/tag", sb.url());
    let none = api.http.get(&url).send().await.unwrap();
    assert_eq!(none.status(), StatusCode::UNAUTHORIZED);
    let wrong = api
        .http
        .get(&url)
        .bearer_auth("wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        wrong.json::<Value>().await.unwrap(),
        json!({"detail": "Invalid token."})
    );
    let write = api
        .http
        .post(format!("{}/api/v1/event/category", sb.url()))
        .json(&json!({"title": "x", "integration": seed::SEGMENT}))
        .send()
        .await
        .unwrap();
    assert_eq!(write.status(), StatusCode::UNAUTHORIZED);
    let (_, cats) = api.get("/api/v1/event/category").await;
    assert_eq!(
        cats["count"], SEEDED_CATEGORIES,
        "an unauthorized write changes nothing"
    );
    sb.shutdown().await.unwrap();
}

#[tokio::test]
async fn random_tokens_differ_between_sandboxes() {
    let (a, _) = start(SandboxConfig::default()).await;
    let (b, _) = start(SandboxConfig::default()).await;
    assert_ne!(a.token(), b.token());
    assert!(a.token().len() >= 32);
    a.shutdown().await.unwrap();
    b.shutdown().await.unwrap();
}

#[tokio::test]
async fn pages_follow_absolute_links_with_the_none_quirk() {
    let (sb, api) = start(SandboxConfig {
        page_size: 3,
        ..SandboxConfig::default()
    })
    .await;
    let (s, p1) = api.get("/api/v1/tag").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(p1["links"]["previous"], "None");
    assert_eq!(
        p1["meta"],
        json!({"page": 1, "previous_page": "None", "next_page": 2})
    );
    assert_eq!(
        (p1["count"].as_u64(), p1["total_pages"].as_u64()),
        (Some(7), Some(3))
    );
    let next = p1["links"]["next"].as_str().unwrap();
    assert_eq!(next, format!("{}/api/v1/tag?page=2", sb.url()));

    let (_, p2) = api.get(next).await;
    assert_eq!(
        p2["meta"],
        json!({"page": 2, "previous_page": 1, "next_page": 3})
    );
    assert_eq!(
        p2["links"]["previous"],
        format!("{}/api/v1/tag?page=1", sb.url())
    );
    let (_, p3) = api.get(p2["links"]["next"].as_str().unwrap()).await;
    assert_eq!(p3["links"]["next"], Value::Null);
    assert_eq!(p3["meta"]["next_page"], "None");

    let mut all = names(&p1, "name");
    all.extend(names(&p2, "name"));
    all.extend(names(&p3, "name"));
    assert_eq!(
        all,
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

    assert_eq!(api.get("/api/v1/tag?page=4").await.0, StatusCode::NOT_FOUND);
    assert_eq!(api.get("/api/v1/tag?page=0").await.0, StatusCode::NOT_FOUND);
    // page_size in the query wins and survives in the next link, as do filters.
    let (_, big) = api.get("/api/v1/tag?page_size=5").await;
    assert_eq!(
        (
            big["results"].as_array().unwrap().len(),
            big["total_pages"].as_u64()
        ),
        (5, Some(2))
    );
    assert!(big["links"]["next"]
        .as_str()
        .unwrap()
        .contains("page_size=5"));
    // An empty list is one empty page.
    let (_, empty) = api.get("/api/v1/monitor/monitors").await;
    assert_eq!(
        (empty["count"].as_u64(), empty["total_pages"].as_u64()),
        (Some(0), Some(1))
    );
    sb.shutdown().await.unwrap();
}

#[tokio::test]
async fn catalog_filter_supports_field_and_logical_operators() {
    let (sb, api) = start(SandboxConfig::default()).await;
    api.tree().await;
    let find = |filter: Value| {
        let api = &api;
        async move {
            let url = reqwest::Url::parse_with_params(
                &format!("{}/api/v1/resource/catalog/", api.base),
                [
                    ("filter", filter.to_string()),
                    ("page_size", "100".to_owned()),
                ],
            )
            .unwrap();
            let (s, page) = api.get(url.as_str()).await;
            assert_eq!(s, StatusCode::OK, "{page}");
            names(&page, "title_full")
        }
    };
    assert_eq!(
        find(json!({"operator": "exact", "field": "title", "value": "orders"})).await,
        ["analytics.public.orders"]
    );
    assert_eq!(
        find(json!({"operator": "exact", "field": "title_full", "value": "analytics.public.orders.amount"})).await,
        ["analytics.public.orders.amount"]
    );
    let cols = find(json!({"operator": "and", "operands": [
        {"operator": "exact", "field": "type", "value": "column"},
        {"operator": "contains", "field": "title_full", "value": "customers"},
    ]}))
    .await;
    assert_eq!(cols.len(), 4);
    let ids = find(json!({"operator": "and", "operands": [
        {"operator": "exact", "field": "entity_type", "value": "column"},
        {"operator": "in", "field": "title", "value": ["id", "email"]},
        {"operator": "not", "operands": [{"operator": "contains", "field": "title_full", "value": "page_views"}]},
    ]}))
    .await;
    assert_eq!(
        ids,
        [
            "analytics.public.orders.id",
            "analytics.public.customers.id",
            "analytics.public.customers.email"
        ]
    );
    let either = find(json!({"operator": "or", "operands": [
        {"operator": "exact", "field": "type", "value": "event"},
        {"operator": "exact", "field": "type", "value": "table"},
    ]}))
    .await;
    assert_eq!(either.len(), 5, "3 tables, Segment's and Amplitude's event");
    assert!(either.contains(&"Checkout.Order Completed".to_owned()));
    let events =
        find(json!({"operator": "exact", "field": "type", "value": "event_property"})).await;
    assert_eq!(events, ["Checkout.Order Completed.order_id"]);
    let in_segment =
        find(json!({"operator": "exact", "field": "integration", "value": seed::SEGMENT})).await;
    assert_eq!(in_segment.len(), 3);
    let described = find(json!({"operator": "is_set", "field": "description"})).await;
    assert!(described.is_empty());

    let (s, body) = api.get("/api/v1/resource/catalog/?filter=%7Bnope").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(body["filter"][0].as_str().unwrap().contains("not JSON"));
    let (s, body) = api
        .get("/api/v1/resource/catalog/?filter=%7B%22operator%22%3A%22near%22%7D")
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(body["filter"][0].as_str().unwrap().contains("near"));
    let (_, all) = api.get("/api/v1/resource/catalog/").await;
    assert_eq!(all["count"], 3 + 13 + 2 + 3);
    sb.shutdown().await.unwrap();
}

#[tokio::test]
async fn monitors_are_created_run_patched_and_deleted() {
    let (sb, api) = start(SandboxConfig::default()).await;
    let (s, m) = api
        .post("/api/v1/monitor/monitors", json!({"target": ORDERS, "metric_type": "row_count", "schedule": {"cadence": "hourly", "frequency": 6}}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    let id = m["id"].as_str().unwrap().to_owned();
    assert_eq!(m["integration"], seed::SNOWFLAKE);
    // The reference's shapes: the schedule folded into hours and not sent back, an integer
    // sensitivity, a server-made name, the run fields present before any run.
    assert_eq!(m["frequency"].as_u64(), Some(6));
    assert!(m.get("schedule").is_none(), "{m}");
    assert_eq!(m["is_enabled"], true);
    assert_eq!(m["condition_auto_sensitivity"].as_i64(), Some(5));
    assert_eq!(m["name"], "Row count in orders");
    assert_eq!(m["metric_config"], "{}");
    for k in [
        "last_measurement_value",
        "last_measurement",
        "last_incident",
        "last_attempted_at",
        "last_success_at",
        "last_error_at",
    ] {
        assert!(m[k].is_null(), "{k}: {m}");
    }
    assert_eq!(m["last_error_message"], "");
    assert!(m.get("last_value").is_none());
    assert_eq!(m["display_metadata"]["target"]["label"], "orders");
    assert_eq!(
        m["display_metadata"]["target"]["integration_type"],
        "snowflake"
    );
    assert_eq!(m["workspace"], seed::WORKSPACE);

    // Custom SQL configs come back as a JSON string (a real API quirk).
    let (_, sql) = api
        .post("/monitor/monitors/", json!({"target": ORDERS, "metric_type": "custom_sql", "metric_config": {"query_select": "SELECT 1"}}))
        .await;
    let config: Value = serde_json::from_str(sql["metric_config"].as_str().unwrap()).unwrap();
    assert_eq!(config, json!({"query_select": "SELECT 1"}));

    let (s, got) = api.get(&format!("/monitor/monitors/{id}")).await;
    assert_eq!((s, &got["id"]), (StatusCode::OK, &json!(id)));
    let (_, list) = api.get("/api/v1/monitor/monitors").await;
    assert_eq!(list["count"], 2);

    // Manual thresholds that exclude the measured row count (1000) open an incident on a run.
    let (s, patched) = api
        .patch(
            &format!("/api/v1/monitor/monitors/{id}"),
            json!({"condition_auto_sensitivity": null, "condition_manual_max": 10.0}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{patched}");
    assert_eq!(patched["condition_auto_sensitivity"], Value::Null);
    assert_eq!(patched["condition_manual_max"], 10.0);
    let (s, job) = api
        .post("/api/v1/monitor/monitors/run", json!({"monitors": [id]}))
        .await;
    assert_eq!(s, StatusCode::OK, "{job}");
    assert_eq!(job["failed"], false);
    assert!(job["id"].as_str().is_some_and(|j| !j.is_empty()));
    // A background job: not completed when it is answered.
    assert!(job["completed"].is_null(), "{job}");
    assert_eq!(job["title"], "Run Monitors");
    let (_, incidents) = api
        .get(&format!("/api/v1/monitor/incidents?monitor={id}"))
        .await;
    assert_eq!(incidents["count"], 1);
    assert_eq!(incidents["results"][0]["status"], "active");
    let incident = incidents["results"][0]["id"].as_str().unwrap().to_owned();
    let (s, inc) = api
        .get(&format!("/api/v1/monitor/incident/{incident}"))
        .await;
    assert_eq!((s, inc["value"].as_f64()), (StatusCode::OK, Some(1000.0)));
    let (_, by_monitor) = api
        .get(&format!("/api/v1/monitor/measurements?monitor={id}"))
        .await;
    assert_eq!(by_monitor["count"], 1);
    let (_, by_incident) = api
        .get(&format!("/monitor/measurements?incident_id={incident}"))
        .await;
    assert_eq!(by_incident["results"][0]["incident"], json!(incident));
    let (_, after) = api.get(&format!("/api/v1/monitor/monitors/{id}")).await;
    assert_eq!(
        (
            after["status"].as_str(),
            after["last_measurement_value"].as_f64()
        ),
        (Some("incident"), Some(1000.0))
    );
    assert_eq!(after["last_incident"], json!(incident));
    assert_eq!(
        after["last_measurement"], by_monitor["results"][0]["id"],
        "{after}"
    );
    assert!(after["last_success_at"].is_string());

    let (s, body) = api
        .post(
            "/api/v1/monitor/monitors",
            json!({"target": "nope", "metric_type": "vibes"}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(body["target"][0].as_str().unwrap().contains("nope"));
    assert!(body["metric_type"][0].as_str().unwrap().contains("vibes"));
    let (s, body) = api.post("/api/v1/monitor/monitors", json!({})).await;
    assert_eq!(
        (s, &body["target"]),
        (StatusCode::BAD_REQUEST, &json!(["This field is required."]))
    );
    assert_eq!(
        api.post(
            "/api/v1/monitor/monitors/run",
            json!({"monitors": ["nope"]})
        )
        .await
        .0,
        StatusCode::BAD_REQUEST
    );

    assert_eq!(
        api.delete(&format!("/api/v1/monitor/monitors/{id}"))
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        api.get(&format!("/api/v1/monitor/monitors/{id}")).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        api.delete(&format!("/api/v1/monitor/monitors/{id}"))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    sb.shutdown().await.unwrap();
}

#[tokio::test]
async fn monitor_patch_and_delete_can_be_switched_off() {
    let config = SandboxConfig {
        monitor_patch: false,
        monitor_delete: false,
        ..SandboxConfig::default()
    };
    let (sb, api) = start(config).await;
    let (_, m) = api
        .post(
            "/api/v1/monitor/monitors",
            json!({"target": ORDERS, "metric_type": "freshness"}),
        )
        .await;
    let path = format!("/api/v1/monitor/monitors/{}", m["id"].as_str().unwrap());
    let (s, body) = api.patch(&path, json!({"is_enabled": false})).await;
    assert_eq!(
        (s, &body["detail"]),
        (
            StatusCode::METHOD_NOT_ALLOWED,
            &json!("Method \"PATCH\" not allowed.")
        )
    );
    assert_eq!(api.delete(&path).await.0, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(api.get(&path).await.1["is_enabled"], true);
    sb.shutdown().await.unwrap();
}

#[tokio::test]
async fn write_limit_answers_429_with_and_without_retry_after() {
    let config = SandboxConfig {
        faults: Faults {
            write_limit: Some("2/min".parse::<sandbox::Limit>().unwrap()),
            ..Faults::default()
        },
        ..SandboxConfig::default()
    };
    let (sb, api) = start(config).await;
    assert_eq!(api.create_category("C").await.0, StatusCode::CREATED);
    assert_eq!(api.create_category("C").await.0, StatusCode::CREATED);
    let third = api.create_category_raw("C").await.unwrap();
    assert_eq!(third.status(), StatusCode::TOO_MANY_REQUESTS);
    let secs: u64 = third.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=30).contains(&secs), "one call every 30 s: {secs}");
    // Reads are not limited by the write limit.
    assert_eq!(
        api.get("/api/v1/event/category").await.1["count"],
        2 + SEEDED_CATEGORIES,
        "the throttled write did not land"
    );

    sb.set_faults(Faults {
        write_limit: Some("1/min".parse().unwrap()),
        retry_after: false,
        ..sb.faults()
    })
    .unwrap();
    assert_eq!(api.create_category("C").await.0, StatusCode::CREATED);
    let limited = api.create_category_raw("C").await.unwrap();
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.headers().get("retry-after").is_none());
    let throttled = sb
        .request_log()
        .iter()
        .filter(|e| e.fault == Some(Fault::Throttled))
        .count();
    assert_eq!(throttled, 2);
    sb.shutdown().await.unwrap();
}

#[tokio::test]
async fn read_limit_answers_429_to_reads_only() {
    let config = SandboxConfig {
        faults: Faults {
            read_limit: Some("1/min".parse().unwrap()),
            ..Faults::default()
        },
        ..SandboxConfig::default()
    };
    let (sb, api) = start(config).await;
    assert_eq!(api.get("/api/v1/tag").await.0, StatusCode::OK);
    assert_eq!(
        api.get("/api/v1/tag").await.0,
        StatusCode::TOO_MANY_REQUESTS
    );
    let (s, _) = api.create_category("C").await;
    assert_eq!(s, StatusCode::CREATED);
    sb.shutdown().await.unwrap();
}

#[tokio::test]
async fn fail_rate_fails_writes_without_committing_them() {
    let (sb, api) = start(SandboxConfig {
        faults: Faults {
            fail_rate: 1.0,
            ..Faults::default()
        },
        ..SandboxConfig::default()
    })
    .await;
    for _ in 0..6 {
        let (s, _) = api.create_category("C").await;
        assert!(
            s == StatusCode::INTERNAL_SERVER_ERROR || s == StatusCode::SERVICE_UNAVAILABLE,
            "{s}"
        );
    }
    assert_eq!(
        api.get("/api/v1/event/category").await.1["count"],
        SEEDED_CATEGORIES
    );
    assert!(sb
        .request_log()
        .iter()
        .filter(|e| e.is_write())
        .all(|e| e.fault == Some(Fault::Failed)));

    sb.set_faults(Faults::default()).unwrap();
    let (s, _) = api.create_category("C").await;
    assert_eq!(s, StatusCode::CREATED);
    sb.shutdown().await.unwrap();
}

#[tokio::test]
async fn drop_after_commit_commits_then_loses_the_answer() {
    let (sb, api) = start(SandboxConfig {
        faults: Faults {
            drop_after_commit: 1.0,
            ..Faults::default()
        },
        seed: 7,
        ..SandboxConfig::default()
    })
    .await;
    let (mut bad_gateway, mut dropped) = (0, 0);
    for i in 0..10 {
        let sent = api.create_category_raw(&format!("C{i}")).await;
        match sent {
            Ok(resp) => {
                assert_eq!(resp.status(), StatusCode::BAD_GATEWAY);
                bad_gateway += 1;
            }
            Err(_) => dropped += 1,
        }
    }
    assert!(
        bad_gateway > 0 && dropped > 0,
        "502s: {bad_gateway}, drops: {dropped}"
    );
    let (_, cats) = api.get("/api/v1/event/category?page_size=100").await;
    assert_eq!(
        cats["count"],
        10 + SEEDED_CATEGORIES,
        "every write was committed"
    );
    let log = sb.request_log();
    let drops = log
        .iter()
        .filter(|e| e.fault == Some(Fault::DroppedAfterCommit))
        .count();
    assert_eq!(drops, dropped);
    assert!(log
        .iter()
        .filter(|e| e.fault == Some(Fault::DroppedAfterCommit))
        .all(|e| e.status.is_none()));
    sb.shutdown().await.unwrap();
}

#[tokio::test]
async fn latency_fault_delays_answers_without_changing_them() {
    let (sb, api) = start(SandboxConfig {
        faults: Faults {
            latency: std::time::Duration::from_millis(20),
            ..Faults::default()
        },
        ..SandboxConfig::default()
    })
    .await;
    assert_eq!(sb.faults().latency, std::time::Duration::from_millis(20));
    assert_eq!(api.get("/api/v1/tag").await.0, StatusCode::OK);
    sb.shutdown().await.unwrap();
}

#[tokio::test]
async fn request_log_keeps_calls_and_bodies_but_never_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("calls.jsonl");
    let config = SandboxConfig {
        token: Some("s3cret-token".into()),
        log_file: Some(file.clone()),
        ..SandboxConfig::default()
    };
    assert!(!format!("{config:?}").contains("s3cret-token"));
    let (sb, api) = start(config).await;
    assert!(!format!("{sb:?}").contains("s3cret-token"));
    api.get("/api/v1/tag?page=1").await;
    api.create_category("C").await;
    let log = sb.request_log();
    assert_eq!(log.len(), 2);
    assert_eq!(
        (
            log[0].method.as_str(),
            log[0].path.as_str(),
            log[0].query.as_deref(),
            log[0].status
        ),
        ("GET", "/api/v1/tag", Some("page=1"), Some(200))
    );
    assert_eq!(log[0].body, None);
    assert_eq!(log[1].status, Some(201));
    assert_eq!(log[1].body.as_ref().unwrap()["title"], "C");
    sb.clear_log();
    assert!(sb.request_log().is_empty());
    sb.shutdown().await.unwrap();

    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(text.lines().count(), 2);
    for line in text.lines() {
        let entry: Value = serde_json::from_str(line).unwrap();
        assert!(entry["time"].is_string());
    }
    assert!(!text.contains("s3cret-token"));
}

#[tokio::test]
async fn state_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let config = SandboxConfig {
        state_file: Some(state.clone()),
        ..SandboxConfig::default()
    };
    let (sb, api) = start(config.clone()).await;
    let (cid, eid, pid) = api.tree().await;
    let (_, m) = api
        .post(
            "/api/v1/monitor/monitors",
            json!({"target": ORDERS, "metric_type": "row_count"}),
        )
        .await;
    sb.shutdown().await.unwrap();
    assert!(state.exists());
    assert!(!persist::temp_path(&state).exists());

    let (sb, api) = start(config).await;
    for path in [
        format!("/api/v1/event/category/{cid}"),
        format!("/api/v1/event/events/{eid}"),
        format!("/api/v1/event/event_properties/{pid}"),
        format!("/api/v1/monitor/monitors/{}", m["id"].as_str().unwrap()),
    ] {
        assert_eq!(api.get(&path).await.0, StatusCode::OK, "{path}");
    }
    let (_, l) = api
        .get(&format!(
            "/api/v1/event/events?parent_id={cid}&title=Order%20Completed"
        ))
        .await;
    assert_eq!(l["count"], 1, "indexes are rebuilt on load");
    let (_, c2) = api.create_category("Two").await;
    assert_ne!(
        c2["id"].as_str().unwrap(),
        cid,
        "a reloaded sandbox hands out fresh ids"
    );
    sb.shutdown().await.unwrap();
}

#[tokio::test]
async fn writes_are_saved_without_waiting_for_shutdown() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let (sb, api) = start(SandboxConfig {
        state_file: Some(state.clone()),
        ..SandboxConfig::default()
    })
    .await;
    let (cid, _, _) = api.tree().await;
    let mut saved = false;
    for _ in 0..100 {
        if std::fs::read_to_string(&state).is_ok_and(|s| s.contains(&cid)) {
            saved = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(saved, "the debounced saver wrote the state");
    sb.shutdown().await.unwrap();
}

#[tokio::test]
async fn crash_between_temp_write_and_rename_leaves_the_old_state_loadable() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let config = SandboxConfig {
        state_file: Some(state.clone()),
        ..SandboxConfig::default()
    };
    let (sb, api) = start(config.clone()).await;
    let (cid, _, _) = api.tree().await;
    sb.shutdown().await.unwrap();
    let before = std::fs::read(&state).unwrap();

    // The next save gets as far as a complete temp file, then the process "dies".
    let staged = persist::stage(&state, b"{\"format\": 1, \"resources\": [").unwrap();
    assert!(staged.temp_path().exists());
    drop(staged);
    assert_eq!(
        std::fs::read(&state).unwrap(),
        before,
        "the state file is untouched"
    );

    let (sb, api) = start(config).await;
    assert_eq!(
        api.get(&format!("/api/v1/event/category/{cid}")).await.0,
        StatusCode::OK
    );
    sb.shutdown().await.unwrap();
    assert!(
        !persist::temp_path(&state).exists(),
        "the next save replaces the leftover temp file"
    );
}

#[tokio::test]
async fn unusable_state_file_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    std::fs::write(&state, "{\"format\": 1, \"resources\": [").unwrap();
    let empty = dir.path().join("touched.json");
    std::fs::write(&empty, "").unwrap();
    let (sb, api) = start(SandboxConfig {
        state_file: Some(empty),
        ..SandboxConfig::default()
    })
    .await;
    assert_eq!(
        api.get("/api/v1/tag").await.1["count"],
        7,
        "an empty file starts the seeded workspace"
    );
    sb.shutdown().await.unwrap();

    let err = sandbox::spawn(SandboxConfig {
        state_file: Some(state.clone()),
        ..SandboxConfig::default()
    })
    .await
    .unwrap_err();
    assert!(err.to_string().contains("state.json"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&state).unwrap(),
        "{\"format\": 1, \"resources\": [",
        "never overwritten"
    );
    let bad = sandbox::spawn(SandboxConfig {
        faults: Faults {
            fail_rate: 2.0,
            ..Faults::default()
        },
        ..SandboxConfig::default()
    })
    .await
    .unwrap_err();
    assert!(bad.to_string().contains("fail rate"), "{bad}");
}

/// Starts `sandbox serve` on a free port with the token `cli-token` and `state`, and reads
/// the URL from the export lines it prints.
fn serve(state: &std::path::Path) -> (std::process::Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_secoda-sync"))
        .args([
            "sandbox",
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--token",
            "cli-token",
            "--state",
        ])
        .arg(state)
        .env_clear()
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let url_line = lines.next().unwrap().unwrap();
    let token_line = lines.next().unwrap().unwrap();
    let url = url_line
        .strip_prefix("export SECODA_API_URL=")
        .expect(&url_line)
        .to_owned();
    assert_eq!(token_line, "export SECODA_API_TOKEN=cli-token");
    assert!(
        url.starts_with("http://127.0.0.1:") && !url.ends_with(":0"),
        "{url}"
    );
    (child, url)
}

/// Sends `signal` (e.g. `-INT`) to a child process.
fn kill(child: &std::process::Child, signal: &str) {
    let sent = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
}

#[tokio::test]
async fn sandbox_serve_prints_exports_and_serves_until_interrupted() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let (mut child, url) = serve(&state);

    // What the README's curl does: an authorized GET and a POST.
    let http = reqwest::Client::new();
    let tags: Value = http
        .get(format!("{url}/api/v1/tag"))
        .bearer_auth("cli-token")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(tags["count"], 7);
    let created = http
        .post(format!("{url}/api/v1/event/category"))
        .bearer_auth("cli-token")
        .json(&json!({"title": "Checkout", "integration": "Segment"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        created.status(),
        StatusCode::BAD_REQUEST,
        "integration must be an id"
    );

    kill(&child, "-INT");
    let status = child.wait().unwrap();
    assert!(status.success(), "{status}");
    assert!(state.exists(), "state saved on Ctrl-C");
}

#[test]
fn sandbox_serve_stops_cleanly_and_saves_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let (mut child, _) = serve(&state);
    kill(&child, "-TERM");
    let status = child.wait().unwrap();
    assert!(status.success(), "{status}");
    assert!(state.exists(), "state saved on SIGTERM");
}

#[test]
fn events_stay_in_their_integration_despite_the_same_titled_category_of_another() {
    let sb = crate::util::Sandbox::new();
    let ex = crate::util::ex();
    // Amplitude's seeded `Checkout` answers the title-only category list, whatever
    // `integration_id` the tool sends: the plan must not adopt it.
    let plan = sb.run(&["plan", &ex, "--format", "json"]).ok().json();
    let text = plan.to_string();
    assert!(!text.contains(seed::id(0x71).as_str()), "{plan}");
    sb.run(&["apply", &ex, "--auto-approve"]).ok();

    let amplitude_checkout = seed::id(0x71);
    let all_events = sb.list("/api/v1/event/events");
    let under = |parent: &str| -> Vec<Value> {
        all_events
            .iter()
            .filter(|e| e["parent"] == parent)
            .cloned()
            .collect()
    };
    let theirs = under(amplitude_checkout.as_str());
    let titles: Vec<&str> = theirs.iter().filter_map(|e| e["title"].as_str()).collect();
    assert_eq!(
        titles,
        ["Order Completed"],
        "nothing was created under Amplitude's category"
    );
    let categories = sb.list("/api/v1/event/category");
    let mut owners: Vec<&str> = categories
        .iter()
        .filter(|c| c["title"] == "Checkout")
        .filter_map(|c| c["integration"].as_str())
        .collect();
    owners.sort_unstable();
    assert_eq!(owners, [seed::SEGMENT, seed::AMPLITUDE]);
    let ours = categories
        .iter()
        .find(|c| c["integration"] == seed::SEGMENT && c["title"] == "Checkout")
        .unwrap();
    let events = under(ours["id"].as_str().unwrap());
    assert!(!events.is_empty());
    assert!(events.iter().all(|e| e["integration"] == seed::SEGMENT));
    assert_eq!(ours["children_count"].as_u64(), Some(events.len() as u64));

    // And the next plan converges.
    let out = sb.run(&["plan", &ex, "--detailed-exitcode"]).code(0);
    assert!(out.stdout.contains("No changes."), "{}", out.stdout);
}

#[tokio::test]
async fn lists_honour_only_the_filters_the_reference_documents() {
    let (sb, api) = start(SandboxConfig::default()).await;
    // The category list knows `title` only: an integration filter is ignored.
    let (_, cats) = api
        .get(&format!(
            "/api/v1/event/category?integration_id={}",
            seed::SEGMENT
        ))
        .await;
    assert_eq!(cats["count"], 1);
    assert_eq!(cats["results"][0]["integration"], seed::AMPLITUDE);
    // Events honour `integration_id`, `parent_id` and `title`.
    let (_, none) = api
        .get(&format!(
            "/api/v1/event/events?integration_id={}",
            seed::SEGMENT
        ))
        .await;
    assert_eq!(none["count"], 0);
    // The resource list answers the `type` filter that replaces the deprecated events list.
    let filter = json!({"operator": "exact", "field": "type", "value": "event"});
    let (_, events) = api
        .get(&format!("/api/v1/resource/catalog/?filter={filter}"))
        .await;
    assert_eq!(events["count"], 1);
    let e = &events["results"][0];
    assert_eq!(e["title_full"], "Checkout.Order Completed");
    assert_eq!(e["title_cased"], "orderCompleted");
    assert_eq!(e["entity_type"], "event");
    for k in [
        "total_usage",
        "external_usage",
        "internal_usage",
        "children_count",
    ] {
        assert!(e[k].is_u64(), "{k}: {e}");
    }
    let (_, cat) = api
        .get(&format!("/api/v1/event/category/{}", seed::id(0x71)))
        .await;
    assert_eq!(cat["children_count"], 1);
    sb.shutdown().await.unwrap();
}
