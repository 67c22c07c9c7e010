//! `secoda-sync schema`: print or write the JSON Schemas generated from the manifest types and
//! the `--json` document types.

use crate::cli::{SchemaArgs, Which};
use crate::error::{Error, Exit, Result};
use crate::manifest::document;
use crate::output::Printer;
use std::io::Write;
use std::path::PathBuf;

/// File names of the schemas written by `--out-dir`.
pub(crate) const FILES: [(&str, Which); 6] = [
    ("manifest.schema.json", Which::Manifest),
    ("jsonl-record.schema.json", Which::JsonlRecord),
    ("plan.schema.json", Which::Plan),
    ("apply.schema.json", Which::Apply),
    ("doctor.schema.json", Which::Doctor),
    ("monitors-status.schema.json", Which::MonitorsStatus),
];

fn text(which: Which) -> String {
    match which {
        Which::Manifest => document::manifest_schema(),
        Which::JsonlRecord => document::jsonl_record_schema(),
        Which::Plan => crate::plan::render::json::schema_json(),
        Which::Apply => crate::apply::document::schema_json(),
        Which::Doctor => crate::doctor::report::schema_json(),
        Which::MonitorsStatus => crate::monitor_status::document::schema_json(),
    }
}

/// Runs `schema`.
///
/// # Errors
/// When a file or stdout cannot be written.
pub(crate) fn run(args: &SchemaArgs, printer: &Printer) -> Result<Exit> {
    let Some(dir) = &args.out_dir else {
        printer
            .stdout()
            .write_all(text(args.which).as_bytes())
            .map_err(|source| Error::Io {
                action: "write",
                path: "stdout".into(),
                source,
            })?;
        return Ok(Exit::Success);
    };
    let io = |path: &PathBuf| {
        let path = path.display().to_string();
        move |source| Error::Io {
            action: "write",
            path,
            source,
        }
    };
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    for (name, which) in FILES {
        let path = dir.join(name);
        crate::atomic::write_atomic(&path, text(which).as_bytes()).map_err(io(&path))?;
        printer.status(format_args!("wrote {}", path.display()));
    }
    Ok(Exit::Success)
}
