//! `secoda-sync validate`: load and check manifests, report every problem, touch no network.

use crate::cli::ManifestArgs;
use crate::error::{Error, Exit, Result};
use crate::manifest::diagnostics::DiagnosticsReport;
use crate::manifest::{self, LoadOptions, Severity};
use crate::output::{count, Printer, Verbosity};
use clap::{Args, ValueEnum};
use std::io::Write;

const AFTER_HELP: &str = "\
Loads every file (YAML, CSV, JSONL; a directory loads its manifests, not recursively), merges
them, applies defaults and reports ALL problems as `file:line:column: error[code]: message`,
then prints a summary (counts per kind) on stdout. Touches no network.

Examples:
  secoda-sync validate examples/ecommerce/
  secoda-sync validate plan.csv --integration Segment --csv-map map.yaml
  cat plan.jsonl | secoda-sync validate - --stdin-format jsonl
  secoda-sync validate --format json manifests/ > diagnostics.json

Exit codes:
  0    valid (warnings allowed unless --strict)
  1    errors found (or warnings with --strict), or a file could not be read";

/// Check manifests without touching the network.
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub manifests: ManifestArgs,
    /// How to report: text diagnostics on stderr, or one JSON document on stdout.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
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
}

/// Runs `validate`.
///
/// # Errors
/// When stdout cannot be written.
pub fn run(args: &ValidateArgs, printer: &Printer) -> Result<Exit> {
    let loaded = manifest::load(&LoadOptions::from(&args.manifests));
    let errors = loaded.count(Severity::Error);
    let warnings = loaded.count(Severity::Warning);
    let ok = errors == 0 && (!args.strict || warnings == 0);
    let counts = loaded.set.counts();
    let stdout_err = |source| Error::Io {
        action: "write",
        path: "stdout".into(),
        source,
    };
    match args.format {
        ReportFormat::Json => {
            let report = DiagnosticsReport {
                ok,
                errors,
                warnings,
                counts,
                diagnostics: &loaded.diagnostics,
            };
            let mut out = printer.stdout();
            serde_json::to_writer_pretty(&mut out, &report).map_err(|e| stdout_err(e.into()))?;
            writeln!(out).map_err(stdout_err)?;
        }
        ReportFormat::Text => {
            // Buffered: a large set can bring thousands of diagnostics, each several writes.
            let mut err = std::io::BufWriter::new(printer.stderr());
            let sources = printer.color().then_some(&loaded.sources);
            for d in &loaded.diagnostics {
                if printer.verbosity() == Verbosity::Quiet && !d.is_error() {
                    continue;
                }
                // A closed stderr must not hide the verdict, which the exit code still carries.
                let _ = d.render(&mut err, printer.color(), sources);
            }
            let _ = err.flush();
            let summary = [
                count(counts.categories, "category", "categories"),
                count(counts.events, "event", "events"),
                count(counts.properties, "property", "properties"),
                count(counts.monitors, "monitor", "monitors"),
            ]
            .join(", ");
            let tail = match (errors, warnings) {
                (0, 0) => String::new(),
                (e, w) => format!(" ({})", plural_counts(e, w)),
            };
            let verdict = if ok { "ok" } else { "invalid" };
            writeln!(printer.stdout(), "{verdict}: {summary}{tail}").map_err(stdout_err)?;
        }
    }
    Ok(if ok { Exit::Success } else { Exit::Failure })
}

fn plural_counts(errors: usize, warnings: usize) -> String {
    let mut parts = Vec::with_capacity(2);
    if errors > 0 {
        parts.push(count(errors, "error", "errors"));
    }
    if warnings > 0 {
        parts.push(count(warnings, "warning", "warnings"));
    }
    parts.join(", ")
}
