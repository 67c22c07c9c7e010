//! `monitors status`: how each monitor in the workspace is doing (enabled, status, last value)
//! and, on request, its open incidents, as an aligned table or a stable JSON document
//! (`schemas/monitors-status.schema.json`).

use super::read::Observed;
use crate::api::{Id, Incident, Monitor};
use crate::manifest::model::monitor_label;
use crate::output::printable;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::io::{self, Write};

/// The version of the document's shape; bumped on any incompatible change.
pub(crate) const FORMAT_VERSION: u32 = 1;

/// `monitors status --format json`: every monitor of the workspace and how it is doing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct StatusDocument {
    /// Always 1 for this shape.
    pub format_version: u32,
    /// Counts over all monitors.
    pub summary: StatusSummary,
    /// The monitors, sorted by label, then id.
    pub monitors: Vec<MonitorStatus>,
}

/// Counts over all monitors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub(crate) struct StatusSummary {
    /// Monitors in the workspace.
    pub monitors: usize,
    /// Monitors that run (`is_enabled`).
    pub enabled: usize,
    /// Monitors whose status is `incident`.
    pub in_incident: usize,
    /// Open incidents over all monitors; `null` unless `--incidents` was given.
    pub open_incidents: Option<usize>,
}

/// One monitor's state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub(crate) struct MonitorStatus {
    /// Monitor id.
    pub id: String,
    /// The monitor's name (empty when the workspace has none for it).
    pub name: String,
    /// How the tool shows it: the name, or `<metric_type> on <target title>`.
    pub label: String,
    /// The watched table or column.
    pub target: TargetDoc,
    /// Metric, e.g. `row_count`.
    pub metric_type: String,
    /// Whether it runs.
    pub enabled: bool,
    /// Status as the API reports it (e.g. `normal`, `incident`); `null` when not reported.
    pub status: Option<String>,
    /// The last measured value; `null` when it never ran.
    pub last_value: Option<f64>,
    /// Where `last_value` comes from: the monitor object, or (when the monitor object lacks
    /// it) its latest measurement; `null` when there is no value.
    pub last_value_source: Option<ValueSource>,
    /// When it last ran (the monitor's `last_attempted_at`, else the latest measurement's time).
    pub last_run_at: Option<String>,
    /// When it runs next.
    pub next_run_at: Option<String>,
    /// Why its last run failed (the monitor's `last_error_message`), when it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    /// Its open incidents, oldest first; only present with `--incidents`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incidents: Option<Vec<IncidentDoc>>,
}

/// A monitor's target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub(crate) struct TargetDoc {
    /// Id of the table or column.
    pub id: Option<String>,
    /// Its title (`title_full` path such as `analytics.public.orders`), when it can be read.
    pub title: Option<String>,
}

/// Where a last value was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum ValueSource {
    /// The monitor object's `last_measurement_value`.
    Monitor,
    /// The monitor's latest measurement.
    Measurement,
}

/// An open incident.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub(crate) struct IncidentDoc {
    /// Incident id.
    pub id: String,
    /// Status as the API reports it (e.g. `open`).
    pub status: Option<String>,
    /// The value that opened it.
    pub value: Option<f64>,
    /// When it opened.
    pub created_at: Option<String>,
}

/// The target title the monitor object itself carries, when it has one.
pub(super) fn target_label(m: &Monitor) -> Option<&str> {
    m.display_metadata
        .as_ref()
        .and_then(|d| d.target.as_ref())
        .and_then(|t| t.label.as_deref())
        .filter(|l| !l.is_empty())
}

/// The last run's error, when the last run failed (a success after it clears it).
fn last_error(m: &Monitor) -> Option<String> {
    let failed_last = match (&m.last_error_at, &m.last_success_at) {
        (Some(e), Some(ok)) => e >= ok,
        (Some(_), None) => true,
        (None, _) => false,
    };
    Some(m.last_error_message.trim().to_owned()).filter(|e| failed_last && !e.is_empty())
}

/// Whether an incident is still open (not resolved or closed).
fn is_open(i: &Incident) -> bool {
    i.resolved_at.is_none()
        && !matches!(
            i.status.as_deref().map(str::to_ascii_lowercase).as_deref(),
            Some("resolved" | "closed")
        )
}

