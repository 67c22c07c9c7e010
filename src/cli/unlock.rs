//! `secoda-sync unlock`'s arguments.

use super::ConnectionArgs;
use clap::Args;

const AFTER_HELP: &str = "\
Examples:
  secoda-sync unlock 3f2c9a4e-8d1b-4c5e-9a7f-0b6d2e1c4a58

The run id is the one `apply` names in `another apply holds the lease: run <id>, ...`. Only
remove the lease of a run that is no longer going: a live apply renews it every 2 minutes,
and a lease left unrenewed expires after 5.

Exit codes:
  0    the lease was removed
  1    no lease of that run, or an API failure";

/// Remove the apply lease of a run that died, so other applies need not wait for it to expire.
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub struct UnlockArgs {
    /// The run id the lease message names.
    #[arg(value_name = "RUN_ID")]
    pub run: String,
    #[command(flatten)]
    pub connection: ConnectionArgs,
}
