//! Keeping the workspace's record of not-kept fields (`plan::not_kept`) in step with what this
//! apply's answers showed: read right before (under the lease, so concurrent applies do not
//! lose each other's findings), written only when its set of fields changes, since writes are
//! the scarce resource. One create, PATCH or DELETE of the record event at most.

use super::lease::{home, LeaseError};
use super::readback::ReadBack;
use crate::api::{ApiError, Client, Id, ResourceWrite};
use crate::plan::not_kept::{NotKeptRecord, RECORD_TITLE};
use crate::plan::Kind;
use crate::workspace::read_not_kept;
use chrono::{SecondsFormat, Utc};

/// What saving the record did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Saved {
    /// The record already said the same (or there is nothing to say): nothing written.
    #[default]
    Unchanged,
    /// The record now holds these fields (kind, wire name).
    Recorded(Vec<(Kind, String)>),
    /// Nothing is recorded any more (a recheck found every field kept): the event is gone.
    Cleared,
    /// The record could not be brought up to date (why): the next plan compares the fields
    /// this apply found not kept again.
    Failed(String),
}

/// Why the record could not be saved (the apply's own writes are done either way).
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
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

/// Whether `readback` can change the record: new findings, or a recheck that proved
/// something kept (without either, [`save`] writes nothing).
#[must_use]
pub fn needed(readback: &ReadBack) -> bool {
    !readback.not_kept().is_empty() || (readback.recheck && !readback.held().is_empty())
}

/// Brings the integration's record up to date with `readback`.
///
/// # Errors
/// A failed read or write; the next plan then compares the fields again.
pub async fn save(
    client: &Client,
    integration: &Id,
    readback: &ReadBack,
) -> Result<Saved, RecordError> {
    let not_kept: Vec<(Kind, &str)> = readback
        .not_kept()
        .iter()
        .map(|n| (n.kind, n.field))
        .collect();
    let held = readback.held();
    if !needed(readback) {
        return Ok(Saved::Unchanged);
    }
    let found = read_not_kept(client, integration).await?;
    let old = found.as_ref().map(|f| f.record.clone()).unwrap_or_default();
    let now = Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true);
    let new = old.after_apply(&not_kept, &held, readback.recheck, &now);
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
    if !NotKeptRecord::parse(&answer.description).is_some_and(|r| r.same_fields(&new)) {
        return Err(RecordError::NotKept);
    }
    Ok(Saved::Recorded(
        new.fields.into_iter().map(|f| (f.kind, f.field)).collect(),
    ))
}

fn body(record: &NotKeptRecord) -> ResourceWrite {
    ResourceWrite {
        description: Some(record.description()),
        ..ResourceWrite::default()
    }
}

impl Saved {
    /// The status line for it, or `None` when nothing changed (a failure is a warning).
    #[must_use]
    pub fn line(&self) -> Option<String> {
        match self {
            Self::Unchanged | Self::Failed(_) => None,
            Self::Cleared => Some(
                "The workspace keeps every field rechecked: its record of fields not kept is \
                 removed."
                    .to_owned(),
            ),
            Self::Recorded(fields) => {
                let list: Vec<String> = fields
                    .iter()
                    .map(|(k, f)| format!("`{f}` on {}", k.plural()))
                    .collect();
                Some(format!(
                    "Recorded in the workspace that it does not keep {}: plans leave these out \
                     (--recheck-fields compares them again).",
                    list.join(", ")
                ))
            }
        }
    }
}
