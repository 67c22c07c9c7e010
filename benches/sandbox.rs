//! Sandbox speed: loading and paging through 100,000 event properties, and write throughput.
//! Run with `cargo bench --bench sandbox`; numbers go in the report, never in a test.
#![allow(clippy::print_stdout)]

use secoda_sync::sandbox::{self, seed, SandboxConfig};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const EVENTS: usize = 100;
const PROPS_PER_EVENT: usize = 1000;

fn uuid(n: u128) -> String {
    uuid::Uuid::from_u128(0xb0b0_0000_0000_4000_8000_0000_0000_0000 | n).to_string()
}

/// A state file holding one category, 100 events and 100,000 properties.
fn big_state() -> Vec<u8> {
    let res = |id: String, kind: &str, title: String, full: String, parent: Option<String>| {
        json!({"id": id, "entity_type": kind, "title": title, "title_full": full,
               "parent": parent, "integration": seed::SEGMENT,
               "created_at": "2024-01-01T00:00:00Z", "updated_at": "2024-01-01T00:00:00Z"})
    };
    let mut resources = vec![res(
        uuid(0),
        "event_category",
        "Big".into(),
        "Big".into(),
        None,
    )];
    let mut n = 1;
    for e in 0..EVENTS {
        let eid = uuid(n);
        n += 1;
        let efull = format!("Big.Event {e}");
        resources.push(res(
            eid.clone(),
            "event",
            format!("Event {e}"),
            efull.clone(),
            Some(uuid(0)),
        ));
        for p in 0..PROPS_PER_EVENT {
            resources.push(res(
                uuid(n),
                "event_property",
                format!("prop_{p}"),
                format!("{efull}.prop_{p}"),
                Some(eid.clone()),
            ));
            n += 1;
        }
    }
    serde_json::to_vec(&json!({"format": 1, "resources": resources})).unwrap()
}

async fn page_all(http: &reqwest::Client, token: &str, first: String) -> (usize, usize) {
    let (mut url, mut pages, mut items) = (Some(first), 0, 0);
    while let Some(u) = url {
        let page: Value = http
            .get(&u)
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        pages += 1;
        items += page["results"].as_array().unwrap().len();
        url = page["links"]["next"].as_str().map(str::to_owned);
    }
    (pages, items)
}

fn report(what: &str, took: Duration, calls: usize) {
    println!(
        "{what:<58} {:>8.2} s {:>7} calls {:>9.0} calls/s",
        took.as_secs_f64(),
        calls,
        calls as f64 / took.as_secs_f64()
    );
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    std::fs::write(&state, big_state()).unwrap();
    println!(
        "state file: {} MB",
        std::fs::metadata(&state).unwrap().len() / 1_000_000
    );

    let t = Instant::now();
    let sb = sandbox::spawn(SandboxConfig {
        state_file: Some(state.clone()),
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    report("load 100,100 resources from the state file", t.elapsed(), 0);
    let http = reqwest::Client::new();
    let props = format!("{}/api/v1/event/event_properties", sb.url());

    for (what, url) in [
        (
            "list 100k properties, page_size 50",
            format!("{props}?page_size=50"),
        ),
        (
            "list 100k properties, page_size 1000",
            format!("{props}?page_size=1000"),
        ),
        (
            "list 100k properties by integration_id, page_size 50",
            format!("{props}?integration_id={}&page_size=50", seed::SEGMENT),
        ),
        (
            "list 1k properties by parent_id, page_size 50",
            format!("{props}?parent_id={}&page_size=50", uuid(1)),
        ),
    ] {
        let t = Instant::now();
        let (pages, items) = page_all(&http, sb.token(), url).await;
        report(what, t.elapsed(), pages);
        assert!(items == EVENTS * PROPS_PER_EVENT || items == PROPS_PER_EVENT);
    }
    let filter =
        json!({"operator": "exact", "field": "type", "value": "event_property"}).to_string();
    let url = reqwest::Url::parse_with_params(
        &format!("{}/api/v1/resource/catalog/", sb.url()),
        [("filter", filter.as_str()), ("page_size", "50")],
    )
    .unwrap();
    let t = Instant::now();
    let (pages, _) = page_all(&http, sb.token(), url.to_string()).await;
    report(
        "catalog type=event_property, 100k, page_size 50",
        t.elapsed(),
        pages,
    );

    for concurrency in [1usize, 8, 32] {
        let n = 2000;
        let t = Instant::now();
        let token = sb.token().to_owned();
        let url = format!("{}/api/v1/event/event_properties", sb.url());
        let tasks: Vec<_> = (0..concurrency)
            .map(|w| {
                let (http, token, url) = (http.clone(), token.clone(), url.clone());
                tokio::spawn(async move {
                    for i in (w..n).step_by(concurrency) {
                        let body = json!({"title": format!("new_{concurrency}_{i}"), "integration": seed::SEGMENT, "parent": uuid(1)});
                        let r = http.post(&url).bearer_auth(&token).json(&body).send().await.unwrap();
                        assert_eq!(r.status(), 201);
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        report(
            &format!("create 2,000 properties, concurrency {concurrency} (100k stored)"),
            t.elapsed(),
            n,
        );
    }
    let t = Instant::now();
    sb.shutdown().await.unwrap();
    report("shutdown with final save of 106k resources", t.elapsed(), 0);
}
