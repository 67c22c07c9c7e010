//! `secoda-sync audit`: the rules over a live integration, reported on stdout.

use super::session::run_in_session;
use crate::audit::{audit, render, AuditOptions};
use crate::cli::AuditArgs;
use crate::error::{Error, Exit, Result};
use crate::manifest::{self, IntegrationRef};
use crate::output::Printer;

/// Runs `audit`.
///
/// # Errors
/// A connection or API failure, an unknown integration, or stdout that cannot be written.
pub(crate) fn run(args: &AuditArgs, printer: &Printer) -> Result<Exit> {
    let rules = match &args.rules {
        Some(path) => {
            let (rules, diags) = manifest::load_rules(path);
            let mut err = printer.stderr();
            for d in &diags {
                let _ = d.render(&mut err, printer.color(), None);
            }
            if diags.iter().any(manifest::Diagnostic::is_error) {
                return Ok(Exit::Failure);
            }
            rules
        }
        None => manifest::rules::Rules::default(),
    };
    let opts = AuditOptions {
        integration: IntegrationRef::parse(&args.integration),
        rules,
        concurrency: usize::from(args.connection.concurrency),
    };
    let report = run_in_session(&args.connection, printer, async |session| {
        Ok(audit(&session.client, &opts).await?)
    })?;
    render(&report, args.format, &mut printer.stdout()).map_err(|source| Error::Io {
        action: "write",
        path: "stdout".into(),
        source,
    })?;
    Ok(if report.errors > 0 {
        Exit::Failure
    } else {
        Exit::Success
    })
}
