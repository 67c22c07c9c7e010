//! The sandbox's own wire shapes, written from the examples in Secoda's API reference
//! (`reference/` beside the design notes), not from the client's types: a sandbox that shares
//! the client's assumptions would agree with every one of them.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use std::fmt;

/// An object id (a UUID string, as in every reference example).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Id(pub String);

impl Id {
    /// The id as a string slice.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for Id {
    fn from(s: &str) -> Self {
        Self(s.to_owned())
    }
}

/// A catalog resource (category, event, property, table, column), field for field as the
/// reference's "Event category created" example lists it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct Resource {
    pub(crate) id: Id,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
    pub(crate) entity_type: String,
    pub(crate) native_type: String,
    pub(crate) bookmarked_by: Vec<Id>,
    pub(crate) icon: Option<String>,
    pub(crate) title: String,
    pub(crate) title_full: String,
    pub(crate) title_cased: String,
    pub(crate) description: String,
    pub(crate) definition: String,
    pub(crate) definition_version: u32,
    pub(crate) multiplayers: Vec<Id>,
    pub(crate) multiplayer_last_modified_by: Option<Id>,
    pub(crate) multiplayer_last_modified: Option<String>,
    pub(crate) owners: Vec<Id>,
    pub(crate) owners_groups: Vec<Id>,
    pub(crate) collections: Vec<Id>,
    pub(crate) tags: Vec<Id>,
    pub(crate) workspace_id: String,
    pub(crate) total_usage: u64,
    pub(crate) published: bool,
    pub(crate) archived: bool,
    pub(crate) pii: bool,
    pub(crate) verified: bool,
    pub(crate) url: String,
    pub(crate) parent: Option<Id>,
    pub(crate) children_count: u64,
    pub(crate) integration: Option<Id>,
    pub(crate) external_updated_at: Option<String>,
    pub(crate) internal_usage: u64,
    pub(crate) internal_users: Vec<Id>,
    pub(crate) external_users: Vec<Id>,
    pub(crate) external_usage: u64,
    pub(crate) databuilder_id: String,
    pub(crate) search_metadata: Value,
    pub(crate) sources: Vec<Id>,
    pub(crate) subscribers: Vec<Id>,
    pub(crate) teams: Vec<Id>,
    pub(crate) stale: bool,
    // Tracking-plan fields: not in the reference pages, only in Secoda's generated models;
    // carried by properties only.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub(crate) property_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) is_required: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) is_array_type: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) enum_values: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) regex: Option<String>,
}

/// `title` in the reference's `title_cased` form: `Order Completed` -> `orderCompleted`.
pub(crate) fn title_cased(title: &str) -> String {
    let mut out = String::new();
    for (i, word) in title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .enumerate()
    {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            if i == 0 {
                out.extend(first.to_lowercase());
            } else {
                out.extend(first.to_uppercase());
            }
            out.push_str(chars.as_str());
        }
    }
    out
}

/// Wraps a present field, so that `null` (`Some(None)`) and absent (`None`) differ.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// A create or PATCH body of a category, event or property, as the handlers read it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ResourceWrite {
    pub(crate) title: Option<String>,
    pub(crate) parent: Option<Id>,
    pub(crate) integration: Option<Id>,
    pub(crate) description: Option<String>,
    pub(crate) definition: Option<String>,
    pub(crate) pii: Option<bool>,
    pub(crate) verified: Option<bool>,
    pub(crate) published: Option<bool>,
    pub(crate) owners: Option<Vec<Id>>,
    pub(crate) teams: Option<Vec<Id>>,
    pub(crate) tags: Option<Vec<Id>>,
    pub(crate) collections: Option<Vec<Id>>,
    pub(crate) subscribers: Option<Vec<Id>>,
    #[serde(rename = "type")]
    pub(crate) property_type: Option<String>,
    pub(crate) is_required: Option<bool>,
    pub(crate) is_array_type: Option<bool>,
    pub(crate) enum_values: Option<String>,
    pub(crate) regex: Option<String>,
}

/// `display_metadata.target` of a monitor or an incident.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct TargetLabel {
    pub(crate) icon: Option<String>,
    pub(crate) label: String,
    pub(crate) entity_type: String,
    pub(crate) integration: Option<Id>,
    pub(crate) integration_type: String,
}

/// `display_metadata` of a monitor.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct MonitorDisplay {
    pub(crate) target: TargetLabel,
}

/// A monitor as the reference's get, list and create examples show it: `frequency` in hours,
/// no `schedule`, `metric_config` a string.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct Monitor {
    pub(crate) id: Id,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
    pub(crate) integration: Option<Id>,
    pub(crate) target: Option<Id>,
    pub(crate) workspace: String,
    pub(crate) metric_type: String,
    pub(crate) metric_config: String,
    pub(crate) frequency: u32,
    pub(crate) name: String,
    pub(crate) is_enabled: bool,
    pub(crate) last_attempted_at: Option<String>,
    pub(crate) last_success_at: Option<String>,
    pub(crate) last_error_at: Option<String>,
    pub(crate) last_error_message: String,
    pub(crate) condition_auto_sensitivity: Option<i64>,
    pub(crate) condition_manual_min: Option<f64>,
    pub(crate) condition_manual_max: Option<f64>,
    pub(crate) status: String,
    pub(crate) display_metadata: MonitorDisplay,
    pub(crate) last_measurement_value: Option<f64>,
    pub(crate) last_incident: Option<Id>,
    pub(crate) last_measurement: Option<Id>,
    pub(crate) next_run_at: Option<String>,
}

