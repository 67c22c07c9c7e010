//! An audit as text, JSON or markdown (a PR comment or an issue).

use super::Audit;
use crate::output::count;
use std::io::{self, Write};

/// How to print an audit (`audit --format`; the variants' comments are its values' help).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Findings, counts per rule and the score.
    Text,
    /// One JSON document.
    Json,
    /// A markdown report.
    Markdown,
}

/// Writes the audit in a format.
///
/// # Errors
/// When the writer fails.
pub(crate) fn render(audit: &Audit, format: Format, w: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *w, audit)?;
            writeln!(w)
        }
        Format::Text => {
            for f in &audit.findings {
                let id = f.id.as_deref().unwrap_or("-");
                writeln!(
                    w,
                    "{}[{}]: {} ({id}): {}",
                    f.severity, f.rule, f.key, f.message
                )?;
                if let Some(h) = &f.hint {
                    writeln!(w, "  = hint: {h}")?;
                }
            }
            for r in &audit.rules {
                writeln!(w, "{:<22} {}", r.rule, r.findings)?;
            }
            writeln!(
                w,
                "Audit of {}: score {}% ({} of {} without findings), {}, {}.",
                audit.integration,
                audit.score,
                audit.clean,
                count(audit.resources, "resource", "resources"),
                count(audit.errors, "error", "errors"),
                count(audit.warnings, "warning", "warnings")
            )
        }
        Format::Markdown => {
            writeln!(w, "## Tracking-plan audit: {}\n", audit.integration)?;
            writeln!(
                w,
                "**Score {}%**: {} of {} without findings; {}, {}.\n",
                audit.score,
                audit.clean,
                count(audit.resources, "resource", "resources"),
                count(audit.errors, "error", "errors"),
                count(audit.warnings, "warning", "warnings")
            )?;
            writeln!(w, "| rule | findings |\n|---|---|")?;
            for r in &audit.rules {
                writeln!(w, "| `{}` | {} |", r.rule, r.findings)?;
            }
            if !audit.findings.is_empty() {
                writeln!(
                    w,
                    "\n| severity | rule | resource | id | finding |\n|---|---|---|---|---|"
                )?;
                for f in &audit.findings {
                    let msg = f.message.replace('|', "\\|");
                    let id = f.id.as_deref().unwrap_or("");
                    writeln!(
                        w,
                        "| {} | `{}` | {} | `{id}` | {msg} |",
                        f.severity,
                        f.rule,
                        f.key.replace('|', "\\|")
                    )?;
                }
            }
            Ok(())
        }
    }
}