impl StatusDocument {
    /// Shapes what was read into the document (pure: no I/O).
    #[must_use]
    pub(crate) fn new(observed: Observed) -> Self {
        let Observed {
            monitors,
            titles,
            mut latest,
            incidents,
        } = observed;
        let mut open: Option<HashMap<Id, Vec<IncidentDoc>>> = incidents.map(|all| {
            let mut by_monitor: HashMap<Id, Vec<IncidentDoc>> = HashMap::new();
            let mut all: Vec<Incident> = all.into_iter().filter(is_open).collect();
            all.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
            for i in all {
                if let Some(m) = i.monitor {
                    by_monitor.entry(m).or_default().push(IncidentDoc {
                        id: i.id.0,
                        status: i.status,
                        value: i.value,
                        created_at: i.created_at,
                    });
                }
            }
            by_monitor
        });
        let mut out: Vec<MonitorStatus> = monitors
            .into_iter()
            .map(|m| {
                let title = target_label(&m)
                    .map(str::to_owned)
                    .or_else(|| m.target.as_ref().and_then(|t| titles.get(t).cloned()));
                let label = monitor_label(
                    &m.name,
                    Some(&m.metric_type),
                    title.as_deref().or(m.target.as_ref().map(|t| t.0.as_str())),
                );
                let measured = latest.remove(&m.id);
                let last_error = last_error(&m);
                let (last_value, last_value_source, last_run_at) =
                    match (m.last_measurement_value, measured) {
                        (Some(v), _) => (Some(v), Some(ValueSource::Monitor), m.last_attempted_at),
                        (None, Some(x)) => (
                            x.value,
                            Some(ValueSource::Measurement),
                            m.last_attempted_at.or(x.created_at),
                        ),
                        (None, None) => (None, None, m.last_attempted_at),
                    };
                MonitorStatus {
                    incidents: open.as_mut().map(|o| o.remove(&m.id).unwrap_or_default()),
                    id: m.id.0,
                    name: m.name,
                    label,
                    target: TargetDoc {
                        id: m.target.map(|t| t.0),
                        title,
                    },
                    metric_type: m.metric_type,
                    enabled: m.is_enabled,
                    status: m.status,
                    last_value,
                    last_value_source,
                    last_run_at,
                    next_run_at: m.next_run_at,
                    last_error,
                }
            })
            .collect();
        out.sort_by(|a, b| a.label.cmp(&b.label).then_with(|| a.id.cmp(&b.id)));
        let summary = StatusSummary {
            monitors: out.len(),
            enabled: out.iter().filter(|m| m.enabled).count(),
            in_incident: out
                .iter()
                .filter(|m| m.status.as_deref() == Some("incident"))
                .count(),
            open_incidents: open.map(|_| {
                out.iter()
                    .map(|m| m.incidents.as_ref().map_or(0, Vec::len))
                    .sum()
            }),
        };
        Self {
            format_version: FORMAT_VERSION,
            summary,
            monitors: out,
        }
    }

