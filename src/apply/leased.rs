//! One apply run as the `apply` command makes it: the lease taken before the first write
//! (unless opted out), the executor with every write checked first ([`Guard`]), the
//! workspace's record of not-kept fields brought up to date (`record`), and the lease given
//! back at the end, after a failure or Ctrl-C too.

use super::cancel::Cancel;
use super::executor::{execute, ExecOptions};
use super::guard::Guard;
use super::lease::{acquire, LeaseError, LeaseOptions};
use super::progress::Progress;
use super::readback::ReadBack;
use super::record::Saved;
use super::report::Report;
use crate::api::Client;
use crate::output::{count, Printer};
use crate::plan::Plan;

/// Executes `plan` under the integration's lease (`lease: None` = `--no-lock`); returns the
/// report and what became of the workspace's record of not-kept fields.
///
/// # Errors
/// The lease could not be taken (another apply holds it, or a call failed); nothing was
/// written then. Ctrl-C while waiting for the lease is an interrupted, empty report.
pub async fn execute_leased(
    plan: Plan,
    client: &Client,
    lease: Option<&LeaseOptions>,
    concurrency: usize,
    cancel: &Cancel,
    readback: &ReadBack,
    printer: &Printer,
) -> Result<(Report, Saved), LeaseError> {
    let held = match lease {
        None => None,
        Some(opts) => match acquire(client, opts, cancel).await {
            Ok(lease) => {
                let name = &plan.integration.name;
                printer.status(format!("Took the lease on {name} (run {})", lease.run));
                Some(lease)
            }
            Err(LeaseError::Interrupted) => {
                printer.status(LeaseError::Interrupted);
                let report = Report {
                    entries: Vec::new(),
                    interrupted: true,
                };
                return Ok((report, Saved::Unchanged));
            }
            Err(e) => return Err(e),
        },
    };
    let guard = Guard::new(&plan, held.is_some());
    let progress = Progress::new(printer, plan.summary().writes());
    let integration = plan.integration.id.clone();
    let opts = ExecOptions {
        integration: &integration,
        concurrency,
        cancel,
        progress: &progress,
        halt: readback.halt(),
    };
    let report = execute(plan, &opts, |w| guard.perform(client, w, readback)).await;
    // Under the lease still, so that two applies do not overwrite each other's findings.
    let saved = match super::record::save(client, &integration, readback).await {
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
    };
    if let Some(lease) = held {
        if lease.lost() {
            printer
                .warn("the lease was removed while this apply ran (`unlock`?): it stopped early");
        }
        let run = lease.run.clone();
        if let Err(e) = lease.release().await {
            printer.warn(format!(
                "could not give the lease back ({e}): it expires within 5 minutes, or \
                 `secoda-sync unlock {run}` removes it now"
            ));
        }
    }
    let adopted = guard.adopted();
    if adopted > 0 {
        printer.status(format!(
            "Adopted {} that already existed instead of creating {} again.",
            count(adopted, "resource", "resources"),
            if adopted == 1 { "it" } else { "them" }
        ));
    }
    Ok((report, saved))
}
