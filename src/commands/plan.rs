//! `secoda-sync plan`: show what apply would change, without changing anything.

use super::session::{run_in_session, Session};
use crate::cli::PlanArgs;
use crate::error::{Error, Exit, Result};
use crate::manifest::{LoadOptions, Loaded};
use crate::output::Printer;
use crate::pipeline::{load_manifests_to, make_plan, print_plan, DiagnosticsTo};
use crate::plan::render::github::Locations;
use crate::plan::render::{Format, View};
use crate::plan::saved::{SavedPlan, SavedPlanError};

/// Runs `plan`.
///
/// # Errors
/// A connection or API failure, or a plan that cannot be written.
pub(crate) fn run(args: &PlanArgs, printer: &Printer) -> Result<Exit> {
    // Manifests are checked before anything connects: a bad manifest makes no call at all.
    let to = if args.format == Format::Github {
        DiagnosticsTo::Github
    } else {
        DiagnosticsTo::Stderr
    };
    let Some(loaded) = load_manifests_to(&LoadOptions::from(&args.manifests), printer, to) else {
        return Ok(Exit::Failure);
    };
    run_in_session(&args.connection, printer, async |session| {
        plan_in(args, &loaded, session, printer).await
    })
}

async fn plan_in(
    args: &PlanArgs,
    loaded: &Loaded,
    session: &Session,
    printer: &Printer,
) -> Result<Exit> {
    let concurrency = usize::from(args.connection.concurrency);
    let Some(mut planned) = make_plan(
        loaded,
        args.planning.owner_tag.as_deref(),
        args.planning.diff_options(args.manifests.input.types),
        args.planning.checks(),
        &session.client,
        concurrency,
        printer,
    )
    .await?
    else {
        return Ok(Exit::Failure);
    };
    if let Some(r) = &args.since_ref {
        let changed =
            crate::drift::manifest_changes(r, &LoadOptions::from(&args.manifests), &loaded.set)?;
        let n = crate::drift::mark_drift(&mut planned.plan, &changed, &planned.names, r);
        printer.status(format!(
            "{} since {r}: Secoda changed, the manifests did not",
            crate::output::count(n, "change is drift", "changes are drift")
        ));
    }
    let locations = Locations::of(&loaded.set);
    print_plan(
        &planned.plan,
        View {
            format: args.format,
            locations: Some(&locations),
            fail_on: args.fail_on,
        },
        &planned.names,
        &session.client,
        printer,
        &mut printer.stdout(),
    )
    .map_err(Error::writing("the plan"))?;
    let exit = Exit::of_plan(&planned.plan, args.fail_on, args.detailed_exitcode, printer);
    if let Some(path) = &args.out {
        // The plan moves into the file's document: a 100,000-change plan is not copied.
        let saved = SavedPlan::new(
            planned.plan,
            &session.origin,
            planned.fingerprint,
            &planned.options,
        )
        .in_environment(args.connection.environment.clone());
        let bytes = saved
            .to_bytes()
            .map_err(|e| SavedPlanError::io("write", path, e.into()))?;
        crate::atomic::write_atomic(path, &bytes)
            .map_err(|e| SavedPlanError::io("write", path, e))?;
        printer.status(format!(
            "Saved the plan to `{}`: apply it with `secoda-sync apply --plan {}`",
            path.display(),
            path.display()
        ));
    }
    Ok(exit)
}