    /// Writes the document as pretty JSON.
    ///
    /// # Errors
    /// When writing fails.
    pub(crate) fn render_json(&self, w: &mut dyn Write) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *w, self)?;
        writeln!(w)
    }

    /// Writes the table (aligned columns), then the open incidents when they were read.
    ///
    /// # Errors
    /// When writing fails.
    pub(crate) fn render_text(&self, w: &mut dyn Write) -> io::Result<()> {
        if self.monitors.is_empty() {
            return writeln!(w, "No monitors in this workspace.");
        }
        let with_incidents = self.summary.open_incidents.is_some();
        let mut head = vec![
            "NAME",
            "TARGET",
            "METRIC",
            "ENABLED",
            "STATUS",
            "LAST VALUE",
            "LAST RUN",
        ];
        if with_incidents {
            head.push("OPEN INCIDENTS");
        }
        let dash = || "-".to_owned();
        let rows: Vec<Vec<String>> = self
            .monitors
            .iter()
            .map(|m| {
                let mut row = vec![
                    printable(&m.label).into_owned(),
                    m.target
                        .title
                        .as_deref()
                        .or(m.target.id.as_deref())
                        .map_or_else(dash, |t| printable(t).into_owned()),
                    m.metric_type.clone(),
                    if m.enabled { "yes" } else { "no" }.to_owned(),
                    m.status.clone().unwrap_or_else(dash),
                    m.last_value.map_or_else(dash, |v| v.to_string()),
                    m.last_run_at.clone().unwrap_or_else(dash),
                ];
                if let Some(i) = &m.incidents {
                    row.push(i.len().to_string());
                }
                row
            })
            .collect();
        let mut widths: Vec<usize> = head.iter().map(|h| h.chars().count()).collect();
        for row in &rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let line = |w: &mut dyn Write, cells: &[&str]| -> io::Result<()> {
            let last = cells.len() - 1;
            let mut s = String::new();
            for (i, (cell, width)) in cells.iter().zip(&widths).enumerate() {
                if i == last {
                    s.push_str(cell);
                } else {
                    let pad = width - cell.chars().count();
                    s.push_str(cell);
                    s.extend(std::iter::repeat_n(' ', pad + 2));
                }
            }
            writeln!(w, "{}", s.trim_end())
        };
        line(w, &head)?;
        for row in &rows {
            let cells: Vec<&str> = row.iter().map(String::as_str).collect();
            line(w, &cells)?;
        }
        let s = &self.summary;
        writeln!(
            w,
            "\n{}: {} enabled, {} in incident.",
            crate::output::count(s.monitors, "monitor", "monitors"),
            s.enabled,
            s.in_incident
        )?;
        let failed: Vec<&MonitorStatus> = self
            .monitors
            .iter()
            .filter(|m| m.last_error.is_some())
            .collect();
        if !failed.is_empty() {
            writeln!(w, "\nLast run failed:")?;
            for m in failed {
                let error = m.last_error.as_deref().unwrap_or_default();
                writeln!(w, "  {}: {}", printable(&m.label), printable(error))?;
            }
        }
        if let Some(n) = s.open_incidents {
            if n == 0 {
                writeln!(w, "No open incidents.")?;
            } else {
                writeln!(w, "\nOpen incidents:")?;
                for m in &self.monitors {
                    for i in m.incidents.iter().flatten() {
                        let value = i.value.map_or_else(dash, |v| v.to_string());
                        let at = i.created_at.as_deref().unwrap_or("-");
                        let label = printable(&m.label);
                        writeln!(w, "  {label}: {} (opened {at}, value {value})", i.id)?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// The JSON Schema of [`StatusDocument`], as written to `schemas/monitors-status.schema.json`.
#[must_use]
pub(crate) fn schema_json() -> String {
    crate::output::schema::schema_json::<StatusDocument>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{Measurement, MonitorDisplay, MonitorTargetLabel};

    fn monitor(id: &str, name: &str, metric: &str, target: &str) -> Monitor {
        Monitor {
            id: Id::from(id),
            name: name.into(),
            metric_type: metric.into(),
            target: Some(Id::from(target)),
            is_enabled: true,
            ..Monitor::default()
        }
    }

    fn observed() -> Observed {
        let mut labelled = monitor("m1", "Orders rows", "row_count", "t1");
        labelled.display_metadata = Some(MonitorDisplay {
            target: Some(MonitorTargetLabel {
                label: Some("analytics.public.orders".into()),
                ..MonitorTargetLabel::default()
            }),
        });
        labelled.last_measurement_value = Some(1000.0);
        labelled.last_attempted_at = Some("2026-01-02T00:00:00Z".into());
        labelled.status = Some("incident".into());
        let mut unnamed = monitor("m2", "", "freshness", "t2");
        unnamed.is_enabled = false;
        let incident = |id: &str, monitor: &str, resolved: bool| Incident {
            id: Id::from(id),
            monitor: Some(Id::from(monitor)),
            status: Some(if resolved { "resolved" } else { "open" }.into()),
            value: Some(1000.0),
            created_at: Some(format!("2026-01-0{}T00:00:00Z", id.len())),
            resolved_at: resolved.then(|| "2026-01-09T00:00:00Z".into()),
        };
        Observed {
            monitors: vec![unnamed, labelled],
            titles: HashMap::from([(Id::from("t2"), "analytics.public.page_views".into())]),
            latest: HashMap::from([(
                Id::from("m2"),
                Measurement {
                    value: Some(1.5),
                    created_at: Some("2026-01-03T00:00:00Z".into()),
                    ..Measurement::default()
                },
            )]),
            incidents: Some(vec![
                incident("i-open", "m1", false),
                incident("i-done", "m1", true),
            ]),
        }
    }

    #[test]
    fn labels_values_and_open_incidents_come_from_the_right_places() {
        let doc = StatusDocument::new(observed());
        let [first, second] = &doc.monitors[..] else {
            panic!("{doc:?}")
        };
        assert_eq!(first.label, "Orders rows");
        assert_eq!(
            first.target.title.as_deref(),
            Some("analytics.public.orders")
        );
        assert_eq!(first.last_value, Some(1000.0));
        assert_eq!(first.last_value_source, Some(ValueSource::Monitor));
        let open: Vec<&str> = first
            .incidents
            .iter()
            .flatten()
            .map(|i| i.id.as_str())
            .collect();
        assert_eq!(open, ["i-open"]);
        assert_eq!(second.label, "freshness on analytics.public.page_views");
        assert_eq!(second.last_value, Some(1.5));
        assert_eq!(second.last_value_source, Some(ValueSource::Measurement));
        assert_eq!(second.last_run_at.as_deref(), Some("2026-01-03T00:00:00Z"));
        assert_eq!(second.incidents.as_deref(), Some(&[][..]));
        assert_eq!(
            doc.summary,
            StatusSummary {
                monitors: 2,
                enabled: 1,
                in_incident: 1,
                open_incidents: Some(1),
            }
        );
    }

    #[test]
    fn the_table_aligns_its_columns() {
        let mut out = Vec::new();
        StatusDocument::new(observed())
            .render_text(&mut out)
            .unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let col = |line: &str, word: &str| line.rfind(word).unwrap();
        assert_eq!(col(lines[0], "METRIC"), col(lines[1], "row_count"));
        assert_eq!(col(lines[0], "METRIC"), col(lines[2], "freshness"));
        assert_eq!(col(lines[0], "LAST VALUE"), col(lines[1], "1000"));
        assert!(
            text.contains("Orders rows: i-open (opened 2026-01-06T00:00:00Z, value 1000)"),
            "{text}"
        );
    }

    #[test]
    fn without_incidents_the_json_has_no_incident_fields() {
        let mut o = observed();
        o.incidents = None;
        let v = serde_json::to_value(StatusDocument::new(o)).unwrap();
        assert!(v["summary"]["open_incidents"].is_null());
        assert!(v["monitors"][0].get("incidents").is_none());
    }

    #[test]
    fn schema_file_is_up_to_date() {
        crate::output::schema::assert_schema_file_fresh(
            "monitors-status.schema.json",
            &schema_json(),
        );
    }
}
