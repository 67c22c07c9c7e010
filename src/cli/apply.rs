//! `secoda-sync apply` arguments.

use super::{ConnectionArgs, ManifestArgs, PlanningArgs};
use clap::Args;
use std::path::PathBuf;

const AFTER_HELP: &str = "\
Examples:
  secoda-sync apply --sandbox --auto-approve examples/ecommerce/
  secoda-sync apply manifests/                      # asks `Apply these N changes? [y/N]`
  secoda-sync apply manifests/ --prune --auto-approve --max-deletes 50
  secoda-sync apply --plan plan.json --auto-approve # exactly a plan saved with `plan --out`
  secoda-sync apply manifests/ --auto-approve --run-monitors   # then run what changed
  secoda-sync apply manifests/ --auto-approve --strict  # exit 1 if Secoda drops a field

Ctrl-C (or SIGTERM) stops starting new calls and lets the ones in flight finish; a second
abandons them. Re-running apply finishes the job without duplicates.

Exit codes:
  0    every change made (or nothing to do)
  1    invalid input, refused (safety cap, no-delete-used, stale plan, no confirmation),
       a failed change, property writes held back because Secoda refused or did not keep
       a tracking field (hint: --property-types definition), a --run-monitors run that
       could not be started, or with --strict a field Secoda did not keep
  130  interrupted (Ctrl-C)
  143  terminated (SIGTERM): handled as the first Ctrl-C, reported and saved";

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
    #[arg(long, value_name = "FILE", conflicts_with_all = ["paths", "prune", "target", "owner_tag", "monitors_delete", "allow_used_deletes"])]
    pub plan: Option<PathBuf>,
    /// Do not ask for confirmation.
    #[arg(long)]
    pub auto_approve: bool,
    /// Print the result as JSON on stdout (each change with its status and id, the fields not
    /// kept, and whether the workspace's record of them was written; schema:
    /// schemas/apply.schema.json); the plan goes to stderr.
    #[arg(long)]
    pub json: bool,
    /// After the apply, run the monitors it created or changed (not disabled, deleted or
    /// failed ones) and print the job id.
    #[arg(long)]
    pub run_monitors: bool,
    /// Exit 1 when Secoda accepted a write but its answer did not keep a field sent (the
    /// read-back check; listed as `not_kept` in `--json`).
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub lock: LockArgs,
}

/// The apply lease: one apply per integration at a time.
#[derive(Debug, Clone, Args)]
pub struct LockArgs {
    /// How long to wait for another apply's lease on the integration to go: `0` (fail at
    /// once), `90s`, `10m`, `1h`.
    #[arg(long, value_name = "DURATION", default_value = "0",
          value_parser = crate::apply::lease::parse_duration)]
    pub lock_timeout: std::time::Duration,
    /// Take no lease (another apply may then run at the same time; creates still adopt twins).
    #[arg(long, conflicts_with = "lock_timeout")]
    pub no_lock: bool,
    /// How long a lease lives unless renewed (for tests; default 5m).
    #[arg(long, hide = true, env = "SECODA_LEASE_TTL", value_name = "DURATION",
          value_parser = crate::apply::lease::parse_duration)]
    pub lease_ttl: Option<std::time::Duration>,
    /// How often the holder renews its lease (for tests; default 2m).
    #[arg(long, hide = true, env = "SECODA_LEASE_RENEW_EVERY", value_name = "DURATION",
          value_parser = crate::apply::lease::parse_duration)]
    pub lease_renew_every: Option<std::time::Duration>,
}

impl LockArgs {
    /// The lease timings these flags (or their environment variables) set, over the
    /// defaults: `(time to live, renewal interval)`.
    #[must_use]
    pub fn lease_timings(&self) -> (std::time::Duration, std::time::Duration) {
        (
            self.lease_ttl.unwrap_or(crate::apply::lease::TTL),
            self.lease_renew_every
                .unwrap_or(crate::apply::lease::RENEW_EVERY),
        )
    }
}
