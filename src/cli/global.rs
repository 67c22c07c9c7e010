//! Options every command takes: verbosity and colour.

use crate::output::{ColorChoice, Printer, Verbosity};
use clap::Args;
use std::path::PathBuf;

/// Options every command takes.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// More output on stderr: -v logs each API call, -vv adds bodies (token redacted).
    #[arg(short, long, action = clap::ArgAction::Count, global = true, help_heading = "Output")]
    pub verbose: u8,
    /// Only errors on stderr.
    #[arg(
        short,
        long,
        global = true,
        conflicts_with = "verbose",
        help_heading = "Output"
    )]
    pub quiet: bool,
    /// When to use colour on stderr (NO_COLOR is honoured by `auto`).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true,
          help_heading = "Output")]
    pub color: ColorChoice,
    /// Project config file [default: secoda-sync.toml in this directory or up to the
    /// repository root; SECODA_SYNC_CONFIG].
    #[arg(long, value_name = "FILE", global = true)]
    pub config: Option<PathBuf>,
    /// The config file's environment to use: its `[env.NAME]` table's values stand over the
    /// top level's (a staging and a production workspace) [env: SECODA_SYNC_ENV].
    #[arg(long, value_name = "NAME", global = true)]
    pub env: Option<String>,
}

impl GlobalArgs {
    /// The printer these flags ask for (`-q` wins; `-v` counts up to `-vv`).
    #[must_use]
    pub fn printer(&self) -> Printer {
        let verbosity = match (self.quiet, self.verbose) {
            (true, _) => Verbosity::Quiet,
            (false, 0) => Verbosity::Normal,
            (false, 1) => Verbosity::Verbose,
            (false, _) => Verbosity::Debug,
        };
        Printer::new(verbosity, self.color)
    }
}
