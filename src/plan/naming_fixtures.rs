//! Lookups and resources the unit tests of naming and export share.

use crate::api::{Collection, Id, Resource, Tag, Team, User};
use crate::manifest::Origin;
use crate::plan::resolve::Lookups;
use std::sync::Arc;

pub(crate) fn id(n: u128) -> Id {
    Id(uuid::Uuid::from_u128(n).hyphenated().to_string())
}

pub(crate) fn origin() -> Origin {
    Origin {
        file: Arc::from("export"),
        line: 0,
        column: 0,
    }
}

pub(crate) fn lookups() -> Lookups {
    let team = |n, name: &str| Team {
        id: id(n),
        name: name.to_owned(),
    };
    let user = |n, email: &str, display: &str| User {
        id: id(n),
        email: email.to_owned(),
        display_name: display.to_owned(),
        ..User::default()
    };
    let mut l = Lookups {
        teams: vec![
            team(1, "Growth"),
            team(2, "Twin"),
            team(3, "Twin"),
            team(4, " Padded"),
        ],
        tags: vec![Tag {
            id: id(10),
            name: "a;b".to_owned(),
            ..Tag::default()
        }],
        users: vec![
            user(20, "alice@acme.test", "Alice"),
            user(21, "", "Robot"),
            user(22, "", "Same"),
            user(23, "", "Same"),
        ],
        collections: vec![Collection {
            id: id(30),
            title: "Revenue Metrics".to_owned(),
        }],
        ..Lookups::default()
    };
    let table = |n, path: &str| Resource {
        id: id(n),
        title_full: path.to_owned(),
        ..Resource::default()
    };
    l.add_catalog([
        table(40, "analytics.public.orders"),
        table(41, "dup.path"),
        table(42, "dup.path"),
    ]);
    l
}
