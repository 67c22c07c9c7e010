//! Resolution end to end: names, emails, UUIDs, every error at once with its hint.

use super::*;
use crate::api::{self, Id};
use crate::manifest::ResourceFields;
use crate::manifest::{
    Category, CategoryFields, Event, IntegrationRef, ManifestSet, Monitor, NameSet, Origin,
};
use std::collections::HashMap;
use std::sync::Arc;

fn origin(line: u32) -> Origin {
    Origin {
        file: Arc::from("plan.yaml"),
        line,
        column: 3,
    }
}

fn id(n: u128) -> Id {
    Id(uuid::Uuid::from_u128(n).hyphenated().to_string())
}

fn lookups() -> Lookups {
    let mut l = Lookups {
        integrations: vec![api::Integration {
            id: id(1),
            name: "Segment".into(),
            integration_type: "segment".into(),
        }],
        teams: vec![
            api::Team {
                id: id(10),
                name: "Growth".into(),
            },
            api::Team {
                id: id(11),
                name: "Checkout".into(),
            },
        ],
        tags: vec![api::Tag {
            id: id(20),
            name: "revenue".into(),
            ..api::Tag::default()
        }],
        users: vec![
            api::User {
                id: id(30),
                email: "alice@acme.test".into(),
                display_name: "Alice Analyst".into(),
                ..api::User::default()
            },
            api::User {
                id: id(31),
                email: "bob@acme.test".into(),
                display_name: "Bob Builder".into(),
                ..api::User::default()
            },
        ],
        collections: vec![api::Collection {
            id: id(40),
            title: "Revenue Metrics".into(),
        }],
        targets: HashMap::new(),
    };
    l.add_catalog([api::Resource {
        id: id(50),
        title_full: "analytics.public.orders".into(),
        entity_type: "table".into(),
        ..api::Resource::default()
    }]);
    l
}

fn names(v: &[&str]) -> Option<NameSet> {
    Some(v.iter().map(|s| (*s).to_owned()).collect())
}

fn set_with(fields: ResourceFields, monitors: Vec<Monitor>) -> ManifestSet {
    ManifestSet {
        vendor_files: Vec::new(),
        tags: Vec::new(),
        integration: Some(IntegrationRef::parse("Segment")),
        categories: vec![Category {
            title: "Checkout".into(),
            fields: CategoryFields {
                teams: names(&["Checkout"]),
                ..CategoryFields::default()
            },
            protect: false,
            events: vec![Event {
                title: "Order Completed".into(),
                fields,
                protect: false,
                renamed_from: Vec::new(),
                properties: vec![],
                origin: origin(5),
            }],
            origin: origin(2),
        }],
        monitors,
    }
}

fn monitor(target: &str) -> Monitor {
    Monitor {
        name: "Orders row count".into(),
        target: Some(target.into()),
        metric_type: Some("row_count".into()),
        metric_config: None,
        is_enabled: true,
        thresholds: None,
        schedule: None,
        protect: false,
        origin: origin(20),
    }
}

#[test]
fn resolves_names_emails_display_names_and_uuids() {
    let fields = ResourceFields {
        owners: names(&["ALICE@acme.test", "Bob Builder"]),
        teams: names(&["growth"]),
        tags: names(&["revenue", "00000000-0000-0000-0000-0000000000ff"]),
        collections: names(&["Revenue Metrics"]),
        ..ResourceFields::default()
    };
    let r = resolve(
        &set_with(fields.clone(), vec![monitor("analytics.public.orders")]),
        &lookups(),
    )
    .unwrap();
    assert_eq!(r.integration.id, id(1));
    let f = &r.categories[0].events[0].fields;
    assert_eq!(f.owners, Some([id(30), id(31)].into()));
    assert_eq!(f.teams, Some([id(10)].into()));
    assert_eq!(f.tags, Some([id(20), id(0xff)].into()));
    assert_eq!(f.collections, Some([id(40)].into()));
    // A list the manifest leaves out stays unmanaged.
    for spec in crate::manifest::fields::group(crate::manifest::fields::Group::Resource) {
        if fields.get(spec.name).is_none() {
            assert!(f.get(spec.name).is_none(), "{}", spec.name);
        }
    }
    assert_eq!(r.categories[0].fields.teams, Some([id(11)].into()));
    assert_eq!(r.monitors[0].target, id(50));
    assert_eq!(r.names[&id(30)], "alice@acme.test");
    assert_eq!(r.names[&id(50)], "analytics.public.orders");
}

#[test]
fn an_unknown_integration_names_the_field_once() {
    let err = ResolveError {
        origin: None,
        item: "--integration".to_owned(),
        field: "integration",
        name: "Segmnt".to_owned(),
        problem: Problem::Unknown {
            closest: vec!["Segment".to_owned()],
            known: Vec::new(),
            total: 3,
        },
    };
    assert_eq!(
        err.to_string(),
        "--integration: unknown integration `Segmnt`; did you mean `Segment`?"
    );
}

