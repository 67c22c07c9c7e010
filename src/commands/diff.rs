//! `secoda-sync diff`: two manifest sets compared offline, rendered like a plan.

use crate::cli::diff::DiffArgs;
use crate::error::{Error, Exit, Result};
use crate::manifest::{LoadOptions, Loaded, ManifestSet};
use crate::output::Printer;
use crate::pipeline::{load_manifests, load_manifests_to, DiagnosticsTo};
use crate::plan::offline::{diff_manifests, live_of, placeholder_lookups};
use crate::plan::render::github::Locations;
use crate::plan::render::{self, Baseline, RenderContext};
use crate::plan::scope_check::unmatched_keys;
use crate::plan::{resolve, DiffOptions};
use std::io::Write as _;
use std::path::PathBuf;

/// Runs `diff`.
///
/// # Errors
/// A base ref git cannot read, or stdout that cannot be written.
pub(crate) fn run(args: &DiffArgs, printer: &Printer) -> Result<Exit> {
    let (base_paths, new_paths, snapshot) = match &args.base_ref {
        Some(r) => {
            let snap = crate::git::snapshot(r, &args.paths)?;
            // A path added since the ref has no base: it is all creates.
            let base: Vec<PathBuf> = snap.paths.iter().filter(|p| p.exists()).cloned().collect();
            (base, args.paths.clone(), Some(snap))
        }
        None => match args.paths.as_slice() {
            [base, new] => (vec![base.clone()], vec![new.clone()], None),
            _ => {
                return Err(Error::Usage(
                    "diff takes two paths, BASE and NEW (or --base-ref REF and the new paths)"
                        .to_owned(),
                ))
            }
        },
    };
    // The new set's files are the pull request's: annotations on them land on its lines (the
    // base set's are a snapshot's, so they stay on stderr).
    let to = if args.format == render::Format::Github {
        DiagnosticsTo::Github
    } else {
        DiagnosticsTo::Stderr
    };
    let Some(new) = load_manifests_to(&load_options(args, new_paths), printer, to) else {
        return Ok(Exit::Failure);
    };
    let base = if base_paths.is_empty() {
        ManifestSet {
            vendor_files: Vec::new(),
            integration: new.set.integration.clone(),
            ..ManifestSet::default()
        }
    } else {
        let Some(Loaded { set, .. }) = load_manifests(&load_options(args, base_paths), printer)
        else {
            return Ok(Exit::Failure);
        };
        set
    };
    drop(snapshot);
    let locations = Locations::of(&new.set);
    let lookups = placeholder_lookups(&[&base, &new.set]);
    let resolved = resolve(&base, &lookups).and_then(|b| Ok((b, resolve(&new.set, &lookups)?)));
    let (base, new) = match resolved {
        Ok(pair) => pair,
        Err(errors) => {
            for e in &errors {
                printer.error(e);
            }
            return Ok(Exit::Failure);
        }
    };
    let opts = DiffOptions {
        prune: args.prune,
        targets: args.target.clone(),
        excludes: args.exclude.clone(),
        property_types: args.input.types.into(),
        ..DiffOptions::default()
    };
    // A key naming nothing in either set is a typo, not an empty comparison.
    let unmatched = unmatched_keys(&new, &live_of(&base), &opts);
    if !unmatched.is_empty() {
        for e in &unmatched {
            printer.error(e);
        }
        return Ok(Exit::Failure);
    }
    let plan = diff_manifests(&base, &new, &opts);
    if !plan.rename_conflicts.is_empty() {
        for e in &plan.rename_conflicts {
            printer.error(e);
        }
        return Ok(Exit::Failure);
    }
    for hint in crate::plan::renames::hints(&plan) {
        printer.warn(hint);
    }
    let ctx = RenderContext {
        write_rate: crate::api::Rate::SECODA_WRITES,
        names: &new.names,
        color: printer.color(),
        baseline: Baseline::ManifestSet,
        locations: Some(&locations),
        fail_on: args.fail_on,
    };
    let mut out = std::io::BufWriter::new(printer.stdout());
    render::render(&plan, args.format, &ctx, &mut out)
        .and_then(|()| out.flush())
        .map_err(Error::writing("the diff"))?;
    Ok(Exit::of_plan(
        &plan,
        args.fail_on,
        args.detailed_exitcode,
        printer,
    ))
}

fn load_options(args: &DiffArgs, paths: Vec<PathBuf>) -> LoadOptions {
    let input = &args.input;
    LoadOptions {
        paths,
        integration: input.integration.clone(),
        csv_map: input.csv_map.clone(),
        csv_empty: input.csv_empty,
        stdin_format: input.stdin_format.map(Into::into),
        preset: crate::manifest::PresetOptions::default(),
        rules: None,
    }
}
