//! The seeded workspace every new sandbox starts from: fixed ids, so examples and tests can
//! name them. A new sandbox has no monitors and an empty tracking plan for Segment; Amplitude
//! already holds a `Checkout` category (a title the examples use too), so every run exercises
//! a category list that answers another integration's category.

use super::model::{title_cased, Collection, Id, Integration, Resource, Tag, Team, User};
use super::store::Kind;

/// The seeded id number `n`: `5ec0da00-0000-4000-8000-0000000000NN`.
#[must_use]
pub fn id(n: u8) -> Id {
    Id(
        uuid::Uuid::from_u128(0x5ec0_da00_0000_4000_8000_0000_0000_0000 | u128::from(n))
            .to_string(),
    )
}

/// Id of the `Segment` integration.
pub const SEGMENT: &str = "5ec0da00-0000-4000-8000-000000000001";
/// Id of the `Amplitude` integration.
pub const AMPLITUDE: &str = "5ec0da00-0000-4000-8000-000000000002";
/// Id of the `Snowflake` integration (owns the table/column catalog).
pub const SNOWFLAKE: &str = "5ec0da00-0000-4000-8000-000000000003";
/// Id of the workspace monitors report.
pub const WORKSPACE: &str = "5ec0da00-0000-4000-8000-000000000000";

/// When the seeded catalog was "created".
const SEEDED_AT: &str = "2024-01-01T00:00:00Z";

/// The workspace's lookup lists (integrations, teams, tags, users, collections).
#[derive(Debug, Clone, Default)]
pub(crate) struct Lookups {
    pub(crate) integrations: Vec<Integration>,
    pub(crate) teams: Vec<Team>,
    pub(crate) tags: Vec<Tag>,
    pub(crate) users: Vec<User>,
    pub(crate) collections: Vec<Collection>,
}

/// The seeded lookups: ids 0x01.. integrations, 0x11.. teams, 0x21.. tags, 0x31.. users,
/// 0x41.. collections.
pub(crate) fn lookups() -> Lookups {
    let numbered = |base: u8, names: &[&str]| -> Vec<(Id, String)> {
        (base..)
            .zip(names)
            .map(|(n, name)| (id(n), (*name).to_owned()))
            .collect()
    };
    Lookups {
        integrations: numbered(0x01, &["Segment", "Amplitude", "Snowflake"])
            .into_iter()
            .map(|(id, name)| Integration {
                id,
                integration_type: name.to_lowercase(),
                name,
            })
            .collect(),
        teams: numbered(
            0x11,
            &[
                "Growth",
                "Checkout",
                "Data Platform",
                "Marketing",
                "Product",
            ],
        )
        .into_iter()
        .map(|(id, name)| Team { id, name })
        .collect(),
        tags: numbered(
            0x21,
            &[
                "pii",
                "revenue",
                "core",
                "deprecated",
                "experimental",
                "marketing",
                "secoda-sync",
            ],
        )
        .into_iter()
        .map(|(id, name)| Tag {
            id,
            name,
            ..Tag::default()
        })
        .collect(),
        users: numbered(
            0x31,
            &[
                "alice@acme.test Alice Analyst",
                "bob@acme.test Bob Builder",
                "carol@acme.test Carol Engineer",
                "dan@acme.test Dan Data",
            ],
        )
        .into_iter()
        .map(|(id, line)| {
            let mut parts = line.splitn(3, ' ');
            let email = parts.next().unwrap_or_default().to_owned();
            let first_name = parts.next().unwrap_or_default().to_owned();
            let last_name = parts.next().unwrap_or_default().to_owned();
            User {
                id,
                display_name: format!("{first_name} {last_name}"),
                email,
                first_name,
                last_name,
            }
        })
        .collect(),
        collections: numbered(0x41, &["Tracking Plan", "Revenue Metrics", "Onboarding"])
            .into_iter()
            .map(|(id, title)| Collection { id, title })
            .collect(),
    }
}

