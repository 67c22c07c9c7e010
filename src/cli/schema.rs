//! `secoda-sync schema` arguments.

use clap::{Args, ValueEnum};
use std::path::PathBuf;

const AFTER_HELP: &str = "\
Editors use the schemas to complete and check manifests: start a YAML manifest with
  # yaml-language-server: $schema=schemas/manifest.schema.json

Examples:
  secoda-sync schema                          # manifest schema on stdout
  secoda-sync schema --which jsonl-record     # JSONL record schema on stdout
  secoda-sync schema --which apply            # `apply --json` document schema on stdout
  secoda-sync schema --out-dir schemas/       # write every file";

/// Print or write the JSON Schemas of the manifest formats and the `--json` documents.
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub struct SchemaArgs {
    /// Which schema to print.
    #[arg(long, value_enum, default_value_t = Which::Manifest, conflicts_with = "out_dir")]
    pub which: Which,
    /// Write every schema into this directory (`manifest.schema.json`,
    /// `jsonl-record.schema.json`, `plan.schema.json`, `apply.schema.json`,
    /// `doctor.schema.json`, `monitors-status.schema.json`).
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
    /// `plan --format json`.
    Plan,
    /// `apply --json`.
    Apply,
    /// `doctor --format json`.
    Doctor,
    /// `monitors status --format json`.
    MonitorsStatus,
}
