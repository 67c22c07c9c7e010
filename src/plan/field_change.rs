//! One field's change in a plan, typed from the diff to the write: which field
//! ([`FieldName`]: a row of the field table, or one of the fixed monitor fields) and its live
//! and desired values ([`PlanValue`]). The write builds its body from these with typed
//! setters (`apply::write`), never through JSON.
//!
//! A saved plan's JSON is read into these types once, when the file is parsed: a name neither
//! the table nor the monitor fields know, or a value of another field's kind, still reads (so
//! `plan::preflight` can name every problem of a hand-edited file at once), but a value no
//! field carries (an object where no field holds one, a list of numbers) fails the read.

use crate::api::{Id, MonitorSchedule};
use crate::fields::{self, FieldSpec};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};
use std::fmt;

/// A monitor field a plan writes (the monitor's key parts, its managed fields, its schedule).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MonitorField {
    /// The watched table or column (creates).
    Target,
    /// The metric (creates).
    MetricType,
    /// The metric's options (creates).
    MetricConfig,
    /// The monitor's name.
    Name,
    /// Whether it runs.
    IsEnabled,
    /// Learned-threshold sensitivity; `null` selects manual thresholds.
    ConditionAutoSensitivity,
    /// Manual lower bound.
    ConditionManualMin,
    /// Manual upper bound.
    ConditionManualMax,
    /// When it runs.
    Schedule,
}

impl MonitorField {
    /// Every monitor field, in the order a create carries them.
    pub const ALL: [Self; 9] = [
        Self::Target,
        Self::MetricType,
        Self::MetricConfig,
        Self::Name,
        Self::IsEnabled,
        Self::ConditionAutoSensitivity,
        Self::ConditionManualMin,
        Self::ConditionManualMax,
        Self::Schedule,
    ];

    /// The wire name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Target => "target",
            Self::MetricType => "metric_type",
            Self::MetricConfig => "metric_config",
            Self::Name => "name",
            Self::IsEnabled => "is_enabled",
            Self::ConditionAutoSensitivity => "condition_auto_sensitivity",
            Self::ConditionManualMin => "condition_manual_min",
            Self::ConditionManualMax => "condition_manual_max",
            Self::Schedule => "schedule",
        }
    }

    /// Whether `value` is of this field's kind (a threshold's `null` selects the other mode).
    #[must_use]
    pub fn takes(self, value: &PlanValue) -> bool {
        match self {
            Self::Target | Self::MetricType | Self::Name => matches!(value, PlanValue::Text(_)),
            Self::IsEnabled => matches!(value, PlanValue::Bool(_)),
            Self::ConditionAutoSensitivity
            | Self::ConditionManualMin
            | Self::ConditionManualMax => {
                matches!(value, PlanValue::Number(_) | PlanValue::Null)
            }
            Self::MetricConfig => matches!(value, PlanValue::Config(_)),
            Self::Schedule => matches!(value, PlanValue::Schedule(_)),
        }
    }

    /// What [`MonitorField::takes`], for messages.
    #[must_use]
    pub fn expects(self) -> &'static str {
        match self {
            Self::Target | Self::MetricType | Self::Name => "a string",
            Self::IsEnabled => "true or false",
            Self::ConditionAutoSensitivity
            | Self::ConditionManualMin
            | Self::ConditionManualMax => "a number or null",
            Self::MetricConfig => "an object",
            Self::Schedule => "a schedule",
        }
    }
}

/// A tag field a plan writes besides `description` (which is the field table's row).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TagField {
    /// The tag's colour.
    Color,
}

impl TagField {
    /// The wire name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Color => "color",
        }
    }
}

/// The field a change sets, by its wire name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldName {
    /// A row of the field table (categories, events and properties).
    Row(&'static FieldSpec),
    /// A monitor field.
    Monitor(MonitorField),
    /// A tag field.
    Tag(TagField),
    /// A name neither knows: only a hand-edited saved plan holds one, and preflight refuses it.
    Unknown(String),
}

impl FieldName {
    /// The field named `name` on the wire.
    #[must_use]
    pub fn parse(name: &str) -> Self {
        if let Some(spec) = fields::spec(name) {
            return Self::Row(spec);
        }
        if name == TagField::Color.as_str() {
            return Self::Tag(TagField::Color);
        }
        MonitorField::ALL
            .into_iter()
            .find(|m| m.as_str() == name)
            .map_or_else(|| Self::Unknown(name.to_owned()), Self::Monitor)
    }

    /// The wire name.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Self::Row(spec) => spec.name,
            Self::Monitor(m) => m.as_str(),
            Self::Tag(t) => t.as_str(),
            Self::Unknown(name) => name,
        }
    }
}

impl From<TagField> for FieldName {
    fn from(t: TagField) -> Self {
        Self::Tag(t)
    }
}

