//! `secoda-sync apply`: plan (or load a saved plan), confirm, then make the changes.

use super::session::{run_in_session, Session};
use crate::api::Rate;
use crate::apply::policy::{self, Confirmation};
use crate::apply::{
    self, ApplyDocument, ApplyOutcome, ApplySettings, LeaseOptions, MonitorRun, RunError,
    RunFailed, Verdict,
};
use crate::cli::{ApplyArgs, LockArgs};
use crate::error::{Error, Exit, Result};
use crate::manifest::{LoadOptions, Loaded};
use crate::output::Printer;
use crate::pipeline::{
    self, load_manifests, make_plan, print_plan, SavedCheckError, SavedPlanTarget,
};
use crate::plan::preflight::Caps;
use crate::plan::render::View;
use crate::plan::resolve::Names;
use crate::plan::saved::{SavedOptions, SavedPlan, SavedPlanError};
use crate::plan::Plan;
use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

/// Runs `apply`.
///
/// # Errors
/// A connection or API failure, a refused apply (stale saved plan, safety cap, no
/// confirmation), or output that cannot be written.
pub(crate) fn run(args: &ApplyArgs, printer: &Printer) -> Result<Exit> {
    // Manifests are checked before anything connects: a bad manifest makes no call at all.
    let input = match &args.plan {
        Some(path) => Input::Saved(path),
        None => match load_manifests(&LoadOptions::from(&args.manifests), printer) {
            Some(loaded) => Input::Manifests(Box::new(loaded)),
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
    Manifests(Box<Loaded>),
}

async fn apply_in(
    args: &ApplyArgs,
    input: &Input<'_>,
    session: &Session,
    printer: &Printer,
) -> Result<Exit> {
    let concurrency = usize::from(args.connection.concurrency);
    let (mut plan, names) = match input {
        Input::Saved(path) => {
            let caps = Caps {
                max_deletes: args.planning.max_deletes,
                max_delete_percent: args.planning.max_delete_percent,
            };
            let target = SavedPlanTarget {
                origin: &session.origin,
                environment: args.connection.environment.as_deref(),
                integration: args.saved.integration.as_deref(),
            };
            let (plan, names, options) =
                load_saved(path, session, &target, caps, concurrency).await?;
            let differ = args.saved.differences(&options, &names);
            if !differ.is_empty() {
                printer.warn(format!(
                    "the config file's {} {} ignored: `apply --plan` does what the saved plan \
                     records",
                    differ.join(", "),
                    if differ.len() == 1 { "is" } else { "are" }
                ));
            }
            (plan, names)
        }
        Input::Manifests(loaded) => {
            let owner_tag = args.planning.owner_tag.as_deref();
            let opts = args.planning.diff_options(args.manifests.input.types);
            match make_plan(
                loaded,
                owner_tag,
                opts,
                args.planning.checks(),
                &session.client,
                concurrency,
                printer,
            )
            .await?
            {
                Some(p) => (p.plan, p.names),
                None => return Ok(Exit::Failure),
            }
        }
    };
    // The plan shows what the lease costs; --no-lock takes none.
    plan.lease_writes = if args.lock.no_lock {
        0
    } else {
        let rate = session.client.write_rate().unwrap_or(Rate::SECODA_WRITES);
        apply::lease::planned_writes(plan.summary().writes(), rate)
    };
    // With --json stdout holds only the result; the plan is shown on stderr.
    let mut out: Box<dyn Write> = if args.json {
        Box::new(printer.stderr())
    } else {
        Box::new(printer.stdout())
    };
    print_plan(
        &plan,
        View::text(),
        &names,
        &session.client,
        printer,
        &mut out,
    )
    .map_err(Error::writing("the plan"))?;
    drop(out);
    if let Some(reason) = policy::refusal_of(&plan, matches!(input, Input::Saved(_))) {
        return Err(Error::Refused(reason));
    }
    let writes = plan.summary().writes();
    let terminal = std::io::stdin().is_terminal() && printer.interactive();
    match policy::confirmation(writes, args.auto_approve, terminal) {
        Confirmation::Refuse(reason) => return Err(Error::Refused(reason)),
        Confirmation::Ask(question) if !ask(&question, printer)? => {
            printer.status("Apply cancelled: nothing was written.");
            return Ok(Exit::Failure);
        }
        _ => {}
    }
    let settings = ApplySettings {
        concurrency,
        lease: lease_options(&plan, &args.lock)?,
        recheck_fields: args.planning.recheck_fields,
        run_monitors: args.run_monitors,
    };
    let outcome = apply::run(plan, &session.client, &settings, printer)
        .await
        .map_err(|e| match e {
            RunError::Signals(source) => Error::Io {
                action: "install the signal handlers of",
                path: "apply".into(),
                source,
            },
            RunError::Lease(e) => e.into(),
        })?;
    finish(args, printer, &outcome)
}

/// The lease an apply of `plan` takes (`None` with `--no-lock`).
fn lease_options(plan: &Plan, lock: &LockArgs) -> Result<Option<LeaseOptions>> {
    if lock.no_lock {
        return Ok(None);
    }
    let (ttl, every) = lock.lease_timings();
    let mut opts = LeaseOptions::new(plan.integration.id.clone(), lock.lock_timeout)
        .with_timings(ttl, every)
        .map_err(Error::Usage)?;
    opts.seen.clone_from(&plan.leases_seen);
    Ok(Some(opts))
}

/// Asks `question [y/N]` on stderr and reads the answer from stdin.
fn ask(question: &str, printer: &Printer) -> Result<bool> {
    let mut err = printer.stderr();
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
    Ok(policy::is_yes(&answer))
}

/// Prints the outcome (text or `--json`) and turns its verdict into the exit code.
fn finish(args: &ApplyArgs, printer: &Printer, outcome: &ApplyOutcome) -> Result<Exit> {
    let out_err = Error::writing("stdout");
    let mut out = printer.stdout();
    if args.json {
        let doc = ApplyDocument::from(outcome);
        serde_json::to_writer_pretty(&mut out, &doc).map_err(|e| out_err(e.into()))?;
        writeln!(out).map_err(out_err)?;
    } else {
        outcome.render_text(&mut out, printer).map_err(out_err)?;
    }
    if let Some(MonitorRun::Failed { monitors, error }) = &outcome.monitor_run {
        printer.error(&RunFailed {
            count: monitors.len(),
            cause: error,
        });
    }
    Ok(match outcome.verdict(args.strict) {
        Verdict::Done => Exit::Success,
        Verdict::Failed => Exit::Failure,
        Verdict::Interrupted => Exit::Interrupted,
        Verdict::Terminated => Exit::Terminated,
    })
}

/// Loads a saved plan and checks it, whole, before any write (see [`pipeline::check_saved`]);
/// returns it with its names and the options it was made with.
async fn load_saved(
    path: &Path,
    session: &Session,
    target: &SavedPlanTarget<'_>,
    caps: Caps,
    concurrency: usize,
) -> Result<(Plan, Names, SavedOptions)> {
    let bytes = std::fs::read(path).map_err(|e| SavedPlanError::io("read", path, e))?;
    let saved = SavedPlan::from_bytes(&bytes).map_err(|e| e.in_file(path))?;
    let options = saved.options.clone();
    pipeline::check_saved(saved, &session.client, target, caps, concurrency)
        .await
        .map(|(plan, names)| (plan, names, options))
        .map_err(|e| match e {
            SavedCheckError::Api(e) => Error::Api(e),
            SavedCheckError::Stale(e) => Error::Refused(e.to_string()),
            SavedCheckError::Mismatch(e) => Error::Refused(e.to_string()),
            SavedCheckError::Preflight(e) => Error::Refused(e.to_string()),
        })
}
