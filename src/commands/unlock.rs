//! `secoda-sync unlock RUN_ID`: remove an apply lease whose holder died (wiring only).

use super::session::run_in_session;
use crate::apply::lease::{self, Unlocked};
use crate::cli::UnlockArgs;
use crate::error::{Exit, Result};
use crate::output::Printer;
use std::io::Write as _;

/// Runs `unlock`.
///
/// # Errors
/// A connection or API failure, or output that cannot be written.
pub(crate) fn run(args: &UnlockArgs, printer: &Printer) -> Result<Exit> {
    run_in_session(&args.connection, printer, async |session| {
        let run = args.run.trim();
        let every = args.lease_renew_every.unwrap_or(lease::RENEW_EVERY);
        let mut out = printer.stdout();
        match lease::unlock(&session.client, run, every, args.force).await? {
            Unlocked::Removed(_) => {
                let _ = writeln!(out, "Removed the lease of run {run}.");
                Ok(Exit::Success)
            }
            Unlocked::NoLease => {
                printer.status(format!(
                    "error: no lease is held by run {run} (it may have ended or expired)"
                ));
                Ok(Exit::Failure)
            }
            Unlocked::Live { run, host, renewed } => {
                printer.status(format!(
                    "error: the lease of run {run} on {host} was renewed at {renewed}: that \
                     apply is still going. Removing its lease lets another apply write beside \
                     it (twins, lost updates) until it notices at its next write or renewal; \
                     wait for it, or pass --force if you are sure it is gone."
                ));
                Ok(Exit::Failure)
            }
        }
    })
}
