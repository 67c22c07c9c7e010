//! Handlers for monitors, monitor runs, incidents and measurements, in the reference's shapes:
//! a create's `schedule` is folded into `frequency` hours and never sent back, `metric_config`
//! comes back as a string, and a run is a background job that completes later (on the next
//! call that reads monitors).
//!
//! A run "measures" every metric as a fixed value per metric type, so tests can predict it:
//! a monitor whose manual thresholds exclude that value opens an incident, and a custom SQL
//! monitor whose query is not a `SELECT` fails with an error message.

use super::lookups::paged;
use super::model::{
    Id, Incident, IncidentDisplay, Job, Measurement, Monitor, MonitorDisplay, MonitorLabel,
    MonitorWrite, Schedule, TargetLabel,
};
use super::resources::{parse_body, FieldErrors};
use super::store::Store;
use super::wire::{invalid_pk, ApiError, Params, REQUIRED};
use super::{now, seed, Shared};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::Value;
use std::sync::Arc;

/// The metric types the sandbox accepts (those the reference and Secoda's UI show).
const METRIC_TYPES: &[&str] = &[
    "null_percentage",
    "unique_percentage",
    "row_count",
    "freshness",
    "cardinality",
    "minimum",
    "maximum",
    "mean",
    "custom_sql",
];

/// Schedule cadences and their length in hours.
const CADENCES: &[(&str, u32)] = &[("hourly", 1), ("daily", 24), ("weekly", 168)];

/// The monitor fields `SandboxConfig::ignore_fields` may name (as `monitor.<field>`): the ones
/// a write sets and an answer shows as they are, so a read-back can tell they were not kept.
pub(crate) const IGNORABLE: [&str; 5] = [
    "name",
    "is_enabled",
    "condition_auto_sensitivity",
    "condition_manual_min",
    "condition_manual_max",
];

/// The write without the monitor fields this sandbox accepts but does not keep
/// (`monitor.<field>` entries of `ignore_fields`; the others are resource fields).
fn without_ignored(mut w: MonitorWrite, ignored: &[String]) -> MonitorWrite {
    for f in ignored.iter().filter_map(|f| f.strip_prefix("monitor.")) {
        match f {
            "name" => w.name = None,
            "is_enabled" => w.is_enabled = None,
            "condition_auto_sensitivity" => w.condition_auto_sensitivity = None,
            "condition_manual_min" => w.condition_manual_min = None,
            "condition_manual_max" => w.condition_manual_max = None,
            _ => {}
        }
    }
    w
}

/// The sensitivity a create without manual thresholds gets (the reference's "auto").
const AUTO_SENSITIVITY: i64 = 5;

/// What a run measures for a metric type.
fn measured(metric: &str) -> f64 {
    match metric {
        "row_count" | "maximum" => 1000.0,
        "unique_percentage" => 100.0,
        "freshness" | "custom_sql" => 1.0,
        "cardinality" => 10.0,
        _ => 0.0,
    }
}

/// A schedule folded into hours, as the reference's monitor objects report it
/// (`daily` x 1 -> 24); `None` for an unknown cadence.
fn hours(s: &Schedule) -> Option<u32> {
    let cadence = s.cadence.as_deref().unwrap_or("daily");
    let unit = CADENCES.iter().find(|(c, _)| *c == cadence)?.1;
    Some(unit.saturating_mul(s.frequency.unwrap_or(1).max(1)))
}

/// `null_percentage` -> `Null percentage`.
fn metric_label(metric: &str) -> String {
    let words = metric.replace('_', " ");
    let mut chars = words.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_uppercase().chain(chars).collect::<String>()
    })
}

fn json_response(status: StatusCode, m: &Monitor) -> Response {
    (status, Json(m.clone())).into_response()
}

