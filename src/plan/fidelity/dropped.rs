//! What one answer dropped: the fields a create or PATCH answer did not hold as sent, and the
//! tracking fields a 400 answer names. Resource bodies compare themselves
//! (`ResourceWrite::dropped_in`, over the field table); monitor bodies are compared
//! here.

use crate::api::{ApiError, Monitor, MonitorWrite};
use crate::manifest::fields::{self, Group};

/// The wire names of the fields the monitor body `sent` sets that `back` (the create or PATCH answer)
/// does not hold. Left out: `metric_config` (it comes back as a string whose format the
/// reference does not show), `schedule` (folded into `frequency`, compared by the plan) and
/// `notify_slack_channel` (no answer the reference shows carries it).
#[must_use]
pub(crate) fn monitor(sent: &MonitorWrite, back: &Monitor) -> Vec<&'static str> {
    let same_number = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() < 1e-9,
        (a, b) => a.is_none() && b.is_none(),
    };
    let mut out = Vec::new();
    if sent.name.as_ref().is_some_and(|n| *n != back.name) {
        out.push("name");
    }
    if sent.target.is_some() && sent.target != back.target {
        out.push("target");
    }
    if sent
        .metric_type
        .as_ref()
        .is_some_and(|t| *t != back.metric_type)
    {
        out.push("metric_type");
    }
    if sent.is_enabled.is_some_and(|e| e != back.is_enabled) {
        out.push("is_enabled");
    }
    let numbers = [
        (
            "condition_auto_sensitivity",
            sent.condition_auto_sensitivity,
            back.condition_auto_sensitivity,
        ),
        (
            "condition_manual_min",
            sent.condition_manual_min,
            back.condition_manual_min,
        ),
        (
            "condition_manual_max",
            sent.condition_manual_max,
            back.condition_manual_max,
        ),
    ];
    for (name, value, kept) in numbers {
        if value.is_some_and(|v| !same_number(v, kept)) {
            out.push(name);
        }
    }
    out
}

/// The wire names of the fields `sent` sets that [`monitor`] compares: what an
/// answer can prove kept.
#[must_use]
pub(crate) fn monitor_compared(sent: &MonitorWrite) -> Vec<&'static str> {
    let mut out = Vec::new();
    for (name, set) in [
        ("name", sent.name.is_some()),
        ("target", sent.target.is_some()),
        ("metric_type", sent.metric_type.is_some()),
        ("is_enabled", sent.is_enabled.is_some()),
        (
            "condition_auto_sensitivity",
            sent.condition_auto_sensitivity.is_some(),
        ),
        ("condition_manual_min", sent.condition_manual_min.is_some()),
        ("condition_manual_max", sent.condition_manual_max.is_some()),
    ] {
        if set {
            out.push(name);
        }
    }
    out
}

/// The tracking fields a 400 answer's body names (Secoda's field errors: `{"type": [..]}`).
#[must_use]
pub(crate) fn refused(err: &ApiError) -> Vec<&'static str> {
    let ApiError::Status {
        status: 400, body, ..
    } = err
    else {
        return Vec::new();
    };
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str(body) else {
        return Vec::new();
    };
    map.keys().filter_map(|k| tracking(k)).collect()
}

/// `name` when it is a tracking field, as the field table spells it.
#[must_use]
pub(crate) fn tracking(name: &str) -> Option<&'static str> {
    fields::group(Group::Tracking)
        .find(|s| s.name == name)
        .map(|s| s.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_monitor_answer_that_dropped_a_threshold_or_flag_is_reported() {
        let sent = MonitorWrite {
            name: Some("Orders".into()),
            is_enabled: Some(false),
            condition_auto_sensitivity: Some(None),
            condition_manual_min: Some(Some(1.0)),
            metric_config: Some(serde_json::Map::new()),
            ..MonitorWrite::default()
        };
        let mut back = Monitor {
            name: "Orders".into(),
            is_enabled: false,
            condition_manual_min: Some(1.0),
            ..Monitor::default()
        };
        assert!(monitor(&sent, &back).is_empty());
        assert_eq!(
            monitor_compared(&sent),
            [
                "name",
                "is_enabled",
                "condition_auto_sensitivity",
                "condition_manual_min"
            ]
        );
        back.is_enabled = true;
        back.condition_manual_min = None;
        back.condition_auto_sensitivity = Some(5.0);
        assert_eq!(
            monitor(&sent, &back),
            [
                "is_enabled",
                "condition_auto_sensitivity",
                "condition_manual_min"
            ]
        );
    }

    #[test]
    fn only_a_400_names_refused_tracking_fields() {
        let answer = |status| ApiError::Status {
            method: "POST".into(),
            path: "/api/v1/event/event_properties".into(),
            status,
            body: r#"{"type": ["no"], "parent": ["This field is required."]}"#.into(),
        };
        assert_eq!(refused(&answer(400)), ["type"]);
        assert!(refused(&answer(500)).is_empty());
    }
}