/// The `schedule` of a monitor create body (never sent back).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Schedule {
    pub(crate) cadence: Option<String>,
    pub(crate) frequency: Option<u32>,
    pub(crate) day: Option<u8>,
    pub(crate) hour: Option<u8>,
}

/// A monitor create or PATCH body; `Some(None)` is an explicit `null`.
#[allow(clippy::option_option)]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(crate) struct MonitorWrite {
    pub(crate) name: Option<String>,
    pub(crate) target: Option<Id>,
    pub(crate) metric_type: Option<String>,
    pub(crate) metric_config: Option<Value>,
    pub(crate) is_enabled: Option<bool>,
    #[serde(deserialize_with = "present")]
    pub(crate) condition_auto_sensitivity: Option<Option<f64>>,
    #[serde(deserialize_with = "present")]
    pub(crate) condition_manual_min: Option<Option<f64>>,
    #[serde(deserialize_with = "present")]
    pub(crate) condition_manual_max: Option<Option<f64>>,
    pub(crate) schedule: Option<Schedule>,
    pub(crate) notify_slack_channel: Option<String>,
}

/// The background job `POST /monitor/monitors/run` answers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct Job {
    pub(crate) id: Id,
    pub(crate) user: String,
    pub(crate) failed: bool,
    pub(crate) started: String,
    pub(crate) completed: Option<String>,
    pub(crate) logs: String,
    pub(crate) title: String,
    pub(crate) has_artifact: bool,
}

/// `display_metadata.monitor` of an incident.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct MonitorLabel {
    pub(crate) label: String,
}

/// `display_metadata` of an incident.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct IncidentDisplay {
    pub(crate) monitor: MonitorLabel,
    pub(crate) target: TargetLabel,
}

/// An incident, keys in the reference example's (alphabetical) order; `status` is `active`
/// until resolved.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct Incident {
    pub(crate) acknowledged_at: Option<String>,
    pub(crate) actions: Vec<Value>,
    pub(crate) created_at: String,
    pub(crate) display_metadata: IncidentDisplay,
    pub(crate) first_seen_at: String,
    pub(crate) id: Id,
    pub(crate) last_notified_at: Option<String>,
    pub(crate) last_seen_at: String,
    pub(crate) monitor: Id,
    pub(crate) name: String,
    pub(crate) resolved_at: Option<String>,
    pub(crate) status: String,
    pub(crate) summary: String,
    pub(crate) target: Option<Id>,
    pub(crate) updated_at: String,
    pub(crate) value: f64,
}

/// A measurement, as the reference's list example shows it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct Measurement {
    pub(crate) id: Id,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
    pub(crate) incident: Option<Id>,
    pub(crate) incident_metadata: String,
    pub(crate) monitor: Id,
    pub(crate) upper_threshold: Option<f64>,
    pub(crate) lower_threshold: Option<f64>,
    pub(crate) value: f64,
}

/// An integration of the workspace.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub(crate) struct Integration {
    pub(crate) id: Id,
    pub(crate) name: String,
    #[serde(rename = "type")]
    pub(crate) integration_type: String,
}

/// A team.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub(crate) struct Team {
    pub(crate) id: Id,
    pub(crate) name: String,
}

/// A tag.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Tag {
    pub(crate) id: Id,
    pub(crate) name: String,
    #[serde(default)]
    pub(crate) color: String,
    #[serde(default)]
    pub(crate) description: String,
}

/// A workspace member.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub(crate) struct User {
    pub(crate) id: Id,
    pub(crate) email: String,
    pub(crate) first_name: String,
    pub(crate) last_name: String,
    pub(crate) display_name: String,
}

/// A collection.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub(crate) struct Collection {
    pub(crate) id: Id,
    pub(crate) title: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_cased_is_lower_camel() {
        assert_eq!(title_cased("Order Completed"), "orderCompleted");
        assert_eq!(title_cased("order_id"), "orderId");
    }

    #[test]
    fn resource_json_has_every_reference_field() {
        let v = serde_json::to_value(Resource::default()).unwrap();
        for k in [
            "id",
            "title_full",
            "title_cased",
            "entity_type",
            "bookmarked_by",
            "definition_version",
            "total_usage",
            "children_count",
            "external_usage",
            "search_metadata",
            "stale",
        ] {
            assert!(v.get(k).is_some(), "{k}");
        }
        assert!(v.get("type").is_none());
    }
}
