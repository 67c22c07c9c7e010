//! `secoda-sync schema` arguments.

use clap::{Args, ValueEnum};
use std::path::PathBuf;

const AFTER_HELP: &str = "\
Editors use the schemas to complete and check manifests: start a YAML manifest with
  # yaml-language-server: $schema=schemas/manifest.schema.json

Examples:
  secoda-sync schema                          # manifest schema on stdout
  secoda-sync schema --which jsonl-record     # JSONL record schema on stdout
  secoda-sync schema --out-dir schemas/       # write both files";

/// Print or write the JSON Schemas of the manifest formats.
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub struct SchemaArgs {
    /// Which schema to print.
    #[arg(long, value_enum, default_value_t = Which::Manifest, conflicts_with = "out_dir")]
    pub which: Which,
    /// Write `manifest.schema.json` and `jsonl-record.schema.json` into this directory.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

/// The schemas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Which {
    /// YAML manifest files.
    Manifest,
    /// One JSONL line.
    JsonlRecord,
}
