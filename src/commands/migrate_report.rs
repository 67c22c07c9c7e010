//! `secoda-sync migrate-report`: load vendor exports and print what the migration carries.

use crate::api::Rate;
use crate::cli::{MigrateFormat, MigrateReportArgs};
use crate::error::{Error, Exit, Result};
use crate::manifest::presets::MigrationReport;
use crate::manifest::{self, LoadOptions};
use crate::output::Printer;
use std::io::Write;

/// Runs `migrate-report`.
///
/// # Errors
/// When stdout cannot be written.
pub(crate) fn run(args: &MigrateReportArgs, printer: &Printer) -> Result<Exit> {
    let loaded = manifest::load(&LoadOptions::from(&args.manifests));
    let report = MigrationReport::new(&loaded, args.manifests.input.types.into());
    // As `plan` counts them: the apply's lease writes too, at Secoda's pace.
    let lease = crate::apply::lease::planned_writes(report.writes, Rate::SECODA_WRITES);
    let report = report.with_lease_writes(lease);
    let stdout_err = |source| Error::Io {
        action: "write",
        path: "stdout".into(),
        source,
    };
    let mut out = printer.stdout();
    match args.format {
        MigrateFormat::Text => report.write_text(&mut out),
        MigrateFormat::Markdown => report.write_markdown(&mut out),
        MigrateFormat::Json => serde_json::to_writer_pretty(&mut out, &report)
            .map_err(std::io::Error::from)
            .and_then(|()| writeln!(out)),
    }
    .map_err(stdout_err)?;
    Ok(if report.errors == 0 {
        Exit::Success
    } else {
        Exit::Failure
    })
}
