//! `secoda-sync monitors ...`: read-only views of the workspace's monitors.

use super::session::run_in_session;
use crate::cli::{MonitorsCommand, StatusArgs, StatusFormat};
use crate::error::{Error, Exit, Result};
use crate::monitor_status::{self, StatusDocument};
use crate::output::Printer;

/// Runs a `monitors` subcommand.
///
/// # Errors
/// A connection or API failure, or output that cannot be written.
pub(crate) fn run(cmd: &MonitorsCommand, printer: &Printer) -> Result<Exit> {
    match cmd {
        MonitorsCommand::Status(args) => status(args, printer),
    }
}

fn status(args: &StatusArgs, printer: &Printer) -> Result<Exit> {
    let concurrency = usize::from(args.connection.concurrency);
    let observed = run_in_session(&args.connection, printer, async |session| {
        Ok(monitor_status::read(&session.client, args.incidents, concurrency).await?)
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
