//! `secoda-sync plan`: show what apply would change, without changing anything.

use crate::cli::{ConnectionArgs, ManifestArgs};
use crate::error::{Error, Exit, Result};
use crate::output::Printer;
use crate::plan::Key;
use clap::{Args, ValueEnum};
use std::path::PathBuf;

/// Show what `apply` would change: creates, updates, deletes (with `--prune`) and differences
/// the API cannot fix.
///
/// Example:
///   secoda-sync plan --sandbox examples/ecommerce/ --format markdown --out plan.json
#[derive(Debug, Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub manifests: ManifestArgs,
    #[command(flatten)]
    pub connection: ConnectionArgs,
    #[command(flatten)]
    pub planning: PlanningArgs,
    /// How to print the plan on stdout (`json` prints only the JSON document).
    #[arg(long, value_enum, default_value_t = PlanFormat::Text)]
    pub format: PlanFormat,
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

/// `plan --format` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    /// Terraform-like listing.
    Text,
    /// The documented JSON document (schemas/plan.schema.json).
    Json,
    /// A pull-request comment.
    Markdown,
}

/// Runs `plan`.
///
/// # Errors
/// Not wired yet.
pub fn run(_args: &PlanArgs, _printer: &Printer) -> Result<Exit> {
    Err(Error::Usage("plan is not wired yet".into()))
}
