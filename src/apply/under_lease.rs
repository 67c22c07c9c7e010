//! One apply run as the `apply` command makes it: the lease taken before the first write
//! (unless opted out), the executor with every write checked first ([`PreWriteCheck`]), the
//! workspace's record of not-kept fields brought up to date (`save_record`), and the lease given
//! back at the end, after a failure or Ctrl-C too. A lost lease stops the run (calls in flight
//! finish) and is reported as such, never as a completed apply.

use super::cancel::{Cancel, Stage};
use super::executor::{execute, ExecOptions};
use super::lease::{acquire, LeaseError, LeaseOptions};
use super::prewrite::PreWriteCheck;
use super::progress::Progress;
use super::renewal::Lost;
use super::report::Report;
use super::save_record::save_record;
use crate::api::Client;
use crate::output::{count, Printer};
use crate::plan::fidelity::{Ledger, Saved};
use crate::plan::Plan;

/// Executes `plan` under the integration's lease (`lease: None` = `--no-lock`); returns the
/// report and what became of the workspace's record of not-kept fields.
///
/// # Errors
/// The lease could not be taken (another apply holds it, or a call failed); nothing was
/// written then. Ctrl-C while waiting for the lease is an interrupted, empty report.
pub(crate) async fn write_under_lease(
    plan: Plan,
    client: &Client,
    lease: Option<&LeaseOptions>,
    concurrency: usize,
    cancel: &Cancel,
    ledger: &Ledger,
    printer: &Printer,
) -> Result<(Report, Saved), LeaseError> {
    let held = match lease {
        None => None,
        Some(opts) => match acquire(client, opts, cancel, printer).await {
            Ok(lease) => {
                let name = &plan.integration.name;
                printer.status(format!("Took the lease on {name} (run {})", lease.run));
                Some(lease)
            }
            Err(LeaseError::Interrupted) => {
                printer.status(LeaseError::Interrupted);
                let report = Report {
                    interrupted: true,
                    ..Report::default()
                };
                return Ok((report, Saved::Unchanged));
            }
            Err(e) => return Err(e),
        },
    };
    let watch = held.as_ref().map(super::Lease::watch);
    let prewrite = PreWriteCheck::new(&plan, watch.clone());
    let progress = Progress::new(printer, plan.summary().writes());
    let integration = plan.integration.id.clone();
    // Under a lease the run stops on its lease's token, which follows Ctrl-C and SIGTERM.
    let run_cancel = watch
        .as_ref()
        .map_or_else(|| cancel.clone(), |w| w.stop_token().clone());
    let follow = cancel.forward_to(&run_cancel);
    let opts = ExecOptions {
        integration: &integration,
        concurrency,
        cancel: &run_cancel,
        progress: &progress,
        ledger,
    };
    // Under a lease, no write leaves the client once the lease can no longer be trusted.
    let writer = watch
        .as_ref()
        .map_or_else(|| client.clone(), |w| client.with_write_gate(w.gate()));
    let mut report = execute(plan, &opts, |w| prewrite.check_and_send(&writer, w, ledger)).await;
    follow.abort();
    report.interrupted = cancel.stage() > Stage::Running;
    // Under the lease still, so that two applies do not overwrite each other's findings; a
    // lost lease writes nothing more.
    let lost = match &watch {
        Some(w) if ledger.changes_record() => w.check(client).await.err(),
        _ => None,
    };
    let saved = match lost {
        Some(lost) => Saved::Failed(format!("not written: this apply lost its lease ({lost})")),
        None => save_record(client, &integration, ledger, printer).await,
    };
    report.lease_lost = held
        .as_ref()
        .and_then(super::Lease::lost)
        .map(|l| l.to_string());
    if let Some(lease) = held {
        if let Some(lost) = lease.lost() {
            printer.warn(format!(
                "this apply lost its lease on the integration: {lost}; it stopped writing \
                 (the changes not made are listed below; apply again to finish them)"
            ));
        }
        let run = lease.run.clone();
        // An event removed, or rewritten for another run, is not this run's to delete.
        if matches!(lease.lost(), Some(Lost::Removed | Lost::Changed)) {
            lease.abandon();
        } else if let Err(e) = lease.release().await {
            printer.warn(format!(
                "could not give the lease back ({e}): it expires within 15 minutes, or \
                 `secoda-sync unlock {run}` removes it now"
            ));
        }
    }
    let adopted = report.counts().adopted;
    if adopted > 0 {
        printer.status(format!(
            "Adopted {} that already existed instead of creating {} again.",
            count(adopted, "resource", "resources"),
            if adopted == 1 { "it" } else { "them" }
        ));
    }
    Ok((report, saved))
}
