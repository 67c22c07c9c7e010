//! Which fields of a monitor write the server's answer did not keep (the read-back check of
//! monitor creates and PATCHes, beside [`ResourceWrite::not_kept`](super::ResourceWrite::not_kept)).

use super::{Monitor, MonitorWrite};

impl MonitorWrite {
    /// The wire names of the fields this body sets that `back` (the create or PATCH answer)
    /// does not hold. Left out: `metric_config` (it comes back as a string whose format the
    /// reference does not show), `schedule` (folded into `frequency`, compared by the plan) and
    /// `notify_slack_channel` (no answer the reference shows carries it).
    #[must_use]
    pub fn not_kept(&self, back: &Monitor) -> Vec<&'static str> {
        let same_number = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(a), Some(b)) => (a - b).abs() < 1e-9,
            (a, b) => a.is_none() && b.is_none(),
        };
        let mut out = Vec::new();
        if self.name.as_ref().is_some_and(|n| *n != back.name) {
            out.push("name");
        }
        if self.target.is_some() && self.target != back.target {
            out.push("target");
        }
        if self
            .metric_type
            .as_ref()
            .is_some_and(|t| *t != back.metric_type)
        {
            out.push("metric_type");
        }
        if self.is_enabled.is_some_and(|e| e != back.is_enabled) {
            out.push("is_enabled");
        }
        let numbers = [
            (
                "condition_auto_sensitivity",
                self.condition_auto_sensitivity,
                back.condition_auto_sensitivity,
            ),
            (
                "condition_manual_min",
                self.condition_manual_min,
                back.condition_manual_min,
            ),
            (
                "condition_manual_max",
                self.condition_manual_max,
                back.condition_manual_max,
            ),
        ];
        for (name, sent, kept) in numbers {
            if sent.is_some_and(|v| !same_number(v, kept)) {
                out.push(name);
            }
        }
        out
    }

    /// The wire names of the fields this body sets that [`Self::not_kept`] compares: what an
    /// answer can prove kept.
    #[must_use]
    pub fn checked(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        for (name, set) in [
            ("name", self.name.is_some()),
            ("target", self.target.is_some()),
            ("metric_type", self.metric_type.is_some()),
            ("is_enabled", self.is_enabled.is_some()),
            (
                "condition_auto_sensitivity",
                self.condition_auto_sensitivity.is_some(),
            ),
            ("condition_manual_min", self.condition_manual_min.is_some()),
            ("condition_manual_max", self.condition_manual_max.is_some()),
        ] {
            if set {
                out.push(name);
            }
        }
        out
    }
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
        assert!(sent.not_kept(&back).is_empty());
        assert_eq!(
            sent.checked(),
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
            sent.not_kept(&back),
            [
                "is_enabled",
                "condition_auto_sensitivity",
                "condition_manual_min"
            ]
        );
    }
}
