//! The secoda-sync binary: parse the arguments, run the command, turn its outcome into an exit code.

use secoda_sync::{cli, commands};
use std::process::ExitCode;

fn main() -> ExitCode {
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
