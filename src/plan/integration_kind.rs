//! What an integration's type says about it: events come from event sources (Segment,
//! Amplitude...), never from a warehouse or a BI tool. A tracking plan under `Snowflake` is
//! almost always a wrong `integration:` line, and categories cannot be deleted afterwards.

use super::{Kind, Plan};
use crate::api::Integration;

/// What kind of tool an integration is, by its `type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ToolKind {
    /// Sends events: the home of a tracking plan.
    EventSource,
    /// Stores tables (and the monitors' targets).
    Warehouse,
    /// Dashboards and reports.
    Bi,
    /// A type this table does not know.
    Other,
}

impl ToolKind {
    /// The kind of an integration `type` (`segment`, `snowflake`, `looker`...), any case.
    #[must_use]
    pub(crate) fn of(integration_type: &str) -> Self {
        let t = integration_type
            .trim()
            .to_lowercase()
            .replace(['-', ' '], "_");
        match t.as_str() {
            "segment" | "amplitude" | "mixpanel" | "rudderstack" | "snowplow" | "heap"
            | "posthog" | "avo" | "google_analytics" | "ga4" | "freshpaint" | "mparticle" => {
                Self::EventSource
            }
            "snowflake" | "bigquery" | "redshift" | "databricks" | "postgres" | "postgresql"
            | "mysql" | "mssql" | "sqlserver" | "oracle" | "synapse" | "clickhouse" | "athena"
            | "trino" | "presto" | "dbt" | "dbt_cloud" | "duckdb" | "motherduck" => Self::Warehouse,
            "looker" | "tableau" | "metabase" | "mode" | "power_bi" | "powerbi" | "sigma"
            | "hex" | "superset" | "quicksight" | "thoughtspot" | "periscope" | "lightdash" => {
                Self::Bi
            }
            _ => Self::Other,
        }
    }
}

/// A warning when `plan` puts categories or events under `integration` while its type is a
/// warehouse or BI tool, naming the event-source integrations among `all`.
#[must_use]
pub(crate) fn wrong_home_warning(
    plan: &Plan,
    integration: &Integration,
    all: &[Integration],
) -> Option<String> {
    let what = match ToolKind::of(&integration.integration_type) {
        ToolKind::Warehouse => "a warehouse",
        ToolKind::Bi => "a BI tool",
        ToolKind::EventSource | ToolKind::Other => return None,
    };
    let n = |kind: Kind| plan.changes.iter().filter(|c| c.kind == kind).count();
    let (categories, events) = (n(Kind::Category), n(Kind::Event));
    if categories + events == 0 {
        return None;
    }
    let sources: Vec<String> = all
        .iter()
        .filter(|i| ToolKind::of(&i.integration_type) == ToolKind::EventSource)
        .map(|i| format!("`{}`", i.name))
        .collect();
    let instead = if sources.is_empty() {
        "the workspace has no event-source integration".to_owned()
    } else {
        format!(
            "did you mean an event source in the manifests' `integration:`? The workspace's \
             event sources: {}",
            sources.join(", ")
        )
    };
    Some(format!(
        "integration `{}` is {what} ({}), not an event source, yet the plan puts {} and {} \
         under it (categories cannot be deleted through the API); {instead}",
        integration.name,
        integration.integration_type,
        crate::output::count(categories, "category", "categories"),
        crate::output::count(events, "event", "events"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Id;
    use crate::plan::{Action, Change, Key};

    fn integration(name: &str, kind: &str) -> Integration {
        Integration {
            id: Id::from(name),
            name: name.into(),
            integration_type: kind.into(),
        }
    }

    #[test]
    fn a_plan_under_a_warehouse_names_the_event_sources() {
        let all = [
            integration("Segment", "segment"),
            integration("Snowflake", "snowflake"),
            integration("Looker", "looker"),
        ];
        let plan = Plan {
            changes: vec![Change::new(
                Action::Create,
                Key::Category("Checkout".into()),
                "Checkout".into(),
            )],
            ..crate::plan::testutil::sample_plan().0
        };
        let warning = wrong_home_warning(&plan, &all[1], &all).unwrap();
        assert!(
            warning.contains("`Snowflake` is a warehouse (snowflake)"),
            "{warning}"
        );
        assert!(warning.contains("1 category and 0 events"), "{warning}");
        assert!(warning.contains("event sources: `Segment`"), "{warning}");
        assert!(wrong_home_warning(&plan, &all[2], &all)
            .unwrap()
            .contains("a BI tool"));
        assert_eq!(wrong_home_warning(&plan, &all[0], &all), None);
        let empty = Plan {
            changes: Vec::new(),
            ..plan
        };
        assert_eq!(wrong_home_warning(&empty, &all[1], &all), None);
    }
}
