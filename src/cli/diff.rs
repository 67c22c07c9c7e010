//! `secoda-sync diff` arguments.

use super::InputArgs;
use crate::plan::class::Class;
use crate::plan::render::Format;
use crate::plan::Key;
use clap::Args;
use std::path::PathBuf;

const AFTER_HELP: &str = "\
Compares two manifest sets without a workspace or a token (a pull request from a fork has
neither): what `plan` would show against a workspace the base set had just been applied to.
Removals are marked `no longer managed` (apply leaves them alone) and say what --prune does;
with --prune they are planned as deletes.

Examples:
  secoda-sync diff old/ manifests/
  secoda-sync diff --base-ref origin/main manifests/ --format markdown > diff.md
  secoda-sync diff --base-ref HEAD~1 examples/ecommerce/ --format json
  secoda-sync diff --base-ref origin/main manifests/ --format github --fail-on breaking

Exit codes:
  0    compared (with --detailed-exitcode: no changes)
  1    invalid manifests in either set, a base ref that cannot be read, or (--fail-on)
       changes of the class named or a more severe one
  2    changes (--detailed-exitcode only)";

/// Compare two manifest sets offline and show what the newer one changes.
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub struct DiffArgs {
    /// `BASE NEW` (two files or directories); with --base-ref, only the new paths (the base
    /// is the same paths at the ref; none: the config file's `manifests`).
    #[arg(value_name = "PATHS", required = true)]
    pub paths: Vec<PathBuf>,
    /// Read the base set from git at this ref (a branch, tag or commit).
    #[arg(long, value_name = "REF", help_heading = "Manifests")]
    pub base_ref: Option<String>,
    #[command(flatten)]
    pub input: InputArgs,
    /// Show removals as `plan --prune` would: deletes (monitors disabled), counted as writes.
    /// Without it a removal is listed as "no longer managed" and costs nothing, as `apply`
    /// leaves it in Secoda.
    #[arg(long)]
    pub prune: bool,
    /// Limit the comparison to a subtree (repeatable), as `plan --target`.
    #[arg(long, value_name = "KEY", value_parser = Key::parse_path, help_heading = "Planning")]
    pub target: Vec<Key>,
    /// Leave a subtree out (repeatable), as `plan --exclude`.
    #[arg(long, value_name = "KEY", value_parser = Key::parse_path, help_heading = "Planning")]
    pub exclude: Vec<Key>,
    /// How to print the comparison on stdout.
    #[arg(long, value_enum, default_value_t = Format::Text, help_heading = "Output")]
    pub format: Format,
    /// Exit 1 when a change of this class or a more severe one is present, naming them on
    /// stderr (breaking > addition > revision): the gate of a pull-request check. Wins over
    /// --detailed-exitcode.
    #[arg(long, value_enum, value_name = "CLASS", help_heading = "Output")]
    pub fail_on: Option<Class>,
    /// Exit 0 when the sets plan to no changes, 2 when they differ, 1 on error.
    #[arg(long, help_heading = "Output")]
    pub detailed_exitcode: bool,
}
