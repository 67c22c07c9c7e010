//! An apply from a confirmed plan to how it ended, as one value: [`run`] takes the lease,
//! executes the plan with Ctrl-C and SIGTERM wired to a stop, brings the workspace's record of
//! not-kept fields up to date and runs the monitors when asked; the [`ApplyOutcome`] it
//! returns renders itself as text ([`ApplyOutcome::render_text`]) or as the `apply --json`
//! document (`ApplyDocument::from`), and gives one [`Verdict`], which the command turns into
//! its exit code. Every count comes from the per-change outcomes of the report.

use super::cancel::{self, Cancel};
use super::lease::{LeaseError, LeaseOptions};
use super::monitors_run::{run_monitors, MonitorRun};
use super::report::Report;
use super::under_lease::write_under_lease;
use crate::api::Client;
use crate::output::{count, Printer};
use crate::plan::fidelity::{Ledger, Saved};
use crate::plan::Plan;
use std::io::{self, Write};

/// What an apply run needs besides the plan and the client.
#[derive(Debug, Clone)]
pub(crate) struct ApplySettings {
    /// Writes in flight at once.
    pub concurrency: usize,
    /// The integration's lease to take before the first write (`None` = `--no-lock`).
    pub lease: Option<LeaseOptions>,
    /// `--recheck-fields`: the record of not-kept fields is rewritten from this run's answers.
    pub recheck_fields: bool,
    /// `--run-monitors`: one run of the monitors the apply created or changed, after it.
    pub run_monitors: bool,
}

/// Why an apply could not run at all (nothing was written).
#[derive(Debug, thiserror::Error)]
pub(crate) enum RunError {
    /// The Ctrl-C and SIGTERM handlers could not be installed.
    #[error("could not install the signal handlers: {0}")]
    Signals(#[source] io::Error),
    /// The lease could not be taken.
    #[error(transparent)]
    Lease(#[from] LeaseError),
}

/// How an apply ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Every change made (or nothing to do), and the monitor run, if asked for, started.
    Done,
    /// A change failed or was held back, the lease was lost, the monitor run could not be
    /// started, or (`--strict`) a field was not kept.
    Failed,
    /// Ctrl-C stopped it.
    Interrupted,
    /// SIGTERM stopped it (reported and saved as for Ctrl-C).
    Terminated,
}

/// Everything an apply did: each change's outcome, what the answers did not keep, the record,
/// the monitor run.
#[derive(Debug, Default)]
pub struct ApplyOutcome {
    /// Every change and what became of it, and whether the run stopped early.
    pub report: Report,
    /// What the answers did not keep, and the writes held back for it.
    pub ledger: Ledger,
    /// What became of the workspace's record of not-kept fields.
    pub record: Saved,
    /// What `--run-monitors` did (`None` without it).
    pub monitor_run: Option<MonitorRun>,
    /// Whether a SIGTERM (not a Ctrl-C) stopped the run.
    pub terminated: bool,
}

impl From<Report> for ApplyOutcome {
    /// The outcome of `report` alone: nothing read back, the record unchanged, no monitor run.
    fn from(report: Report) -> Self {
        Self {
            report,
            ..Self::default()
        }
    }
}

/// Applies `plan` (already confirmed) and says how it went.
///
/// # Errors
/// The signal handlers could not be installed or the lease could not be taken; nothing was
/// written then.
pub(crate) async fn run(
    plan: Plan,
    client: &Client,
    settings: &ApplySettings,
    printer: &Printer,
) -> Result<ApplyOutcome, RunError> {
    let ledger = Ledger::for_plan(&plan, settings.recheck_fields);
    let mut outcome = if plan.summary().writes() == 0 {
        ApplyOutcome {
            ledger,
            ..ApplyOutcome::default()
        }
    } else {
        write_all(plan, client, settings, ledger, printer).await?
    };
    if settings.run_monitors {
        outcome.monitor_run = Some(run_monitors(&outcome.report, client).await);
    }
    Ok(outcome)
}

/// Makes the plan's writes under the lease, with Ctrl-C and SIGTERM wired to the cancellation
/// token.
async fn write_all(
    plan: Plan,
    client: &Client,
    settings: &ApplySettings,
    ledger: Ledger,
    printer: &Printer,
) -> Result<ApplyOutcome, RunError> {
    let cancel = Cancel::new();
    let on_signal = cancel::on_signals(&cancel, {
        let printer = printer.clone();
        move || printer.status("Interrupted again: abandoning the calls in flight.")
    })
    .map_err(RunError::Signals)?;
    let run = write_under_lease(
        plan,
        client,
        settings.lease.as_ref(),
        settings.concurrency,
        &cancel,
        &ledger,
        printer,
    )
    .await;
    on_signal.abort();
    let (report, record) = run?;
    Ok(ApplyOutcome {
        report,
        ledger,
        record,
        monitor_run: None,
        terminated: cancel.terminated(),
    })
}

impl ApplyOutcome {
    /// How the apply ended. Interrupted first (by SIGTERM or Ctrl-C); then done only when
    /// every change was made, no write was held back, the monitor run (if asked for) started
    /// and, under `strict`, the answers kept every field.
    #[must_use]
    pub fn verdict(&self, strict: bool) -> Verdict {
        if self.report.interrupted {
            return if self.terminated {
                Verdict::Terminated
            } else {
                Verdict::Interrupted
            };
        }
        let run_failed = matches!(self.monitor_run, Some(MonitorRun::Failed { .. }));
        // A stop always fails: the workspace lacks what was asked, and the hint says why.
        let held_back = !self.ledger.stops().is_empty();
        let not_kept = strict && !self.ledger.dropped().is_empty();
        if self.report.is_complete() && !run_failed && !held_back && !not_kept {
            Verdict::Done
        } else {
            Verdict::Failed
        }
    }

