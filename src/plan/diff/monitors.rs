//! Monitors: matched by (target, metric type, canonical config), then their managed fields
//! (name, enabled, thresholds, schedule) compared.

use super::fields::FieldDiff;
use super::{change, Differ};
use crate::api::{self, Id};
use crate::manifest::model::{canonical_json, monitor_label};
use crate::manifest::{Schedule, Thresholds};
use crate::plan::desired::DesiredMonitor;
use crate::plan::{Action, Change, EveryHours, Key, Kind, MonitorField, PlanValue};
use std::collections::{HashMap, HashSet};

/// The natural key of a live monitor.
#[must_use]
pub fn monitor_key(m: &api::Monitor) -> Key {
    Key::Monitor(
        m.target.as_ref().map(|t| t.0.clone()).unwrap_or_default(),
        m.metric_type.clone(),
        canonical_json(&m.metric_config),
    )
}

impl Differ<'_> {
    /// The label plans show, with the target's path where the look-ups know it.
    pub(super) fn monitor_label(
        &self,
        name: &str,
        metric_type: &str,
        target: Option<&Id>,
    ) -> String {
        let target = target.map(|t| self.names.get(t).unwrap_or(&t.0).as_str());
        monitor_label(name, Some(metric_type), target)
    }

    /// Creates or updates each declared monitor; the live ones none matched go to prune.
    pub(super) fn monitors(&mut self, desired: &[DesiredMonitor], live: &[api::Monitor]) {
        let mut by_key: HashMap<Key, &api::Monitor> = HashMap::with_capacity(live.len());
        for m in live {
            by_key.entry(monitor_key(m)).or_insert(m);
        }
        let mut matched: HashSet<&Id> = HashSet::new();
        for m in desired {
            let config = m.metric_config.clone().unwrap_or_default();
            let key = Key::Monitor(
                m.target.0.clone(),
                m.metric_type.clone(),
                canonical_json(&config),
            );
            let label = self.monitor_label(&m.name, &m.metric_type, Some(&m.target));
            let l = by_key.get(&key).copied();
            let mut fields = FieldDiff::new(l.is_none()).recorded(self.not_kept, Kind::Monitor);
            if l.is_none() {
                fields.push(
                    MonitorField::Target,
                    || PlanValue::Null,
                    || PlanValue::Text(m.target.0.clone()),
                    false,
                );
                fields.push(
                    MonitorField::MetricType,
                    || PlanValue::Null,
                    || PlanValue::Text(m.metric_type.clone()),
                    false,
                );
                if let Some(c) = &m.metric_config {
                    fields.push(
                        MonitorField::MetricConfig,
                        || PlanValue::Null,
                        || PlanValue::Config(c.clone()),
                        false,
                    );
                }
            }
            if !m.name.is_empty() {
                fields.string(
                    MonitorField::Name,
                    Some(&m.name),
                    l.map(|l| l.name.as_str()),
                );
            }
            fields.bool(
                MonitorField::IsEnabled,
                Some(m.is_enabled),
                l.map(|l| l.is_enabled),
            );
            thresholds(m.thresholds.as_ref(), l, &mut fields);
            if let Some(s) = &m.schedule {
                schedule(s, l, &mut fields);
            }
            self.count_uncompared(&key, &fields);
            match l {
                None => {
                    let mut ch = change(Action::Create, key, label);
                    ch.fields = fields.out;
                    self.buckets.monitors.push(ch);
                }
                Some(l) => {
                    matched.insert(&l.id);
                    if !fields.out.is_empty() {
                        let mut ch = monitor_change(Action::Update, key, label, l);
                        ch.fields = fields.out;
                        self.buckets.monitors.push(ch);
                    }
                }
            }
        }
        self.prune_monitors(desired, live, &matched);
    }
}

