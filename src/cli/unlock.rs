//! `secoda-sync unlock`'s arguments.

use super::ConnectionArgs;
use clap::Args;

const AFTER_HELP: &str = "\
Examples:
  secoda-sync unlock 3f2c9a4e-8d1b-4c5e-9a7f-0b6d2e1c4a58

The run id is the one `apply` names in `another apply holds the lease: run <id>, ...` (for a
lease whose description cannot be read, its event id). Only remove the lease of a run that is
no longer going: a live apply renews it every 7 minutes, and a lease left unrenewed expires
after 15. A lease renewed within the last 10m30s is refused unless --force is given:
removing a live apply's lease lets a second apply write beside it.

Exit codes:
  0    the lease was removed
  1    no lease of that run, a lease still renewed (without --force), or an API failure";

/// Remove the apply lease of a run that died, so other applies need not wait for it to expire.
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub struct UnlockArgs {
    /// The run id the lease message names.
    #[arg(value_name = "RUN_ID")]
    pub run: String,
    /// Remove the lease even though its holder renewed it recently (that apply then stops at
    /// its next write or renewal, but another apply may start writing beside it first).
    #[arg(long)]
    pub force: bool,
    /// How often a holder renews its lease (for tests; default 2m).
    #[arg(long, hide = true, env = "SECODA_LEASE_RENEW_EVERY", value_name = "DURATION",
          value_parser = super::numbers::lock_timeout)]
    pub lease_renew_every: Option<std::time::Duration>,
    #[command(flatten)]
    pub connection: ConnectionArgs,
}
