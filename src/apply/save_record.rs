//! Keeping the workspace's record of not-kept fields (`plan::fidelity::record`) in step with
//! what this apply's answers showed (its ledger): read right before (under the lease, so concurrent applies do not
//! lose each other's findings), written only when its set of fields changes, since writes are
//! the scarce resource. One create, PATCH or DELETE of the record event at most.

use super::lease::{home, LeaseError};
use crate::api::{ApiError, Client, Id, ResourceWrite};
use crate::output::Printer;
use crate::plan::fidelity::{Ledger, Record, Saved, RECORD_TITLE};
use crate::plan::Kind;
use crate::workspace::read_not_kept;
use chrono::{SecondsFormat, Utc};

/// Why the record could not be saved (the apply's own writes are done either way).
#[derive(Debug, thiserror::Error)]
pub(crate) enum RecordError {
    /// A call failed.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// The lease category could not be found or made.
    #[error(transparent)]
    Home(#[from] LeaseError),
    /// The answer to the record's write did not hold its text as sent.
    #[error("the workspace did not keep the record's description as written")]
    NotKept,
}

/// Brings the integration's record up to date with `ledger`.
///
/// # Errors
/// A failed read or write; the next plan then compares the fields again.
pub(crate) async fn save(
    client: &Client,
    integration: &Id,
    ledger: &Ledger,
) -> Result<Saved, RecordError> {
    let not_kept: Vec<(Kind, &str)> = ledger.dropped().iter().map(|n| (n.kind, n.field)).collect();
    let held = ledger.held();
    if !ledger.changes_record() {
        return Ok(Saved::Unchanged);
    }
    let found = read_not_kept(client, integration).await?;
    let old = found.as_ref().map(|f| f.record.clone()).unwrap_or_default();
    let now = Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true);
    let new = old.after_apply(&not_kept, &held, ledger.recheck, &now);
    if new.same_fields(&old) {
        return Ok(Saved::Unchanged);
    }
    let answer = match found {
        Some(f) if new.is_empty() => {
            client.delete_event(&f.id).await?;
            return Ok(Saved::Cleared);
        }
        Some(f) => client.patch_event(&f.id, &body(&new)).await?,
        None => {
            let home = home(client, integration).await?;
            let create = ResourceWrite {
                title: Some(RECORD_TITLE.to_owned()),
                parent: Some(home),
                integration: Some(integration.clone()),
                ..body(&new)
            };
            client.create_event(&create).await?
        }
    };
    // The record is read back like every other write: a mangled one would be ignored later.
    if !Record::parse(&answer.description).is_some_and(|r| r.same_fields(&new)) {
        return Err(RecordError::NotKept);
    }
    Ok(Saved::Recorded(
        new.fields.into_iter().map(|f| (f.kind, f.field)).collect(),
    ))
}

fn body(record: &Record) -> ResourceWrite {
    ResourceWrite {
        description: Some(record.description()),
        ..ResourceWrite::default()
    }
}

/// Brings the workspace's record of not-kept fields up to date, saying what became of it.
pub(crate) async fn save_record(
    client: &Client,
    integration: &Id,
    ledger: &Ledger,
    printer: &Printer,
) -> Saved {
    match save(client, integration, ledger).await {
        Ok(saved) => {
            if let Some(line) = saved.line() {
                printer.status(line);
            }
            saved
        }
        Err(e) => {
            printer.warn(format!(
                "could not record the fields the workspace did not keep ({e}): the next plan \
                 compares them again"
            ));
            Saved::Failed(e.to_string())
        }
    }
}