#[test]
fn reports_every_error_with_origin_and_hint() {
    let fields = ResourceFields {
        owners: names(&["alcie@acme.test"]),
        teams: names(&["Grwoth", "Nope Nothing Like It"]),
        collections: names(&["revenue metrics"]),
        ..ResourceFields::default()
    };
    let errs = resolve(
        &set_with(fields, vec![monitor("analytics.public.order")]),
        &lookups(),
    )
    .unwrap_err();
    let msgs: Vec<String> = errs.iter().map(ToString::to_string).collect();
    assert_eq!(msgs.len(), 5, "{msgs:#?}");
    assert_eq!(
        msgs[0],
        "plan.yaml:5:3: event `Checkout/Order Completed`: unknown user `alcie@acme.test` \
         in `owners`; did you mean `alice@acme.test`?"
    );
    assert!(msgs[1].contains("unknown team `Grwoth`") && msgs[1].contains("`Growth`"));
    assert!(
        msgs[2].ends_with("known names: `Checkout`, `Growth`"),
        "{}",
        msgs[2]
    );
    // Collections match their title exactly: case differs, so it is unknown but suggested.
    assert!(
        msgs[3].contains("did you mean `Revenue Metrics`?"),
        "{}",
        msgs[3]
    );
    assert!(
        msgs[4].starts_with("plan.yaml:20:3: monitor `Orders row count`: unknown catalog path")
            && msgs[4].contains("`analytics.public.orders`"),
        "{}",
        msgs[4]
    );
}

#[test]
fn ambiguous_and_missing_are_errors() {
    let mut l = lookups();
    l.add_catalog([api::Resource {
        id: id(51),
        title_full: "analytics.public.orders".into(),
        ..api::Resource::default()
    }]);
    l.users.push(api::User {
        id: id(32),
        email: "bob2@acme.test".into(),
        display_name: "Bob Builder".into(),
        ..api::User::default()
    });
    let mut m = monitor("analytics.public.orders");
    m.metric_type = None;
    let mut set = set_with(
        ResourceFields {
            owners: names(&["Bob Builder"]),
            ..ResourceFields::default()
        },
        vec![m],
    );
    set.integration = None;
    let errs = resolve(&set, &l).unwrap_err();
    let problems: Vec<(&str, &Problem)> = errs.iter().map(|e| (e.field, &e.problem)).collect();
    assert_eq!(problems.len(), 4, "{errs:#?}");
    assert_eq!(problems[0], ("integration", &Problem::Missing));
    assert_eq!(
        problems[1],
        (
            "owners",
            &Problem::Ambiguous(vec!["bob@acme.test".into(), "bob2@acme.test".into()])
        )
    );
    assert!(matches!(problems[2], ("target", Problem::Ambiguous(v)) if v.len() == 2));
    assert_eq!(problems[3], ("metric_type", &Problem::Missing));
}

#[test]
fn a_target_read_twice_is_not_ambiguous() {
    let mut l = lookups();
    let again = l.targets["analytics.public.orders"].clone();
    l.add_catalog(again);
    let set = set_with(
        ResourceFields::default(),
        vec![monitor("analytics.public.orders")],
    );
    let r = resolve(&set, &l).unwrap();
    assert_eq!(r.monitors[0].target, id(50));
}

#[test]
fn owner_tag_resolves_by_name_and_lists_paths_to_fetch() {
    let l = lookups();
    assert_eq!(l.tag_id("revenue").unwrap(), id(20));
    assert!(l.tag_id("secoda-sync").is_err());
    let set = set_with(
        ResourceFields::default(),
        vec![
            monitor("analytics.public.orders"),
            monitor("00000000-0000-0000-0000-000000000001"),
        ],
    );
    assert_eq!(target_paths(&set), vec!["analytics.public.orders"]);
}

#[test]
fn a_declared_tag_the_workspace_lacks_resolves_to_its_placeholder_and_a_typo_fails() {
    let fields = ResourceFields {
        tags: names(&["revenue", "v2", "v3"]),
        ..ResourceFields::default()
    };
    let mut set = set_with(fields, Vec::new());
    set.tags = ["v2", "revenue"]
        .into_iter()
        .map(|n| crate::manifest::Tag {
            name: n.into(),
            color: None,
            description: None,
            origin: origin(2),
        })
        .collect();
    let errors = resolve(&set, &lookups()).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    let shown = errors[0].to_string();
    assert!(
        shown.contains("unknown tag `v3` in `tags`")
            && shown.ends_with("; declare it under `tags:` to create it"),
        "{shown}"
    );
    set.tags.pop();
    if let Some(t) = set.categories[0].events[0].fields.tags.as_mut() {
        *t = t.iter().filter(|n| *n != "v3").cloned().collect();
    }
    let r = resolve(&set, &lookups()).unwrap();
    let f = &r.categories[0].events[0].fields;
    assert_eq!(
        f.tags,
        Some([id(20), Id::pending_tag("v2")].into()),
        "an existing tag keeps its id"
    );
    assert_eq!(r.names[&Id::pending_tag("v2")], "v2");
}
