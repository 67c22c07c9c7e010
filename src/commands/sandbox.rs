//! `secoda-sync sandbox serve`: run the Secoda-compatible emulator.

use crate::error::{Error, Exit, Result};
use crate::output::Printer;
use clap::Subcommand;

/// Sandbox subcommands.
#[derive(Debug, Subcommand)]
pub enum SandboxCommand {
    /// Serve the emulator until Ctrl-C.
    Serve {},
}

/// Runs a sandbox subcommand.
///
/// # Errors
/// Not wired yet.
pub fn run(_cmd: SandboxCommand, _printer: &Printer) -> Result<Exit> {
    Err(Error::Usage("sandbox is not wired yet".into()))
}
