use clap::Parser;
use secoda_sync::{cli::Cli, commands, output::Printer};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let printer = Printer::new(&cli.global);
    match commands::run(cli) {
        Ok(exit) => exit.into(),
        Err(err) => {
            printer.error(&err);
            ExitCode::FAILURE
        }
    }
}
