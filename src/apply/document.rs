//! The `apply --json` document (`schemas/apply.schema.json`): built from an apply's outcome
//! (its report, ledger, record and monitor run) into dedicated output structs,
//! so internal refactors cannot change it by accident.

use super::{ApplyOutcome, MonitorRun, Outcome, Report};
use crate::plan::fidelity::{ledger, Saved, Why};
use crate::plan::{Action, Kind};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The version of the document's shape; bumped on any incompatible change.
pub(crate) const FORMAT_VERSION: u32 = 1;

/// `apply --json`: what the apply did, change by change, and what it found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplyDocument {
    /// Always 1 for this shape.
    pub format_version: u32,
    /// Whether every change was made.
    pub complete: bool,
    /// Whether a Ctrl-C or SIGTERM stopped the run early.
    pub interrupted: bool,
    /// Why the run stopped early because it lost its lease (absent when it did not).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease_lost: Option<String>,
    /// Counts per result.
    pub summary: SummaryDoc,
    /// Every change the apply was to make, in plan order, with what became of it.
    pub changes: Vec<ChangeDoc>,
    /// Fields the workspace's answers did not hold as sent (empty when everything held).
    pub not_kept: Vec<NotKeptDoc>,
    /// The property tracking fields that stopped the writes carrying them (absent when none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped: Option<StoppedDoc>,
    /// What became of the workspace's record of fields not kept.
    pub not_kept_record: RecordDoc,
    /// What `--run-monitors` did (absent without it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monitor_run: Option<MonitorRunDoc>,
}

/// Counts per result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SummaryDoc {
    /// Creates done.
    pub created: usize,
    /// Creates that found their resource already there and adopted it (nothing written).
    pub adopted: usize,
    /// Updates done (monitor disables included).
    pub updated: usize,
    /// Deletes done.
    pub deleted: usize,
    /// Changes whose write failed.
    pub failed: usize,
    /// Changes skipped because a change they depend on was not made.
    pub skipped: usize,
    /// Changes not started (interrupted) or abandoned in flight.
    pub not_done: usize,
    /// Property writes held back: they carry a tracking field the workspace refused or did
    /// not keep.
    pub held: usize,
}

/// What became of one change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Written.
    Done,
    /// A create that found its resource already there and adopted it: nothing written.
    Adopted,
    /// The write failed (`error` says why).
    Failed,
    /// Not attempted: a change it depends on was not made (`skipped_because` names it).
    Skipped,
    /// Not attempted: the apply was interrupted first.
    NotStarted,
    /// In flight when a second Ctrl-C abandoned it: it may or may not have been written.
    Aborted,
    /// Not attempted: it carries a tracking field the workspace refused or did not keep on an
    /// earlier write (`error` says why).
    Held,
}

/// One change and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeDoc {
    /// `create`, `update`, `delete` or `unsupported`.
    pub action: Action,
    /// `category`, `event`, `property` or `monitor`.
    pub kind: Kind,
    /// Natural key: `Category/Event/property`, or `monitor:<metric>@<target id>`.
    pub key: String,
    /// Human label: the title, or the monitor's name.
    pub label: String,
    /// What became of it.
    pub status: Status,
    /// The resource's id: the new id of a done create, else the live id (null for a create
    /// not done).
    pub id: Option<String>,
    /// The old title of a rename (`renamed_from` in the manifests; absent when not a rename).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
    /// Why the write failed or was held back (null otherwise).
    pub error: Option<String>,
    /// The key of the change it needed that was not made (null unless skipped).
    pub skipped_because: Option<String>,
}

/// One field the workspace did not keep, on how many resources of one kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NotKeptDoc {
    /// `category`, `event`, `property` or `monitor`.
    pub kind: Kind,
    /// Wire name, e.g. `type`.
    pub field: String,
    /// Resources written with it whose answer did not hold it.
    pub count: usize,
    /// Their ids, in the order the answers came.
    pub ids: Vec<String>,
}

/// The tracking fields that stopped the property writes carrying them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StoppedDoc {
    /// Each field, in the order it was found.
    pub fields: Vec<StopDoc>,
    /// What to do about it.
    pub hint: String,
}

/// One tracking field that stopped the property writes carrying it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StopDoc {
    /// Wire name, e.g. `type`.
    pub field: String,
    /// What the workspace did with it.
    pub why: StopWhy,
}

/// What the workspace did with a tracking field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StopWhy {
    /// It answered 400 naming it.
    Refused,
    /// It answered success, but its answer did not hold the value sent.
    NotKept,
}

/// What became of the workspace's record of fields not kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
// Empty struct variants, not unit ones: serde ignores `deny_unknown_fields` on an internally
// tagged unit variant.
#[serde(tag = "status", rename_all = "snake_case", deny_unknown_fields)]
pub enum RecordDoc {
    /// Nothing to write (including an apply that wrote nothing).
    Unchanged {},
    /// Written.
    Recorded {
        /// Everything the record now holds.
        fields: Vec<RecordFieldDoc>,
    },
    /// A recheck found every field kept: the record was deleted.
    Cleared {},
    /// The record could not be brought up to date: the next plan compares those fields again.
    Failed {
        /// Why.
        error: String,
    },
}

/// One field the record holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordFieldDoc {
    /// `category`, `event`, `property` or `monitor`.
    pub kind: Kind,
    /// Wire name, e.g. `type`.
    pub field: String,
}

