//! `secoda-sync config` arguments.

use clap::Args;

const AFTER_HELP: &str = "\
Settings come from flags, then environment variables, then the project config file
(secoda-sync.toml at the repository root, --config FILE or SECODA_SYNC_CONFIG), then the
defaults. Only flags typed on the command line conflict with each other; every value is
checked as its flag is (concurrency 1 to 256, max_delete_percent 0 to 100, lock_timeout at
most 24h). A password in api_url prints as `***`; the API token is never printed, only
whether one is set.

Example secoda-sync.toml:
  region = \"eu\"
  write_rate = \"30/min\"
  manifests = [\"manifests/\"]
  owner_tag = \"secoda-sync\"
  max_deletes = 10

Examples:
  secoda-sync config
  secoda-sync config --config ci/secoda-sync.toml";

/// Print the effective settings and where each comes from.
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub struct ConfigArgs {}
