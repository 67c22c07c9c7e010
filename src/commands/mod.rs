//! One file per subcommand, each wiring library pieces together (their arguments live in
//! `cli`); `run` dispatches. Verbs do not import each other; `session` and `connect` are the
//! connection every verb that talks to the API shares, and `error` is the commands' error type
//! and exit codes, which nothing below the commands may name.

pub(crate) mod apply;
pub(crate) mod audit;
pub(crate) mod completions;
pub(crate) mod config;
pub(crate) mod connect;
pub(crate) mod diff;
pub(crate) mod doctor;
pub(crate) mod error;
pub(crate) mod export;
pub(crate) mod migrate_report;
pub(crate) mod monitors;
pub(crate) mod plan;
pub(crate) mod sandbox;
pub(crate) mod schema;
pub(crate) mod session;
pub(crate) mod unlock;
pub(crate) mod validate;

use crate::cli::{Cli, Command};
use crate::error::{Exit, Result};
use crate::output::Printer;

/// Runs the parsed command line, printing through `printer` (the caller's, which reports the
/// error too).
///
/// # Errors
/// Whatever the command fails with; the caller prints it and exits 1.
pub(crate) fn run(cli: Cli, printer: &Printer) -> Result<Exit> {
    match cli.command {
        Command::Validate(args) => validate::run(&args, printer),
        Command::Schema(args) => schema::run(&args, printer),
        Command::Sandbox(cmd) => sandbox::run(cmd, printer),
        Command::Plan(args) => plan::run(&args, printer),
        Command::Apply(args) => apply::run(&args, printer),
        Command::Monitors(cmd) => monitors::run(&cmd, printer),
        Command::Export(args) => export::run(&args, printer),
        Command::Unlock(args) => unlock::run(&args, printer),
        Command::Doctor(args) => doctor::run(&args, printer),
        Command::Diff(args) => diff::run(&args, printer),
        Command::Completions(args) => completions::completions(&args, printer),
        Command::Man => completions::man(printer),
        Command::Config(args) => config::run(
            &args,
            cli.global.config.as_deref(),
            cli.global.env.as_deref(),
            printer,
        ),
        Command::MigrateReport(args) => migrate_report::run(&args, printer),
        Command::Audit(args) => audit::run(&args, printer),
    }
}
