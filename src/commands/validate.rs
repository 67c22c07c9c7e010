//! `secoda-sync validate`: load and check manifests, report every problem, touch no network.

use crate::cli::{ReportFormat, ValidateArgs};
use crate::error::{Error, Exit, Result};
use crate::manifest::diagnostics::DiagnosticsReport;
use crate::manifest::{self, LoadOptions, Severity};
use crate::output::{count, Printer};
use crate::pipeline::print_diagnostics;
use std::io::Write;

/// Runs `validate`.
///
/// # Errors
/// When stdout cannot be written.
pub(crate) fn run(args: &ValidateArgs, printer: &Printer) -> Result<Exit> {
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
        ReportFormat::Text | ReportFormat::Github => {
            if args.format == ReportFormat::Github {
                let mut out = std::io::BufWriter::new(printer.stdout());
                for d in &loaded.diagnostics {
                    writeln!(out, "{}", d.github()).map_err(stdout_err)?;
                }
                out.flush().map_err(stdout_err)?;
            } else {
                print_diagnostics(&loaded, printer);
            }
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
