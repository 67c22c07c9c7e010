//! `secoda-sync migrate-report`: load vendor exports and print what the migration carries.

use super::session::run_in_session;
use crate::api::Rate;
use crate::cli::{MigrateFormat, MigrateReportArgs};
use crate::error::{Error, Exit, Result};
use crate::manifest::presets::{LeftOutOwner as ReportedOwner, MigrationReport};
use crate::manifest::{self, LoadOptions};
use crate::output::Printer;
use crate::plan::resolve::left_out_owners;
use crate::workspace::fetch_lookups;
use std::io::Write;

/// Runs `migrate-report`.
///
/// # Errors
/// When stdout cannot be written.
pub(crate) fn run(args: &MigrateReportArgs, printer: &Printer) -> Result<Exit> {
    let loaded = manifest::load(&LoadOptions::from(&args.manifests));
    let mut report = MigrationReport::new(&loaded, args.manifests.input.types.into());
    if args.workspace {
        let concurrency = usize::from(args.connection.concurrency);
        let (left_out, present) = run_in_session(&args.connection, printer, async |session| {
            let lookups = fetch_lookups(&session.client, &loaded.set, concurrency).await?;
            let present: Vec<String> = report
                .tags
                .iter()
                .filter(|t| lookups.tags.iter().any(|l| l.name.eq_ignore_ascii_case(t)))
                .cloned()
                .collect();
            Ok((left_out_owners(&loaded.set, &lookups), present))
        })?;
        report.left_out_owners = Some(
            left_out
                .into_iter()
                .map(|o| ReportedOwner {
                    name: o.name,
                    resource: o.item,
                    at: o.origin.to_string(),
                })
                .collect(),
        );
        report = report.with_tags_present(present);
    }
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
