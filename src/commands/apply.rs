//! `secoda-sync apply`: plan (or load a saved plan), confirm, then make the changes.

use super::plan::{load_manifests, make_plan, print_plan, PlanningArgs};
use super::session::{run_in_session, Session};
use crate::api::{ApiError, Id};
use crate::apply::{self, Cancel, LeaseOptions, Report, Stage};
use crate::cli::{ConnectionArgs, ManifestArgs};
use crate::error::{Error, Exit, Result};
use crate::live;
use crate::manifest::{Loaded, ManifestSet};
use crate::output::{count, Printer};
use crate::plan::render::Format;
use crate::plan::resolve::Names;
use crate::plan::saved::{SavedPlan, SavedPlanError};
use crate::plan::{Key, Plan};
use clap::Args;
use std::collections::BTreeSet;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

const AFTER_HELP: &str = "\
Examples:
  secoda-sync apply --sandbox --auto-approve examples/ecommerce/
  secoda-sync apply manifests/                      # asks `Apply these N changes? [y/N]`
  secoda-sync apply manifests/ --prune --auto-approve --max-deletes 50
  secoda-sync apply --plan plan.json --auto-approve # exactly a plan saved with `plan --out`
  secoda-sync apply manifests/ --auto-approve --run-monitors   # then run what changed

Ctrl-C stops starting new calls and lets the ones in flight finish; a second Ctrl-C abandons
them. Re-running apply finishes the job without duplicates.

Exit codes:
  0    every change made (or nothing to do)
  1    invalid input, refused (safety cap, stale plan, no confirmation), a failed change,
       or a --run-monitors run that could not be started
  130  interrupted";

/// Make the workspace match the manifests: plans, shows the plan, asks for confirmation on a
/// terminal (elsewhere `--auto-approve` is required), then writes, one call per change.
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub struct ApplyArgs {
    #[command(flatten)]
    pub manifests: ManifestArgs,
    #[command(flatten)]
    pub connection: ConnectionArgs,
    #[command(flatten)]
    pub planning: PlanningArgs,
    /// Apply a plan saved with `plan --out` exactly; refuses if anything it touches moved.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["paths", "prune", "target", "owner_tag", "monitors_delete"])]
    pub plan: Option<PathBuf>,
    /// Do not ask for confirmation.
    #[arg(long)]
    pub auto_approve: bool,
    /// Print the result as JSON on stdout (each change with its status and id); the plan goes
    /// to stderr.
    #[arg(long)]
    pub json: bool,
    /// After the apply, run the monitors it created or changed (not disabled, deleted or
    /// failed ones) and print the job id.
    #[arg(long)]
    pub run_monitors: bool,
    #[command(flatten)]
    pub lock: LockArgs,
}

/// The apply lease (issue 14): one apply per integration at a time.
#[derive(Debug, Clone, Args)]
pub struct LockArgs {
    /// How long to wait for another apply's lease on the integration to go: `0` (fail at
    /// once), `90s`, `10m`, `1h`.
    #[arg(long, value_name = "DURATION", default_value = "0", value_parser = apply::lease::parse_duration)]
    pub lock_timeout: std::time::Duration,
    /// Take no lease (another apply may then run at the same time; creates still adopt twins).
    #[arg(long, conflicts_with = "lock_timeout")]
    pub no_lock: bool,
}

/// Runs `apply`.
///
/// # Errors
/// A connection or API failure, a refused apply (stale saved plan, safety cap, no
/// confirmation), or output that cannot be written.
pub fn run(args: &ApplyArgs, printer: &Printer) -> Result<Exit> {
    // Manifests are checked before anything connects: a bad manifest makes no call at all.
    let input = match &args.plan {
        Some(path) => Input::Saved(path),
        None => match load_manifests(&args.manifests, printer) {
            Some(loaded) => Input::Manifests(loaded),
            None => return Ok(Exit::Failure),
        },
    };
    run_in_session(&args.connection, printer, async |session| {
        apply_in(args, &input, session, printer).await
    })
}

/// Where the plan comes from.
enum Input<'a> {
    /// `--plan FILE`.
    Saved(&'a Path),
    /// Manifests, loaded and valid.
    Manifests(Loaded),
}