fn time_in(hours: u32) -> String {
    (chrono::Utc::now() + chrono::Duration::hours(i64::from(hours)))
        .to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// Checks target, metric, schedule and sensitivity of a write.
fn check(store: &Store, w: &MonitorWrite, errors: &mut FieldErrors) {
    if let Some(t) = &w.target {
        if store.get(t.as_str()).is_none() {
            errors.push(("target".into(), invalid_pk(t.as_str())));
        }
    }
    if let Some(m) = &w.metric_type {
        if !METRIC_TYPES.contains(&m.as_str()) {
            errors.push((
                "metric_type".into(),
                format!("\"{m}\" is not a valid choice."),
            ));
        }
    }
    if let Some(s) = &w.schedule {
        if hours(s).is_none() {
            let c = s.cadence.as_deref().unwrap_or_default();
            errors.push((
                "schedule".into(),
                format!("\"{c}\" is not a valid cadence."),
            ));
        }
    }
    if let Some(Some(x)) = w.condition_auto_sensitivity {
        if x.fract() != 0.0 {
            errors.push((
                "condition_auto_sensitivity".into(),
                "A valid integer is required.".into(),
            ));
        }
    }
}

/// Copies a write onto a monitor and recomputes what derives from it.
#[allow(clippy::cast_possible_truncation)]
fn apply(store: &Store, w: MonitorWrite, m: &mut Monitor) {
    macro_rules! set {
        ($($f:ident),*) => { $(if let Some(v) = w.$f { m.$f = v; })* };
    }
    set!(
        name,
        metric_type,
        is_enabled,
        condition_manual_min,
        condition_manual_max
    );
    if let Some(s) = w.condition_auto_sensitivity {
        // Whole numbers only (checked): 5.0 is stored as 5.
        m.condition_auto_sensitivity = s.map(|x| x as i64);
    }
    if let Some(c) = w.metric_config {
        m.metric_config = match c {
            Value::String(s) => s,
            other => other.to_string(),
        };
    }
    if w.target.is_some() {
        m.target = w.target;
    }
    if let Some(h) = w.schedule.as_ref().and_then(hours) {
        m.frequency = h;
    }
    m.next_run_at = Some(time_in(m.frequency));
    if let Some((kind, target)) = m.target.as_ref().and_then(|t| store.get(t.as_str())) {
        m.integration.clone_from(&target.integration);
        let integration_type = target
            .integration
            .as_ref()
            .and_then(|i| store.lookups.integrations.iter().find(|x| &x.id == i))
            .map(|x| x.integration_type.clone())
            .unwrap_or_default();
        m.display_metadata = MonitorDisplay {
            target: TargetLabel {
                icon: None,
                label: target.title.clone(),
                entity_type: kind.entity_type().into(),
                integration: target.integration.clone(),
                integration_type,
            },
        };
        if m.name.is_empty() {
            m.name = format!("{} in {}", metric_label(&m.metric_type), target.title);
        }
    }
}

/// Why a run of this monitor fails, if it does.
fn run_error(store: &Store, m: &Monitor) -> Option<String> {
    if m.target
        .as_ref()
        .and_then(|t| store.get(t.as_str()))
        .is_none()
    {
        return Some("The monitored resource no longer exists.".into());
    }
    if m.metric_type == "custom_sql" {
        let config: Value = serde_json::from_str(&m.metric_config).unwrap_or(Value::Null);
        let query = config
            .get("query_select")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if !query
            .trim_start()
            .to_ascii_lowercase()
            .starts_with("select")
        {
            let head: String = query.split_whitespace().next().unwrap_or("").into();
            return Some(format!("syntax error at or near \"{head}\""));
        }
    }
    None
}

/// Measures one monitor (a finished run of it) at `at`.
fn measure(store: &mut Store, i: usize, at: &str) {
    let m = store.monitors[i].clone();
    if let Some(err) = run_error(store, &m) {
        let m = &mut store.monitors[i];
        m.last_attempted_at = Some(at.to_owned());
        m.last_error_at = Some(at.to_owned());
        m.last_error_message = err;
        m.status = "error".into();
        return;
    }
    let value = measured(&m.metric_type);
    let breached = m.condition_manual_min.is_some_and(|min| value < min)
        || m.condition_manual_max.is_some_and(|max| value > max);
    let incident = breached.then(|| {
        let name = format!("{} incident", metric_label(&m.metric_type));
        let inc = Incident {
            created_at: at.to_owned(),
            display_metadata: IncidentDisplay {
                monitor: MonitorLabel {
                    label: m.name.clone(),
                },
                target: m.display_metadata.target.clone(),
            },
            first_seen_at: at.to_owned(),
            id: store.new_id(),
            last_seen_at: at.to_owned(),
            monitor: m.id.clone(),
            summary: name.clone(),
            name,
            status: "active".into(),
            target: m.target.clone(),
            updated_at: at.to_owned(),
            value,
            ..Incident::default()
        };
        let id = inc.id.clone();
        store.incidents.push(inc);
        id
    });
    let measurement = Measurement {
        id: store.new_id(),
        created_at: at.to_owned(),
        updated_at: at.to_owned(),
        incident: incident.clone(),
        monitor: m.id.clone(),
        upper_threshold: m.condition_manual_max,
        lower_threshold: m.condition_manual_min,
        value,
        ..Measurement::default()
    };
    let measurement_id = measurement.id.clone();
    store.measurements.push(measurement);
    let m = &mut store.monitors[i];
    m.last_measurement_value = Some(value);
    m.last_measurement = Some(measurement_id);
    if incident.is_some() {
        m.last_incident = incident;
    }
    m.last_attempted_at = Some(at.to_owned());
    m.last_success_at = Some(at.to_owned());
    m.last_error_message = String::new();
    m.next_run_at = Some(time_in(m.frequency));
    m.status = if breached { "incident" } else { "normal" }.into();
}

/// Finishes the runs accepted earlier: the background jobs complete and the monitors move.
pub(crate) fn settle(store: &mut Store) {
    if store.pending_runs.is_empty() {
        return;
    }
    let at = now();
    for (job, ids) in std::mem::take(&mut store.pending_runs) {
        for id in &ids {
            if let Some(i) = store.monitors.iter().position(|m| &m.id == id) {
                measure(store, i, &at);
            }
        }
        if let Some(j) = store.jobs.iter_mut().find(|j| j.id == job) {
            j.completed = Some(at.clone());
            j.logs = format!(
                "Job completed. Processed {} monitor{}.",
                ids.len(),
                if ids.len() == 1 { "" } else { "s" }
            );
        }
    }
}

/// `GET` list.
pub(crate) async fn list(State(s): State<Arc<Shared>>, uri: Uri) -> Result<Response, ApiError> {
    let items = {
        let mut store = s.store();
        settle(&mut store);
        store.monitors.clone()
    };
    paged(&s, &uri, &Params::parse(uri.query()), &items)
}

/// `GET` one.
pub(crate) async fn get_one(
    State(s): State<Arc<Shared>>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let mut store = s.store();
    settle(&mut store);
    let m = store.monitors.iter().find(|m| m.id.0 == id);
    m.map(|m| json_response(StatusCode::OK, m))
        .ok_or(ApiError::NotFound)
}

/// `POST`: 201 with the monitor.
pub(crate) async fn create(
    State(s): State<Arc<Shared>>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let w: MonitorWrite = parse_body(&body)?;
    let mut store = s.store();
    let mut errors = FieldErrors::new();
    if w.target.is_none() {
        errors.push(("target".into(), REQUIRED.into()));
    }
    if w.metric_type.is_none() {
        errors.push(("metric_type".into(), REQUIRED.into()));
    }
    check(&store, &w, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::Fields(errors));
    }
    // Accepted and validated like any field, then not kept.
    let mut w = without_ignored(w, &s.ignore_fields);
    let manual = [&w.condition_manual_min, &w.condition_manual_max]
        .iter()
        .any(|c| matches!(c, Some(Some(_))));
    if w.condition_auto_sensitivity.is_none() && !manual {
        #[allow(clippy::cast_precision_loss)]
        let auto = AUTO_SENSITIVITY as f64;
        w.condition_auto_sensitivity = Some(Some(auto));
    }
    let at = now();
    let mut m = Monitor {
        id: store.new_id(),
        created_at: at.clone(),
        updated_at: at,
        workspace: seed::WORKSPACE.into(),
        metric_config: "{}".into(),
        frequency: 24,
        is_enabled: true,
        status: "normal".into(),
        ..Monitor::default()
    };
    apply(&store, w, &mut m);
    store.monitors.push(m.clone());
    Ok(json_response(StatusCode::CREATED, &m))
}