/// A change to a live monitor: carries its id and `updated_at`.
pub(super) fn monitor_change(action: Action, key: Key, label: String, l: &api::Monitor) -> Change {
    Change {
        id: Some(l.id.clone()),
        live_updated_at: Some(l.updated_at.clone()),
        ..change(action, key, label)
    }
}

/// Thresholds write all three condition fields so the mode switches cleanly; a create sends
/// only what is set, plus the explicit `null` sensitivity that selects manual mode.
fn thresholds(t: Option<&Thresholds>, l: Option<&api::Monitor>, out: &mut FieldDiff) {
    let Some(t) = t else {
        return;
    };
    let (sens, min, max) = match t {
        Thresholds::Auto { sensitivity } => (Some(f64::from(*sensitivity)), None, None),
        Thresholds::Manual { min, max } => (None, *min, *max),
    };
    let live = l.map_or((None, None, None), |l| {
        (
            l.condition_auto_sensitivity,
            l.condition_manual_min,
            l.condition_manual_max,
        )
    });
    let create = l.is_none();
    let mut field = |name: MonitorField, d: Option<f64>, lv: Option<f64>, always: bool| {
        if !create || d.is_some() || always {
            out.push(
                name,
                || PlanValue::opt_number(lv),
                || PlanValue::opt_number(d),
                d == lv,
            );
        }
    };
    let manual = sens.is_none();
    field(MonitorField::ConditionAutoSensitivity, sens, live.0, manual);
    field(MonitorField::ConditionManualMin, min, live.1, false);
    field(MonitorField::ConditionManualMax, max, live.2, false);
}

fn schedule_value(s: &Schedule) -> PlanValue {
    PlanValue::Schedule(api::MonitorSchedule {
        cadence: s.cadence.clone(),
        frequency: s.frequency,
        day: s.day,
        hour: s.hour,
    })
}

/// A schedule's run interval in hours (`daily` x 2 -> 48), as Secoda reports it in
/// `frequency`; `None` when the manifest sets neither cadence nor frequency.
fn schedule_hours(s: &Schedule) -> Option<f64> {
    if s.cadence.is_none() && s.frequency.is_none() {
        return None;
    }
    let unit = match s.cadence.as_deref().unwrap_or("daily") {
        "hourly" => 1.0,
        "daily" => 24.0,
        "weekly" => 168.0,
        _ => return None,
    };
    Some(unit * f64::from(s.frequency.unwrap_or(1).max(1)))
}

/// Compares only the schedule parts the manifest sets. A monitor object without `schedule`
/// (every one the reference shows) is compared through its `frequency` hours; `day` and
/// `hour` are then not readable, so they are sent on create and never diffed.
fn schedule(s: &Schedule, l: Option<&api::Monitor>, out: &mut FieldDiff) {
    if let Some(l) = l.filter(|l| l.schedule.is_none()) {
        for (name, part) in [("schedule.day", s.day), ("schedule.hour", s.hour)] {
            if part.is_some() {
                out.unreadable.push(name.to_owned());
            }
        }
        if let Some(want) = schedule_hours(s) {
            let equal = l.frequency.is_some_and(|h| (h - want).abs() < 1e-9);
            let before = || {
                l.frequency.map_or(PlanValue::Null, |h| {
                    PlanValue::EveryHours(EveryHours { frequency_hours: h })
                })
            };
            out.push(MonitorField::Schedule, before, || schedule_value(s), equal);
        }
        return;
    }
    let live = l.and_then(|l| l.schedule.as_ref());
    let equal = live.is_some_and(|ls| {
        (s.cadence.is_none() || s.cadence == ls.cadence)
            && (s.frequency.is_none() || s.frequency == ls.frequency)
            && (s.day.is_none() || s.day == ls.day)
            && (s.hour.is_none() || s.hour == ls.hour)
    });
    let before = || live.map_or(PlanValue::Null, |ls| PlanValue::Schedule(ls.clone()));
    out.push(MonitorField::Schedule, before, || schedule_value(s), equal);
}
