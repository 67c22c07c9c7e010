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
use super::renewal::Proving;
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
    // The lease is taken alongside the executor's first reads (its look-ups for twins and
    // conflicts), which are all the work before the first write: only the writes wait for
    // it, and the client's gate lets none out before it is held. The plan is known to need
    // writes by now, so taking the lease here keeps a no-op apply free of writes.
    let (taking, proving) = match lease {
        None => (None, None),
        Some(opts) => {
            let (tx, proving) = Proving::new();
            let (client, opts, cancel) = (client.clone(), opts.clone(), cancel.clone());
            let printer = printer.clone();
            let taking = tokio::spawn(async move {
                let taken = acquire(&client, &opts, &cancel, &printer).await;
                if let Ok(lease) = &taken {
                    let _ = tx.send(Some(lease.watch()));
                }
                taken
            });
            (Some(taking), Some(proving))
        }
    };
    let prewrite = PreWriteCheck::new(&plan, proving.clone());
    let progress = Progress::new(printer, plan.summary().writes());
    let integration = plan.integration.id.clone();
    let name = plan.integration.name.clone();
    // Under a lease the run also stops when the lease is lost (once it is held).
    let run_cancel = if proving.is_some() {
        Cancel::new()
    } else {
        cancel.clone()
    };
    let follow = cancel.forward_to(&run_cancel);
    let opts = ExecOptions {
        integration: &integration,
        concurrency,
        cancel: &run_cancel,
        progress: &progress,
        ledger,
    };
    // Under a lease, no write leaves the client before it is held, nor once it can no longer
    // be trusted.
    let writer = proving
        .as_ref()
        .map_or_else(|| client.clone(), |p| client.with_write_gate(p.gate()));
    let mut run = Box::pin(execute(plan, &opts, |w| {
        prewrite.check_and_send(&writer, w, ledger)
    }));
    let mut done = None;
    let mut lost_follow = None;
    let held = match taking {
        None => None,
        Some(mut taking) => {
            let taken = tokio::select! {
                taken = &mut taking => taken,
                report = &mut run => {
                    // Nothing it did needed a write (every change adopted, held or failed
                    // on its look-up); the lease is still given back below.
                    done = Some(report);
                    taking.await
                }
            };
            let taken = taken.unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
            match taken {
                Ok(lease) => {
                    printer.status(format!("Took the lease on {name} (run {})", lease.run));
                    lost_follow = Some(lease.watch().stop_token().forward_to(&run_cancel));
                    Some(lease)
                }
                // The run is dropped with its reads: no write was let out.
                Err(LeaseError::Interrupted) => {
                    drop(run);
                    progress.finish();
                    follow.abort();
                    printer.status(LeaseError::Interrupted);
                    let report = Report {
                        interrupted: true,
                        ..Report::default()
                    };
                    return Ok((report, Saved::Unchanged));
                }
                Err(e) => {
                    drop(run);
                    progress.finish();
                    follow.abort();
                    return Err(e);
                }
            }
        }
    };
    let mut report = match done {
        Some(report) => report,
        None => run.await,
    };
    follow.abort();
    if let Some(f) = lost_follow {
        f.abort();
    }
    let watch = held.as_ref().map(super::Lease::watch);
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