/// What `--run-monitors` did after the apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
// Empty struct variants for the same reason as `RecordDoc`'s.
#[serde(tag = "status", rename_all = "snake_case", deny_unknown_fields)]
pub enum MonitorRunDoc {
    /// The run was started as a background job.
    Started {
        /// The job's id.
        job_id: String,
        /// The monitors run.
        monitors: Vec<String>,
    },
    /// The apply created or changed no enabled monitor: no call was made.
    NothingToRun {},
    /// The apply was interrupted or lost its lease: no call was made.
    Skipped {},
    /// The run call failed (the apply's changes stand).
    Failed {
        /// The monitors that were to run.
        monitors: Vec<String>,
        /// Why.
        error: String,
    },
}

impl From<&ApplyOutcome> for ApplyDocument {
    /// The document for an apply's outcome: its report, ledger, record and monitor run.
    fn from(outcome: &ApplyOutcome) -> Self {
        let ApplyOutcome {
            report,
            ledger,
            record: saved,
            monitor_run: run,
            ..
        } = outcome;
        let stops = ledger.stops();
        Self {
            format_version: FORMAT_VERSION,
            complete: report.is_complete(),
            interrupted: report.interrupted,
            lease_lost: report.lease_lost.clone(),
            summary: summary(report),
            changes: report
                .entries
                .iter()
                .map(|(ch, o)| ChangeDoc {
                    action: ch.action,
                    kind: ch.kind,
                    key: ch.key.to_string(),
                    label: ch.label.clone(),
                    status: status(o),
                    id: match o {
                        Outcome::Done(id) | Outcome::Adopted(id) => Some(id),
                        _ => ch.id.as_ref(),
                    }
                    .map(ToString::to_string),
                    renamed_from: ch.renamed_from.clone(),
                    error: match o {
                        Outcome::Failed(e) => Some(e.to_string()),
                        Outcome::Held(why) => Some(why.clone()),
                        _ => None,
                    },
                    skipped_because: match o {
                        Outcome::Skipped(k) => Some(k.to_string()),
                        _ => None,
                    },
                })
                .collect(),
            not_kept: ledger
                .dropped()
                .into_iter()
                .map(|n| NotKeptDoc {
                    kind: n.kind,
                    field: n.field.to_owned(),
                    count: n.count,
                    ids: ids(&n.ids),
                })
                .collect(),
            stopped: (!stops.is_empty()).then(|| StoppedDoc {
                fields: stops
                    .iter()
                    .map(|s| StopDoc {
                        field: s.field.to_owned(),
                        why: match s.why {
                            Why::Refused => StopWhy::Refused,
                            Why::NotKept => StopWhy::NotKept,
                        },
                    })
                    .collect(),
                hint: ledger::HINT.to_owned(),
            }),
            not_kept_record: record(saved),
            monitor_run: run.as_ref().map(monitor_run),
        }
    }
}

fn summary(report: &Report) -> SummaryDoc {
    let c = report.counts();
    SummaryDoc {
        created: c.created,
        adopted: c.adopted,
        updated: c.updated,
        deleted: c.deleted,
        failed: c.failed,
        skipped: c.skipped,
        not_done: c.not_done,
        held: c.held,
    }
}

fn status(o: &Outcome) -> Status {
    match o {
        Outcome::Done(_) => Status::Done,
        Outcome::Adopted(_) => Status::Adopted,
        Outcome::Failed(_) => Status::Failed,
        Outcome::Skipped(_) => Status::Skipped,
        Outcome::NotStarted => Status::NotStarted,
        Outcome::Aborted => Status::Aborted,
        Outcome::Held(_) => Status::Held,
    }
}

fn record(saved: &Saved) -> RecordDoc {
    match saved {
        Saved::Unchanged => RecordDoc::Unchanged {},
        Saved::Cleared => RecordDoc::Cleared {},
        Saved::Failed(error) => RecordDoc::Failed {
            error: error.clone(),
        },
        Saved::Recorded(fields) => RecordDoc::Recorded {
            fields: fields
                .iter()
                .map(|(kind, field)| RecordFieldDoc {
                    kind: *kind,
                    field: field.clone(),
                })
                .collect(),
        },
    }
}

fn ids(ids: &[crate::api::Id]) -> Vec<String> {
    ids.iter().map(ToString::to_string).collect()
}

fn monitor_run(run: &MonitorRun) -> MonitorRunDoc {
    match run {
        MonitorRun::Started { job_id, monitors } => MonitorRunDoc::Started {
            job_id: job_id.to_string(),
            monitors: ids(monitors),
        },
        MonitorRun::NothingToRun => MonitorRunDoc::NothingToRun {},
        MonitorRun::Skipped => MonitorRunDoc::Skipped {},
        MonitorRun::Failed { monitors, error } => MonitorRunDoc::Failed {
            monitors: ids(monitors),
            error: error.to_string(),
        },
    }
}

/// The JSON Schema of [`ApplyDocument`], as written to `schemas/apply.schema.json`.
#[must_use]
pub(crate) fn schema_json() -> String {
    crate::output::schema::schema_json::<ApplyDocument>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_file_is_up_to_date() {
        crate::output::schema::assert_schema_file_fresh("apply.schema.json", &schema_json());
    }

    #[test]
    fn an_unknown_key_fails_even_beside_a_bare_status() {
        // The integration test relies on this to catch an undocumented key anywhere.
        let unchanged = r#"{"status":"unchanged"}"#;
        let doc: RecordDoc = serde_json::from_str(unchanged).unwrap();
        assert_eq!(serde_json::to_string(&doc).unwrap(), unchanged);
        assert!(serde_json::from_str::<RecordDoc>(r#"{"status":"unchanged","x":1}"#).is_err());
        assert!(serde_json::from_str::<MonitorRunDoc>(r#"{"status":"skipped","x":1}"#).is_err());
    }
}
