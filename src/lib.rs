//! secoda-sync: keep a Secoda workspace's tracking plan and monitors in line with manifests.
//!
//! Data flows one way: manifests -> desired state (`manifest`); API -> live state (`api`);
//! diff(desired, live) -> plan (`plan`); plan -> executor -> API (`apply`). The layers are
//! crate-private; the library's surface is [`main`] (the whole binary), [`testing`] (what the
//! integration tests and benches drive) and the two crates beside it, [`sandbox`] and
//! [`atomic`]. ARCHITECTURE.md draws the layers.

mod api;
mod apply;
mod audit;
mod cli;
mod commands;
mod config_file;
mod doctor;
mod drift;
mod export;
mod fields;
mod git;
mod manifest;
mod monitor_status;
mod output;
mod pipeline;
mod plan;
pub mod testing;
mod workspace;

pub use secoda_sync_atomic as atomic;
pub use secoda_sync_sandbox as sandbox;

// The commands' error and exit codes, at the path the commands name (`crate::error`).
use commands::error;

/// The binary: parse the arguments, run the command, turn its outcome into an exit code.
#[must_use]
pub fn main() -> std::process::ExitCode {
    use std::process::ExitCode;
    let cli = cli::layered::parse();
    let printer = cli.global.printer();
    match commands::run(cli, &printer) {
        Ok(exit) => exit.into(),
        // What a shell reports for a process stopped by SIGPIPE, which Rust ignores.
        Err(err) if err.is_closed_output() => ExitCode::from(141),
        Err(err) => {
            printer.error(&err);
            ExitCode::FAILURE
        }
    }
}
