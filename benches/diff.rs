//! Times `plan::diff` on a 100,000-property tracking plan: against a live state that already
//! matches (the common CI case: nothing to do), and against an empty workspace (all creates).
//!
//! Run with `cargo bench --bench diff`; prints the best and median of several runs.
#![allow(clippy::print_stdout)]

use secoda_sync::testing::api::{self, Id};
use secoda_sync::testing::manifest::{Origin, TrackingFields};
use secoda_sync::testing::plan::desired::{
    CategoryIdFields, DesiredCategory, DesiredEvent, DesiredProperty, Fields, Names, Resolved,
};
use secoda_sync::testing::plan::{diff, DiffOptions, IntegrationInfo, Live};
use std::sync::Arc;
use std::time::{Duration, Instant};

const CATEGORIES: usize = 100;
const EVENTS_PER_CATEGORY: usize = 100;
const PROPERTIES_PER_EVENT: usize = 10;
const RUNS: usize = 7;
/// The time a diff of 100,000 properties should stay under.
const TARGET: Duration = Duration::from_millis(300);

fn id(n: usize) -> Id {
    Id(uuid::Uuid::from_u128(n as u128).hyphenated().to_string())
}

fn fields(n: usize) -> Fields {
    Fields {
        description: Some(format!("Description of item {n}")),
        definition: Some(format!("# Item {n}\n\nMarkdown body.\n")),
        pii: Some(n % 7 == 0),
        published: Some(true),
        owners: Some([id(1 + n % 4)].into()),
        tags: Some([id(10 + n % 3), id(20)].into()),
        ..Fields::default()
    }
}

fn desired() -> Resolved {
    let origin = Origin {
        file: Arc::from("bench.yaml"),
        line: 1,
        column: 1,
    };
    let mut n = 0;
    let categories = (0..CATEGORIES)
        .map(|c| DesiredCategory {
            title: format!("Category {c:03}"),
            fields: CategoryIdFields {
                description: Some(format!("Category {c}")),
                ..CategoryIdFields::default()
            },
            protect: false,
            origin: origin.clone(),
            events: (0..EVENTS_PER_CATEGORY)
                .map(|e| {
                    n += 1;
                    DesiredEvent {
                        title: format!("Event {c:03}.{e:03}"),
                        fields: fields(n),
                        protect: false,
                        renamed_from: Vec::new(),
                        origin: origin.clone(),
                        properties: (0..PROPERTIES_PER_EVENT)
                            .map(|p| {
                                n += 1;
                                DesiredProperty {
                                    title: format!("prop_{p:02}"),
                                    fields: fields(n),
                                    tracking: TrackingFields {
                                        property_type: Some("string".into()),
                                        is_required: Some(p == 0),
                                        ..TrackingFields::default()
                                    },
                                    protect: false,
                                    renamed_from: Vec::new(),
                                    origin: origin.clone(),
                                }
                            })
                            .collect(),
                    }
                })
                .collect(),
        })
        .collect();
    Resolved {
        left_out_owners: Vec::new(),
        integration: IntegrationInfo {
            id: id(0xfeed),
            name: "Segment".into(),
        },
        categories,
        monitors: Vec::new(),
        tags: Vec::new(),
        names: Names::new(),
    }
}

fn resource(n: &mut usize, title: &str, parent: Option<&Id>, f: &Fields) -> api::Resource {
    *n += 1;
    let set = |s: &Option<std::collections::BTreeSet<Id>>| {
        // Reversed, so the diff's set comparison does real work.
        s.iter().flatten().rev().cloned().collect::<Vec<_>>()
    };
    api::Resource {
        id: id(0x1000_0000 + *n),
        updated_at: "2026-01-01T00:00:00Z".into(),
        title: title.to_owned(),
        parent: parent.cloned(),
        description: f.description.clone().unwrap_or_default(),
        definition: f.definition.clone().unwrap_or_default(),
        pii: f.pii.unwrap_or_default(),
        published: f.published.unwrap_or_default(),
        owners: set(&f.owners),
        tags: set(&f.tags),
        ..api::Resource::default()
    }
}

/// The live state an apply of `d` would leave behind.
fn live_of(d: &Resolved) -> Live {
    let mut live = Live::default();
    let mut n = 0;
    for c in &d.categories {
        let cat = resource(&mut n, &c.title, None, &Fields::default());
        let cat = api::Resource {
            description: c.fields.description.clone().unwrap_or_default(),
            ..cat
        };
        for e in &c.events {
            let ev = resource(&mut n, &e.title, Some(&cat.id), &e.fields);
            for p in &e.properties {
                let mut pr = resource(&mut n, &p.title, Some(&ev.id), &p.fields);
                pr.property_type = p.tracking.property_type.clone();
                pr.is_required = p.tracking.is_required;
                live.properties.push(pr);
            }
            live.events.push(ev);
        }
        live.categories.push(cat);
    }
    live
}

fn time(label: &str, d: &Resolved, live: &Live, expect_changes: usize) {
    let opts = DiffOptions {
        prune: true,
        ..DiffOptions::default()
    };
    let mut runs: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            let plan = diff(d, live, &opts);
            let took = start.elapsed();
            assert_eq!(plan.changes.len(), expect_changes, "{label}");
            drop(plan);
            took
        })
        .collect();
    runs.sort();
    println!(
        "{label:<42} best {:>8.1} ms   median {:>8.1} ms   ({expect_changes} changes)   \
         target {:.0} ms: median {:.2}x",
        runs[0].as_secs_f64() * 1e3,
        runs[RUNS / 2].as_secs_f64() * 1e3,
        TARGET.as_secs_f64() * 1e3,
        runs[RUNS / 2].as_secs_f64() / TARGET.as_secs_f64(),
    );
}

fn main() {
    let d = desired();
    let live = live_of(&d);
    let props = live.properties.len();
    println!(
        "diff: {} categories, {} events, {props} properties",
        live.categories.len(),
        live.events.len()
    );
    time("no changes (live matches, prune on)", &d, &live, 0);
    let events = CATEGORIES * EVENTS_PER_CATEGORY;
    time(
        "empty workspace (all creates)",
        &d,
        &Live::default(),
        CATEGORIES + events + props,
    );
    let mut drifted = live.clone();
    for p in &mut drifted.properties {
        p.description.push_str(" (edited)");
    }
    time("every property's description drifted", &d, &drifted, props);
}
