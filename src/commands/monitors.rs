//! `secoda-sync monitors ...`: read-only views of the workspace's monitors.

use super::session::run_in_session;
use crate::cli::ConnectionArgs;
use crate::error::{Error, Exit, Result};
use crate::monitors::{self, StatusDocument};
use crate::output::Printer;
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
    #[arg(long)]
    pub incidents: bool,
    /// How to print the status on stdout.
    #[arg(long, value_enum, default_value_t = StatusFormat::Text)]
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

/// Runs a `monitors` subcommand.
///
/// # Errors
/// A connection or API failure, or output that cannot be written.
pub fn run(cmd: &MonitorsCommand, printer: &Printer) -> Result<Exit> {
    match cmd {
        MonitorsCommand::Status(args) => status(args, printer),
    }
}

fn status(args: &StatusArgs, printer: &Printer) -> Result<Exit> {
    let concurrency = usize::from(args.connection.concurrency);
    let observed = run_in_session(&args.connection, printer, async |session| {
        Ok(monitors::read(&session.client, args.incidents, concurrency).await?)
    })?;
    let doc = StatusDocument::new(observed);
    let mut out = printer.stdout();
    match args.format {
        StatusFormat::Text => doc.render_text(&mut out),
        StatusFormat::Json => doc.render_json(&mut out),
    }
    .map_err(|source| Error::Io {
        action: "write",
        path: "stdout".into(),
        source,
    })?;
    Ok(Exit::Success)
}
