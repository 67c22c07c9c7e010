//! `secoda-sync unlock RUN_ID`: remove an apply lease whose holder died (wiring only).

use super::session::run_in_session;
use crate::apply::lease;
use crate::cli::UnlockArgs;
use crate::error::{Exit, Result};
use crate::output::Printer;
use std::io::Write as _;

/// Runs `unlock`.
///
/// # Errors
/// A connection or API failure, or output that cannot be written.
pub fn run(args: &UnlockArgs, printer: &Printer) -> Result<Exit> {
    run_in_session(&args.connection, printer, async |session| {
        let removed = lease::unlock(&session.client, args.run.trim()).await?;
        if removed == 0 {
            printer.status(format!(
                "error: no lease is held by run {} (it may have ended or expired)",
                args.run
            ));
            return Ok(Exit::Failure);
        }
        let mut out = printer.stdout();
        let _ = writeln!(out, "Removed the lease of run {}.", args.run.trim());
        Ok(Exit::Success)
    })
}