    /// The text result on `out`: the report, what was not kept, the held-back writes, the
    /// monitor run; a skipped monitor run is a status line on `printer`.
    ///
    /// # Errors
    /// When writing fails.
    pub fn render_text(&self, out: &mut dyn Write, printer: &Printer) -> io::Result<()> {
        if !self.report.entries.is_empty() {
            self.report.render_text(out)?;
        }
        for line in self.ledger.dropped_lines() {
            writeln!(out, "{line}")?;
        }
        if let Some(line) = self.ledger.stop_line() {
            writeln!(out, "{line}")?;
        }
        match &self.monitor_run {
            Some(MonitorRun::Started { job_id, monitors }) => writeln!(
                out,
                "Started a run of {}: job {job_id}.",
                count(monitors.len(), "monitor", "monitors")
            )?,
            Some(MonitorRun::NothingToRun) => {
                writeln!(out, "No monitors were created or changed: nothing to run.")?;
            }
            Some(MonitorRun::Skipped) => {
                printer.status(if self.report.lease_lost.is_some() {
                    "The apply lost its lease: no monitors were run."
                } else {
                    "The apply was interrupted: no monitors were run."
                });
            }
            Some(MonitorRun::Failed { .. }) | None => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{Id, Resource, ResourceWrite};
    use crate::plan::Kind;

    #[test]
    fn an_interrupted_apply_is_interrupted_whatever_else_happened() {
        let interrupted = Report {
            interrupted: true,
            lease_lost: Some("gone".into()),
            ..Report::default()
        };
        assert_eq!(
            ApplyOutcome::from(interrupted.clone()).verdict(false),
            Verdict::Interrupted
        );
        let terminated = ApplyOutcome {
            terminated: true,
            ..ApplyOutcome::from(interrupted)
        };
        assert_eq!(terminated.verdict(false), Verdict::Terminated);
        assert_eq!(ApplyOutcome::default().verdict(true), Verdict::Done);
        let nothing_to_run = ApplyOutcome {
            monitor_run: Some(MonitorRun::NothingToRun),
            ..ApplyOutcome::default()
        };
        assert_eq!(nothing_to_run.verdict(false), Verdict::Done);
        let lost = Report {
            lease_lost: Some("gone".into()),
            ..Report::default()
        };
        assert_eq!(ApplyOutcome::from(lost).verdict(false), Verdict::Failed);
    }

    #[test]
    fn fields_not_kept_fail_under_strict_and_a_held_back_tracking_field_always() {
        let sent = ResourceWrite {
            property_type: Some("string".into()),
            ..ResourceWrite::default()
        };
        let back = Resource {
            id: Id::from("a"),
            ..Resource::default()
        };
        let properties = ApplyOutcome::default();
        properties.ledger.check(Kind::Property, &sent, &back);
        assert_eq!(
            properties.verdict(false),
            Verdict::Failed,
            "a tracking field not kept stops property writes, and fails without --strict"
        );
        let events = ApplyOutcome::default();
        events.ledger.check(Kind::Event, &sent, &back);
        assert_eq!(events.verdict(false), Verdict::Done);
        assert_eq!(events.verdict(true), Verdict::Failed);
    }
}
