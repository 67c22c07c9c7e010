//! `secoda-sync schema`: print the JSON Schemas generated from the manifest types.

use crate::error::{Error, Exit, Result};
use crate::output::Printer;
use clap::Args;

/// Print the JSON Schemas of the manifest formats.
#[derive(Debug, Args)]
pub struct SchemaArgs {}

/// Runs `schema`.
///
/// # Errors
/// Not wired yet.
pub fn run(_args: &SchemaArgs, _printer: &Printer) -> Result<Exit> {
    Err(Error::Usage("schema is not wired yet".into()))
}
