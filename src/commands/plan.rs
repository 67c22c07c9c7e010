//! `secoda-sync plan`: show what apply would change, without changing anything.

use super::session::{run_in_session, Session};
use crate::cli::{ConnectionArgs, ManifestArgs};
use crate::error::{Error, Exit, Result};
use crate::manifest::{LoadOptions, Loaded};
use crate::output::Printer;
use crate::pipeline::{load_manifests, make_plan, print_plan};
use crate::plan::render::Format;
use crate::plan::saved::SavedPlan;
use crate::plan::{DiffOptions, Key};
use clap::Args;
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
    let Some(loaded) = load_manifests(&LoadOptions::from(&args.manifests), printer) else {
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
    let Some(planned) = make_plan(
        loaded,
        args.planning.owner_tag.as_deref(),
        args.planning.diff_options(),
        &session.client,
        concurrency,
        printer,
    )
    .await?
    else {
        return Ok(Exit::Failure);
    };
    print_plan(
        &planned.plan,
        args.format,
        &planned.names,
        &session.client,
        printer,
        &mut printer.stdout(),
    )
    .map_err(Error::writing("the plan"))?;
    let pending = !planned.plan.summary().is_empty();
    if let Some(path) = &args.out {
        // The plan moves into the file's document: a 100,000-change plan is not copied.
        let saved = SavedPlan::new(
            planned.plan,
            &session.origin,
            planned.fingerprint,
            &planned.options,
        );
        saved.save(path)?;
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

impl PlanningArgs {
    /// The diff options these flags describe (`owner_tag` is resolved by the pipeline).
    #[must_use]
    pub fn diff_options(&self) -> DiffOptions {
        DiffOptions {
            prune: self.prune,
            owner_tag: None,
            targets: self.target.clone(),
            max_deletes: self.max_deletes,
            max_delete_percent: self.max_delete_percent,
            monitors_delete: self.monitors_delete,
        }
    }
}
