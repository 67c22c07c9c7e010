//! Handlers for monitors, monitor runs, incidents and measurements.
//!
//! A run "measures" every metric as a fixed value per metric type, so tests can predict it:
//! a monitor whose manual thresholds exclude that value opens an incident.

use super::lookups::paged;
use super::resources::{parse_body, FieldErrors};
use super::store::Store;
use super::wire::{invalid_pk, ApiError, Params, REQUIRED};
use super::{now, seed, Shared};
use crate::api::{
    Id, Incident, Job, Measurement, Monitor, MonitorDisplay, MonitorSchedule, MonitorTargetLabel,
    MonitorWrite,
};
use crate::manifest::validate::{CADENCES, METRIC_TYPES};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::Value;
use std::sync::Arc;

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

/// A monitor on the wire; `custom_sql` configs come back as a JSON string, a quirk the real
/// API shows and clients must survive.
fn to_json(m: &Monitor) -> Value {
    let mut v = serde_json::to_value(m).unwrap_or_default();
    if m.metric_type == "custom_sql" {
        let config = serde_json::to_string(&m.metric_config).unwrap_or_default();
        v["metric_config"] = Value::String(config);
    }
    v
}

fn json_response(status: StatusCode, m: &Monitor) -> Response {
    (status, Json(to_json(m))).into_response()
}

/// Checks target, metric and schedule of a write.
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
    if let Some(c) = w.schedule.as_ref().and_then(|s| s.cadence.as_ref()) {
        if !CADENCES.contains(&c.as_str()) {
            errors.push((
                "schedule".into(),
                format!("\"{c}\" is not a valid cadence."),
            ));
        }
    }
}

/// Copies a write onto a monitor and recomputes what derives from it.
fn apply(store: &Store, w: MonitorWrite, m: &mut Monitor) {
    macro_rules! set {
        ($($f:ident),*) => { $(if let Some(v) = w.$f { m.$f = v; })* };
    }
    set!(
        name,
        metric_type,
        metric_config,
        is_enabled,
        condition_auto_sensitivity,
        condition_manual_min,
        condition_manual_max
    );
    if w.target.is_some() {
        m.target = w.target;
    }
    if w.schedule.is_some() {
        m.schedule = w.schedule;
    }
    if w.notify_slack_channel.is_some() {
        m.notify_slack_channel = w.notify_slack_channel;
    }
    let sched = m.schedule.clone().unwrap_or_default();
    let every = f64::from(sched.frequency.unwrap_or(1).max(1));
    let hours = match sched.cadence.as_deref() {
        Some("hourly") => every,
        Some("weekly") => 168.0 * every,
        _ => 24.0 * every,
    };
    m.frequency = Some(hours);
    m.next_run_at = Some(
        (chrono::Utc::now() + chrono::Duration::minutes((hours * 60.0) as i64))
            .to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
    );
    if let Some((kind, target)) = m.target.as_ref().and_then(|t| store.get(t.as_str())) {
        m.integration.clone_from(&target.integration);
        let integration_type = target.integration.as_ref().and_then(|i| {
            store
                .lookups
                .integrations
                .iter()
                .find(|x| &x.id == i)
                .map(|x| x.integration_type.clone())
        });
        m.display_metadata = Some(MonitorDisplay {
            target: Some(MonitorTargetLabel {
                label: Some(target.title_full.clone()),
                entity_type: Some(kind.entity_type().into()),
                integration: target.integration.as_ref().map(|i| i.0.clone()),
                integration_type,
            }),
        });
        if m.name.is_empty() {
            m.name = format!("{} of {}", m.metric_type, target.title_full);
        }
    }
}

/// `GET` list.
pub(crate) async fn list(State(s): State<Arc<Shared>>, uri: Uri) -> Result<Response, ApiError> {
    let items: Vec<Value> = s.store().monitors.iter().map(to_json).collect();
    paged(&s, &uri, &Params::parse(uri.query()), &items)
}

/// `GET` one.
pub(crate) async fn get_one(
    State(s): State<Arc<Shared>>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let store = s.store();
    let m = store.monitors.iter().find(|m| m.id.0 == id);
    m.map(|m| json_response(StatusCode::OK, m))
        .ok_or(ApiError::NotFound)
}

