//! `secoda-sync apply`: plan, confirm, then make the changes.

use super::plan::PlanningArgs;
use crate::cli::{ConnectionArgs, ManifestArgs};
use crate::error::{Error, Exit, Result};
use crate::output::Printer;
use clap::Args;
use std::path::PathBuf;

/// Make the workspace match the manifests: plans, shows the plan, asks for confirmation on a
/// terminal (elsewhere `--auto-approve` is required), then writes.
///
/// Examples:
///   secoda-sync apply --sandbox --auto-approve examples/ecommerce/
///   secoda-sync apply --plan plan.json --auto-approve
#[derive(Debug, Args)]
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
    /// Print the result as JSON on stdout (each change with its status and id).
    #[arg(long)]
    pub json: bool,
}

/// Runs `apply`.
///
/// # Errors
/// Not wired yet.
pub fn run(_args: &ApplyArgs, _printer: &Printer) -> Result<Exit> {
    Err(Error::Usage("apply is not wired yet".into()))
}