async fn apply_in(
    args: &ApplyArgs,
    input: &Input<'_>,
    session: &Session,
    printer: &Printer,
) -> Result<Exit> {
    let concurrency = usize::from(args.connection.concurrency);
    let (mut plan, names) = match input {
        Input::Saved(path) => load_saved(path, session, concurrency).await?,
        Input::Manifests(loaded) => {
            match make_plan(loaded, &args.planning, session, concurrency, printer).await? {
                Some(p) => (p.plan, p.names),
                None => return Ok(Exit::Failure),
            }
        }
    };
    // Lease (issue 14): the plan shows what the lease costs; --no-lock takes none.
    plan.lease_writes = if args.lock.no_lock {
        0
    } else {
        let rate = session
            .client
            .write_rate()
            .unwrap_or(crate::api::Rate::SECODA_WRITES);
        apply::lease::planned_writes(plan.summary().writes(), rate)
    };
    // With --json stdout holds only the result; the plan is shown on stderr.
    let mut out: Box<dyn Write> = if args.json {
        Box::new(printer.stderr())
    } else {
        Box::new(printer.stdout())
    };
    print_plan(&plan, Format::Text, &names, session, printer, &mut out)?;
    drop(out);
    if let Some(blocked) = plan.changes.iter().find(|c| c.blocked) {
        return Err(Error::Refused(format!(
            "{} (nothing was written; raise the flag named above, or narrow the plan with --target)",
            blocked.note.as_deref().unwrap_or("deletes over a safety cap")
        )));
    }
    let writes = plan.summary().writes();
    let report = if writes == 0 {
        Report::default()
    } else {
        if !args.auto_approve && !confirm(writes, printer)? {
            printer.status("Apply cancelled: nothing was written.");
            return Ok(Exit::Failure);
        }
        execute(plan, session, concurrency, printer, &args.lock).await?
    };
    let run = if args.run_monitors {
        Some(run_monitors(&report, session).await)
    } else {
        None
    };
    finish(args, printer, &report, run.as_ref())
}

/// What `--run-monitors` did after the apply.
#[derive(Debug, serde::Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
enum MonitorRun {
    /// The run was started as a background job.
    Started {
        /// The job's id.
        job_id: Id,
        /// The monitors run.
        monitors: Vec<Id>,
    },
    /// The apply created or changed no enabled monitor: no call was made.
    NothingToRun,
    /// The apply was interrupted: no call was made.
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
struct RunFailed<'a> {
    count: usize,
    cause: &'a ApiError,
}

/// Starts one run of the monitors the apply created or changed (one call for all of them).
async fn run_monitors(report: &Report, session: &Session) -> MonitorRun {
    if report.interrupted {
        return MonitorRun::Skipped;
    }
    let monitors = report.monitors_to_run();
    if monitors.is_empty() {
        return MonitorRun::NothingToRun;
    }
    match session.client.run_monitors(&monitors).await {
        Ok(job) => MonitorRun::Started {
            job_id: job.id,
            monitors,
        },
        Err(error) => MonitorRun::Failed { monitors, error },
    }
}

/// Asks `Apply these N changes? [y/N]` (`this 1 change` for one) on a terminal; refuses
/// elsewhere.
fn confirm(writes: usize, printer: &Printer) -> Result<bool> {
    if !(std::io::stdin().is_terminal() && printer.interactive()) {
        return Err(Error::Refused(
            "not asking for confirmation without a terminal: pass --auto-approve to apply".into(),
        ));
    }
    let mut err = printer.stderr();
    let question = if writes == 1 {
        "Apply this 1 change?".to_owned()
    } else {
        format!("Apply these {writes} changes?")
    };
    let _ = write!(err, "{question} [y/N] ");
    let _ = err.flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|source| Error::Io {
            action: "read",
            path: "stdin".into(),
            source,
        })?;
    Ok(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}

