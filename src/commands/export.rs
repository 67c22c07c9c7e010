//! `secoda-sync export`: write a live integration's tracking plan (and monitors) as manifests.

use super::session::run_in_session;
use crate::atomic::stage_with;
use crate::cli::{ExportArgs, InputFormat};
use crate::error::{Error, Exit, Result};
use crate::export::{export, ExportOptions};
use crate::manifest::write::{write_csv, write_jsonl, write_yaml, ManifestWriteError};
use crate::manifest::IntegrationRef;
use crate::output::{count, Printer};
use std::io::{BufWriter, Write};

/// Runs `export`.
///
/// # Errors
/// CSV asked to hold monitors, a connection or API failure, an unknown integration or
/// category, or output that cannot be written.
pub(crate) fn run(args: &ExportArgs, printer: &Printer) -> Result<Exit> {
    if args.include_monitors && args.format == InputFormat::Csv {
        return Err(Error::Usage(
            "CSV cannot hold monitors: use `--format yaml` or `--format jsonl` with \
             --include-monitors, or drop --include-monitors to export the tracking plan as CSV"
                .to_owned(),
        ));
    }
    let Some(integration) = args.integration.as_deref() else {
        return Err(Error::Usage(
            "export needs the integration to write: `--integration NAME|UUID`, or \
             `integration` in secoda-sync.toml"
                .to_owned(),
        ));
    };
    let opts = ExportOptions {
        integration: IntegrationRef::parse(integration),
        categories: args.category.clone(),
        include_monitors: args.include_monitors,
        list_safe: args.format == InputFormat::Csv,
        concurrency: usize::from(args.connection.concurrency),
        property_types: args.types.into(),
    };
    let exported = run_in_session(&args.connection, printer, async |session| {
        Ok(export(&session.client, &opts).await?)
    })?;
    for w in &exported.warnings {
        printer.warn(w);
    }
    let set = &exported.set;
    let write = |w: &mut dyn Write| match args.format {
        InputFormat::Yaml => write_yaml(set, None, w),
        InputFormat::Csv => write_csv(set, w),
        InputFormat::Jsonl => write_jsonl(set, w),
    };
    let c = set.counts();
    if c.categories == 0 && c.monitors == 0 {
        printer.warn(format!(
            "`{integration}` holds no event categories: the export is empty, and `plan` refuses \
             an empty manifest set"
        ));
    }
    let mut what = vec![
        count(c.categories, "category", "categories"),
        count(c.events, "event", "events"),
        count(c.properties, "property", "properties"),
    ];
    if args.include_monitors {
        what.push(count(c.monitors, "monitor", "monitors"));
    }
    let what = what.join(", ");
    let io_error = |path: String| {
        move |e: ManifestWriteError| match e {
            ManifestWriteError::Io(source) => Error::Io {
                action: "write",
                path,
                source,
            },
            other => Error::Write(other),
        }
    };
    match &args.out {
        Some(path) => {
            let shown = path.display().to_string();
            stage_with(path, write)
                .map_err(io_error(shown.clone()))?
                .commit()
                .map_err(|source| Error::Io {
                    action: "write",
                    path: shown.clone(),
                    source,
                })?;
            printer.status(format!("Exported {what} to `{shown}`"));
        }
        None => {
            let mut out = BufWriter::new(printer.stdout());
            write(&mut out)
                .and_then(|()| out.flush().map_err(ManifestWriteError::Io))
                .map_err(io_error("stdout".to_owned()))?;
            printer.status(format!("Exported {what}"));
        }
    }
    Ok(Exit::Success)
}
