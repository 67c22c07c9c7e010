//! `secoda-sync plan`: show what apply would change, without changing anything.

use super::session::{run_in_session, Session};
use crate::api::Rate;
use crate::cli::{ConnectionArgs, ManifestArgs};
use crate::error::{Error, Exit, Result};
use crate::live::{self, Planning};
use crate::manifest::{self, LoadOptions, Loaded, Severity};
use crate::output::{count, Printer, Verbosity};
use crate::plan::render::{self, Format, RenderContext};
use crate::plan::resolve::{Names, ResolveError};
use crate::plan::saved::{SavedPlan, SavedPlanError};
use crate::plan::{DiffOptions, Key, Plan};
use clap::Args;
use std::io::Write as _;
use std::path::PathBuf;

const AFTER_HELP: &str = "\
Examples:
  secoda-sync plan --sandbox examples/ecommerce/
  secoda-sync plan manifests/ --prune --format markdown > plan.md
  secoda-sync plan manifests/ --out plan.json --detailed-exitcode
  secoda-sync plan manifests/ --target 'Checkout/Order Completed' --format json

Exit codes:
  0    planned (with --detailed-exitcode: no changes)
  1    invalid manifests, unknown names, or an API failure (nothing is written)
  2    changes pending (--detailed-exitcode only)";

/// Show what `apply` would change: creates, updates, deletes (with `--prune`) and differences
/// the API cannot fix.
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub struct PlanArgs {
    #[command(flatten)]
    pub manifests: ManifestArgs,
    #[command(flatten)]
    pub connection: ConnectionArgs,
    #[command(flatten)]
    pub planning: PlanningArgs,
    /// How to print the plan on stdout (`json` prints only the JSON document).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Also save the plan (with a fingerprint of the live state) for `apply --plan FILE`.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Exit 0 when there are no changes, 2 when changes are pending, 1 on error.
    #[arg(long)]
    pub detailed_exitcode: bool,
}

/// Planning options `plan` and `apply` share.
#[derive(Debug, Clone, Args)]
pub struct PlanningArgs {
    /// Delete events and properties under declared categories and events that no manifest
    /// lists (monitors: disable, or delete with --monitors-delete).
    #[arg(long)]
    pub prune: bool,
    /// Limit the plan to a subtree: `Category`, `Category/Event` or `Category/Event/property`
    /// (repeatable).
    #[arg(long, value_name = "KEY", value_parser = Key::parse_path)]
    pub target: Vec<Key>,
    /// Tag (name or id) added to everything created; --prune then deletes only resources
    /// carrying it.
    #[arg(long, value_name = "TAG")]
    pub owner_tag: Option<String>,
    /// Refuse to apply more than this many deletes.
    #[arg(long, value_name = "N", default_value_t = 25)]
    pub max_deletes: usize,
    /// Refuse to apply deletes of more than this percentage of the managed live resources.
    #[arg(long, value_name = "P", default_value_t = 10.0)]
    pub max_delete_percent: f64,
    /// Prune monitors by deleting them instead of disabling them.
    #[arg(long)]
    pub monitors_delete: bool,
}

/// Runs `plan`.
///
/// # Errors
/// A connection or API failure, or a plan that cannot be written.
pub fn run(args: &PlanArgs, printer: &Printer) -> Result<Exit> {
    // Manifests are checked before anything connects: a bad manifest makes no call at all.
    let Some(loaded) = load_manifests(&args.manifests, printer) else {
        return Ok(Exit::Failure);
    };
    run_in_session(&args.connection, printer, async |session| {
        plan_in(args, &loaded, session, printer).await
    })
}

async fn plan_in(
    args: &PlanArgs,
    loaded: &Loaded,
    session: &Session,
    printer: &Printer,
) -> Result<Exit> {
    let concurrency = usize::from(args.connection.concurrency);
    let Some(planned) = make_plan(loaded, &args.planning, session, concurrency, printer).await?
    else {
        return Ok(Exit::Failure);
    };
    print_plan(
        &planned.plan,
        args.format,
        &planned.names,
        session,
        printer,
        &mut printer.stdout(),
    )?;
    let pending = !planned.plan.summary().is_empty();
    if let Some(path) = &args.out {
        // The plan moves into the file's document: a 100,000-change plan is not copied.
        let saved = SavedPlan::new(
            planned.plan,
            &session.origin,
            planned.fingerprint,
            &planned.options,
        );
        let bytes = saved
            .to_bytes()
            .map_err(|e| SavedPlanError::io("write", path, e.into()))?;
        crate::atomic::write_atomic(path, &bytes)
            .map_err(|e| SavedPlanError::io("write", path, e))?;
        printer.status(format!(
            "Saved the plan to `{}`: apply it with `secoda-sync apply --plan {}`",
            path.display(),
            path.display()
        ));
    }
    Ok(if args.detailed_exitcode && pending {
        Exit::ChangesPending
    } else {
        Exit::Success
    })
}

