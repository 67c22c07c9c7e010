//! The pipeline `plan` and `apply` share: manifests (diagnostics printed once, buffered) and a
//! client in, a plan out; and for a saved plan, the check that it still applies.

use crate::api::{ApiError, Client, Id, Rate};
use crate::manifest::{self, IntegrationRef, LoadOptions, Loaded, ManifestSet, Severity};
use crate::output::{count, thousands, Printer, Verbosity};
use crate::plan::integration_kind::wrong_home_warning;
use crate::plan::lookalikes::{find_lookalikes, Lookalike};
use crate::plan::preflight::{self, Caps, PreflightError, Problem};
use crate::plan::render::{self, Baseline, RenderContext, View};
use crate::plan::reserved::LeasesSeen;
use crate::plan::resolve::{resolve, LeftOutOwner, Names, ResolveError};
use crate::plan::saved::{SavedPlan, StaleError, Target};
use crate::plan::scope_check::{unmatched_keys, UnmatchedKey};
use crate::plan::verify;
use crate::plan::{diff, Action, DiffOptions, IntegrationInfo, Key, Plan, UsedDeletes};
use crate::workspace::{catalog_by_ids, count_properties, fetch_lookups, read_live, read_touched};
use std::collections::BTreeSet;
use std::io::Write as _;

/// Loads the manifests and prints their diagnostics; `None` when there are errors (nothing
/// may be called then).
#[must_use]
pub(crate) fn load_manifests(opts: &LoadOptions, printer: &Printer) -> Option<Loaded> {
    load_manifests_to(opts, printer, DiagnosticsTo::Stderr)
}

/// Where a load's diagnostics go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DiagnosticsTo {
    /// Rendered for a reader, on stderr.
    Stderr,
    /// As GitHub Actions workflow commands on stdout (`--format github`), every one of them:
    /// the runner reads them from there and shows each on its line.
    Github,
}

/// [`load_manifests`], its diagnostics printed `to`.
#[must_use]
pub(crate) fn load_manifests_to(
    opts: &LoadOptions,
    printer: &Printer,
    to: DiagnosticsTo,
) -> Option<Loaded> {
    let loaded = manifest::load(opts);
    match to {
        DiagnosticsTo::Stderr => print_diagnostics(&loaded, printer),
        DiagnosticsTo::Github => {
            let mut out = std::io::BufWriter::new(printer.stdout());
            // A closed stdout must not hide the verdict, which the exit code still carries.
            for d in &loaded.diagnostics {
                let _ = writeln!(out, "{}", d.github());
            }
            let _ = out.flush();
        }
    }
    if loaded.has_errors() {
        let n = loaded.count(Severity::Error);
        printer.status(format!(
            "{} in the manifests: nothing was planned or applied",
            count(n, "error", "errors")
        ));
        return None;
    }
    Some(loaded)
}

/// Prints the diagnostics of a load on stderr (errors only when quiet), flushed before this
/// returns so a summary printed next comes after them.
pub(crate) fn print_diagnostics(loaded: &Loaded, printer: &Printer) {
    // Buffered: a large set can bring thousands of diagnostics, each several writes.
    let mut err = std::io::BufWriter::new(printer.stderr());
    let sources = printer.color().then_some(&loaded.sources);
    // Codes in the order first seen, with how many of each there are.
    let mut seen: Vec<(manifest::Code, Severity, usize)> = Vec::new();
    for d in &loaded.diagnostics {
        if printer.verbosity() == Verbosity::Quiet && !d.is_error() {
            continue;
        }
        let i = seen
            .iter()
            .position(|(c, ..)| *c == d.code)
            .unwrap_or_else(|| {
                seen.push((d.code, d.severity, 0));
                seen.len() - 1
            });
        seen[i].2 += 1;
        if seen[i].2 > SHOWN_PER_CODE {
            continue;
        }
        // A closed stderr must not hide the verdict, which the exit code still carries.
        let _ = d.render(&mut err, printer.color(), sources);
    }
    for (code, severity, n) in seen {
        if n > SHOWN_PER_CODE {
            let kind = match severity {
                Severity::Error => "errors",
                Severity::Warning => "warnings",
            };
            let more = thousands(u64::try_from(n - SHOWN_PER_CODE).unwrap_or(u64::MAX));
            let _ = writeln!(err, "... and {more} more {code} {kind}");
        }
    }
    let _ = err.flush();
}

