//! `secoda-sync export` arguments.

use super::{ConnectionArgs, InputFormat, PropertyTypesArgs};
use clap::Args;
use std::path::PathBuf;

const AFTER_HELP: &str = "\
Examples:
  secoda-sync export --integration Segment --out tracking-plan/segment.yaml
  secoda-sync export --integration Segment --include-monitors --format jsonl > plan.jsonl
  secoda-sync export --integration Segment --format csv --category Checkout --out checkout.csv
  secoda-sync export --sandbox --integration Segment

Adopting a workspace that already holds events: export, commit the file, then
`secoda-sync plan <file>` shows `No changes`; edit the file and plan/apply from there.

Output is sorted by key, so re-exports diff cleanly in git. Fields the server holds empty
are left out (unmanaged); pii, verified and published are always written. CSV cannot hold
monitors: use --format yaml or jsonl with --include-monitors.

With --property-types definition, the tracking block that `apply --property-types definition`
writes into each property's definition is read back into type, is_required, is_array_type,
enum_values and regex, and the rest of the text stays the definition; a malformed block is a
warning. With --property-types off, those fields are left out.";

/// Write the workspace's categories, events and properties (and monitors) as a manifest.
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub struct ExportArgs {
    /// The integration to export (name or UUID); required here or as the config file's
    /// `integration`.
    #[arg(long, value_name = "NAME|UUID")]
    pub integration: Option<String>,
    /// Manifest format to write.
    #[arg(long, value_enum, default_value_t = InputFormat::Yaml, help_heading = "Output")]
    pub format: InputFormat,
    /// Write to this file (atomically: a temp file renamed over it) instead of stdout.
    #[arg(long, value_name = "PATH", help_heading = "Output")]
    pub out: Option<PathBuf>,
    /// Also export every monitor of the workspace (yaml and jsonl only).
    #[arg(long)]
    pub include_monitors: bool,
    /// Only this category (repeatable); an unknown title lists the existing ones.
    #[arg(long, value_name = "TITLE")]
    pub category: Vec<String>,
    #[command(flatten)]
    pub types: PropertyTypesArgs,
    #[command(flatten)]
    pub connection: ConnectionArgs,
}
