//! Command-line types (clap derive), one args file per verb. Argument groups shared between
//! verbs have their own files, so that a command line can switch `validate` / `plan` /
//! `apply` / `export` freely.

pub(crate) mod apply;
pub(crate) mod audit;
pub(crate) mod completions;
pub(crate) mod config;
pub(crate) mod connection;
pub(crate) mod diff;
pub(crate) mod doctor;
pub(crate) mod export;
pub(crate) mod global;
pub(crate) mod layered;
mod load_options;
pub(crate) mod manifests;
pub(crate) mod migrate_report;
pub(crate) mod monitors;
pub(crate) mod numbers;
pub(crate) mod plan;
pub(crate) mod planning;
pub(crate) mod sandbox;
pub(crate) mod schema;
pub(crate) mod settings;
pub(crate) mod unlock;
pub(crate) mod validate;

pub(crate) use apply::{ApplyArgs, LockArgs};
pub(crate) use audit::AuditArgs;
pub(crate) use connection::{ConnectionArgs, Region};
pub(crate) use doctor::{DoctorArgs, DoctorFormat};
pub(crate) use export::ExportArgs;
pub(crate) use global::GlobalArgs;
pub(crate) use manifests::{
    InputArgs, InputFormat, ManifestArgs, PresetArgs, PropertyTypes, PropertyTypesArgs,
};
pub(crate) use migrate_report::{MigrateFormat, MigrateReportArgs};
pub(crate) use monitors::{MonitorsCommand, StatusArgs, StatusFormat};
pub(crate) use plan::PlanArgs;
pub(crate) use planning::PlanningArgs;
pub(crate) use sandbox::{SandboxCommand, ServeArgs};
pub(crate) use schema::{SchemaArgs, Which};
pub(crate) use unlock::UnlockArgs;
pub(crate) use validate::{ReportFormat, ValidateArgs};

use clap::{Parser, Subcommand};

const EXIT_CODES: &str = "\
Exit codes:
  0    success (with --detailed-exitcode: no changes)
  1    error: invalid input, API failure, refused or failed apply
  2    changes pending (plan --detailed-exitcode only)
  130  interrupted (Ctrl-C)
  141  the reader of stdout went away (nothing is reported)
  143  terminated (SIGTERM): apply stops as on Ctrl-C, reports what it did and exits 143;
       other commands end at once (sandbox serve saves its state first and exits 0)";

/// Keep a Secoda workspace's tracking plan (event categories, events, properties) and
/// data-quality monitors in line with manifests kept in git.
#[derive(Debug, Parser)]
#[command(name = "secoda-sync", version, about, after_help = EXIT_CODES, max_term_width = 100)]
pub struct Cli {
    /// Output and logging options.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check manifests without touching the network.
    Validate(ValidateArgs),
    /// Print or write the JSON Schemas of the manifest formats and the `--json` documents.
    Schema(SchemaArgs),
    /// Run a Secoda-compatible API emulator (for rehearsals and tests).
    #[command(subcommand)]
    Sandbox(SandboxCommand),
    /// Show what apply would change.
    Plan(PlanArgs),
    /// Make the workspace match the manifests.
    #[command(mut_arg("paths", |a| a.required(false).required_unless_present("plan")))]
    Apply(ApplyArgs),
    /// Write a live integration's tracking plan (and monitors) as manifests.
    Export(ExportArgs),
    /// Remove the apply lease of a run that died.
    Unlock(UnlockArgs),
    /// Compare two manifest sets offline (no token): what a pull request changes.
    Diff(diff::DiffArgs),
    /// Print the effective settings and where each comes from (flag, env, file, default).
    Config(config::ConfigArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell).
    Completions(completions::CompletionsArgs),
    /// Print the man page (roff) on stdout.
    Man,
    /// Report what migrating vendor exports (`--from avo|amplitude|segment|...`) carries, offline.
    MigrateReport(MigrateReportArgs),
    /// Run the tracking-plan rules over a live integration (read only).
    Audit(AuditArgs),
    /// Inspect the workspace's monitors (`monitors status`).
    #[command(subcommand)]
    Monitors(MonitorsCommand),
    /// Check a workspace read-only: token, host, endpoints, paging, filters, latency.
    Doctor(DoctorArgs),
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{Args, CommandFactory};

    /// A flag declared after a flattened group inherits the group's heading unless it names
    /// its own: every flag under `Connection` must be a connection flag.
    #[test]
    fn only_connection_flags_are_under_the_connection_heading() {
        let connection = ConnectionArgs::augment_args(clap::Command::new("c"));
        let ids: Vec<_> = connection.get_arguments().map(clap::Arg::get_id).collect();
        fn walk(cmd: &clap::Command, ids: &[&clap::Id]) {
            for a in cmd.get_arguments() {
                if a.get_help_heading() == Some("Connection") {
                    assert!(
                        ids.contains(&a.get_id()),
                        "`{}` of `{}` is under Connection",
                        a.get_id(),
                        cmd.get_name()
                    );
                }
            }
            for sub in cmd.get_subcommands() {
                walk(sub, ids);
            }
        }
        walk(&Cli::command(), &ids);
    }
}
