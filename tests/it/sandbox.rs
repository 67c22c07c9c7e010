//! The sandbox over real HTTP (reqwest, not the crate's client): every endpoint, the page
//! envelope's quirks, errors and filters (monitors, faults, persistence and `sandbox serve`
//! are in `sandbox_runtime.rs`).

use reqwest::StatusCode;
use secoda_sync::sandbox::{self, seed, RunningSandbox, SandboxConfig};
use serde_json::{json, Value};

pub(crate) const ORDERS: &str = "5ec0da00-0000-4000-8000-000000000051";

/// Categories a new sandbox holds: Amplitude's `Checkout`.
pub(crate) const SEEDED_CATEGORIES: u64 = 1;

/// A reqwest wrapper that speaks to one sandbox with its token.
pub(crate) struct Api {
    base: String,
    token: String,
    http: reqwest::Client,
}

impl Api {
    pub(crate) fn new(sb: &RunningSandbox) -> Self {
        Self {
            base: sb.url().to_owned(),
            token: sb.token().to_owned(),
            http: reqwest::Client::new(),
        }
    }

    pub(crate) async fn send(
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

    pub(crate) async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.send(reqwest::Method::GET, path, None).await
    }

    pub(crate) async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }

    pub(crate) async fn patch(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(reqwest::Method::PATCH, path, Some(body)).await
    }

    pub(crate) async fn delete(&self, path: &str) -> (StatusCode, Value) {
        self.send(reqwest::Method::DELETE, path, None).await
    }

    /// POSTs a category titled `title` in Segment.
    pub(crate) async fn create_category(&self, title: &str) -> (StatusCode, Value) {
        self.post(
            "/api/v1/event/category",
            json!({"title": title, "integration": seed::SEGMENT}),
        )
        .await
    }

    /// POSTs a category titled `title` in Segment and hands back the raw answer (headers
    /// included), or the transport error of a dropped connection.
    pub(crate) async fn create_category_raw(
        &self,
        title: &str,
    ) -> reqwest::Result<reqwest::Response> {
        self.http
            .post(format!("{}/api/v1/event/category", self.base))
            .bearer_auth(&self.token)
            .json(&json!({"title": title, "integration": seed::SEGMENT}))
            .send()
            .await
    }

    /// Creates a category, an event in it and a property of the event; returns their ids.
    pub(crate) async fn tree(&self) -> (String, String, String) {
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

pub(crate) async fn start(config: SandboxConfig) -> (RunningSandbox, Api) {
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