impl From<MonitorField> for FieldName {
    fn from(m: MonitorField) -> Self {
        Self::Monitor(m)
    }
}

impl fmt::Display for FieldName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for FieldName {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A live monitor's run interval when its answer carries no schedule (the reference's objects
/// never do: they carry `frequency` hours instead).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EveryHours {
    /// The interval in hours.
    pub frequency_hours: f64,
}

/// One value of a field in a plan. Serialised untagged, as the JSON value it stands for
/// (saved plans and `plan --format json` carry it so).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum PlanValue {
    /// No value: the live side of a create, a manual monitor's sensitivity, a monitor
    /// threshold the workspace leaves unset.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number (monitor thresholds; the diff makes them floats).
    Number(f64),
    /// Text or markdown, a monitor's name, target or metric.
    Text(String),
    /// An id list (sorted by the diff).
    Ids(Vec<Id>),
    /// A monitor's schedule.
    Schedule(MonitorSchedule),
    /// A live monitor's run interval, when it shows no schedule.
    EveryHours(EveryHours),
    /// A monitor's metric options.
    Config(Map<String, Value>),
}

impl PlanValue {
    /// `v` as a number; a value JSON cannot hold (not a number, infinite) is `null`.
    #[must_use]
    pub fn number(v: f64) -> Self {
        if v.is_finite() {
            Self::Number(v)
        } else {
            Self::Null
        }
    }

    /// `v`, or `null` when there is none.
    #[must_use]
    pub fn opt_number(v: Option<f64>) -> Self {
        v.map_or(Self::Null, Self::number)
    }

    /// Whether this is `null`.
    #[must_use]
    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// The text, when this is text.
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::Text(s) => Some(s),
            _ => None,
        }
    }

    /// The JSON value this stands for (what documents and messages show).
    #[must_use]
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// Reads the JSON value `v` of the field `name`: scalars and id lists for any field (the
    /// field's kind is preflight's to check), an object only where the field holds one.
    ///
    /// # Errors
    /// When `v` is a value no field of that name carries.
    pub fn read(name: &FieldName, v: Value) -> Result<Self, String> {
        Ok(match v {
            Value::Null => Self::Null,
            Value::Bool(b) => Self::Bool(b),
            Value::Number(n) => n.as_f64().map_or(Self::Null, Self::number),
            Value::String(s) => Self::Text(s),
            Value::Array(items) if items.iter().all(Value::is_string) => Self::Ids(
                items
                    .into_iter()
                    .filter_map(|i| match i {
                        Value::String(s) => Some(Id(s)),
                        _ => None,
                    })
                    .collect(),
            ),
            Value::Object(m) if *name == FieldName::Monitor(MonitorField::MetricConfig) => {
                Self::Config(m)
            }
            Value::Object(m) if *name == FieldName::Monitor(MonitorField::Schedule) => {
                let v = Value::Object(m);
                let parsed = if v.get("frequency_hours").is_some() {
                    serde_json::from_value(v.clone()).map(Self::EveryHours)
                } else {
                    serde_json::from_value(v.clone()).map(Self::Schedule)
                };
                parsed.map_err(|e| format!("field `schedule`: {v} is not a schedule ({e})"))?
            }
            other => {
                return Err(format!(
                    "field `{name}`: {other} is not a value any field of that name holds"
                ))
            }
        })
    }
}

/// Compact JSON, a whole number without its `.0` (`5` reads better than `5.0`).
impl fmt::Display for PlanValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => write!(f, "{n}"),
            other => write!(f, "{}", other.to_json()),
        }
    }
}

/// One field's old and new value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldChange {
    /// The field (`description`, `tags`, `type`, `condition_manual_min`, ...).
    pub name: FieldName,
    /// Live value (`null` for a create).
    pub before: PlanValue,
    /// Desired value.
    pub after: PlanValue,
}

impl FieldChange {
    /// The change of `name` from `before` to `after`.
    #[must_use]
    pub fn new(name: impl Into<FieldName>, before: PlanValue, after: PlanValue) -> Self {
        Self {
            name: name.into(),
            before,
            after,
        }
    }

    /// A change read from its JSON parts (a saved plan's), typed once here.
    ///
    /// # Errors
    /// When a value is one no field of that name carries.
    pub fn from_json(name: &str, before: Value, after: Value) -> Result<Self, String> {
        let name = FieldName::parse(name);
        Ok(Self {
            before: PlanValue::read(&name, before)?,
            after: PlanValue::read(&name, after)?,
            name,
        })
    }
}

impl From<&'static FieldSpec> for FieldName {
    fn from(spec: &'static FieldSpec) -> Self {
        Self::Row(spec)
    }
}

