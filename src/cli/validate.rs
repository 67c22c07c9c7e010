//! `secoda-sync validate` arguments.

use super::ManifestArgs;
use clap::{Args, ValueEnum};

const AFTER_HELP: &str = "\
Loads every file (YAML, CSV, JSONL; a directory loads its manifests, not recursively), merges
them, applies defaults and reports ALL problems as `file:line:column: error[code]: message`,
then prints a summary (counts per kind) on stdout. Touches no network.

Examples:
  secoda-sync validate examples/ecommerce/
  secoda-sync validate plan.csv --integration Segment --csv-map map.yaml
  cat plan.jsonl | secoda-sync validate - --stdin-format jsonl
  secoda-sync validate --format json manifests/ > diagnostics.json
  secoda-sync validate --format github manifests/

Exit codes:
  0    valid (warnings allowed unless --strict)
  1    errors found (or warnings with --strict), or a file could not be read";

/// Check manifests without touching the network.
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub manifests: ManifestArgs,
    /// How to report: text diagnostics on stderr, one JSON document on stdout, or GitHub
    /// Actions annotations on stdout.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text, help_heading = "Output")]
    pub format: ReportFormat,
    /// Fail on warnings too.
    #[arg(long)]
    pub strict: bool,
}

/// `validate --format` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Human-readable diagnostics on stderr, summary on stdout.
    Text,
    /// `{"ok", "errors", "warnings", "counts", "diagnostics": [...]}` on stdout.
    Json,
    /// One GitHub Actions workflow command per diagnostic on stdout (`::error
    /// file=F,line=L,col=C,title=CODE::message`), then the summary line: a pull request shows
    /// each on its line.
    Github,
}