/// Runs the executor with Ctrl-C wired to the cancellation token.
async fn execute(
    plan: Plan,
    session: &Session,
    concurrency: usize,
    printer: &Printer,
    lock: &LockArgs,
) -> Result<Report> {
    let cancel = Cancel::new();
    let on_ctrl_c = tokio::spawn({
        let cancel = cancel.clone();
        let printer = printer.clone();
        async move {
            while tokio::signal::ctrl_c().await.is_ok() {
                if cancel.request() == Stage::Aborting {
                    printer.status("Interrupted again: abandoning the calls in flight.");
                    break;
                }
            }
        }
    });
    // Lease (issue 14): taken before the first write, given back at the end.
    let lease =
        (!lock.no_lock).then(|| LeaseOptions::new(plan.integration.id.clone(), lock.lock_timeout));
    let client = &session.client;
    let report =
        apply::execute_leased(plan, client, lease.as_ref(), concurrency, &cancel, printer).await;
    on_ctrl_c.abort();
    Ok(report?)
}

/// Prints the result and picks the exit code: 130 when interrupted, 1 when a change failed or
/// the monitor run could not be started.
fn finish(
    args: &ApplyArgs,
    printer: &Printer,
    report: &Report,
    run: Option<&MonitorRun>,
) -> Result<Exit> {
    let out_err = |source| Error::Io {
        action: "write",
        path: "stdout".into(),
        source,
    };
    let mut out = printer.stdout();
    if args.json {
        let mut doc = report.to_json();
        if let Some(run) = run {
            doc["monitor_run"] = serde_json::to_value(run).map_err(|e| out_err(e.into()))?;
        }
        serde_json::to_writer_pretty(&mut out, &doc).map_err(|e| out_err(e.into()))?;
        writeln!(out).map_err(out_err)?;
    } else {
        if !report.entries.is_empty() {
            report.render_text(&mut out).map_err(out_err)?;
        }
        match run {
            Some(MonitorRun::Started { job_id, monitors }) => writeln!(
                out,
                "Started a run of {}: job {job_id}.",
                count(monitors.len(), "monitor", "monitors")
            )
            .map_err(out_err)?,
            Some(MonitorRun::NothingToRun) => {
                writeln!(out, "No monitors were created or changed: nothing to run.")
                    .map_err(out_err)?;
            }
            Some(MonitorRun::Skipped) => {
                printer.status("The apply was interrupted: no monitors were run.");
            }
            Some(MonitorRun::Failed { .. }) | None => {}
        }
    }
    if let Some(MonitorRun::Failed { monitors, error }) = run {
        printer.error(&RunFailed {
            count: monitors.len(),
            cause: error,
        });
    }
    let run_failed = matches!(run, Some(MonitorRun::Failed { .. }));
    Ok(if report.interrupted {
        Exit::Interrupted
    } else if report.is_complete() && !run_failed {
        Exit::Success
    } else {
        Exit::Failure
    })
}

/// Loads a saved plan and checks it is still fresh: same workspace, same integration, and
/// every resource it touches unchanged since it was made.
async fn load_saved(path: &Path, session: &Session, concurrency: usize) -> Result<(Plan, Names)> {
    let bytes = std::fs::read(path).map_err(|e| SavedPlanError::io("read", path, e))?;
    let saved = SavedPlan::from_bytes(&bytes).map_err(|e| e.in_file(path))?;
    let client = &session.client;
    let none = ManifestSet::default();
    // Monitor targets are read too, so the plan shows their paths as `plan` did, not ids.
    let targets: BTreeSet<Id> = saved
        .plan
        .changes
        .iter()
        .filter_map(|c| match &c.key {
            Key::Monitor(target, ..) => Some(Id(target.clone())),
            _ => None,
        })
        .collect();
    let targets: Vec<Id> = targets.into_iter().collect();
    let (mut lookups, catalog, current) = tokio::try_join!(
        live::fetch_lookups(client, &none, concurrency),
        live::catalog_by_ids(client, &targets, concurrency),
        live::read_touched(client, saved.touched_ids(), concurrency),
    )?;
    lookups.add_catalog(catalog);
    // An integration missing from the workspace reads as a different one.
    let integration = lookups
        .integrations
        .iter()
        .find(|i| i.id == saved.integration.id)
        .map_or_else(|| Id::from("(not in this workspace)"), |i| i.id.clone());
    saved
        .check_fresh(&session.origin, &integration, &current)
        .map_err(|e| Error::Refused(e.to_string()))?;
    Ok((saved.plan, lookups.names()))
}