/// A plan made from manifests, with what rendering and saving it need.
#[derive(Debug)]
pub(crate) struct Planned {
    /// The plan.
    pub plan: Plan,
    /// Id -> display name, for rendering id lists.
    pub names: Names,
    /// The options it was made with.
    pub options: DiffOptions,
    /// Fingerprint of the manifests the plan was made from.
    pub fingerprint: String,
}

/// Loads the manifests and prints their diagnostics; `None` when there are errors (nothing
/// may be called then).
pub(crate) fn load_manifests(args: &ManifestArgs, printer: &Printer) -> Option<Loaded> {
    let loaded = manifest::load(&LoadOptions::from(args));
    let mut err = printer.stderr();
    let sources = printer.color().then_some(&loaded.sources);
    for d in &loaded.diagnostics {
        if d.is_error() || printer.verbosity() > Verbosity::Quiet {
            // A closed stderr must not hide the verdict, which the exit code still carries.
            let _ = d.render(&mut err, printer.color(), sources);
        }
    }
    if loaded.has_errors() {
        let n = loaded.count(Severity::Error);
        printer.status(format!(
            "{} in the manifests: nothing was planned or applied",
            count(n, "error", "errors")
        ));
        return None;
    }
    Some(loaded)
}

/// Plans against the session's workspace; `None` when names did not resolve (each problem
/// printed).
pub(crate) async fn make_plan(
    loaded: &Loaded,
    planning: &PlanningArgs,
    session: &Session,
    concurrency: usize,
    printer: &Printer,
) -> Result<Option<Planned>> {
    let opts = DiffOptions {
        prune: planning.prune,
        owner_tag: None,
        targets: planning.target.clone(),
        max_deletes: planning.max_deletes,
        max_delete_percent: planning.max_delete_percent,
        monitors_delete: planning.monitors_delete,
    };
    let owner_tag = planning.owner_tag.as_deref();
    match live::plan(
        &session.client,
        &loaded.set,
        owner_tag,
        opts,
        concurrency,
        printer,
    )
    .await?
    {
        Planning::Planned {
            mut plan,
            names,
            options,
        } => Ok(Some(Planned {
            // Lease (issue 14): `plan` counts the writes the apply's lease will make.
            plan: {
                let rate = session.client.write_rate().unwrap_or(Rate::SECODA_WRITES);
                plan.lease_writes =
                    crate::apply::lease::planned_writes(plan.summary().writes(), rate);
                plan
            },
            names,
            options,
            fingerprint: loaded.fingerprint.clone(),
        })),
        Planning::Unresolved(errors) => report_unresolved(&errors, printer),
    }
}

fn report_unresolved(errors: &[ResolveError], printer: &Printer) -> Result<Option<Planned>> {
    for e in errors {
        printer.error(e);
    }
    printer.status(format!(
        "{} in the manifests did not resolve: nothing was planned or applied",
        count(errors.len(), "name", "names")
    ));
    Ok(None)
}

/// Renders `plan` to `w` at the session's write rate (Secoda's 30/min when unpaced, so the
/// estimate is what a real workspace would take).
pub(crate) fn print_plan(
    plan: &Plan,
    format: Format,
    names: &Names,
    session: &Session,
    printer: &Printer,
    w: &mut impl std::io::Write,
) -> Result<()> {
    // Twins (issue 14): named on every plan shown, never hidden.
    for twins in &plan.twins {
        printer.warn(twins);
    }
    let ctx = RenderContext {
        write_rate: session.client.write_rate().unwrap_or(Rate::SECODA_WRITES),
        names,
        color: printer.color(),
    };
    // Buffered: stdout flushes at every newline, a syscall per line of a large plan.
    let mut w = std::io::BufWriter::new(w);
    render::render(plan, format, &ctx, &mut w)
        .and_then(|()| w.flush())
        .map_err(|source| Error::Io {
            action: "write",
            path: "the plan".into(),
            source,
        })
}