/// `PATCH` (405 when the config turns it off).
pub(crate) async fn patch(
    State(s): State<Arc<Shared>>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    if !s.monitor_patch {
        return Err(ApiError::MethodNotAllowed("PATCH".into()));
    }
    let mut store = s.store();
    settle(&mut store);
    let i = store
        .monitors
        .iter()
        .position(|m| m.id.0 == id)
        .ok_or(ApiError::NotFound)?;
    let w: MonitorWrite = parse_body(&body)?;
    let mut errors = FieldErrors::new();
    check(&store, &w, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::Fields(errors));
    }
    let w = without_ignored(w, &s.ignore_fields);
    let mut m = store.monitors[i].clone();
    apply(&store, w, &mut m);
    m.updated_at = now();
    store.monitors[i] = m.clone();
    Ok(json_response(StatusCode::OK, &m))
}

/// `DELETE` (405 when the config turns it off).
pub(crate) async fn delete(
    State(s): State<Arc<Shared>>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    if !s.monitor_delete {
        return Err(ApiError::MethodNotAllowed("DELETE".into()));
    }
    let mut store = s.store();
    settle(&mut store);
    let before = store.monitors.len();
    store.monitors.retain(|m| m.id.0 != id);
    if store.monitors.len() == before {
        return Err(ApiError::NotFound);
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Body of a run.
#[derive(serde::Deserialize)]
struct RunBody {
    monitors: Option<Vec<Id>>,
}

/// `POST .../run`: answers a background job that has not completed yet (`completed: null`);
/// the next call that reads monitors finishes it.
pub(crate) async fn run(State(s): State<Arc<Shared>>, body: Bytes) -> Result<Json<Job>, ApiError> {
    let b: RunBody = parse_body(&body)?;
    let ids = b
        .monitors
        .filter(|m| !m.is_empty())
        .ok_or_else(|| ApiError::field("monitors", REQUIRED))?;
    let mut store = s.store();
    settle(&mut store);
    let mut errors = FieldErrors::new();
    for id in &ids {
        if !store.monitors.iter().any(|m| &m.id == id) {
            errors.push(("monitors".into(), invalid_pk(id.as_str())));
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::Fields(errors));
    }
    let job = Job {
        id: store.new_id(),
        user: store
            .lookups
            .users
            .first()
            .map(|u| u.id.0.clone())
            .unwrap_or_default(),
        failed: false,
        started: now(),
        completed: None,
        logs: "Job started successfully. Processing monitors...".into(),
        title: "Run Monitors".into(),
        has_artifact: false,
    };
    store.pending_runs.push((job.id.clone(), ids));
    store.jobs.push(job.clone());
    Ok(Json(job))
}

/// Incidents (the reference documents no filter for this list).
pub(crate) async fn incidents(
    State(s): State<Arc<Shared>>,
    uri: Uri,
) -> Result<Response, ApiError> {
    let params = Params::parse(uri.query());
    let items = {
        let mut store = s.store();
        settle(&mut store);
        store.incidents.clone()
    };
    paged(&s, &uri, &params, &items)
}

/// One incident.
pub(crate) async fn incident(
    State(s): State<Arc<Shared>>,
    Path(id): Path<String>,
) -> Result<Json<Incident>, ApiError> {
    let mut store = s.store();
    settle(&mut store);
    let i = store.incidents.iter().find(|i| i.id.0 == id);
    i.cloned().map(Json).ok_or(ApiError::NotFound)
}

/// Measurements, filtered by `monitor` or `incident_id` (the two filters the reference names).
pub(crate) async fn measurements(
    State(s): State<Arc<Shared>>,
    uri: Uri,
) -> Result<Response, ApiError> {
    let params = Params::parse(uri.query());
    let monitor = params.get("monitor");
    let incident = params.get("incident_id");
    let items: Vec<Measurement> = {
        let mut store = s.store();
        settle(&mut store);
        store
            .measurements
            .iter()
            .filter(|m| monitor.is_none_or(|f| m.monitor.0 == f))
            .filter(|m| incident.is_none_or(|f| m.incident.as_ref().is_some_and(|i| i.0 == f)))
            .cloned()
            .collect()
    };
    paged(&s, &uri, &params, &items)
}