/// A seeded resource with the reference's fields filled in.
fn seeded(
    kind: Kind,
    n: u8,
    title: &str,
    full: String,
    native: &str,
    integration: &str,
) -> Resource {
    let id = id(n);
    Resource {
        url: format!("/{}/{id}", kind.entity_type()),
        id,
        created_at: SEEDED_AT.into(),
        updated_at: SEEDED_AT.into(),
        entity_type: kind.entity_type().into(),
        native_type: native.into(),
        title_cased: title_cased(title),
        title: title.into(),
        title_full: full,
        integration: Some(Id::from(integration)),
        workspace_id: WORKSPACE.into(),
        published: true,
        search_metadata: serde_json::json!({"type": kind.entity_type()}),
        ..Resource::default()
    }
}

/// Amplitude's tracking plan: category `Checkout` 0x71 with event `Order Completed` 0x72.
fn amplitude() -> Vec<(Kind, Resource)> {
    let category = seeded(
        Kind::Category,
        0x71,
        "Checkout",
        "Checkout".into(),
        "event_category",
        AMPLITUDE,
    );
    let mut event = seeded(
        Kind::Event,
        0x72,
        "Order Completed",
        "Checkout.Order Completed".into(),
        "event",
        AMPLITUDE,
    );
    event.parent = Some(category.id.clone());
    vec![(Kind::Category, category), (Kind::Event, event)]
}

/// The Snowflake catalog: tables 0x51.., columns 0x61.. (each table followed by its columns),
/// then Amplitude's tracking plan.
pub(crate) fn catalog() -> Vec<(Kind, Resource)> {
    let tables: [(&str, &[(&str, &str)]); 3] = [
        (
            "orders",
            &[
                ("id", "NUMBER"),
                ("amount", "NUMBER"),
                ("created_at", "TIMESTAMP_NTZ"),
                ("customer_id", "NUMBER"),
                ("status", "VARCHAR"),
            ],
        ),
        (
            "customers",
            &[
                ("id", "NUMBER"),
                ("email", "VARCHAR"),
                ("created_at", "TIMESTAMP_NTZ"),
                ("country", "VARCHAR"),
            ],
        ),
        (
            "page_views",
            &[
                ("id", "NUMBER"),
                ("url", "VARCHAR"),
                ("received_at", "TIMESTAMP_NTZ"),
                ("user_id", "NUMBER"),
            ],
        ),
    ];
    let base = |kind: Kind, n: u8, title: &str, full: String, native: &str| {
        seeded(kind, n, title, full, native, SNOWFLAKE)
    };
    let mut out = Vec::new();
    let mut column_n = 0x61;
    for ((table, columns), table_n) in tables.iter().zip(0x51..) {
        let full = format!("analytics.public.{table}");
        let t = base(Kind::Table, table_n, table, full.clone(), "TABLE");
        let table_id = t.id.clone();
        out.push((Kind::Table, t));
        for (column, native) in *columns {
            let mut c = base(
                Kind::Column,
                column_n,
                column,
                format!("{full}.{column}"),
                native,
            );
            c.parent = Some(table_id.clone());
            out.push((Kind::Column, c));
            column_n += 1;
        }
    }
    out.extend(amplitude());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_ids_are_fixed_and_distinct() {
        let l = lookups();
        assert_eq!(l.integrations[0].id.as_str(), SEGMENT);
        assert_eq!(l.integrations[1].id.as_str(), AMPLITUDE);
        assert_eq!(l.integrations[2].id.as_str(), SNOWFLAKE);
        assert_eq!(l.integrations[2].integration_type, "snowflake");
        assert_eq!(l.users[0].display_name, "Alice Analyst");
        let mut ids: Vec<Id> = catalog().into_iter().map(|(_, r)| r.id).collect();
        ids.extend(l.teams.iter().map(|t| t.id.clone()));
        ids.extend(l.tags.iter().map(|t| t.id.clone()));
        ids.extend(l.users.iter().map(|t| t.id.clone()));
        ids.extend(l.collections.iter().map(|t| t.id.clone()));
        let n = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), n);
        assert_eq!(n, 3 + 13 + 2 + 5 + 7 + 4 + 3);
    }
}
