//! `secoda-sync plan` arguments.

use super::{ConnectionArgs, ManifestArgs, PlanningArgs};
use crate::plan::class::Class;
use crate::plan::render::Format;
use clap::Args;
use std::path::PathBuf;

const AFTER_HELP: &str = "\
Examples:
  secoda-sync plan --sandbox examples/ecommerce/
  secoda-sync plan manifests/ --prune --format markdown > plan.md
  secoda-sync plan manifests/ --out plan.json --detailed-exitcode
  secoda-sync plan manifests/ --target 'Checkout/Order Completed' --format json
  secoda-sync plan manifests/ --format github --fail-on breaking

Exit codes:
  0    planned (with --detailed-exitcode: no changes)
  1    invalid manifests, unknown names, or an API failure (nothing is written); with
       --fail-on, changes of the class named or a more severe one
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
    #[arg(long, value_enum, default_value_t = Format::Text, help_heading = "Output")]
    pub format: Format,
    /// Also save the plan (with the `updated_at` of what it touches, and a fingerprint of its
    /// content that `apply --plan FILE` checks, so an edited file is refused).
    #[arg(long, value_name = "FILE", help_heading = "Output")]
    pub out: Option<PathBuf>,
    /// Exit 1 when a change of this class or a more severe one is present, naming them on
    /// stderr (breaking > addition > revision): the gate of a pull-request check. Wins over
    /// --detailed-exitcode.
    #[arg(long, value_enum, value_name = "CLASS", help_heading = "Output")]
    pub fail_on: Option<Class>,
    /// Exit 0 when there are no changes, 2 when changes are pending, 1 on error.
    #[arg(long, help_heading = "Output")]
    pub detailed_exitcode: bool,
    /// Mark as drift the changes to resources the manifests have not changed since REF (the
    /// commit last applied): edits made in Secoda, not in git.
    #[arg(long, value_name = "REF", help_heading = "Planning")]
    pub since_ref: Option<String>,
}