/// `POST`: 201 with the monitor.
pub(crate) async fn create(
    State(s): State<Arc<Shared>>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let mut w: MonitorWrite = parse_body(&body)?;
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
    let manual = [&w.condition_manual_min, &w.condition_manual_max]
        .iter()
        .any(|c| matches!(c, Some(Some(_))));
    if w.condition_auto_sensitivity.is_none() && !manual {
        w.condition_auto_sensitivity = Some(Some(5.0));
    }
    if w.schedule.is_none() {
        w.schedule = Some(MonitorSchedule {
            cadence: Some("daily".into()),
            frequency: Some(1),
            ..MonitorSchedule::default()
        });
    }
    let at = now();
    let mut m = Monitor {
        id: store.new_id(),
        created_at: at.clone(),
        updated_at: at,
        workspace: Some(seed::WORKSPACE.into()),
        is_enabled: true,
        status: Some("normal".into()),
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

/// `POST .../run`: measures the monitors at once and answers the finished job.
pub(crate) async fn run(State(s): State<Arc<Shared>>, body: Bytes) -> Result<Json<Job>, ApiError> {
    let b: RunBody = parse_body(&body)?;
    let ids = b
        .monitors
        .filter(|m| !m.is_empty())
        .ok_or_else(|| ApiError::field("monitors", REQUIRED))?;
    let mut store = s.store();
    let mut errors = FieldErrors::new();
    let mut found = Vec::new();
    for id in &ids {
        match store.monitors.iter().position(|m| &m.id == id) {
            Some(i) => found.push(i),
            None => errors.push(("monitors".into(), invalid_pk(id.as_str()))),
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::Fields(errors));
    }
    let at = now();
    for i in found {
        let value = measured(&store.monitors[i].metric_type);
        let m = &store.monitors[i];
        let breached = m.condition_manual_min.is_some_and(|min| value < min)
            || m.condition_manual_max.is_some_and(|max| value > max);
        let monitor_id = m.id.clone();
        let incident = if breached {
            let inc = Incident {
                id: store.new_id(),
                monitor: Some(monitor_id.clone()),
                status: Some("open".into()),
                value: Some(value),
                created_at: Some(at.clone()),
                resolved_at: None,
            };
            let id = inc.id.clone();
            store.incidents.push(inc);
            Some(id)
        } else {
            None
        };
        let measurement = Measurement {
            id: store.new_id(),
            monitor: Some(monitor_id),
            incident,
            value: Some(value),
            created_at: Some(at.clone()),
        };
        store.measurements.push(measurement);
        let m = &mut store.monitors[i];
        m.last_value = Some(value);
        m.last_attempted_at = Some(at.clone());
        m.status = Some(if breached { "incident" } else { "normal" }.into());
    }
    let job = Job {
        id: store.new_id(),
        user: store.lookups.users.first().map(|u| u.email.clone()),
        failed: false,
        started: Some(at.clone()),
        completed: Some(at),
        logs: Some(format!("ran {} monitor(s)", ids.len())),
        title: Some("Run monitors".into()),
        has_artifact: false,
    };
    store.jobs.push(job.clone());
    Ok(Json(job))
}

/// Incidents, filtered by `monitor` / `monitor_id`.
pub(crate) async fn incidents(
    State(s): State<Arc<Shared>>,
    uri: Uri,
) -> Result<Response, ApiError> {
    let params = Params::parse(uri.query());
    let monitor = params.get("monitor").or_else(|| params.get("monitor_id"));
    let items: Vec<Incident> = s
        .store()
        .incidents
        .iter()
        .filter(|i| monitor.is_none_or(|m| i.monitor.as_ref().is_some_and(|x| x.0 == m)))
        .cloned()
        .collect();
    paged(&s, &uri, &params, &items)
}

/// One incident.
pub(crate) async fn incident(
    State(s): State<Arc<Shared>>,
    Path(id): Path<String>,
) -> Result<Json<Incident>, ApiError> {
    let store = s.store();
    let i = store.incidents.iter().find(|i| i.id.0 == id);
    i.cloned().map(Json).ok_or(ApiError::NotFound)
}

/// Measurements, filtered by `monitor` / `monitor_id` and `incident_id`.
pub(crate) async fn measurements(
    State(s): State<Arc<Shared>>,
    uri: Uri,
) -> Result<Response, ApiError> {
    let params = Params::parse(uri.query());
    let monitor = params.get("monitor").or_else(|| params.get("monitor_id"));
    let incident = params.get("incident_id").or_else(|| params.get("incident"));
    let is =
        |want: Option<&str>, got: Option<&Id>| want.is_none_or(|w| got.is_some_and(|g| g.0 == w));
    let items: Vec<Measurement> = s
        .store()
        .measurements
        .iter()
        .filter(|m| is(monitor, m.monitor.as_ref()) && is(incident, m.incident.as_ref()))
        .cloned()
        .collect();
    paged(&s, &uri, &params, &items)
}
