//! `secoda-sync monitors` subcommands and arguments.

use super::ConnectionArgs;
use clap::{Args, Subcommand, ValueEnum};

const STATUS_AFTER_HELP: &str = "\
Examples:
  secoda-sync monitors status
  secoda-sync monitors status --incidents
  secoda-sync monitors status --sandbox --format json   # schemas/monitors-status.schema.json";

/// The `monitors` subcommands.
#[derive(Debug, Subcommand)]
pub enum MonitorsCommand {
    /// List every monitor with its target, metric, status and last value (and, with
    /// --incidents, its open incidents).
    #[command(after_help = STATUS_AFTER_HELP)]
    Status(StatusArgs),
}

/// `monitors status` options.
#[derive(Debug, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub connection: ConnectionArgs,
    /// Also read the incidents and list the open ones per monitor.
    #[arg(long, help_heading = "Output")]
    pub incidents: bool,
    /// How to print the status on stdout.
    #[arg(long, value_enum, default_value_t = StatusFormat::Text, help_heading = "Output")]
    pub format: StatusFormat,
}

/// `monitors status --format` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusFormat {
    /// An aligned table.
    Text,
    /// The documented JSON document (schemas/monitors-status.schema.json).
    Json,
}
