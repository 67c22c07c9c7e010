//! `apply --run-monitors`: after an apply, one run of the monitors it created or changed.

use super::Report;
use crate::api::{ApiError, Client, Id};

/// What `--run-monitors` did after the apply.
#[derive(Debug, serde::Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum MonitorRun {
    /// The run was started as a background job.
    Started {
        /// The job's id.
        job_id: Id,
        /// The monitors run.
        monitors: Vec<Id>,
    },
    /// The apply created or changed no enabled monitor: no call was made.
    NothingToRun,
    /// The apply was interrupted or lost its lease: no call was made.
    Skipped,
    /// The run call failed (the apply's changes stand).
    Failed {
        /// The monitors that were to run.
        monitors: Vec<Id>,
        /// Why.
        #[serde(serialize_with = "as_string")]
        error: ApiError,
    },
}

fn as_string<S: serde::Serializer>(e: &ApiError, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(e)
}

/// A monitor run that failed after a successful apply.
#[derive(Debug, thiserror::Error)]
#[error("the changes were applied, but running {} failed: {cause}", crate::output::count(*.count, "monitor", "monitors"))]
pub(crate) struct RunFailed<'a> {
    /// How many monitors were to run.
    pub count: usize,
    /// Why the run call failed.
    pub cause: &'a ApiError,
}

/// Starts one run of the monitors the apply created or changed (one call for all of them).
pub(crate) async fn run_monitors(report: &Report, client: &Client) -> MonitorRun {
    if report.stopped_early() {
        return MonitorRun::Skipped;
    }
    let monitors = report.monitors_to_run();
    if monitors.is_empty() {
        return MonitorRun::NothingToRun;
    }
    match client.run_monitors(&monitors).await {
        Ok(job) => MonitorRun::Started {
            job_id: job.id,
            monitors,
        },
        Err(error) => MonitorRun::Failed { monitors, error },
    }
}