impl<'de> Deserialize<'de> for FieldChange {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Wire {
            name: String,
            before: Value,
            after: Value,
        }
        let w = Wire::deserialize(d)?;
        Self::from_json(&w.name, w.before, w.after).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// What the diff makes of each kind of field, and the JSON it travels as.
    fn samples() -> Vec<(FieldChange, Value)> {
        let spec = |n: &str| FieldName::parse(n);
        vec![
            (
                FieldChange::new(
                    spec("description"),
                    PlanValue::Null,
                    PlanValue::Text("d".into()),
                ),
                json!({"name": "description", "before": null, "after": "d"}),
            ),
            (
                FieldChange::new(spec("pii"), PlanValue::Bool(false), PlanValue::Bool(true)),
                json!({"name": "pii", "before": false, "after": true}),
            ),
            (
                FieldChange::new(
                    spec("tags"),
                    PlanValue::Ids(vec![]),
                    PlanValue::Ids(vec![Id::from("a"), Id::from("b")]),
                ),
                json!({"name": "tags", "before": [], "after": ["a", "b"]}),
            ),
            (
                FieldChange::new(
                    MonitorField::ConditionAutoSensitivity,
                    PlanValue::number(5.0),
                    PlanValue::Null,
                ),
                json!({"name": "condition_auto_sensitivity", "before": 5.0, "after": null}),
            ),
            (
                FieldChange::new(
                    MonitorField::Schedule,
                    PlanValue::EveryHours(EveryHours {
                        frequency_hours: 24.0,
                    }),
                    PlanValue::Schedule(MonitorSchedule {
                        cadence: Some("daily".into()),
                        frequency: Some(2),
                        day: None,
                        hour: Some(6),
                    }),
                ),
                json!({"name": "schedule", "before": {"frequency_hours": 24.0},
                       "after": {"cadence": "daily", "frequency": 2, "hour": 6}}),
            ),
            (
                FieldChange::new(
                    MonitorField::MetricConfig,
                    PlanValue::Null,
                    PlanValue::Config(
                        json!({"query_select": "1", "n": 2})
                            .as_object()
                            .cloned()
                            .unwrap(),
                    ),
                ),
                json!({"name": "metric_config", "before": null,
                       "after": {"query_select": "1", "n": 2}}),
            ),
        ]
    }

    #[test]
    fn every_kind_of_value_travels_as_the_json_it_stands_for_and_reads_back_the_same() {
        for (change, json) in samples() {
            let text = serde_json::to_string(&change).unwrap();
            assert_eq!(text, json.to_string(), "{change:?}");
            let back: FieldChange = serde_json::from_str(&text).unwrap();
            assert_eq!(back, change);
            assert_eq!(serde_json::to_string(&back).unwrap(), text);
        }
    }

    #[test]
    fn names_are_rows_monitor_fields_or_unknown() {
        assert!(matches!(FieldName::parse("type"), FieldName::Row(s) if s.name == "type"));
        assert_eq!(
            FieldName::parse("is_enabled"),
            FieldName::Monitor(MonitorField::IsEnabled)
        );
        assert_eq!(
            FieldName::parse("colour"),
            FieldName::Unknown("colour".into())
        );
        for m in MonitorField::ALL {
            assert_eq!(FieldName::parse(m.as_str()), FieldName::Monitor(m));
        }
    }

    #[test]
    fn a_value_of_another_fields_kind_reads_and_a_value_no_field_holds_does_not() {
        // Preflight names these: the read keeps them.
        let c = FieldChange::from_json("description", json!(null), json!(5)).unwrap();
        assert_eq!(c.after, PlanValue::Number(5.0));
        assert_eq!(c.after.to_string(), "5");
        let c = FieldChange::from_json("colour", json!(null), json!("red")).unwrap();
        assert_eq!(c.name, FieldName::Unknown("colour".into()));
        // No field holds these.
        let err = FieldChange::from_json("tags", json!(null), json!([1])).unwrap_err();
        assert_eq!(
            err,
            "field `tags`: [1] is not a value any field of that name holds"
        );
        let err = FieldChange::from_json("description", json!(null), json!({"a": 1})).unwrap_err();
        assert!(
            err.contains("is not a value any field of that name holds"),
            "{err}"
        );
        let err = FieldChange::from_json("schedule", json!(null), json!({"frequency": "often"}))
            .unwrap_err();
        assert!(err.starts_with("field `schedule`: "), "{err}");
        let err = serde_json::from_value::<FieldChange>(
            json!({"name": "pii", "before": null, "after": [true]}),
        )
        .unwrap_err();
        assert!(err.to_string().contains("field `pii`: [true]"), "{err}");
    }

    #[test]
    fn whole_numbers_show_without_their_fraction() {
        assert_eq!(PlanValue::number(5.0).to_string(), "5");
        assert_eq!(PlanValue::number(0.5).to_string(), "0.5");
        assert_eq!(PlanValue::number(f64::NAN), PlanValue::Null);
        assert_eq!(PlanValue::Text("x".into()).to_string(), "\"x\"");
    }
}