/// How many diagnostics of one code are printed; the rest are folded into one count (an
/// 18,000-row file with one bad column would otherwise print 18,000 lines). `validate
/// --format json` lists them all.
pub(crate) const SHOWN_PER_CODE: usize = 20;

/// What planning against the workspace produced.
#[derive(Debug)]
// Made once per run and moved straight into its match: boxing would buy nothing.
#[allow(clippy::large_enum_variant)]
pub enum Planning {
    /// The plan, with the id -> name map its renderings need.
    Planned {
        /// The plan.
        plan: Plan,
        /// Id -> display name.
        names: Names,
        /// The options it was made with (`owner_tag` resolved), for saving it.
        options: DiffOptions,
    },
    /// Names in the manifests (or `--owner-tag`) that did not resolve; nothing was read.
    Unresolved(Vec<ResolveError>),
    /// The plan was made but must not be shown or applied (see `Refusal`).
    Refused(Vec<Refusal>),
}

/// Checks on a plan that the flags can relax.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Checks {
    /// `--allow-case-twins`: let creates beside a live case or Unicode twin through.
    pub allow_case_twins: bool,
}

/// Why a plan made from manifests is refused before it is shown.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// A `--target` or `--exclude` that names nothing.
    #[error(transparent)]
    Unmatched(#[from] UnmatchedKey),
    /// A create beside a live twin that differs only in case or Unicode form.
    #[error(transparent)]
    Lookalike(#[from] Lookalike),
    /// A rename whose old and new titles (or several old ones) are all live.
    #[error(transparent)]
    Rename(#[from] crate::plan::renames::RenameConflict),
}

/// The one warning for the vendor exports' owners that named neither a user nor a team: how
/// many, and the first few with their places (`migrate-report` lists them all).
fn left_out_owners_warning(left_out: &[LeftOutOwner]) -> Option<String> {
    const SHOWN: usize = 5;
    if left_out.is_empty() {
        return None;
    }
    let mut names: Vec<&str> = left_out.iter().map(|o| o.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    let shown: Vec<String> = left_out
        .iter()
        .take(SHOWN)
        .map(|o| format!("`{}` ({}, {})", o.name, o.item, o.origin))
        .collect();
    let more = left_out.len().saturating_sub(SHOWN);
    Some(format!(
        "{} in the vendor exports ({}) named neither a user nor a team of the workspace and \
         {} left out of {}: {}{}; add the users or teams in Secoda, or edit the export, to \
         keep them",
        count(left_out.len(), "owner", "owners"),
        count(names.len(), "distinct name", "distinct names"),
        if left_out.len() == 1 { "is" } else { "are" },
        if left_out.len() == 1 {
            "its resource"
        } else {
            "their resources"
        },
        shown.join(", "),
        if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        },
    ))
}

/// The whole read side of a run: fetches the lookups, resolves the manifests' names (and
/// `owner_tag`, which fills `opts.owner_tag`), reads the integration's live state and diffs;
/// refuses a `--target`/`--exclude` naming nothing and, unless `checks` allows them, creates
/// beside a live case twin.
///
/// # Errors
/// The first failed API call.
pub async fn plan(
    client: &Client,
    set: &ManifestSet,
    owner_tag: Option<&str>,
    mut opts: DiffOptions,
    checks: Checks,
    concurrency: usize,
    printer: &Printer,
) -> Result<Planning, ApiError> {
    let lookups = fetch_lookups(client, set, concurrency).await?;
    let mut errors = Vec::new();
    if let Some(tag) = owner_tag {
        match lookups.tag_id(tag) {
            Ok(id) => opts.owner_tag = Some(id),
            Err(e) => errors.push(*e),
        }
    }
    let resolved = match resolve(set, &lookups) {
        Ok(r) if errors.is_empty() => r,
        Ok(_) => return Ok(Planning::Unresolved(errors)),
        Err(mut e) => {
            e.append(&mut errors);
            return Ok(Planning::Unresolved(e));
        }
    };
    if let Some(warning) = left_out_owners_warning(&resolved.left_out_owners) {
        printer.warn(warning);
    }
    // The one spinner of a plan: it counts the resources read when the printer is interactive.
    let spinner = printer.spinner("{spinner} reading the workspace: {pos} resources ({elapsed})");
    let tick = || {
        if let Some(s) = &spinner {
            s.inc(1);
        }
    };
    let asked = std::time::Instant::now();
    let live = read_live(client, &resolved.integration, &lookups.integrations, &tick).await;
    if let Some(s) = spinner {
        s.finish_and_clear();
    }
    let mut live = live?;
    live.tags.clone_from(&lookups.tags);
    let unmatched = unmatched_keys(&resolved, &live, &opts);
    if !unmatched.is_empty() {
        return Ok(Planning::Refused(
            unmatched.into_iter().map(Refusal::from).collect(),
        ));
    }
    // The record of fields not kept is checked, not trusted: one edited in Secoda is ignored.
    if let Some(record) = crate::plan::fidelity::record::find(&live.categories, &live.events) {
        if let Some(why) = &record.unread {
            printer.warn(format!(
                "the workspace's record of fields not kept (event {}) is ignored: {why}; every \
                 field is compared, and the next apply that finds a field not kept rewrites the \
                 record",
                record.id
            ));
        }
    }
    // A category declared with no events is far more often a mistake than a wish.
    for warning in crate::plan::diff::empty_categories(&resolved, &live, &opts) {
        printer.warn(warning);
    }
    let mut plan = diff(&resolved, &live, &opts);
    plan.leases_seen = LeasesSeen::find(
        &live.categories,
        &live.events,
        &resolved.integration.id,
        asked,
    );
    if !plan.rename_conflicts.is_empty() {
        let conflicts = std::mem::take(&mut plan.rename_conflicts);
        return Ok(Planning::Refused(
            conflicts.into_iter().map(Refusal::from).collect(),
        ));
    }
    if !checks.allow_case_twins {
        let lookalikes = find_lookalikes(&plan, &resolved, &live);
        if !lookalikes.is_empty() {
            return Ok(Planning::Refused(
                lookalikes.into_iter().map(Refusal::from).collect(),
            ));
        }
    }
    // A tracking plan under a warehouse or BI tool is almost always a wrong `integration:`.
    let home = wrong_home_warning(&plan, &live.integration, &lookups.integrations);
    if let Some(warning) = home {
        printer.warn(warning);
    }
    Ok(Planning::Planned {
        plan,
        names: resolved.names,
        options: opts,
    })
}

/// A plan made from manifests, with what rendering and saving it need.
#[derive(Debug)]
pub(crate) struct Planned {
    /// The plan.
    pub plan: Plan,
    /// Id -> display name, for rendering id lists.
    pub names: Names,
    /// The options it was made with.
    pub options: DiffOptions,
    /// Fingerprint of the manifests the plan was made from.
    pub fingerprint: String,
}

/// Plans `loaded` against the client's workspace; `None` when names did not resolve (each
/// problem printed).
///
/// # Errors
/// The first failed API call.
pub(crate) async fn make_plan(
    loaded: &Loaded,
    owner_tag: Option<&str>,
    mut opts: DiffOptions,
    checks: Checks,
    client: &Client,
    concurrency: usize,
    printer: &Printer,
) -> Result<Option<Planned>, ApiError> {
    // `no-delete-used` is configured in the manifests but judged on the plan's deletes.
    opts.used_deletes.min_usage = loaded.rules.used_delete_floor();
    match plan(
        client,
        &loaded.set,
        owner_tag,
        opts,
        checks,
        concurrency,
        printer,
    )
    .await?
    {
        Planning::Planned {
            mut plan,
            names,
            options,
        } => Ok(Some(Planned {
            // `plan` counts the writes the apply's lease will make.
            plan: {
                if let Some(min) = loaded.rules.warns_used_deletes() {
                    warn_used_deletes(&plan, min, &options, printer);
                }
                let rate = client.write_rate().unwrap_or(Rate::SECODA_WRITES);
                plan.lease_writes =
                    crate::apply::lease::planned_writes(plan.summary().writes(), rate);
                plan
            },
            names,
            options,
            fingerprint: loaded.fingerprint.clone(),
        })),
        Planning::Unresolved(mut errors) => {
            locate_integration(&mut errors, loaded);
            report_unresolved(&errors, printer);
            Ok(None)
        }
        Planning::Refused(refusals) => {
            for r in &refusals {
                printer.error(r);
            }
            printer.status("The plan was refused: nothing was planned or applied");
            Ok(None)
        }
    }
}

/// `no-delete-used` as a warning: names each used delete `--allow-used-deletes` does not.
fn warn_used_deletes(plan: &Plan, min: u64, opts: &DiffOptions, printer: &Printer) {
    let rule = UsedDeletes {
        min_usage: Some(min),
        allow: opts.used_deletes.allow.clone(),
    };
    for c in &plan.changes {
        if let Some(total) = rule.judges(c) {
            printer.warn(format!(
                "[no-delete-used] the plan deletes {} \"{}\", used {} times",
                c.kind,
                c.key,
                crate::output::thousands(total)
            ));
        }
    }
}

/// Places an unresolved integration where it is named: the `integration:` line of the file,
/// or `--integration`.
fn locate_integration(errors: &mut [ResolveError], loaded: &Loaded) {
    let named = |e: &&mut ResolveError| {
        e.field == "integration" && !matches!(e.problem, crate::plan::resolve::Problem::Missing)
    };
    for e in errors.iter_mut().filter(named) {
        e.origin.clone_from(&loaded.integration_at);
        if loaded.integration_at.is_none() {
            "--integration".clone_into(&mut e.item);
        }
    }
}

fn report_unresolved(errors: &[ResolveError], printer: &Printer) {
    for e in errors {
        printer.error(e);
    }
    printer.status(format!(
        "{} in the manifests did not resolve: nothing was planned or applied",
        count(errors.len(), "name", "names")
    ));
}

/// Renders `plan` to `w` at the client's write rate (Secoda's 30/min when unpaced, so the
/// estimate is what a real workspace would take).
///
/// # Errors
/// When `w` cannot be written.
pub(crate) fn print_plan(
    plan: &Plan,
    view: View<'_>,
    names: &Names,
    client: &Client,
    printer: &Printer,
    w: &mut impl std::io::Write,
) -> std::io::Result<()> {
    // Twins are named on every plan shown, never hidden.
    for twins in &plan.twins {
        printer.warn(twins);
    }
    for hint in crate::plan::renames::hints(plan) {
        printer.warn(hint);
    }
    let ctx = RenderContext {
        write_rate: client.write_rate().unwrap_or(Rate::SECODA_WRITES),
        names,
        color: printer.color(),
        baseline: Baseline::Workspace,
        locations: view.locations,
        fail_on: view.fail_on,
    };
    // Buffered: stdout flushes at every newline, a syscall per line of a large plan.
    let mut w = std::io::BufWriter::new(w);
    render::render(plan, view.format, &ctx, &mut w).and_then(|()| w.flush())
}

/// Why a saved plan cannot be applied.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SavedCheckError {
    /// Reading the workspace failed.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// Something the plan touches moved since it was made.
    #[error(transparent)]
    Stale(#[from] StaleError),
    /// An id in the plan does not name the resource its key says (a hand-edited plan, or one
    /// whose resources were replaced since).
    #[error(transparent)]
    Mismatch(#[from] crate::plan::verify::MismatchError),
    /// The plan's own content is refused: edited, over the caps, a delete it was not made to
    /// make, a field its kind does not carry, a create without its parent.
    #[error(transparent)]
    Preflight(#[from] PreflightError),
}

/// The catalog entries a saved plan's monitors target: read too, so the plan shows their
/// paths as `plan` did, not ids.
#[must_use]
pub(crate) fn monitor_targets(saved: &SavedPlan) -> Vec<Id> {
    let targets: BTreeSet<Id> = saved
        .plan
        .changes
        .iter()
        .filter_map(|c| match &c.key {
            Key::Monitor(target, ..) => Some(Id(target.clone())),
            _ => None,
        })
        .collect();
    targets.into_iter().collect()
}

/// Where `apply --plan` runs, as its settings say.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SavedPlanTarget<'a> {
    /// The API base URL connected to.
    pub origin: &'a str,
    /// The config file's environment, when one was chosen.
    pub environment: Option<&'a str>,
    /// The integration the settings name (the config file's `integration`), if any.
    pub integration: Option<&'a str>,
}

/// Checks a saved plan whole before any write: its own content (see [`preflight`], with the
/// deletes counted against `caps` with the properties they really remove, and each monitor
/// change folded into its write), then that it is still fresh: made against the host and
/// environment of `target`, for its integration (the plan's own when the settings name none)
/// and that still in the workspace, and every resource it touches unchanged since. Returns the
/// plan with its names.
///
/// # Errors
/// A failed read, or every reason the plan is refused.
pub(crate) async fn check_saved(
    saved: SavedPlan,
    client: &Client,
    target: &SavedPlanTarget<'_>,
    caps: Caps,
    concurrency: usize,
) -> Result<(Plan, Names), SavedCheckError> {
    let none = ManifestSet::default();
    let targets = monitor_targets(&saved);
    let (mut lookups, catalog, current, children) = tokio::try_join!(
        fetch_lookups(client, &none, concurrency),
        catalog_by_ids(client, &targets, concurrency),
        read_touched(client, verify::ids_to_read(&saved), concurrency),
        count_properties(client, preflight::deleted_events(&saved), concurrency),
    )?;
    let mut problems = preflight::check(&saved, caps, &children)
        .err()
        .map_or_else(Vec::new, |e| e.0);
    problems.extend(monitor_write_problems(&saved));
    if !problems.is_empty() {
        return Err(PreflightError(problems).into());
    }
    lookups.add_catalog(catalog);
    // An integration missing from the workspace reads as a different one.
    let wanted = target.integration.map_or_else(
        || IntegrationRef::Id(saved.integration.id.0.clone()),
        IntegrationRef::parse,
    );
    let integration = lookups
        .integrations
        .iter()
        .find(|i| match &wanted {
            IntegrationRef::Id(id) => i.id.0.eq_ignore_ascii_case(id),
            IntegrationRef::Name(name) => i.name.eq_ignore_ascii_case(name),
        })
        .map_or_else(
            || IntegrationInfo {
                id: Id::from("not in this workspace"),
                name: wanted.to_string(),
            },
            |i| IntegrationInfo {
                id: i.id.clone(),
                name: i.name.clone(),
            },
        );
    // Every id must still name the resource its key says, before any write.
    verify::verify(&saved, &current)?;
    let current: Vec<(Id, String)> = current.into_iter().map(|r| (r.id, r.updated_at)).collect();
    let target = Target {
        base_url: target.origin,
        integration,
        environment: target.environment,
    };
    saved.check_fresh(&target, &current)?;
    let mut names = lookups.names();
    // A tag the plan creates is shown by name, as `plan` showed it.
    for c in &saved.plan.changes {
        if let (Action::Create, Key::Tag(name)) = (c.action, &c.key) {
            names.insert(Id::pending_tag(name), name.clone());
        }
    }
    Ok((saved.plan, names))
}

/// Each monitor change that cannot be folded into its write (a field the monitor body does
/// not have, or a value of the wrong type): the field table covers the other kinds.
fn monitor_write_problems(saved: &SavedPlan) -> Vec<Problem> {
    saved
        .plan
        .changes
        .iter()
        .filter(|c| c.kind == crate::plan::Kind::Monitor && c.action.is_write())
        .filter_map(
            |c| match crate::apply::write::write_for(c, &saved.integration.id, None) {
                Err(crate::apply::write::WriteError::BadField { field, reason, .. }) => {
                    Some(Problem::Field {
                        kind: c.kind,
                        key: c.key.to_string(),
                        field,
                        reason,
                    })
                }
                _ => None,
            },
        )
        .collect()
}
