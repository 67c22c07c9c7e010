//! `secoda-sync validate`: load and check manifests, report every problem, touch no network.

use crate::cli::ManifestArgs;
use crate::error::{Error, Exit, Result};
use crate::output::Printer;
use clap::Args;

/// Check manifests without touching the network.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub manifests: ManifestArgs,
}

/// Runs `validate`.
///
/// # Errors
/// Not wired yet.
pub fn run(_args: &ValidateArgs, _printer: &Printer) -> Result<Exit> {
    Err(Error::Usage("validate is not wired yet".into()))
}
